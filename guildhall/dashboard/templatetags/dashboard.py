"""The dashboard's cells and sort links."""

from __future__ import annotations

import importlib
from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from guildhall.dashboard.models import ReportStatus
from guildhall.dashboard.sources import installed_keys

register = template.Library()
DASH = "—"


def _flag(value: Any) -> str:
    if value is None:
        return DASH
    return f'<span class="flag">{value}</span>' if value else str(value)


class Cells:
    """The cells of the rows, with the words they use translated once per page."""

    def __init__(self) -> None:
        self.severity = _labels("incidents", "Severity")
        self.plan = {**_labels("plans", "PlanStatus"), "": escape(_("No plan"))}
        self.report = {s.value: escape(str(s.label)) for s in ReportStatus}
        self.overdue = escape(_("%(n)s overdue"))
        self.study = escape(_("%(n)s of %(planned)s planned · %(hours)s hours"))
        self.yes, self.no = escape(_("Yes")), escape(_("No"))

    def __call__(self, row: Any, key: str) -> str:  # noqa: C901 - one branch per column
        if key == "region":
            return escape(row.organization.region) or DASH
        if key == "completion":
            value = DASH if row.completion is None else f"{row.completion}%"
            return f'{value}<br><span class="muted">{self.plan.get(row.plan_status, "")}</span>'
        if key in ("overdue", "late_reports", "channels_paused"):
            return _flag(getattr(row, key))
        if key == "grade":
            return escape(row.grade) or DASH
        if key == "pending":
            if row.pending is None:
                return DASH
            late = (f'<br><span class="flag">{self.overdue % {"n": row.pending_overdue}}</span>'
                    if row.pending_overdue else "")
            return f"{row.pending}{late}"
        if key == "incidents":
            if not row.incidents_open:
                return _flag(row.incidents_open)
            return (f'{row.incidents_open} <span class="sev sev-{escape(row.top_severity)}">'
                    f'{self.severity.get(row.top_severity, "")}</span>')
        if key == "study":
            if row.study_sessions is None:
                return DASH
            hours = f"{row.study_hours.normalize():f}" if row.study_hours else "0"
            return self.study % {"n": row.study_sessions, "planned": row.study_planned,
                                 "hours": hours}
        if key == "ack_rate":
            return DASH if row.ack_rate is None else f"{row.ack_rate}%"
        if key == "report":
            return self.report.get(row.report_status or "none", "")
        if key == "last_activity":
            return f"{timezone.localtime(row.last_activity):%Y-%m-%d}" if row.last_activity else DASH
        if key == "has_admin":
            return self.yes if row.has_admin else f'<span class="flag">{self.no}</span>'
        return DASH


def _labels(module: str, choices: str) -> dict[str, str]:
    if module not in installed_keys():
        return {}
    found = getattr(importlib.import_module(f"guildhall.{module}.models"), choices).choices
    return {str(v): escape(str(label)) for v, label in found}


@register.simple_tag
def dash_cell(row: Any, column: Any) -> SafeString:
    return mark_safe(Cells()(row, column.key))


@register.simple_tag
def dash_rows(page: Any, columns: list[Any], org: Any) -> SafeString:
    """The table's rows, built here rather than in a template loop (a page is hundreds of
    cells; this keeps the page within its time budget)."""
    labels = [escape(str(c.label)) for c in columns]
    cell = Cells()
    url = reverse("dashboard:association", args=[987654321])
    rows = []
    for row in page:
        cells = []
        for c, label in zip(columns, labels, strict=True):
            if c.key == "name":
                cells.append(f'<th scope="row" data-label="{label}"><a href="{url.replace("987654321", str(row.organization_id))}">'
                             f'{escape(row.organization.name)}</a><br><span class="muted">'
                             f'{escape(row.organization.credit_code)}</span></th>')
            else:
                cells.append(f'<td data-label="{label}" class="dash-{c.key}"><span>{cell(row, c.key)}</span></td>')
        rows.append(f'<tr id="row-{row.organization_id}">{"".join(cells)}</tr>')
    return mark_safe("".join(rows))


@register.simple_tag
def dash_chart_rows(chart: dict[str, Any]) -> SafeString:
    """The table beside a chart: each category linked to the associations behind it."""
    out = []
    for name, *values, link in chart["rows"]:
        cells = "".join(format_html("<td>{}</td>", DASH if v is None else v) for v in values)
        out.append(format_html('<tr><th scope="row"><a href="{}">{}</a></th>{}</tr>', link, name,
                               mark_safe(cells)))
    return mark_safe("".join(out))


@register.simple_tag
def dash_sort_options(choices: list[tuple[str, str]], selected: str) -> SafeString:
    return mark_safe("".join(
        f'<option value="{escape(value)}"{" selected" if value == selected else ""}>'
        f'{escape(label)}</option>' for value, label in choices))


@register.simple_tag
def dash_query(filters: Any, **changes: Any) -> str:
    return filters.query(**changes)


@register.simple_tag
def dash_sort_link(column: Any, filters: Any, org: Any) -> SafeString:
    """The column's heading as a link: sorts by it (the worrying end first), or reverses it."""
    if filters.sort == column.key:
        descending = not filters.descending
        mark = " ↓" if filters.descending else " ↑"
    else:
        descending, mark = column.worst_first, ""
    sort = ("-" if descending else "") + column.key
    url = reverse("dashboard:dashboard", args=[org.pk]) + "?" + filters.query(sort=sort, page="")
    return format_html('<a href="{}" id="sort-{}">{}{}</a>', url, column.key, column.label, mark)
