"""The dashboard's cells and sort links."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from guildhall.dashboard.cells import plan_status_label, severity_label
from guildhall.dashboard.models import ReportStatus

register = template.Library()
DASH = "—"


def _n(value: Any, flag: bool = True) -> SafeString:
    if value is None:
        return mark_safe(DASH)
    if flag and value:
        return format_html('<span class="flag">{}</span>', value)
    return format_html("{}", value)


@register.simple_tag
def dash_cell(row: Any, column: Any) -> SafeString:
    key = column.key
    if key == "region":
        return format_html("{}", row.organization.region or DASH)
    if key == "completion":
        value = DASH if row.completion is None else f"{row.completion}%"
        return format_html('{}<br><span class="muted">{}</span>', value,
                           plan_status_label(row.plan_status))
    if key == "overdue":
        return _n(row.overdue)
    if key == "grade":
        return format_html("{}", row.grade or DASH)
    if key == "pending":
        if row.pending is None:
            return mark_safe(DASH)
        late = format_html('<br><span class="flag">{}</span>', _("%(n)s overdue") % {
            "n": row.pending_overdue}) if row.pending_overdue else ""
        return format_html("{}{}", row.pending, late)
    if key == "incidents":
        if not row.incidents_open:
            return _n(row.incidents_open)
        return format_html('{} <span class="sev sev-{}">{}</span>', row.incidents_open,
                           row.top_severity, severity_label(row.top_severity))
    if key == "late_reports":
        return _n(row.late_reports)
    if key == "study":
        if row.study_sessions is None:
            return mark_safe(DASH)
        return format_html("{}", _("%(n)s of %(planned)s planned · %(hours)s hours") % {
            "n": row.study_sessions, "planned": row.study_planned,
            "hours": row.study_hours.normalize() if row.study_hours else 0})
    if key == "ack_rate":
        return format_html("{}", DASH if row.ack_rate is None else f"{row.ack_rate}%")
    if key == "report":
        return format_html("{}", ReportStatus(row.report_status or "none").label)
    if key == "channels_paused":
        return _n(row.channels_paused)
    if key == "last_activity":
        return format_html("{}", f"{timezone.localtime(row.last_activity):%Y-%m-%d}"
                           if row.last_activity else DASH)
    if key == "has_admin":
        return format_html("{}", _("Yes")) if row.has_admin else format_html(
            '<span class="flag">{}</span>', _("No"))
    return mark_safe(DASH)


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
