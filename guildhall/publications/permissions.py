"""Who may do what with channels and publications. Registered with the permissions module."""

from __future__ import annotations

from guildhall.kit.workflow import state_rules
from guildhall.orgs.models import Organization, Role
from guildhall.orgs.permissions import Access, rule
from guildhall.publications.models import (
    ACKNOWLEDGERS,
    CHANNEL_MANAGERS,
    STEP_ROLES,
    WRITERS,
    Channel,
    ChannelStatus,
    Publication,
)
from guildhall.reviews.services import may_decide


def _is_association(org: Organization) -> bool:
    return org.kind == Organization.Kind.ASSOCIATION


def _writes_for(access: Access, publication: Publication) -> bool:
    return access.role_in(publication.organization_id) in WRITERS


# ---- the association's pages ------------------------------------------------------

@rule("publications.list")
def _list(access: Access, org: Organization) -> bool:
    """The list and the channel register: the association and the bodies above it."""
    return _is_association(org) and access.can_see(org)


@rule("publications.waiting")
def _waiting(access: Access, org: Organization) -> bool:
    """"Waiting for me": anyone who may hold a review step, and the supervisor's approvers."""
    if _is_association(org):
        return access.role_in(org) in STEP_ROLES
    return access.role_in(org) == Role.APPROVER


@rule("publications.create")
def _create(access: Access, org: Organization) -> bool:
    return _is_association(org) and access.role_in(org) in WRITERS


@rule("publications.settings")
def _settings(access: Access, org: Organization) -> bool:
    """The confidential terms and the review deadline are the association admin's."""
    return _is_association(org) and access.role_in(org) == Role.ADMIN


@rule("channels.create")
def _channel_create(access: Access, org: Organization) -> bool:
    return _is_association(org) and access.role_in(org) in CHANNEL_MANAGERS


# ---- one channel ---------------------------------------------------------------------

@rule("channels.view")
def _channel_view(access: Access, channel: Channel) -> bool:
    return _is_association(channel.organization) and access.can_see(channel.organization)


@rule("channels.edit")
def _channel_edit(access: Access, channel: Channel) -> bool:
    return _is_association(channel.organization) and \
        access.role_in(channel.organization_id) in CHANNEL_MANAGERS


@rule("channels.pause")
def _channel_pause(access: Access, channel: Channel) -> bool:
    return _channel_edit(access, channel) and channel.status == ChannelStatus.ACTIVE


@rule("channels.resume")
def _channel_resume(access: Access, channel: Channel) -> bool:
    return _channel_edit(access, channel) and channel.status == ChannelStatus.PAUSED


# ---- one publication -------------------------------------------------------------------

@rule("publications.view")
def _view(access: Access, publication: Publication) -> bool:
    return _is_association(publication.organization) and access.can_see(publication.organization)


# The writers' actions, whenever the state allows them.
state_rules("publications", _writes_for, "edit", "attach", "submit", "record_published",
            "withdraw")


@rule("publications.review")
def _review(access: Access, publication: Publication) -> bool:
    return publication.allows("review") and _is_association(publication.organization) and \
        may_decide(access.user, publication, publication.review_steps())


@rule("publications.acknowledge_finding")
def _acknowledge_finding(access: Access, publication: Publication) -> bool:
    return publication.allows("acknowledge_finding") and \
        access.role_in(publication.organization_id) in ACKNOWLEDGERS and \
        access.user.pk not in publication.review_author_ids()


