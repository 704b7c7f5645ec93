"""Event filings in the API: the same scoping, rules and services as the pages.

Action bodies are read after the filing was found and the action allowed, so that
someone who may not see a filing gets 404 whatever they send; they may be JSON or form
fields. Decisions carry {"comment": ..., "revision": N}.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.pagination import paginate

from guildhall.core.pagination import MAX_ID, Pages
from guildhall.events import queries, services
from guildhall.events.models import (
    CO_ORGANIZER_MAX,
    SPEAKER_NAME_MAX,
    SPEAKER_TEXT_MAX,
    EventType,
    Filing,
    Status,
)
from guildhall.kit.actions import audited
from guildhall.kit.api import (
    DecisionOut,
    OwnedOut,
    ReasonIn,
    aware,
    body_doc,
    choice_of,
    invalid,
    read_body,
    run_action,
    viewable,
)
from guildhall.kit.workflow import authorize
from guildhall.orgs.permissions import require
from guildhall.orgs.scoping import get_org_for_user
from guildhall.records.queries import get_finding_of
from guildhall.reviews import services as reviews

router = Router(tags=["events"])

#: The API's name of a model field where the two differ (for validation errors).
API_NAMES = {"onsite_person_id": "onsite_person"}


class Speaker(Schema):
    name: str = Field(..., min_length=1, max_length=SPEAKER_NAME_MAX)
    affiliation: str = Field("", max_length=SPEAKER_TEXT_MAX)
    topic: str = Field("", max_length=SPEAKER_TEXT_MAX)


class CoOrganizer(Schema):
    name: str = Field(..., min_length=1, max_length=CO_ORGANIZER_MAX)
    foreign: bool = False


# What a filing holds is shown as it is: output schemas carry no input limits, so data
# kept under an older or another rule never makes a list answer fail.
class SpeakerOut(Schema):
    name: str
    affiliation: str = ""
    topic: str = ""


class CoOrganizerOut(Schema):
    name: str
    foreign: bool = False


class FilingIn(Schema):
    organization: int = Field(..., ge=1, le=MAX_ID)
    title: str = Field(..., min_length=1, max_length=200)
    type: EventType
    starts_at: dt.datetime
    ends_at: dt.datetime
    venue: str = ""
    online_platform: str = ""
    organizer: str = ""
    co_organizers: list[CoOrganizer] = []
    expected_attendance: int = Field(0, ge=0)
    livestream: bool = False
    speakers: list[Speaker] = []
    description: str = ""
    onsite_person: int | None = Field(None, ge=1, le=MAX_ID)
    onsite_phone: str = ""
    halt_procedure: str = ""
    notify_list: str = ""
    fallback: str = ""


class FilingPatch(Schema):
    revision: int | None = Field(None, description="The revision you edited; refused when stale.")
    title: str | None = Field(None, min_length=1, max_length=200)
    type: EventType | None = None
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    venue: str | None = None
    online_platform: str | None = None
    organizer: str | None = None
    co_organizers: list[CoOrganizer] | None = None
    expected_attendance: int | None = Field(None, ge=0)
    livestream: bool | None = None
    speakers: list[Speaker] | None = None
    description: str | None = None
    onsite_person: int | None = Field(None, ge=1, le=MAX_ID)
    onsite_phone: str | None = None
    halt_procedure: str | None = None
    notify_list: str | None = None
    fallback: str | None = None


class FilingOut(OwnedOut):
    title: str
    type: str
    status: str
    revision: int
    approved_revision: int | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    venue: str
    online_platform: str
    organizer: str
    co_organizers: list[CoOrganizerOut]
    expected_attendance: int
    livestream: bool
    speakers: list[SpeakerOut]
    description: str
    onsite_person: int | None
    onsite_phone: str
    halt_procedure: str
    notify_list: str
    fallback: str
    is_late: bool
    late_reason: str
    submitted_at: dt.datetime | None
    decision_due: dt.date | None
    decided_at: dt.datetime | None
    summary_due: dt.date | None

    @staticmethod
    def resolve_onsite_person(obj: Filing) -> int | None:
        return obj.onsite_person_id


class HaltOut(Schema):
    halted_at: dt.datetime
    reason: str
    actions_taken: str


class FilingDetailOut(FilingOut):
    actions: list[str]
    decisions: list[DecisionOut]
    halts: list[HaltOut]


class DecisionIn(Schema):
    revision: int
    comment: str = ""


class SubmitIn(Schema):
    late_reason: str = ""


class HaltIn(Schema):
    reason: str
    actions_taken: str
    halted_at: dt.datetime | None = None


class SummaryIn(Schema):
    what_happened: str
    attendance: int = Field(..., ge=0)
    issues: str = ""
    halt_response: str = ""


class FilingFilters(Schema):
    org: int | None = Field(None, ge=1, le=MAX_ID)
    status: choice_of(Status) | None = None  # type: ignore[valid-type]
    type: EventType | None = None
    month: str | None = Field(None, pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")
    q: str | None = Field(None, max_length=100,
                          description="words in the title, description, speakers or association")


def _model_data(payload: Schema, exclude_unset: bool = False) -> dict[str, Any]:
    data = payload.dict(exclude_unset=exclude_unset)
    data.pop("organization", None)
    data.pop("revision", None)
    for key in ("starts_at", "ends_at"):
        if key in data:
            data[key] = aware(data[key])
    if "onsite_person" in data:
        data["onsite_person_id"] = data.pop("onsite_person")
    if "type" in data and data["type"] is not None:
        data["type"] = EventType(data["type"]).value
    return {k: v for k, v in data.items() if v is not None or k == "onsite_person_id"}


_filing = viewable(queries.get_filing_for_user, "events.view")


def _detail(request: HttpRequest, filing: Filing) -> Filing:
    filing = queries.get_filing_for_user(request.user, filing.pk)
    filing.actions = sorted(filing.available_actions(request.user))
    filing.decisions = list(reviews.decisions_for(filing))
    return filing


def _act(request: HttpRequest, filing_id: int, action: str, schema: type[Schema] | None,
         run: Any) -> Filing:
    return _detail(request, run_action(request, _filing(request, filing_id), action=action,
                                       schema=schema, run=run))


def _decide(request: HttpRequest, filing_id: int, action: str,
            decide: Callable[..., Any]) -> Filing:
    """Run one of the review decisions: they all take the revision decided and a comment."""
    return _act(request, filing_id, action, DecisionIn, lambda f, b: decide(
        actor=request.user, filing=f, revision=b.revision, comment=b.comment))


@router.get("/events/", response=list[FilingOut], url_name="event_list")
@paginate(Pages, page_size=50)
def event_list(request: HttpRequest, filters: Query[FilingFilters]):
    """List the filings you see, newest event first; filter by organization, state, type,
    month and words."""
    qs = queries.visible_filings(request.user).select_related("organization")
    if filters.org is not None:
        qs = qs.filter(organization_id=filters.org)
    params = {"status": filters.status or "", "type": filters.type or "", "month": filters.month,
              "q": filters.q}
    return queries.filter_filings(qs, params).order_by("-starts_at", "-pk")


@router.post("/events/", response={201: FilingDetailOut}, url_name="event_list")
def event_create(request: HttpRequest, payload: FilingIn):
    """File a new event as a draft of your association."""
    org = get_org_for_user(request.user, payload.organization)
    require(request.user, "events.create", org)
    try:
        filing = services.filing_create(actor=request.user, org=org, data=_model_data(payload))
    except ValidationError as exc:
        raise invalid(exc, renames=API_NAMES)
    return HttpStatus(201, _detail(request, filing))


@router.get("/events/{filing_id}", response=FilingDetailOut, url_name="event_detail")
def event_detail(request: HttpRequest, filing_id: int):
    """Return one filing with the actions you may take now, its decisions and halts."""
    filing = _filing(request, filing_id)
    return _detail(request, filing)


@router.patch("/events/{filing_id}", response=FilingDetailOut, url_name="event_detail")
def event_update(request: HttpRequest, filing_id: int, payload: FilingPatch):
    """Change a filing while it is a draft, returned or withdrawn (or approved: a material
    change then needs approval again). Send the revision you edited."""
    filing = _filing(request, filing_id)
    authorize(request.user, "edit", filing)
    try:
        services.filing_update(actor=request.user, filing=filing,
                               data=_model_data(payload, exclude_unset=True),
                               revision=payload.revision)
    except ValidationError as exc:
        raise invalid(exc, renames=API_NAMES)
    return _detail(request, filing)


@router.post("/events/{filing_id}/submit", response=FilingDetailOut, url_name="event_submit",
             openapi_extra=body_doc(SubmitIn))
def event_submit(request: HttpRequest, filing_id: int):
    """Submit the filing: to the principal's sign-off, or to the supervising body."""
    return _act(request, filing_id, "submit", SubmitIn, lambda f, b: services.filing_submit(
        actor=request.user, filing=f, late_reason=b.late_reason))


@router.post("/events/{filing_id}/sign_off", response=FilingDetailOut, url_name="event_sign_off",
             openapi_extra=body_doc(DecisionIn))
def event_sign_off(request: HttpRequest, filing_id: int):
    """The principal's internal sign-off before the filing goes up."""
    return _decide(request, filing_id, "sign_off", services.filing_sign_off)


@router.post("/events/{filing_id}/approve", response=FilingDetailOut, url_name="event_approve",
             openapi_extra=body_doc(DecisionIn))
def event_approve(request: HttpRequest, filing_id: int):
    """Approve the current step; a revision other than the current one is refused (409)."""
    return _decide(request, filing_id, "approve", services.filing_approve)


@router.post("/events/{filing_id}/return", response=FilingDetailOut, url_name="event_return",
             openapi_extra=body_doc(DecisionIn))
def event_return(request: HttpRequest, filing_id: int):
    """Return the filing for revision, with a comment."""
    return _decide(request, filing_id, "return", services.filing_return)


@router.post("/events/{filing_id}/reject", response=FilingDetailOut, url_name="event_reject",
             openapi_extra=body_doc(DecisionIn))
def event_reject(request: HttpRequest, filing_id: int):
    """Reject the filing, with a comment."""
    return _decide(request, filing_id, "reject", services.filing_reject)


@router.post("/events/{filing_id}/withdraw", response=FilingDetailOut, url_name="event_withdraw",
             openapi_extra=body_doc(ReasonIn))
def event_withdraw(request: HttpRequest, filing_id: int):
    """Withdraw the filing before a decision."""
    return _act(request, filing_id, "withdraw", ReasonIn, lambda f, b: services.filing_withdraw(
        actor=request.user, filing=f, reason=b.reason))


@router.post("/events/{filing_id}/halt", response=FilingDetailOut, url_name="event_halt",
             openapi_extra=body_doc(HaltIn))
def event_halt(request: HttpRequest, filing_id: int):
    """Halt an approved event now (the circuit breaker); the supervising body is told at once."""
    return _act(request, filing_id, "halt", HaltIn, lambda f, b: services.filing_halt(
        actor=request.user, filing=f, reason=b.reason, actions_taken=b.actions_taken,
        halted_at=aware(b.halted_at)))


@router.post("/events/{filing_id}/summary", response=FilingDetailOut, url_name="event_summary",
             openapi_extra=body_doc(SummaryIn))
def event_summary(request: HttpRequest, filing_id: int):
    """Submit the summary after the event (or after a halt, which it must address)."""
    return _act(request, filing_id, "summarize", SummaryIn, lambda f, b: services.filing_summarize(
        actor=request.user, filing=f, what_happened=b.what_happened, attendance=b.attendance,
        issues=b.issues, halt_response=b.halt_response))


@router.post("/events/{filing_id}/cancel", response=FilingDetailOut, url_name="event_cancel",
             openapi_extra=body_doc(ReasonIn))
def event_cancel(request: HttpRequest, filing_id: int):
    """Cancel the event (a reason is required once it was submitted or approved)."""
    return _act(request, filing_id, "cancel", ReasonIn, lambda f, b: services.filing_cancel(
        actor=request.user, filing=f, reason=b.reason))


@router.post("/events/{filing_id}/acknowledge_summary", response=FilingDetailOut,
             url_name="event_acknowledge_summary")
def event_acknowledge_summary(request: HttpRequest, filing_id: int):
    """The supervising body acknowledges the summary; the filing is closed."""
    return _act(request, filing_id, "acknowledge_summary", None,
                lambda f, b: services.filing_acknowledge_summary(actor=request.user, filing=f))


@router.post("/events/{filing_id}/findings/{finding_id}/acknowledge", response=FilingDetailOut,
             url_name="event_finding_acknowledge", openapi_extra=body_doc(ReasonIn))
def event_finding_acknowledge(request: HttpRequest, filing_id: int, finding_id: int):
    """The principal acknowledges a checker finding on a foreign party's material, with a reason."""
    filing = _filing(request, filing_id)
    finding = get_finding_of(filing, finding_id)
    run_action(request, filing, action="acknowledge_finding", schema=ReasonIn,
               run=lambda f, body: services.finding_acknowledge(
                   actor=request.user, finding=finding, reason=body.reason))
    return _detail(request, filing)


# ---- several decisions at once (issue 9) ------------------------------------------------------

class ChosenFiling(Schema):
    id: int = Field(..., ge=1, le=MAX_ID)
    revision: int = Field(..., ge=1, description="the revision you decided on")


class DecisionsIn(Schema):
    organization: int = Field(..., ge=1, le=MAX_ID, description="the supervising body whose queue")
    action: Literal["approve", "return", "reject"]
    comment: str = Field("", max_length=2000,
                         description="one comment for every filing; needed to return or reject")
    filings: list[ChosenFiling] = Field(..., min_length=1, max_length=services.BULK_MAX)


class DecisionOutcomeOut(Schema):
    filing: int
    title: str
    status: str
    decided: bool
    error: str


@router.post("/events/decisions/", response=list[DecisionOutcomeOut], url_name="event_decisions",
             openapi_extra=body_doc(DecisionsIn))
def event_decisions(request: HttpRequest):
    """Take one decision with one comment on several submitted filings. Each is decided on
    its own, as by its own approve/return/reject: one decision and one audit record each;
    the answer says per filing whether it was decided or why not (a filing you do not
    see below that body is "not in your queue"), in the order sent."""
    body = read_body(request, DecisionsIn)
    org = get_org_for_user(request.user, body.organization)
    require(request.user, "events.decide_many", org)

    outcomes = services.filings_decide(
        actor=request.user, supervisor=org, choices=[(c.id, c.revision) for c in body.filings],
        action=body.action, comment=body.comment,
        run=lambda filing, go: audited(request.user, filing, body.action, go))
    return [{"filing": o.filing_id, "title": o.title, "status": o.status, "decided": o.ok,
             "error": o.error} for o in outcomes]
