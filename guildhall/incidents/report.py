"""The incidents' part of the annual report: incidents by severity and their response times,
from the figures the supervisor's board uses."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guildhall.incidents.models import Incident, Severity
from guildhall.incidents.services import figures
from guildhall.kit import report


def build(org: Any, year: int) -> report.SectionData:
    data = report.SectionData(key="incidents", title=str(report.EXPECTED[4][1]))
    qs = Incident.objects.filter(organization=org, discovered_at__year=year)
    incidents = list(qs.order_by("discovered_at", "pk"))
    kind = _("Incident")

    def of(selected: list[Incident]) -> list[report.Record]:
        return report.records_of(selected, kind, date=lambda i: i.discovered_at)

    data.figures.append(report.count("total", _("Incidents"), of(incidents)))
    for severity in Severity:
        data.figures.append(report.count(f"severity_{severity}", _("Severity: %(level)s") % {
            "level": severity.label}, of([i for i in incidents if i.severity == severity])))
    row = next(iter(figures(qs)), {})
    data.figures.append(report.count("late", _("First reports made late"),
                                     of([i for i in incidents if i.first_report_late])))
    reported = [i for i in incidents if i.minutes_to_first_report is not None]
    data.figures.append(report.Figure(
        key="to_first", label=_("Average minutes from discovery to the first report"),
        value="—" if row.get("to_first") is None else str(row["to_first"]),
        records=of(reported), number=row.get("to_first")))
    data.figures.append(report.Figure(
        key="to_ack", label=_("Average minutes from a report to its acknowledgement"),
        value="—" if row.get("to_ack") is None else str(row["to_ack"]),
        records=of([i for i in incidents if i.reports.exclude(minutes_to_ack=None).exists()]),
        number=row.get("to_ack")))
    return data


report.register(report.Section("incidents", gettext_lazy("Incidents and important situations"),
                               50, build))
