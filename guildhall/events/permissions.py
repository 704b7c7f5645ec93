"""Who may do what with event filings. Registered with the permissions module."""

from __future__ import annotations

from django.utils import timezone

from guildhall.events.models import EDITABLE, Filing, FilingRules, Status
from guildhall.kit.workflow import state_rules
from guildhall.orgs.models import Organization, Role
from guildhall.orgs.permissions import SUPERVISOR_ROLES, Access, rule
from guildhall.reviews.services import may_decide

#: Actions decided by the review mechanism, which names its own refusals.

#: Association roles that file events: the editor drafts, the principal may too.
FILERS = {Role.EDITOR, Role.PRINCIPAL}


def _is_association(org: Organization) -> bool:
    return org.kind == Organization.Kind.ASSOCIATION


def _files_for(access: Access, filing: Filing) -> bool:
    return access.role_in(filing.organization_id) in FILERS


def _decider(access: Access, filing: Filing) -> bool:
    return may_decide(access.user, filing, filing.review_steps())


@rule("events.list")
def _list(access: Access, org: Organization) -> bool:
    if _is_association(org):
        return access.can_see(org)
    return False


@rule("events.queue")
def _queue(access: Access, org: Organization) -> bool:
    """The queue across every association below a supervising body."""
    return org.is_supervisor and access.role_in(org) in SUPERVISOR_ROLES


@rule("events.calendar")
def _calendar(access: Access, org: Organization) -> bool:
    if _is_association(org):
        return access.can_see(org)
    return access.role_in(org) in SUPERVISOR_ROLES


@rule("events.create")
def _create(access: Access, org: Organization) -> bool:
    return _is_association(org) and access.role_in(org) in FILERS


@rule("events.rules")
def _rules(access: Access, org: Organization) -> bool:
    return org.is_supervisor and access.role_in(org) == Role.ADMIN


@rule("events.feed_regenerate")
def _feed_regenerate(access: Access, org: Organization) -> bool:
    if _is_association(org):
        return access.role_in(org) in {Role.PRINCIPAL, Role.ADMIN}
    return access.role_in(org) == Role.ADMIN


@rule("events.view")
def _view(access: Access, filing: Filing) -> bool:
    return _is_association(filing.organization) and access.can_see(filing.organization)


@rule("events.edit")
def _edit(access: Access, filing: Filing) -> bool:
    if not _files_for(access, filing) or not filing.allows("edit"):
        return False
    return filing.status in EDITABLE or not filing.has_ended()


@rule("events.attach")
def _attach(access: Access, filing: Filing) -> bool:
    return _files_for(access, filing) and filing.status in EDITABLE


@rule("events.acknowledge_finding")
def _acknowledge_finding(access: Access, filing: Filing) -> bool:
    return access.role_in(filing.organization_id) == Role.PRINCIPAL and filing.status in EDITABLE


state_rules("events", _files_for, "submit", "withdraw")


@rule("events.cancel")
def _cancel(access: Access, filing: Filing) -> bool:
    if not _files_for(access, filing) or not filing.allows("cancel"):
        return False
    return filing.status != Status.APPROVED or timezone.now() < filing.starts_at


@rule("events.sign_off")
def _sign_off(access: Access, filing: Filing) -> bool:
    return filing.status == Status.SIGNOFF and _decider(access, filing)


@rule("events.approve")
def _approve(access: Access, filing: Filing) -> bool:
    return filing.status == Status.SUBMITTED and _decider(access, filing)


@rule("events.return")
def _return(access: Access, filing: Filing) -> bool:
    return filing.allows("return") and _decider(access, filing)


@rule("events.reject")
def _reject(access: Access, filing: Filing) -> bool:
    return filing.allows("reject") and _decider(access, filing)


@rule("events.halt")
def _halt(access: Access, filing: Filing) -> bool:
    """The on-site responsible person or the principal, from shortly before the start of
    the approved event (the supervisor's rule) until its end."""
    if not filing.allows("halt"):
        return False
    if not filing.may_halt_at(FilingRules.for_association(filing.organization), timezone.now()):
        return False
    role = access.role_in(filing.organization_id)
    if role == Role.PRINCIPAL:
        return True
    return role is not None and filing.onsite_person_id == access.user.pk


@rule("events.summarize")
def _summarize(access: Access, filing: Filing) -> bool:
    if not filing.allows("summarize"):
        return False
    if filing.status == Status.APPROVED and not filing.has_ended():
        return False
    return _files_for(access, filing)


@rule("events.acknowledge_summary")
def _acknowledge_summary(access: Access, filing: Filing) -> bool:
    return filing.allows("acknowledge_summary") and \
        access.supervisor_role_over(filing.organization) == Role.APPROVER


@rule("events.decide_many")
def _decide_many(access: Access, org: Organization) -> bool:
    """Deciding several filings of the queue at once: the supervising body's approvers
    (each filing is then authorized on its own, as on its page)."""
    return org.is_supervisor and access.role_in(org) == Role.APPROVER
