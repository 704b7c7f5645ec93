"""Channels and publications in the API: the same scoping, rules and services as the pages.

Action bodies are read after the publication was found and the action allowed, so that
someone who may not see it gets 404 whatever they send. Review decisions are
{"verdict": "pass"|"return"|"reject", "comment": ..., "revision": N}; refusals answer
409 with the codes "stale_revision", "unresolved_findings", "channel_paused",
"wrong_state", and 403 with "own_item", "not_reviewer", "already_reviewed".
"""

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import paginate

from guildhall.core.errors import DomainError
from guildhall.core.pagination import MAX_ID, Pages
from guildhall.kit import api as kit_api
from guildhall.kit.api import (
    OwnedOut,
    ReasonIn,
    aware,
    body_doc,
    choice_of,
    read_body,
    run_action,
    viewable,
)
from guildhall.kit.workflow import authorize
from guildhall.lib import richtext
from guildhall.orgs.permissions import require
from guildhall.orgs.scoping import get_org_for_user
from guildhall.publications import queries, services
from guildhall.publications.models import (
    MAX_STEPS,
    STEP_ROLES,
    Channel,
    ChannelType,
    Publication,
    Status,
)
from guildhall.records import services as records
from guildhall.records.models import Finding
from guildhall.records.queries import get_finding_of
from guildhall.reviews import services as reviews

router = Router(tags=["publications"])

#: An id in a request body or query: bounded so a huge number is a 422, not a 500.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
StepRole = Literal[tuple(r.value for r in STEP_ROLES)]  # type: ignore[valid-type]


class ChannelIn(Schema):
    organization: int = Field(..., ge=1, le=MAX_ID)
    type: ChannelType
    name: str = Field(..., min_length=1, max_length=100)
    account: str = Field("", max_length=200)
    icp_number: str = Field("", max_length=40, description="Required for websites.")
    operator: str = Field("", max_length=100)
    responsible_person: int | None = Field(None, ge=1, le=MAX_ID)
    review_roles: list[StepRole] = Field(
        default_factory=lambda: ["reviewer", "reviewer", "principal"], min_length=1,
        max_length=MAX_STEPS, description="One role per review step, 1 to 4 steps.")


class ChannelPatch(Schema):
    type: ChannelType | None = None
    name: str | None = Field(None, min_length=1, max_length=100)
    account: str | None = Field(None, max_length=200)
    icp_number: str | None = Field(None, max_length=40)
    operator: str | None = Field(None, max_length=100)
    responsible_person: int | None = Field(None, ge=1, le=MAX_ID)
    review_roles: list[StepRole] | None = Field(None, min_length=1, max_length=MAX_STEPS)
    status: Literal["active", "closed"] | None = Field(
        None, description="Close or reopen; pause and resume have their own operations.")


class ChannelOut(OwnedOut):
    type: str
    name: str
    account: str
    icp_number: str
    operator: str
    responsible_person: int | None
    status: str
    review_roles: list[str]
    pause_reason: str
    paused_at: dt.datetime | None

    @staticmethod
    def resolve_responsible_person(obj: Channel) -> int | None:
        return obj.responsible_person_id


class PublicationIn(Schema):
    organization: int = Field(..., ge=1, le=MAX_ID)
    title: str = Field(..., min_length=1, max_length=200)
    body: str = Field("", description="HTML (sanitized on the server) or plain text (one paragraph a "
                      "line); a text without words or images is refused (body_required).")
    channels: list[Id] = Field(..., min_length=1)
    planned_at: dt.datetime
    needs_supervisor: bool = False


class PublicationPatch(Schema):
    revision: int | None = Field(None, ge=1, le=MAX_ID,
                                 description="The revision you edited; refused when stale.")
    title: str | None = Field(None, min_length=1, max_length=200)
    body: str | None = None
    channels: list[Id] | None = Field(None, min_length=1)
    planned_at: dt.datetime | None = None
    needs_supervisor: bool | None = None


class PublicationOut(OwnedOut):
    title: str
    status: str
    revision: int
    approved_revision: int | None
    channels: list[int]
    planned_at: dt.datetime
    needs_supervisor: bool
    review_round: int
    current_step: int
    current_step_level: str
    current_step_role: str
    review_due: dt.date | None
    finding_count: int
    open_finding_count: int
    submitted_at: dt.datetime | None
    decided_at: dt.datetime | None
    published_at: dt.datetime | None
    withdrawn_at: dt.datetime | None
    withdraw_reason: str

    @staticmethod
    def resolve_channels(obj: Publication) -> list[int]:
        return [c.pk for c in obj.channels.all()]


class PublicationDecisionOut(kit_api.DecisionOut):
    @staticmethod
    def resolve_verdict(obj: Any) -> str:
        return {"approve": "pass"}.get(obj.verdict, obj.verdict)


class FindingOut(Schema):
    id: int
    revision: int
    type: str
    masked: str
    place: str
    start: int
    end: int
    acknowledged: bool
    acknowledged_reason: str

    @staticmethod
    def resolve_place(obj: Finding) -> str:
        return obj.place()

    @staticmethod
    def resolve_acknowledged(obj: Finding) -> bool:
        return obj.is_resolved


class PlacementOut(Schema):
    channel: int
    url: str
    published_at: dt.datetime
    revision: int
    withdrawn_at: dt.datetime | None

    @staticmethod
    def resolve_channel(obj: Any) -> int:
        return obj.channel_id


class PublicationDetailOut(PublicationOut):
    body: str
    actions: list[str]
    decisions: list[PublicationDecisionOut]
    findings: list[FindingOut] = Field(..., alias="findings_now")
    placements: list[PlacementOut] = Field(..., alias="placement_list")


class ReviewIn(Schema):
    verdict: Literal["pass", "return", "reject"]
    comment: str = ""
    revision: int = Field(..., ge=1, le=MAX_ID)


class PublishedIn(Schema):
    channel: int = Field(..., ge=1, le=MAX_ID)
    url: str = Field(..., max_length=500)
    published_at: dt.datetime | None = None


class PublicationFilters(Schema):
    org: int | None = Field(None, ge=1, le=MAX_ID)
    channel: int | None = Field(None, ge=1, le=MAX_ID)
    status: choice_of(Status) | None = None  # type: ignore[valid-type]
    month: str | None = Field(None, pattern=r"^(19\d\d|20\d\d|2100)-(0[1-9]|1[0-2])$",
                              description="YYYY-MM (planned), years 1900 to 2100")
    findings: Literal["any", "open", "none"] | None = None
    q: str | None = Field(None, max_length=100, description="words in the title, body or association")


# ---- channels ------------------------------------------------------------------------

_channel = viewable(queries.get_channel_for_user, "channels.view")


def _channel_data(payload: Schema, exclude_unset: bool = False) -> dict[str, Any]:
    data = payload.dict(exclude_unset=exclude_unset)
    data.pop("organization", None)
    if "responsible_person" in data:
        data["responsible_person_id"] = data.pop("responsible_person")
    if data.get("type") is not None:
        data["type"] = ChannelType(data["type"]).value
    return data


def _channel_fields(data: dict[str, Any]) -> dict[str, Any]:
    person = data.pop("responsible_person_id", ...)
    if person is not ...:
        from django.contrib.auth import get_user_model

        data["responsible_person"] = get_user_model().objects.filter(pk=person).first() \
            if person else None
        if person and data["responsible_person"] is None:
            raise NinjaValidationError([{"loc": ["body", "responsible_person"],
                                         "msg": "No such person."}])
    return {k: v for k, v in data.items() if v is not None or k == "responsible_person"}


def _channel_to_edit(request: HttpRequest, channel_id: int) -> Channel:
    """Return the channel if the user sees it (else 404) and may edit it (else 403)."""
    channel = _channel(request, channel_id)
    require(request.user, "channels.edit", channel)
    return channel


@router.get("/channels/", response=list[ChannelOut], url_name="channel_list")
@paginate(Pages, page_size=50)
def channel_list(request: HttpRequest, org: int | None = Query(None, ge=1, le=MAX_ID)):
    """List the channels you see (your association's, or those below your body)."""
    qs = queries.visible_channels(request.user).filter(organization__kind="association")
    if org is not None:
        qs = qs.filter(organization_id=org)
    return qs.order_by("organization_id", "name", "pk")


@router.post("/channels/", response={201: ChannelOut}, url_name="channel_list")
def channel_create(request: HttpRequest, payload: ChannelIn):
    """Add a channel to your association's register (principal or administrator)."""
    org = get_org_for_user(request.user, payload.organization)
    require(request.user, "channels.create", org)
    channel = services.channel_create(actor=request.user, org=org,
                                      data=_channel_fields(_channel_data(payload)))
    return HttpStatus(201, channel)


@router.get("/channels/{channel_id}", response=ChannelOut, url_name="channel_detail")
def channel_detail(request: HttpRequest, channel_id: int):
    channel = _channel(request, channel_id)
    return channel


@router.patch("/channels/{channel_id}", response=ChannelOut, url_name="channel_detail")
def channel_update(request: HttpRequest, channel_id: int, payload: ChannelPatch):
    """Change a channel's details or review steps, or close it."""
    channel = _channel_to_edit(request, channel_id)
    return services.channel_update(actor=request.user, channel=channel, data=_channel_fields(
        _channel_data(payload, exclude_unset=True)))


@router.post("/channels/{channel_id}/pause", response=ChannelOut, url_name="channel_pause",
             openapi_extra=body_doc(ReasonIn))
def channel_pause(request: HttpRequest, channel_id: int):
    """Pause the channel now (熔断), with a reason; the supervising body's approvers are told."""
    channel = _channel_to_edit(request, channel_id)
    body = read_body(request, ReasonIn)
    return services.channel_pause(actor=request.user, channel=channel, reason=body.reason)


@router.post("/channels/{channel_id}/resume", response=ChannelOut, url_name="channel_resume",
             openapi_extra=body_doc(ReasonIn))
def channel_resume(request: HttpRequest, channel_id: int):
    """Resume a paused channel; the supervising body's approvers are told."""
    channel = _channel_to_edit(request, channel_id)
    body = read_body(request, ReasonIn)
    return services.channel_resume(actor=request.user, channel=channel, note=body.reason)


# ---- publications ----------------------------------------------------------------------

def _channels(org: Any, ids: list[int]) -> list[Channel]:
    channels = list(Channel.objects.filter(organization=org, pk__in=ids))
    if len(channels) != len(set(ids)):
        raise DomainError(_("Choose channels of your association."), "bad_channel",
                          field="channels")
    return channels


_publication = viewable(queries.get_publication_for_user, "publications.view")


def _detail(request: HttpRequest, publication: Publication) -> Publication:
    """Return the publication, fresh, with what the detail adds: the current body, the
    actions the user may take, the review trail, this revision's findings, the placements."""
    publication = queries.get_publication_for_user(request.user, publication.pk)
    current = publication.revisions.get(number=publication.revision)
    publication.actions = sorted(publication.available_actions(request.user))
    publication.decisions = list(reviews.decisions_for(publication))
    publication.findings_now = list(publication.findings.filter(revision=publication.revision))
    publication.body = richtext.sanitize(current.snapshot["body"])
    if not services.reveals_found_values(publication, request.user):
        publication.body = records.masked_body(publication.body, publication.findings_now)
    publication.placement_list = list(publication.placements.all())
    return publication


def _act(request: HttpRequest, publication_id: int, action: str, schema: type[Schema] | None,
         run: Any) -> Publication:
    return _detail(request, run_action(request, _publication(request, publication_id),
                                       action=action, schema=schema, run=run))


@router.get("/publications/", response=list[PublicationOut], url_name="publication_list")
@paginate(Pages, page_size=50)
def publication_list(request: HttpRequest, filters: Query[PublicationFilters]):
    """List the publications you see; filter by organization, channel, state, month, findings
    and words."""
    qs = queries.with_channels(queries.visible_publications(request.user))
    if filters.org is not None:
        qs = qs.filter(organization_id=filters.org)
    params = {"status": filters.status or "", "channel": filters.channel or "",
              "month": filters.month, "findings": filters.findings, "q": filters.q}
    return queries.filter_publications(qs, params).order_by("-planned_at", "-pk")


@router.get("/publications/waiting", response=list[PublicationOut],
            url_name="publication_waiting")
@paginate(Pages, page_size=50)
def publication_waiting(request: HttpRequest):
    """List the publications whose current review step you may decide now."""
    return queries.with_channels(queries.waiting_for(request.user))


@router.post("/publications/", response={201: PublicationDetailOut}, url_name="publication_list")
def publication_create(request: HttpRequest, payload: PublicationIn):
    """Write a draft publication for channels of your association."""
    org = get_org_for_user(request.user, payload.organization)
    require(request.user, "publications.create", org)
    data = payload.dict()
    data["channels"] = _channels(org, payload.channels)
    data["planned_at"] = aware(payload.planned_at)
    publication = services.publication_create(actor=request.user, org=org, data=data)
    return HttpStatus(201, _detail(request, publication))


@router.get("/publications/{publication_id}", response=PublicationDetailOut,
            url_name="publication_detail")
def publication_detail(request: HttpRequest, publication_id: int):
    """Return one publication: its current revision, the actions you may take, the review
    trail, the checker's findings on this revision and where it was published."""
    publication = _publication(request, publication_id)
    return _detail(request, publication)


@router.patch("/publications/{publication_id}", response=PublicationDetailOut,
              url_name="publication_detail")
def publication_update(request: HttpRequest, publication_id: int, payload: PublicationPatch):
    """Change the publication: a new revision. Under review or approved, its review starts
    again (send `revision`; a stale one is refused with 409)."""
    publication = _publication(request, publication_id)
    authorize(request.user, "edit", publication)
    data = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    revision = data.pop("revision", None)
    if "channels" in data:
        data["channels"] = _channels(publication.organization, data["channels"])
    if "planned_at" in data:
        data["planned_at"] = aware(data["planned_at"])
    services.publication_revise(actor=request.user, publication=publication, data=data,
                                revision=revision)
    return _detail(request, publication)


@router.post("/publications/{publication_id}/submit", response=PublicationDetailOut,
             url_name="publication_submit")
def publication_submit(request: HttpRequest, publication_id: int):
    """Submit the current revision; the checker reads it and the first step's reviewers are told."""
    return _act(request, publication_id, "submit", None, lambda p, b: services.publication_submit(
        actor=request.user, publication=p))


@router.post("/publications/{publication_id}/review", response=PublicationDetailOut,
             url_name="publication_review", openapi_extra=body_doc(ReviewIn))
def publication_review(request: HttpRequest, publication_id: int):
    """Decide the current step: pass, return or reject, always with a comment, on the current
    revision. The final pass is refused while a finding is unresolved (409
    "unresolved_findings"); any pass while a channel is paused (409 "channel_paused")."""
    return _act(request, publication_id, "review", ReviewIn, lambda p, b: services.publication_review(
        actor=request.user, publication=p, verdict=b.verdict, comment=b.comment,
        revision=b.revision))


@router.post("/publications/{publication_id}/findings/{finding_id}/acknowledge",
             response=PublicationDetailOut, url_name="publication_finding_acknowledge",
             openapi_extra=body_doc(ReasonIn))
def publication_finding_acknowledge(request: HttpRequest, publication_id: int, finding_id: int):
    """A reviewer or the principal accepts a finding of the current revision, with a reason."""
    publication = _publication(request, publication_id)
    finding = get_finding_of(publication, finding_id)
    return _act(request, publication_id, "acknowledge_finding", ReasonIn,
                lambda p, b: services.publication_acknowledge_finding(
                    actor=request.user, publication=p, finding=finding, reason=b.reason))


@router.post("/publications/{publication_id}/published", response=PublicationDetailOut,
             url_name="publication_published", openapi_extra=body_doc(PublishedIn))
def publication_published(request: HttpRequest, publication_id: int):
    """Record that the approved publication went out on one of its channels (URL and time)."""
    return _act(request, publication_id, "record_published", PublishedIn,
                lambda p, b: services.publication_record_published(
                    actor=request.user, publication=p, channel=b.channel, url=b.url,
                    published_at=aware(b.published_at)))


@router.post("/publications/{publication_id}/withdraw", response=PublicationDetailOut,
             url_name="publication_withdraw", openapi_extra=body_doc(ReasonIn))
def publication_withdraw(request: HttpRequest, publication_id: int):
    """Record that the published content was taken down, with the reason."""
    return _act(request, publication_id, "withdraw", ReasonIn,
                lambda p, b: services.publication_withdraw(actor=request.user, publication=p,
                                                           reason=b.reason))

