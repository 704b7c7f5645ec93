"""Who may do what with incidents. Registered with the permissions module.

Every member of the association reports (a staff member may be the first to know); the
principal and the admin decide its course (severity, stable, closing, reopening); the
supervising body's approvers acknowledge; its admin sets the deadlines."""

from __future__ import annotations

from guildhall.incidents.models import Incident
from guildhall.orgs.models import Organization, Role
from guildhall.orgs.permissions import SUPERVISOR_ROLES, Access, rule

REPORTERS = {Role.PRINCIPAL, Role.ADMIN, Role.EDITOR, Role.REVIEWER, Role.STAFF}
MANAGERS = {Role.PRINCIPAL, Role.ADMIN}


def _is_association(org: Organization) -> bool:
    return org.kind == Organization.Kind.ASSOCIATION


def _reports_for(access: Access, incident: Incident) -> bool:
    return access.role_in(incident.organization_id) in REPORTERS


def _manages(access: Access, incident: Incident) -> bool:
    return access.role_in(incident.organization_id) in MANAGERS


@rule("incidents.list")
def _list(access: Access, org: Organization) -> bool:
    return _is_association(org) and access.can_see(org)


@rule("incidents.board")
def _board(access: Access, org: Organization) -> bool:
    """Every incident below a supervising body."""
    return org.is_supervisor and access.role_in(org) in SUPERVISOR_ROLES


@rule("incidents.create")
def _create(access: Access, org: Organization) -> bool:
    return _is_association(org) and access.role_in(org) in REPORTERS


@rule("incidents.rules")
def _rules(access: Access, org: Organization) -> bool:
    return org.is_supervisor and access.role_in(org) == Role.ADMIN


@rule("incidents.view")
def _view(access: Access, incident: Incident) -> bool:
    return access.can_see(incident.organization)


@rule("incidents.edit")
def _edit(access: Access, incident: Incident) -> bool:
    """Whoever reports completes the details later (where, what is known, what was done)."""
    return incident.allows("edit") and _reports_for(access, incident)


@rule("incidents.report_phone")
def _report_phone(access: Access, incident: Incident) -> bool:
    return incident.allows("report_phone") and _reports_for(access, incident)


@rule("incidents.report_written")
def _report_written(access: Access, incident: Incident) -> bool:
    return (incident.allows("report_written") and incident.written_reported_at is None
            and _reports_for(access, incident))


@rule("incidents.follow_up")
def _follow_up(access: Access, incident: Incident) -> bool:
    return incident.allows("follow_up") and _reports_for(access, incident)


@rule("incidents.change_severity")
def _change_severity(access: Access, incident: Incident) -> bool:
    return incident.allows("change_severity") and _manages(access, incident)


@rule("incidents.mark_stable")
def _mark_stable(access: Access, incident: Incident) -> bool:
    return incident.allows("mark_stable") and _manages(access, incident)


@rule("incidents.close")
def _close(access: Access, incident: Incident) -> bool:
    return incident.allows("close") and _manages(access, incident)


@rule("incidents.reopen")
def _reopen(access: Access, incident: Incident) -> bool:
    return incident.allows("reopen") and _manages(access, incident)


@rule("incidents.acknowledge")
def _acknowledge(access: Access, incident: Incident) -> bool:
    """The supervising body's approvers acknowledge each report (签收)."""
    return incident.allows("acknowledge") and \
        access.supervisor_role_over(incident.organization) == Role.APPROVER
