"""Tenant scoping: fetch an object only through the user's access, else 404."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from guildhall.orgs.models import Membership, Organization
from guildhall.orgs.permissions import Access


def get_org_for_user(user: Any, pk: int) -> Organization:
    """Return the organization if the user may see it; the same 404 otherwise."""
    org = Organization.objects.select_related("parent").filter(pk=pk, is_active=True).first()
    if org is None or not Access.for_user(user).can_see(org):
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
