"""The special meetings' part of the annual report."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guildhall.kit import report
from guildhall.meetings.models import MeetingRules, Status
from guildhall.meetings.queries import association_meetings
from guildhall.meetings.services import follow_ups


def build(org: Any, year: int) -> report.SectionData:
    data = report.SectionData(key="meetings", title=str(report.EXPECTED[1][1]))
    held = list(association_meetings(org, year).filter(status=Status.HELD).order_by("held_at", "pk"))
    kind = _("Special meeting")
    data.figures.append(report.count("held", _("Special meetings held"), report.records_of(
        held, kind, date=lambda m: m.held_at, title=lambda m: m.title)))
    minimum = MeetingRules.for_association(org).minimum_per_year
    data.figures.append(report.Figure(key="minimum", label=_("Minimum asked for by the supervising body"),
                                      value=str(minimum), number=minimum))
    tasks = [(m, t) for m in held for t in follow_ups(m)]
    data.figures.append(report.count("follow_ups", _("Conclusions made plan items"), [
        report.Record(type=_("Plan item"), title=str(getattr(t, "title", t)),
                      date=report.day(getattr(t, "due_date", None)),
                      url=t.get_absolute_url() if hasattr(t, "get_absolute_url") else "",
                      id=str(getattr(t, "pk", ""))) for _m, t in tasks]))
    if held:
        data.tables.append(report.Table(
            title=_("Special meetings held"), headers=[_("Date"), _("Topic"), _("Conclusions")],
            rows=[[report.day(m.held_at), m.title, str(len(m.conclusions or []))] for m in held]))
    return data


report.register(report.Section("meetings", gettext_lazy("Special meetings"), 20, build))
