"""The publications' section on the organization home page."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from guildhall.core.home import HomeSection, home_section
from guildhall.orgs.permissions import can
from guildhall.publications import queries


@home_section
def waiting_publications(user: Any, org: Any) -> HomeSection | None:
    if not can(user, "publications.waiting", org):
        return None
    # Only what the section shows: whole rows (the text, its search words) cost more here
    # than the query.
    waiting = queries.first_waiting_for(user, org)
    return HomeSection(
        title=_("Publications waiting for your review"),
        items=[{"label": f"{p.title} · {p.organization}",
                "url": reverse("publications:publication_detail", args=[p.organization_id, p.pk]),
                "note": _("due %(date)s") % {"date": p.review_due} if p.review_due else ""}
               for p in waiting],
        empty=_("Nothing waits for your review."),
        url=reverse("publications:publication_waiting", args=[org.pk]))


@home_section
def paused_channels(user: Any, org: Any) -> HomeSection | None:
    if not can(user, "publications.list", org):
        return None
    paused = queries.first_paused_channels(org_id=org.pk)
    if not paused:
        return None
    return HomeSection(
        title=_("Paused channels"),
        items=[{"label": c.name, "url": reverse("publications:channel_detail", args=[org.pk, c.pk]),
                "note": c.pause_reason[:60]} for c in paused])
