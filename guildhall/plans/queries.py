"""Reading plans through the person's access: another organization's record is the same
404 as a missing one."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from guildhall.orgs.models import Organization
from guildhall.orgs.scoping import get_for_user
from guildhall.plans.models import (
    OPEN_ITEM,
    ItemStatus,
    Plan,
    PlanItem,
    PlanStatus,
    PlanTemplate,
)


def get_item_for_user(user: Any, item_id: int, org_id: int | None = None) -> PlanItem:
    return get_for_user(user, PlanItem.objects.select_related("plan", "owner", "organization"),
                        item_id, org_id)


def get_template_for_user(user: Any, template_id: int, org_id: int | None = None) -> PlanTemplate:
    return get_for_user(user, PlanTemplate.objects.select_related("organization"), template_id,
                        org_id)


def plan_of(org: Any, year: int) -> Plan | None:
    return Plan.objects.filter(organization=org, year=year).select_related(
        "organization", "template").first()


def filter_items(items: Any, params: dict[str, Any]) -> Any:
    status = params.get("status")
    today = timezone.localdate()
    if status == "overdue":
        items = items.filter(Q(status__in=[ItemStatus.NOT_STARTED, ItemStatus.IN_PROGRESS],
                               due_date__lt=today)
                             | Q(status=ItemStatus.RETURNED, rectification_due__lt=today))
    elif status in ItemStatus.values:
        items = items.filter(status=status)
    if params.get("duty"):
        items = items.filter(duty=params["duty"])
    if params.get("owner"):
        items = items.filter(owner_id=params["owner"])
    return items


def associations_below(org: Organization):
    return org.descendants().filter(kind=Organization.Kind.ASSOCIATION, is_active=True)


def awaiting_assessment(supervisor: Organization):
    """Items done and not yet scored in acknowledged plans below the body, those that were
    due first on top; then rectifications still open."""
    below = associations_below(supervisor)
    return PlanItem.objects.filter(
        organization__in=below, plan__status=PlanStatus.ACKNOWLEDGED).filter(
        Q(status=ItemStatus.DONE, score__isnull=True) | Q(status=ItemStatus.RETURNED)).select_related(
        "organization", "owner", "plan").order_by("due_date", "pk")


def plans_to_grade(supervisor: Organization, year: int):
    below = associations_below(supervisor)
    return Plan.objects.filter(organization__in=below, year=year,
                               status=PlanStatus.ACKNOWLEDGED).select_related(
        "organization").annotate(
        open_items=Count("items", filter=Q(items__status__in=OPEN_ITEM)),
        unscored=Count("items", filter=Q(items__status=ItemStatus.DONE, items__score__isnull=True)),
        overdue=Count("items", filter=Q(items__status__in=OPEN_ITEM,
                                        items__due_date__lt=timezone.localdate()))).order_by(
        "-overdue", "organization__name")
