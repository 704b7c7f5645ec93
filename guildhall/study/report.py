"""Study, education and codes of conduct in the annual report, from the module's own
figures (per association, never per person)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guildhall.kit import report
from guildhall.study.models import Activity, SessionStatus, StudySession
from guildhall.study.queries import figures, published_versions, rates_by_version


def build(org: Any, year: int) -> report.SectionData:
    data = report.SectionData(key="study", title=str(report.EXPECTED[5][1]))
    fig = figures(org, year)
    sessions = list(StudySession.objects.filter(organization=org, status=SessionStatus.CONFIRMED,
                                                held_at__year=year).order_by("held_at", "pk"))
    of = report.records_of(sessions, _("Study session"), date=lambda s: s.held_at,
                           title=lambda s: s.topic)
    data.figures += [
        report.Figure(key="sessions", label=_("Study sessions held"), value=str(fig.sessions),
                      records=of, number=fig.sessions),
        report.Figure(key="hours", label=_("Hours of study"), value=str(fig.hours), records=of,
                      number=float(fig.hours)),
        report.percent("participation", _("Participation rate"), fig.participation, of),
        report.Figure(key="planned", label=_("Topics of the study plan carried out"),
                      value=f"{fig.planned_held}/{fig.planned}", number=fig.planned_held),
    ]
    activities = list(Activity.objects.filter(organization=org, date__year=year).order_by("date", "pk"))
    data.figures.append(report.count("activities", _("Education activities"), report.records_of(
        activities, _("Education activity"), date=lambda a: a.date)))
    versions = list(published_versions([org.pk]))
    rates = rates_by_version(versions)
    acknowledged = sum(r.acknowledged for r in rates.values())
    members = sum(r.members for r in rates.values())
    code_records = report.records_of(versions, _("Code of conduct"), date=lambda v: getattr(
        v, "published_at", None), title=lambda v: v.code.title)
    data.figures.append(report.count("codes", _("Codes of conduct in force"), code_records))
    data.figures.append(report.percent("acknowledgement", _("Acknowledgement rate of the codes"),
                                       acknowledged / members if members else None, code_records))
    if versions:
        data.tables.append(report.Table(
            title=_("Codes of conduct"), headers=[_("Code"), _("Acknowledgement rate")],
            rows=[[v.code.title, rates[v.pk].percent] for v in versions]))
    return data


report.register(report.Section("study", gettext_lazy("Study, education and codes of conduct"),
                               60, build))
