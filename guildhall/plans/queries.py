"""Reading plans through the person's access: another organization's record is the same
404 as a missing one."""

from __future__ import annotations

import functools
from typing import Any

from django.db.models import Avg, Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from guildhall.core.prepared import Prepared
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


def overdue_q(today: Any) -> Q:
    """`PlanItem.is_overdue` as a filter."""
    return (Q(status__in=[ItemStatus.NOT_STARTED, ItemStatus.IN_PROGRESS], due_date__lt=today)
            | Q(status=ItemStatus.RETURNED, rectification_due__lt=today))


def item_figures(plans: list[Plan]) -> dict[int, dict[str, int]]:
    """Per plan (of one page): its items (`count`), its progress in percent as
    `services.plan_progress` computes it (`PlanItem.done_share` averaged, dropped items left
    out) and its overdue items, counted by the database (one query for the page)."""
    share = Case(When(status=ItemStatus.DONE, then=Value(100)),
                 When(progress__gt=99, then=Value(99)), default=F("progress"),
                 output_field=IntegerField())
    rows = PlanItem.objects.filter(plan__in=plans).values("plan_id").annotate(
        count=Count("pk"), share=Avg(share, filter=~Q(status=ItemStatus.DROPPED)),
        overdue=Count("pk", filter=overdue_q(timezone.localdate()))).order_by()
    return {r["plan_id"]: {"count": r["count"], "overdue": r["overdue"],
                           "progress": round(r["share"]) if r["share"] is not None else 0}
            for r in rows}


def filter_items(items: Any, params: dict[str, Any]) -> Any:
    status = params.get("status")
    today = timezone.localdate()
    if status == "overdue":
        items = items.filter(overdue_q(today))
    elif status in ItemStatus.values:
        items = items.filter(status=status)
    if params.get("duty"):
        items = items.filter(duty=params["duty"])
    if params.get("owner"):
        items = items.filter(owner_id=params["owner"])
    return items


def associations_below(org: Organization):
    return org.descendants().filter(kind=Organization.Kind.ASSOCIATION, is_active=True)


def _awaiting_items(org_id: int, path: str, returned: bool, limit: int) -> QuerySet[PlanItem]:
    base = PlanItem.objects.filter(
        organization__path__startswith=path,
        organization__kind=Organization.Kind.ASSOCIATION, organization__is_active=True,
        plan__status=PlanStatus.ACKNOWLEDGED).exclude(organization_id=org_id)
    # Only what the queue and the home page show: whole rows cost more than the query.
    base = base.select_related("organization").only(
        "title", "status", "duty", "due_date", "rectification_due", "organization__name",
        "organization__short_name")
    if returned:
        return base.filter(status=ItemStatus.RETURNED).order_by("due_date", "pk")[:limit]
    return base.filter(status=ItemStatus.DONE, score__isnull=True).order_by("due_date", "pk")[:limit]


@functools.cache
def _awaiting(limit: int) -> tuple[Prepared, ...]:
    """The two queries of `awaiting_assessment` for `limit` (their SQL built once)."""
    return tuple(Prepared(
        lambda org_id, path, returned=returned: _awaiting_items(org_id, path, returned, limit))
        for returned in (False, True))


def awaiting_assessment(supervisor: Organization, limit: int = 30) -> list[PlanItem]:
    """Items done and not yet scored, and items returned for rectification, in acknowledged
    plans below the body: the `limit` due first.

    Two queries, each read in due-date order from the index on (status, score, due_date)
    and stopped at `limit`, then merged: at province scale tens of thousands of items wait,
    and one query over both would sort them all. The association and the plan are joined,
    each item's checked by its key, rather than given as lists of ids (SQLite built the
    list of every acknowledged plan below first: three times slower)."""
    done, returned = _awaiting(limit)
    items = [*done(org_id=supervisor.pk, path=supervisor.path),
             *returned(org_id=supervisor.pk, path=supervisor.path)]
    items.sort(key=lambda i: (i.due_date is None, i.due_date or timezone.localdate(), i.pk))
    return items[:limit]


def plans_to_grade(supervisor: Organization, year: int):
    """The acknowledged plans of the year below the body, by association name: only what the
    queue shows of them (PostgreSQL sorted all of them whole rows and all, twice as slow)."""
    return Plan.objects.filter(organization__in=associations_below(supervisor), year=year,
                               status=PlanStatus.ACKNOWLEDGED).select_related(
        "organization").only("organization_id", "year", "organization__name",
                             "organization__short_name").order_by("organization__name", "pk")


def with_item_figures(plans: list[Plan]) -> list[Plan]:
    """Add to each plan (of one page) its open, unscored and overdue item counts, in one
    query for the page."""
    figures = {row["plan_id"]: row for row in PlanItem.objects.filter(plan__in=plans).values(
        "plan_id").annotate(
        open_items=Count("pk", filter=Q(status__in=OPEN_ITEM)),
        unscored=Count("pk", filter=Q(status=ItemStatus.DONE, score__isnull=True)),
        overdue=Count("pk", filter=overdue_q(timezone.localdate())))}
    for plan in plans:
        row = figures.get(plan.pk, {})
        plan.open_items, plan.unscored, plan.overdue = (
            row.get("open_items", 0), row.get("unscored", 0), row.get("overdue", 0))
    return plans
