"""The study overview's rows, drawn here: fifty associations of a dozen tags each cost the
page more than its queries (the dashboard's rows are drawn the same way)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def overview_rows(rows: list[dict[str, Any]]) -> SafeString:
    """Each association of the overview (the view's rows, their sentences built there): its
    study and plan figures, the topics and each code's standing."""
    topics_word, no_codes = escape(_("Topics")), escape(_("No codes of conduct"))
    out = []
    for row in rows:
        topics = row["figures"].topics
        shown = (f'<br><span class="muted">{topics_word}：{"、".join(escape(t) for t in topics)}'
                 f'</span>' if topics else "")
        codes = "<br>\n    ".join(
            f'<span class="study-code{"" if c["published"] else " muted"}">{c["text"]}</span>'
            for c in row["code_lines"])
        codes = f"{codes}\n    " if codes else f'<span class="flag">{no_codes}</span>'
        out.append(
            f'\n  <li id="org-{row["org"].pk}"><strong>{escape(row["org"].name)}</strong>\n'
            f'    <br>{row["study_line"]}\n'
            f'    <br>{row["plan_line"]}\n'
            f'    {shown}\n'
            f'    <br>{codes}</li>\n')
    return mark_safe("".join(out) or '<li class="empty">' + escape(_("No associations yet.")) + "</li>")
