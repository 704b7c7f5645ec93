"""Tenant scoping: fetch an object only through the user's access, else 404."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from guildhall.orgs.models import Invitation, Membership, Organization
from guildhall.orgs.permissions import Access


def get_org_for_user(user: Any, pk: int) -> Organization:
    """Return the organization if the user may see it; the same 404 otherwise. One of the
    user's own organizations is the one their access has read (active, with its parent)."""
    access = Access.for_user(user)
    org = access.orgs.get(pk)
    if org is not None:
        return org
    org = Organization.objects.select_related("parent").filter(pk=pk, is_active=True).first()
    if org is None or not access.can_see(org):
        raise Http404("No such organization")
    return org


def visible_orgs(user: Any):
    """Return every organization the user sees: their own and everything below."""
    access = Access.for_user(user)
    return Organization.objects.filter(access.visible_orgs_q(), is_active=True)


def get_membership_for_user(user: Any, org: Organization, pk: int) -> Membership:
    """Return a membership of `org` (already scoped) or 404."""
    membership = Membership.objects.select_related("user").filter(pk=pk, organization=org).first()
    if membership is None:
        raise Http404("No such member")
    return membership


def get_invitation_for_user(user: Any, org: Organization, pk: int) -> Invitation:
    """Return an invitation of `org` (already scoped) or 404."""
    invitation = Invitation.objects.select_related("organization").filter(
        pk=pk, organization=org).first()
    if invitation is None:
        raise Http404("No such invitation")
    return invitation


def visible_to(user: Any, queryset: QuerySet) -> QuerySet:
    """Return the rows of `queryset` (of any model with an `organization`) that belong to
    the active organizations the user sees."""
    access = Access.for_user(user)
    return queryset.filter(access.visible_orgs_q(prefix="organization__"),
                           organization__is_active=True)


def get_for_user(user: Any, queryset: QuerySet, pk: int, org_id: int | None = None) -> Any:
    """Return the row `pk` of `queryset` if the user may see it (and it belongs to `org_id`
    when given); the same 404 for missing and someone else's."""
    qs = visible_to(user, queryset)
    if org_id is not None:
        qs = qs.filter(organization_id=org_id)
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise Http404(f"No such {queryset.model._meta.model_name}")
    return obj
