"""Reading channels and publications: the scoping helpers, the list and "waiting for me"."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from guildhall.core.months import month_bounds, parse_month
from guildhall.core.pagination import MAX_ID
from guildhall.core.prepared import Prepared
from guildhall.kit import search
from guildhall.orgs.permissions import Access
from guildhall.orgs.scoping import get_for_user, visible_to
from guildhall.publications.models import (
    Channel,
    ChannelStatus,
    Publication,
    Status,
)
from guildhall.records.models import Revision
from guildhall.reviews.models import Decision
from guildhall.reviews.services import OWN, SUPERVISOR


def visible_channels(user: Any) -> QuerySet[Channel]:
    return visible_to(user, Channel.objects.all())


def get_channel_for_user(user: Any, pk: int, org_id: int | None = None) -> Channel:
    """Return the channel if the user may see it; the same 404 for missing and someone else's."""
    return get_for_user(user, Channel.objects.select_related("organization", "responsible_person"),
                        pk, org_id)


def visible_publications(user: Any) -> QuerySet[Publication]:
    return visible_to(user, Publication.objects.all())


def get_publication_for_user(user: Any, pk: int, org_id: int | None = None) -> Publication:
    """Return the publication if the user may see it; the same 404 otherwise."""
    return get_for_user(user, Publication.objects.select_related("organization", "created_by"),
                        pk, org_id)


def with_channels(qs: QuerySet[Publication]) -> QuerySet[Publication]:
    """Load the rows' organization, author and channels in a constant number of queries."""
    return qs.select_related("organization", "created_by").prefetch_related(
        Prefetch("channels", queryset=Channel.objects.order_by("pk")))


def filter_publications(qs: QuerySet[Publication], params: dict[str, Any]) -> QuerySet[Publication]:
    """Apply the list's filters: channel, state, month (of the planned time), findings, words."""
    if params.get("status") in Status.values:
        qs = qs.filter(status=params["status"])
    try:
        channel = int(params.get("channel") or 0)
    except (TypeError, ValueError):
        channel = 0
    if not 0 < channel <= MAX_ID:
        channel = 0  # nothing can match an id out of the database's range: no filter
    if channel:
        qs = qs.filter(Exists(Publication.channels.through.objects.filter(
            publication_id=OuterRef("pk"), channel_id=channel)))
    month = parse_month(params.get("month"))
    if month:
        start, end = month_bounds(*month)
        qs = qs.filter(planned_at__gte=start, planned_at__lt=end)
    findings = params.get("findings")
    if findings == "any":
        qs = qs.filter(finding_count__gt=0)
    elif findings == "open":
        qs = qs.filter(open_finding_count__gt=0)
    elif findings == "none":
        qs = qs.filter(finding_count=0)
    if params.get("q"):
        qs = search.matching(qs, params["q"])
    return qs


def waiting_for(user: Any, org: Any | None = None) -> QuerySet[Publication]:
    """Return the publications whose current step this user may decide now.

    One query whatever the number of publications: the step waiting is kept on the row
    (level and role), the author and the reviewers of earlier steps of the same revision
    in the current review round are excluded in the database (decisions of earlier
    rounds do not count: a publication resubmitted without edits is reviewed afresh).
    """
    access = Access.for_user(user)
    q = Q(pk__in=[])
    for org_id, role in access.roles.items():
        member_of = access.orgs[org_id]
        if org is not None and org.pk != org_id:
            continue
        if member_of.is_supervisor:
            q |= Q(organization__path__startswith=member_of.path, current_step_level=SUPERVISOR,
                   current_step_role=role)
        else:
            q |= Q(organization_id=org_id, current_step_level=OWN, current_step_role=role)
    return _not_theirs(Publication.objects.filter(q), user.pk, ContentType.objects.get_for_model(
        Publication).pk)


def _not_theirs(publications: QuerySet[Publication], user_id: int,
                publication_type_id: int) -> QuerySet[Publication]:
    """Of `publications`, those in review that the person neither wrote nor decided a step of
    in this round, in the order of their review dates."""
    decided = Decision.objects.filter(
        subject_type=Publication.review_subject_type, subject_id=OuterRef("pk"),
        revision=OuterRef("revision"), round=OuterRef("review_round"), reviewer_id=user_id)
    wrote = Revision.objects.filter(
        subject_type_id=publication_type_id, subject_id=OuterRef("pk"), created_by_id=user_id)
    return (publications.filter(status=Status.IN_REVIEW, organization__is_active=True)
            .exclude(created_by_id=user_id).exclude(Exists(decided)).exclude(Exists(wrote))
            .order_by("review_due", "step_since", "pk"))


#: `waiting_for(user, association)[:5]` with what the home page shows, for a member of the
#: association (the SQL built once).
_first_waiting_in = Prepared(lambda org_id, role, user_id, type_id: _not_theirs(
    Publication.objects.filter(organization_id=org_id, current_step_level=OWN,
                               current_step_role=role), user_id, type_id).select_related(
    "organization").only("title", "review_due", "organization__name",
                         "organization__short_name")[:5])


def first_waiting_for(user: Any, org: Any) -> list[Publication]:
    """The first five of `waiting_for(user, org)`, their titles, review dates and
    organizations only (the home page's)."""
    role = Access.for_user(user).role_in(org)
    if org.is_supervisor or role is None:
        return list(waiting_for(user, org).select_related("organization").only(
            "title", "review_due", "organization__name", "organization__short_name")[:5])
    return _first_waiting_in(org_id=org.pk, role=role, user_id=user.pk,
                             type_id=ContentType.objects.get_for_model(Publication).pk)


def paused_channels_of(org: Any) -> QuerySet[Channel]:
    return Channel.objects.filter(organization=org, status=ChannelStatus.PAUSED)


#: The first paused channels of an association (the home page's, its SQL built once).
first_paused_channels = Prepared(lambda org_id: paused_channels_of(org_id).only(
    "organization_id", "name", "pause_reason")[:5])
