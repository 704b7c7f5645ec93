"""The rows of the filing list and the approval queue, written in Python: the same HTML the
template `events/_rows.html` drew, at a fraction of its cost (30 rows of a dozen tags each
were most of the queue's time at province scale, bench/pages_bench.py)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

#: Stand-ins reversed once a page, replaced by each row's numbers.
_ORG, _PK = 1_000_000_001, 1_000_000_002


def detail_url_parts() -> tuple[str, str, str]:
    """The filing page's address around its organization's and its own number, escaped as
    the template's `{% url %}` was."""
    url = escape(reverse("events:filing_detail", args=[_ORG, _PK]))
    head, rest = url.split(str(_ORG), 1)
    middle, tail = rest.split(str(_PK), 1)
    return head, middle, tail


def filing_rows(filings: Any, *, show_org: bool = False, pick: bool = False,
                today: Any = None) -> SafeString:
    """The filings as table rows: title (with its association and flags), type, start and
    state (with the decision's date for a submitted filing). Each filing carries
    `type_label` and `status_label` (`core.lines.add_labels`)."""
    head, middle, tail = detail_url_parts()
    type_heading, starts_heading, status_heading = (
        escape(_("Type")), escape(_("Starts")), escape(_("Status")))
    late, halted = escape(_("Late filing")), escape(_("Halted"))
    overdue, decide_by = escape(_("Decision overdue")), escape(_("Decide by"))
    tz = timezone.get_current_timezone()
    out = []
    for f in filings:
        pk = f.pk
        cells = ["<tr>\n  "]
        if pick:
            cells.append('<td class="pick">')
            if f.status == "submitted":
                cells.append(f'<input type="checkbox" name="filing" value="{pk}:{f.revision}" '
                             f'form="bulk-decide" id="pick-{pk}" aria-labelledby="title-{pk}">')
            cells.append("</td>")
        cells.append(f'\n  <td><a href="{head}{f.organization_id}{middle}{pk}{tail}" '
                     f'id="title-{pk}">{escape(f.title)}</a>\n    ')
        if show_org:
            cells.append(f'<br><span class="muted">{escape(str(f.organization))}</span>')
        cells.append("\n    ")
        if f.is_late:
            cells.append(f' <span class="flag">{late}</span>')
        cells.append("\n    ")
        if f.status == "halted":
            cells.append(f' <span class="flag">{halted}</span>')
        starts = f.starts_at
        starts = f"{timezone.localtime(starts, tz):%Y-%m-%d %H:%M}" if starts else ""
        cells.append(f'</td>\n  <td data-label="{type_heading}">{escape(f.type_label)}</td>\n'
                     f'  <td data-label="{starts_heading}">{starts}</td>\n'
                     f'  <td data-label="{status_heading}"><span class="status '
                     f'status-{escape(f.status)}">{escape(f.status_label)}</span>\n    ')
        due = f.decision_due
        if f.status == "submitted" and due:
            late_decision = due < today
            cells.append(f'<br><span class="{"flag" if late_decision else "muted"}">'
                         f'{overdue if late_decision else decide_by} {due:%Y-%m-%d}</span>')
        cells.append("</td>\n</tr>\n")
        out.append("".join(cells))
    return mark_safe("".join(out))
