"""The incident cards of a list, drawn here: thirty cards of a dozen tags each were most of
the board's time (the dashboard's rows are drawn the same way)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from guildhall.core.lines import colon

register = template.Library()

#: A number no incident or organization has: replaced by the card's own in its address.
_ORG, _PK = 987654321, 987654322


def _at(moment: Any, shown: str) -> str:
    """`moment` in local time as the template's `date` filter shows it ("" for none)."""
    return timezone.localtime(moment).strftime(shown) if moment else ""


@register.simple_tag
def incident_cards(rows: list[dict[str, Any]], show_org: bool = False) -> SafeString:
    """The cards of `rows` (the views' `_rows`): each incident linked by its title, its
    severity, state, category and discovery, its late first report, reports awaiting
    acknowledgement, the deadlines running and, once closed, its response times."""
    url = reverse("incidents:incident_detail", args=[_ORG, _PK])
    discovered, late, closed = escape(_("discovered")), escape(_("First report late")), escape(
        _("closed"))
    out = []
    for row in rows:
        i = row["incident"]
        link = url.replace(str(_ORG), str(i.organization_id)).replace(str(_PK), str(i.pk))
        org = f'<br><span class="muted">{escape(i.organization)}</span>' if show_org else ""
        flag = f'<span class="flag">{late}</span>' if i.first_report_late else ""
        waiting = ""
        if i.waiting:
            waiting = (f'<br><span class="{"flag" if i.waiting_late else "muted"}">'
                       f'{row["waiting_line"]}'
                       f'{" · " + row["waiting_late_line"] if i.waiting_late else ""}</span>')
        clocks = "".join(
            f'<span class="clock{" late" if c["late"] else ""}" data-clock="{escape(c["kind"])}">'
            f'{escape(c["label"])} {_at(c["due"], "%m-%d %H:%M")} · {escape(c["text"])}</span>'
            for c in row["clocks"])
        ended = ""
        if i.status == "closed":
            ended = (f'<br><span class="muted">{closed} {_at(i.closed_at, "%Y-%m-%d %H:%M")}'
                     f'{" · " + row["first_report_line"] if i.minutes_to_first_report is not None else ""}'
                     f'{" · " + row["to_ack_line"] if i.to_ack is not None else ""}</span>')
        severity = escape(i.severity)
        out.append(
            f'<li class="incident-card lvl-{severity}">\n'
            f'  <a href="{link}"><strong>{escape(i.title)}</strong></a>\n'
            f'  {org}\n'
            f'  <br><span class="sev sev-{severity}">{escape(i.severity_label)}</span>\n'
            f'  <span class="status status-{escape(i.status)}">{escape(i.status_label)}</span>\n'
            f'  <span class="muted">{escape(i.category_label)} · {discovered} '
            f'{_at(i.discovered_at, "%Y-%m-%d %H:%M")}</span>\n'
            f'  {flag}\n'
            f'  {waiting}\n'
            f'  {"<br>" + clocks if row["clocks"] else ""}\n'
            f'  {ended}\n'
            f'</li>\n')
    return mark_safe("".join(out))


@register.simple_tag
def incident_figures(figures: Any, show_org: bool = False) -> SafeString:
    """The response times per association (rows of the views' `_with_lines`), each with its
    counts, late and overdue first reports and the average minutes to report and to
    acknowledge."""
    to_first, to_ack = escape(_("Discovery to first report")), escape(_("Report to acknowledgement"))
    mark = escape(colon())
    out = []
    for f in figures:
        name = f'<strong>{escape(f["organization_name"])}</strong><br>' if show_org else ""
        missed = f' · {f["missed_line"]}' if f["missed"] else ""
        late_acks = f' · <span class="flag">{f["late_acks_line"]}</span>' if f["late_acks"] else ""
        out.append(
            f'<li>\n  {name}\n'
            f'  {f["count_line"]} · {f["open_line"]}\n'
            f'  · <span class="{"flag" if f["late"] or f["missed"] else ""}">{f["late_line"]}'
            f'{missed}</span>\n'
            f'  <br><span class="muted">{to_first}{mark}'
            f'{f["to_first_line"] if f["to_first"] is not None else "—"}\n'
            f'  · {to_ack}{mark}{f["to_ack_line"] if f["to_ack"] is not None else "—"}\n'
            f'  {late_acks}\n'
            f'  {" · " + f["waiting_line"] if f["waiting"] else ""}</span>\n'
            f'</li>')
    if not out:
        out.append('<li class="empty">' + escape(_("No incidents yet.")) + "</li>")
    return mark_safe(f'<ul class="figures">{"".join(out)}</ul>')
