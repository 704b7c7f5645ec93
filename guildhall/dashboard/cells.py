"""One row's figures as people read them: the page's cells and the export's columns come
from here, so both show the same figures."""

from __future__ import annotations

import datetime as dt
from operator import itemgetter
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from guildhall.dashboard.models import ReportStatus, Row
from guildhall.dashboard.sources import Column
from guildhall.orgs.services import FORMULA_START


def severity_label(value: str) -> str:
    from guildhall.incidents.models import Severity

    return str(Severity(value).label) if value else ""


def plan_status_label(value: str) -> str:
    from guildhall.plans.models import PlanStatus

    return str(PlanStatus(value).label) if value else _("No plan")


#: The export's header labels of the columns whose figures a cell combines (the messages,
#: translated when the header is built); the other columns' header is their own label.
_SPLIT_HEADERS: dict[str, tuple[str, ...]] = {
    "name": (gettext_noop("Association"), gettext_noop("Unified social credit code")),
    "completion": (gettext_noop("Plan completion (%)"), gettext_noop("Plan status")),
    "pending": (gettext_noop("Pending approvals"), gettext_noop("Of them overdue")),
    "incidents": (gettext_noop("Open incidents"), gettext_noop("Highest severity")),
    "study": (gettext_noop("Study sessions"), gettext_noop("Planned topics"), gettext_noop("Study hours")),
    "ack_rate": (gettext_noop("Codes acknowledged (%)"),),
    "last_activity": (gettext_noop("Last activity"),),
}


def export_header(columns: list[Column]) -> list[str]:
    """The export's header: every column, the figures a cell combines split in two.

    Each column translates only its own labels (the table of every column's labels, built
    for each column, was two hundred translations a home page)."""
    out = []
    for c in columns:
        split = _SPLIT_HEADERS.get(c.key)
        out += [_(m) for m in split] if split else [str(c.label)]
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


#: The row's fields the page's cells read (`templatetags.dashboard.Cells`): a row read
#: whole, with its charts' breakdowns, cost the page more than its query.
PAGE_FIELDS = [
    "organization__name", "organization__credit_code", "organization__region", "completion",
    "plan_status", "overdue", "grade", "pending", "pending_overdue", "incidents_open",
    "top_severity", "late_reports", "study_sessions", "study_hours", "study_planned",
    "ack_rate", "report_status", "channels_paused", "last_activity", "has_admin"]


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


def _changes() -> dict[str, Any]:
    """The fields whose driver values are changed for the export, each with its change:
    coded values turned into labels (each translated once), the day of a time, hours."""
    def hours(value: Any) -> float:
        return float(value or 0)

    return {"plan_status": _Translated(plan_status_label).__getitem__,
            "top_severity": _Translated(severity_label).__getitem__,
            "report_status": _Translated(_report_label).__getitem__,
            "has_admin": _Translated(_yes_no).__getitem__,
            "last_activity": local_day(), "study_hours": hours}


def _coded_values() -> dict[str, list[Any]]:
    """The values of the fields `_changes` turns into labels (those of an installed module)."""
    from django.apps import apps

    found: dict[str, list[Any]] = {"report_status": ["", *ReportStatus.values],
                                   "has_admin": [False, True]}
    if apps.is_installed("guildhall.plans"):
        from guildhall.plans.models import PlanStatus

        found["plan_status"] = ["", *PlanStatus.values]
    if apps.is_installed("guildhall.incidents"):
        from guildhall.incidents.models import Severity

        found["top_severity"] = ["", *Severity.values]
    return found


def labels(columns: list[Column]) -> list[str]:
    """Every label the export of these columns can write for a coded value, in the current
    language (what a line kept ready depends on besides the row's own values)."""
    changes, fields = _changes(), export_fields(columns)
    return [changes[f](v) for f, values in _coded_values().items() if f in fields for v in values]


def local_day() -> Any:
    """A function from a time as the database driver gives it to the export's text of its
    day in the current time zone ("" for none)."""
    tz = timezone.get_current_timezone()
    #: For each UTC day seen, when the local day changes and the local days either side.
    by_utc_day: dict[str, tuple[str, str, str] | None] = {}

    def day(value: Any) -> str:
        if not value:
            return ""
        kind = value.__class__
        if kind is dt.date:  # the day already (the export's PostgreSQL query)
            return value.isoformat()
        if kind is str:  # the UTC time as SQLite holds it ("2026-12-02 02:58:32.660649")
            if len(value) in (19, 26) and value[10] == " ":
                key = value[:10]
                found = by_utc_day[key] if key in by_utc_day else by_utc_day.setdefault(
                    key, _local_days(key, tz))
                if found is not None:
                    change, before, after = found
                    return before if value[11:] < change else after
            value = dt.datetime.fromisoformat(value)
        if value.tzinfo is None:  # the UTC time SQLite holds, as its driver reads it
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(tz).date().isoformat()

    return day


def _local_days(utc_day: str, tz: Any) -> tuple[str, str, str] | None:
    """For a UTC day ("2026-12-02") whose offset from UTC is the same all day in `tz`, the
    UTC time of day ("16:00:00") from which the local day is the next one, and the local
    days before and from then; None on a day the offset changes (each time is converted
    then)."""
    start = dt.datetime.fromisoformat(utc_day).replace(tzinfo=dt.UTC)
    offset = start.astimezone(tz).utcoffset()
    last = start + dt.timedelta(days=1, microseconds=-1)
    if offset is None or offset != last.astimezone(tz).utcoffset() or offset.microseconds:
        return None
    local = (start + offset).date()
    whole = dt.timedelta(days=1)
    change = whole - offset if offset >= dt.timedelta(0) else -offset
    # The time of day as SQLite writes it (at most 24:00:00: no time is from then on).
    seconds = int(change.total_seconds())
    text = f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    return text, local.isoformat(), (local + whole).isoformat()


#: The fields whose export values are texts (read as they are, or labels and days): the
#: ones a spreadsheet could take for a formula.
TEXT_FIELDS = {"organization__name", "organization__credit_code", "organization__region",
               "plan_status", "grade", "top_severity", "report_status", "last_activity",
               "has_admin"}


def export_rows(columns: list[Column]) -> Any:
    """A function from a row's `export_fields` values (in that order) to its export values:
    each field is one cell, coded values turned into labels, each label translated once."""
    changes = _changes()
    changed = [(i, changes[f]) for i, f in enumerate(export_fields(columns)) if f in changes]

    def convert(values: Any) -> list[Any]:
        out = list(values)
        for i, change in changed:
            out[i] = change(out[i])
        return out

    return convert


def export_chunks(columns: list[Column], neutralized: Any) -> Any:
    """A function from a list of rows' `export_fields` values to their export values, as
    `export_rows` gives them with `neutralized` applied to each text of a column holding a
    text that starts as a formula would. It works column by column (the changes mapped over
    a column, the formula check on a column's first characters), so that a row costs a few
    calls in C rather than a call per value: 2,000 rows of the full export."""
    changes = _changes()
    fields = export_fields(columns)
    changed = [(i, changes[f]) for i, f in enumerate(fields) if f in changes]
    texts = [i for i, f in enumerate(fields) if f in TEXT_FIELDS]
    first = itemgetter(0)

    def convert(chunk: list[Any]) -> Any:
        if not chunk:
            return ()
        cells = list(zip(*chunk, strict=True))
        for i, change in changed:
            cells[i] = list(map(change, cells[i]))
        for i in texts:
            if not FORMULA_START.isdisjoint(map(first, filter(None, cells[i]))):
                cells[i] = list(map(neutralized, cells[i]))
        return zip(*cells, strict=True)

    return convert


def export_values(row: Row, columns: list[Column]) -> list[Any]:
    """One row's export values (the home page's figures)."""
    def field(name: str) -> Any:
        obj = row
        for part in name.split("__"):
            obj = getattr(obj, part)
        return obj

    return export_rows(columns)([field(f) for f in export_fields(columns)])
