"""The plan items and plans of a list, drawn here: thirty rows of ten tags each cost a plan
page or the assessment queue more than its queries (the dashboard's rows are drawn the
same way)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from guildhall.plans.models import ItemStatus

register = template.Library()

#: Numbers no organization, item or year has: replaced by each row's own in its address.
_ORG, _PK = 987654321, 987654322


class _Addresses:
    """The address of each row's page: reversed once a list, then filled in."""

    def __init__(self, name: str) -> None:
        self.url = reverse(name, args=[_ORG, _PK])

    def __call__(self, org_id: int, key: int) -> str:
        return self.url.replace(str(_ORG), str(org_id)).replace(str(_PK), str(key))


def _status(item: Any, today: Any, labels: dict[str, str], overdue: str) -> str:
    """The item's state as `shown_status` and `shown_status_label` show it."""
    if item.is_overdue(today):
        return f'<span class="status status-overdue">{overdue}</span>'
    return f'<span class="status status-{escape(item.status)}">{labels[item.status]}</span>'


def _labels() -> tuple[dict[str, str], str]:
    return {value: escape(str(label)) for value, label in ItemStatus.choices}, escape(_("Overdue"))


def _day(value: Any) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


@register.simple_tag
def plan_item_rows(items: list[Any]) -> SafeString:
    """A plan's items (with `duty_label`, the owner read with them): title linked, state,
    duty, owner, due date, score and progress."""
    today, url = timezone.localdate(), _Addresses("plans:item_detail")
    labels, overdue = _labels()
    no_owner, due, score = escape(_("no owner")), escape(_("due")), escape(_("score"))
    out = []
    for i in items:
        owner = (escape(i.owner.display_name) if i.owner
                 else f'<span class="flag">{no_owner}</span>')
        dated = f" · {due} {_day(i.due_date)}" if i.due_date else ""
        scored = f" · {score} {escape(localize(i.score))}" if i.score is not None else ""
        out.append(
            f'\n  <li><article>\n'
            f'    <a href="{url(i.organization_id, i.pk)}"><strong>{escape(i.title)}</strong></a>\n'
            f'    {_status(i, today, labels, overdue)}\n'
            f'    <p class="muted">{escape(i.duty_label)} · {owner}{dated}{scored}</p>\n'
            f'    <progress value="{i.done_share}" max="100"></progress>\n'
            f'  </article></li>')
    return mark_safe("".join(out) or '<li class="empty">' + escape(_("No items.")) + "</li>")


@register.simple_tag
def queue_item_rows(items: list[Any]) -> SafeString:
    """The items waiting for assessment (with `duty_label`): title linked, state,
    association, duty, due date and, returned, the date to rectify by."""
    today, url = timezone.localdate(), _Addresses("plans:item_detail")
    labels, overdue = _labels()
    due, rectify = escape(_("due")), escape(_("rectify by"))
    out = []
    for i in items:
        dated = f" · {due} {_day(i.due_date)}" if i.due_date else ""
        returned = (f" · {rectify} {_day(i.rectification_due)}"
                    if i.status == ItemStatus.RETURNED else "")
        out.append(
            f'\n  <li><article><a href="{url(i.organization_id, i.pk)}"><strong>'
            f'{escape(i.title)}</strong></a>\n'
            f'    {_status(i, today, labels, overdue)}\n'
            f'    <p class="muted">{escape(i.organization)} · {escape(i.duty_label)}{dated}'
            f'{returned}</p>\n'
            f'  </article></li>')
    return mark_safe("".join(out) or
                     '<li class="empty">' + escape(_("Nothing waits for assessment.")) + "</li>")


@register.simple_tag
def queue_plan_rows(plans: list[Any]) -> SafeString:
    """The plans waiting for a grade (with the queue's `items_line` and `overdue_line`):
    the association linked to its plan, its items' figures."""
    url = _Addresses("plans:plan_detail")
    out = []
    for p in plans:
        late = f' · <span class="flag">{p.overdue_line}</span>' if p.overdue else ""
        out.append(
            f'\n  <li><article><a href="{url(p.organization_id, p.year)}"><strong>'
            f'{escape(p.organization)}</strong></a>\n'
            f'    <p class="muted">{p.items_line}{late}</p>\n'
            f'  </article></li>')
    return mark_safe("".join(out) or
                     '<li class="empty">' + escape(_("No plan waits for a grade.")) + "</li>")
