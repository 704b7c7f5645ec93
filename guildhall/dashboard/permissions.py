"""Who sees the dashboard: the people of a supervising body (viewers read, approvers and
admins also get the links to act); an association's principal and admin see its own row."""

from __future__ import annotations

from typing import Any

from guildhall.orgs.models import Organization, Role
from guildhall.orgs.permissions import ASSOCIATION_MANAGERS, SUPERVISOR_ROLES, Access, rule

ACTORS = {Role.APPROVER, Role.ADMIN}


@rule("dashboard.view")
def _view(access: Access, org: Organization) -> bool:
    return org.is_supervisor and access.role_in(org) in SUPERVISOR_ROLES


@rule("dashboard.act")
def _act(access: Access, org: Organization) -> bool:
    """Approvers and admins get the action links (open the queue, decide)."""
    return org.is_supervisor and access.role_in(org) in ACTORS


@rule("dashboard.association")
def _association(access: Access, org: Organization) -> bool:
    """The supervisor's detail page of an association below."""
    return not org.is_supervisor and access.supervisor_role_over(org) in SUPERVISOR_ROLES


@rule("dashboard.act_on")
def _act_on(access: Access, org: Organization) -> bool:
    return not org.is_supervisor and access.supervisor_role_over(org) in ACTORS


@rule("dashboard.own_row")
def _own_row(access: Access, org: Any) -> bool:
    return (not org.is_supervisor and access.role_in(org) in ASSOCIATION_MANAGERS
            or access.supervisor_role_over(org) in SUPERVISOR_ROLES)
