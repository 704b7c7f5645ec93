"""The one place that answers "may this user do this to this object now".

Every module registers its rules here with `@rule("module.action")`; views, the
API and templates ask `can(user, action, obj)`. A rule receives an `Access`
(the user's roles, computed once per request) and the object.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied

from guildhall.orgs.models import Membership, Organization, Role

Rule = Callable[["Access", Any], bool]
_RULES: dict[str, Rule] = {}


def rule(action: str) -> Callable[[Rule], Rule]:
    """Register the rule that decides `action`."""

    def register(fn: Rule) -> Rule:
        if action in _RULES:
            raise RuntimeError(f"rule {action!r} registered twice")
        _RULES[action] = fn
        return fn

    return register


@dataclass
class Access:
    """A user's memberships, loaded once and reused for every question."""

    user: Any
    roles: dict[int, str] = field(default_factory=dict)  # org id -> role
    orgs: dict[int, Organization] = field(default_factory=dict)

    @classmethod
    def for_user(cls, user: Any) -> Access:
        cached = getattr(user, "_guildhall_access", None)
        if cached is not None:
            return cached
        access = cls(user=user)
        if user is not None and user.is_authenticated and user.is_active:
            # With each organization's parent: the organization pages take the organization
            # from here (`scoping.get_org_for_user`) and show what it is supervised by.
            memberships = Membership.objects.filter(
                user=user, is_active=True, organization__is_active=True
            ).select_related("organization__parent")
            for m in memberships:
                access.roles[m.organization_id] = m.role
                access.orgs[m.organization_id] = m.organization
        if user is not None:
            user._guildhall_access = access
        return access

    def role_in(self, org: Organization | int) -> str | None:
        """Return the user's own role in exactly this organization."""
        org_id = org if isinstance(org, int) else org.pk
        return self.roles.get(org_id)

    def supervisor_role_over(self, org: Organization) -> str | None:
        """Return the user's role in the nearest supervising body above `org`."""
        for ancestor_id in reversed(org.ancestor_ids()):
            if ancestor_id in self.roles:
                return self.roles[ancestor_id]
        return None

    def can_see(self, org: Organization) -> bool:
        return self.role_in(org) is not None or self.supervisor_role_over(org) is not None

    def supervised_paths(self) -> list[str]:
        return [o.path for o in self.orgs.values() if o.is_supervisor]

    def visible_orgs_q(self, prefix: str = ""):
        """Return a Q selecting organizations this user sees (own and below)."""
        from django.db.models import Q

        q = Q(**{f"{prefix}pk__in": list(self.roles)})
        for path in self.supervised_paths():
            q |= Q(**{f"{prefix}path__startswith": path})
        return q


def can(user: Any, action: str, obj: Any = None) -> bool:
    """Say whether `user` may do `action` to `obj` now."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    try:
        decide = _RULES[action]
    except KeyError:
        raise RuntimeError(f"no rule for {action!r}") from None
    return bool(decide(Access.for_user(user), obj))


def require(user: Any, action: str, obj: Any = None) -> None:
    """Raise PermissionDenied (and audit the refusal) unless `user` may do `action`."""
    if not can(user, action, obj):
        from guildhall.audit.services import record_refusal

        record_refusal(user=user, action=action, obj=obj)
        raise PermissionDenied(action)


def actions_for(user: Any, obj: Any, actions: list[str]) -> set[str]:
    """Return the subset of `actions` the user may take on `obj` now (for templates)."""
    return {a for a in actions if can(user, a, obj)}


# ---- the foundation's own rules -------------------------------------------------

ASSOCIATION_MANAGERS = {Role.PRINCIPAL, Role.ADMIN}
SUPERVISOR_ROLES = {Role.APPROVER, Role.VIEWER, Role.ADMIN}


def second_factor_required(access: Access) -> bool:
    """Whether the person must use a second factor to sign in: with SECOND_FACTOR=roles
    (the default) everyone with a role in a supervising body and the principals and admins
    of associations; with =everyone every person; with =off nobody."""
    if settings.SECOND_FACTOR == "everyone":
        return True
    if settings.SECOND_FACTOR == "off":
        return False
    return any(access.orgs[org_id].is_supervisor or role in ASSOCIATION_MANAGERS
               for org_id, role in access.roles.items())


@rule("org.view")
def _org_view(access: Access, org: Organization) -> bool:
    return access.can_see(org)


@rule("org.manage_members")
def _manage_members(access: Access, org: Organization) -> bool:
    return access.role_in(org) == Role.ADMIN


@rule("org.view_members")
def _view_members(access: Access, org: Organization) -> bool:
    own = access.role_in(org)
    if org.is_supervisor:
        return own == Role.ADMIN
    return own in ASSOCIATION_MANAGERS or access.supervisor_role_over(org) == Role.ADMIN


@rule("org.onboard")
def _onboard(access: Access, org: Organization) -> bool:
    """Supervisor admins create associations below their own body."""
    return org.is_supervisor and access.role_in(org) == Role.ADMIN


@rule("org.edit")
def _org_edit(access: Access, org: Organization) -> bool:
    """An organization's details (name, code, region, contacts): its own admin, or the
    admin of a supervising body above it."""
    return access.role_in(org) == Role.ADMIN or access.supervisor_role_over(org) == Role.ADMIN


@rule("org.view_below")
def _view_below(access: Access, org: Organization) -> bool:
    return org.is_supervisor and access.role_in(org) in SUPERVISOR_ROLES


@rule("audit.view")
def _audit_view(access: Access, org: Organization) -> bool:
    own = access.role_in(org)
    if org.is_supervisor:
        return own in SUPERVISOR_ROLES
    return own in ASSOCIATION_MANAGERS or access.supervisor_role_over(org) in SUPERVISOR_ROLES


@rule("calendar.manage")
def _calendar_manage(access: Access, obj: Any) -> bool:
    """The national working-day schedule is entered by admins of top-level supervising bodies."""
    return any(
        access.orgs[org_id].is_supervisor and access.orgs[org_id].parent_id is None
        and role == Role.ADMIN
        for org_id, role in access.roles.items()
    )
