"""One row's figures as people read them: the page's cells and the export's columns come
from here, so both show the same figures."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from guildhall.dashboard.models import ReportStatus, Row
from guildhall.dashboard.sources import Column


def severity_label(value: str) -> str:
    from guildhall.incidents.models import Severity

    return str(Severity(value).label) if value else ""


def plan_status_label(value: str) -> str:
    from guildhall.plans.models import PlanStatus

    return str(PlanStatus(value).label) if value else _("No plan")


def export_header(columns: list[Column]) -> list[str]:
    """The export's header: every column, the figures a cell combines split in two."""
    out = []
    for c in columns:
        out += {
            "name": [_("Association"), _("Unified social credit code")],
            "completion": [_("Plan completion (%)"), _("Plan status")],
            "pending": [_("Pending approvals"), _("Of them overdue")],
            "incidents": [_("Open incidents"), _("Highest severity")],
            "study": [_("Study sessions"), _("Planned topics"), _("Study hours")],
            "ack_rate": [_("Codes acknowledged (%)")],
            "last_activity": [_("Last activity")],
        }.get(c.key, [str(c.label)])
    return out


def export_values(row: Row, columns: list[Column]) -> list[Any]:
    org = row.organization
    out: list[Any] = []
    for c in columns:
        if c.key == "name":
            out += [org.name, org.credit_code]
        elif c.key == "region":
            out.append(org.region)
        elif c.key == "completion":
            out += [row.completion, plan_status_label(row.plan_status)]
        elif c.key == "overdue":
            out.append(row.overdue)
        elif c.key == "grade":
            out.append(row.grade)
        elif c.key == "pending":
            out += [row.pending, row.pending_overdue]
        elif c.key == "incidents":
            out += [row.incidents_open, severity_label(row.top_severity)]
        elif c.key == "late_reports":
            out.append(row.late_reports)
        elif c.key == "study":
            out += [row.study_sessions, row.study_planned, float(row.study_hours or 0)]
        elif c.key == "ack_rate":
            out.append(row.ack_rate)
        elif c.key == "report":
            out.append(str(ReportStatus(row.report_status or "none").label))
        elif c.key == "channels_paused":
            out.append(row.channels_paused)
        elif c.key == "last_activity":
            out.append(f"{timezone.localtime(row.last_activity):%Y-%m-%d}" if row.last_activity else "")
        elif c.key == "has_admin":
            out.append(_("Yes") if row.has_admin else _("No"))
    return out
