"""The plan's section on the organization home page."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guildhall.core.home import HomeSection, home_section
from guildhall.core.prepared import Prepared
from guildhall.orgs.permissions import can
from guildhall.plans import queries
from guildhall.plans.models import OPEN_ITEM, Plan, PlanItem

#: The year's first open items of an association, with their owners: only what the section
#: shows (whole rows and the owner's account cost more here than the query), the SQL built
#: once. Through the year's plan, read by its key: PostgreSQL otherwise combined the index
#: of the organization's items with that of every open item of the province (0.5 ms).
_due_next = Prepared(lambda org_id, year: PlanItem.objects.filter(
    plan__in=Plan.objects.filter(organization_id=org_id, year=year).values("pk"),
    status__in=OPEN_ITEM).select_related("owner").only(
    "organization_id", "title", "status", "due_date", "rectification_due",
    "owner__full_name", "owner__username").order_by("due_date", "pk")[:5])


@home_section
def plan_items(user: Any, org: Any) -> HomeSection | None:
    if can(user, "plans.oversee", org):
        items = queries.awaiting_assessment(org, limit=5)
        return HomeSection(
            title=_("Plan items awaiting assessment"),
            items=[{"label": f"{i.title} · {i.organization}", "url": i.get_absolute_url(),
                    "note": str(i.shown_status_label)} for i in items],
            empty=_("Nothing waits for assessment."),
            url=reverse("plans:assessment_queue", args=[org.pk]))
    if not can(user, "plans.list", org):
        return None
    year = timezone.localdate().year
    items = _due_next(org_id=org.pk, year=year)
    return HomeSection(
        title=_("Plan items due next"),
        items=[{"label": i.title, "url": i.get_absolute_url(),
                "note": " · ".join(p for p in (str(i.shown_status_label),
                                               f"{i.due_date:%Y-%m-%d}" if i.due_date else "",
                                               i.owner.display_name if i.owner else "") if p)}
               for i in items],
        empty=_("No open plan items this year."),
        url=reverse("plans:plan_detail", args=[org.pk, year]))
