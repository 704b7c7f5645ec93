"""The supervisor's detail page of one association: its people by role, and each installed
module's open records (a few of each, linked), read through the same sources as the rows."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from guildhall.dashboard.sources import installed_keys
from guildhall.orgs.models import Membership, Organization, Role

LIMIT = 10

# The sections read only the columns the page shows of each record: whole rows (texts,
# search words, revisions) cost the page more than the queries.


def members(org: Organization) -> dict[str, Any]:
    """Active members counted by role, and the admins' names (no other names), in one query."""
    counts: dict[str, int] = {}
    admins = []
    for role, full_name, username in Membership.objects.filter(
            organization=org, is_active=True, user__is_active=True).values_list(
            "role", "user__full_name", "user__username").order_by("user__username"):
        counts[role] = counts.get(role, 0) + 1
        if role == Role.ADMIN:
            admins.append(full_name or username)
    return {"by_role": [(label, counts.get(value, 0)) for value, label in org.role_choices],
            "admins": admins}


def sections(org: Organization) -> dict[str, Any]:
    keys = installed_keys()
    year = timezone.localdate().year
    found: dict[str, Any] = {"year": year}
    if "plans" in keys:
        from guildhall.plans.models import Plan

        plans = {p.year: p for p in Plan.objects.filter(organization=org, year__in=[year, year - 1])}
        found["plan"], found["last_plan"] = plans.get(year), plans.get(year - 1)
    if "events" in keys:
        from guildhall.events.models import UNDER_REVIEW, Filing

        found["filings"] = list(Filing.objects.filter(organization=org, status__in=UNDER_REVIEW)
                                .only("organization_id", "title", "status", "decision_due")
                                .order_by("decision_due", "pk")[:LIMIT])
    if "publications" in keys:
        from guildhall.publications.models import Publication, Status
        from guildhall.publications.queries import paused_channels_of

        found["publications"] = list(Publication.objects.filter(
            organization=org, status=Status.IN_REVIEW).only(
            "organization_id", "title", "review_due").order_by("review_due", "pk")[:LIMIT])
        found["paused"] = list(paused_channels_of(org)[:LIMIT])
    if "incidents" in keys:
        from guildhall.incidents.queries import association_incidents

        found["incidents"] = list(association_incidents(org, "open").select_related(None).only(
            "organization_id", "title", "severity", "status", "first_report_late")[:LIMIT])
    if "study" in keys:
        from guildhall.study import queries as study

        found["study"] = study.figures(org, year)
    return found
