"""Who may do what with special meetings. Registered with the permissions module.

The association's editors, principal and administrator record its meetings; everyone in the
association and the supervising bodies above it read them; a supervising body never edits
them. Its administrator sets the yearly minimum."""

from __future__ import annotations

from guildhall.meetings.models import Meeting, Status
from guildhall.orgs.models import Organization, Role
from guildhall.orgs.permissions import SUPERVISOR_ROLES, Access, rule

#: Association roles that record meetings.
RECORDERS = {Role.EDITOR, Role.PRINCIPAL, Role.ADMIN}


def _is_association(org: Organization) -> bool:
    return org.kind == Organization.Kind.ASSOCIATION


def _records_for(access: Access, meeting: Meeting) -> bool:
    return access.role_in(meeting.organization_id) in RECORDERS


@rule("meetings.list")
def _list(access: Access, org: Organization) -> bool:
    return _is_association(org) and access.can_see(org)


@rule("meetings.create")
def _create(access: Access, org: Organization) -> bool:
    return _is_association(org) and access.role_in(org) in RECORDERS


@rule("meetings.overview")
def _overview(access: Access, org: Organization) -> bool:
    """The counts of every association below a supervising body."""
    return org.is_supervisor and access.role_in(org) in SUPERVISOR_ROLES


@rule("meetings.rules")
def _rules(access: Access, org: Organization) -> bool:
    return org.is_supervisor and access.role_in(org) == Role.ADMIN


@rule("meetings.view")
def _view(access: Access, meeting: Meeting) -> bool:
    return _is_association(meeting.organization) and access.can_see(meeting.organization)


@rule("meetings.edit")
def _edit(access: Access, meeting: Meeting) -> bool:
    return _records_for(access, meeting) and meeting.allows("edit")


@rule("meetings.record")
def _record(access: Access, meeting: Meeting) -> bool:
    return _records_for(access, meeting) and meeting.allows("record")


@rule("meetings.cancel")
def _cancel(access: Access, meeting: Meeting) -> bool:
    return _records_for(access, meeting) and meeting.allows("cancel")


@rule("meetings.follow_up")
def _follow_up(access: Access, meeting: Meeting) -> bool:
    return _records_for(access, meeting) and meeting.allows("follow_up")


@rule("meetings.attach")
def _attach(access: Access, meeting: Meeting) -> bool:
    return _records_for(access, meeting) and meeting.status in (Status.DRAFT, Status.HELD)
