"""One row's figures as people read them: the page's cells and the export's columns come
from here, so both show the same figures."""

from __future__ import annotations

import datetime as dt
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


#: The row's fields each column's export values read, in order.
EXPORT_FIELDS: dict[str, list[str]] = {
    "name": ["organization__name", "organization__credit_code"],
    "region": ["organization__region"],
    "completion": ["completion", "plan_status"],
    "overdue": ["overdue"],
    "grade": ["grade"],
    "pending": ["pending", "pending_overdue"],
    "incidents": ["incidents_open", "top_severity"],
    "late_reports": ["late_reports"],
    "study": ["study_sessions", "study_planned", "study_hours"],
    "ack_rate": ["ack_rate"],
    "report": ["report_status"],
    "channels_paused": ["channels_paused"],
    "last_activity": ["last_activity"],
    "has_admin": ["has_admin"],
}


def export_fields(columns: list[Column]) -> list[str]:
    """The fields to read (`values_list`) for `export_rows` of these columns."""
    return [f for c in columns for f in EXPORT_FIELDS.get(c.key, [])]


def _report_label(value: str) -> str:
    return str(ReportStatus(value or "none").label)


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


class _Translated(dict):
    """A coded value's label, translated the first time it is asked for."""

    def __init__(self, label: Any) -> None:
        super().__init__()
        self.label = label

    def __missing__(self, value: Any) -> str:
        self[value] = found = self.label(value)
        return found


def export_rows(columns: list[Column]) -> Any:
    """A function from a row's `export_fields` values (in that order) to its export values:
    each field is one cell, coded values turned into labels, each label translated once."""
    tz = timezone.get_current_timezone()

    def day(value: Any) -> str:
        if not value:
            return ""
        if value.tzinfo is None:  # the UTC time SQLite holds, as its driver reads it
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(tz).date().isoformat()

    def hours(value: Any) -> float:
        return float(value or 0)

    changes = {"plan_status": _Translated(plan_status_label).__getitem__,
               "top_severity": _Translated(severity_label).__getitem__,
               "report_status": _Translated(_report_label).__getitem__,
               "has_admin": _Translated(_yes_no).__getitem__,
               "last_activity": day, "study_hours": hours}
    changed = [(i, changes[f]) for i, f in enumerate(export_fields(columns)) if f in changes]

    def convert(values: Any) -> list[Any]:
        out = list(values)
        for i, change in changed:
            out[i] = change(out[i])
        return out

    return convert


def export_values(row: Row, columns: list[Column]) -> list[Any]:
    """One row's export values (the home page's figures)."""
    def field(name: str) -> Any:
        obj = row
        for part in name.split("__"):
            obj = getattr(obj, part)
        return obj

    return export_rows(columns)([field(f) for f in export_fields(columns)])
