"""Special meetings in the API: the same scoping, rules and services as the pages.

Action bodies are read after the meeting was found and the action allowed, so someone who
may not see a meeting gets 404 whatever they send; they may be JSON or form fields.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.pagination import paginate

from guildhall.core.pagination import MAX_ID, Pages
from guildhall.kit import attendees as kit_attendees
from guildhall.kit.api import PageRows, ReasonIn, aware, body_doc, choice_of, invalid, run_action
from guildhall.kit.workflow import authorize
from guildhall.meetings import queries, services
from guildhall.meetings.models import LINE_MAX, MAXIMUM_MINIMUM, Meeting, MeetingRules, Status
from guildhall.orgs.permissions import require
from guildhall.orgs.scoping import get_org_for_user

router = Router(tags=["meetings"])

API_NAMES = {"chair_id": "chair"}


class MeetingIn(Schema):
    organization: int = Field(..., ge=1, le=MAX_ID)
    title: str = Field(..., min_length=1, max_length=200)
    held_at: dt.datetime
    venue: str = Field("", max_length=200)
    online_platform: str = Field("", max_length=200)
    chair: int = Field(..., ge=1, le=MAX_ID, description="A member of the association.")
    attendees: list[int] = kit_attendees.attendees_in()
    other_attendees: int = kit_attendees.others_in(0)
    agenda: list[str] = []
    conclusions: list[str] = []
    notes: str = ""


class MeetingPatch(Schema):
    revision: int | None = Field(None, description="The revision you edited; refused when stale.")
    title: str | None = Field(None, min_length=1, max_length=200)
    held_at: dt.datetime | None = None
    venue: str | None = Field(None, max_length=200)
    online_platform: str | None = Field(None, max_length=200)
    chair: int | None = Field(None, ge=1, le=MAX_ID)
    attendees: list[int] | None = None
    other_attendees: int | None = kit_attendees.others_in(None)
    agenda: list[str] | None = None
    conclusions: list[str] | None = None
    notes: str | None = None


class MeetingPersonOut(kit_attendees.PersonOut):
    pass


class MeetingOut(Schema):
    id: int
    organization: int
    title: str
    status: str
    revision: int
    held_at: dt.datetime
    venue: str
    online_platform: str
    chair: MeetingPersonOut
    other_attendees: int

    @staticmethod
    def resolve_organization(obj: Meeting) -> int:
        return obj.organization_id


class FollowUpOut(Schema):
    title: str
    url: str


class MeetingDetailOut(MeetingOut):
    attendees: list[MeetingPersonOut]
    agenda: list[str]
    conclusions: list[str]
    notes: str
    actions: list[str]
    follow_ups: list[FollowUpOut]

    @staticmethod
    def resolve_attendees(obj: Meeting) -> list[Any]:
        return obj.attendees_list


class FollowUpIn(Schema):
    conclusion: int = Field(..., ge=0, le=1000, description="The conclusion's position, from 0.")
    title: str = Field("", max_length=200, description="Empty: the conclusion's text.")
    owner: int = Field(..., ge=1, le=MAX_ID, description="A member of the association.")
    due_date: dt.date
    revision: int | None = Field(None, description="The revision whose conclusions you chose "
                                 "from; refused when stale.")


class RulesIn(Schema):
    minimum_per_year: int | None = Field(None, ge=0, le=MAXIMUM_MINIMUM)
    held_by_month: int | None = Field(None, ge=1, le=12)
    held_by_day: int | None = Field(None, ge=1, le=31)


class RulesOut(Schema):
    supervisor: int
    minimum_per_year: int
    held_by_month: int
    held_by_day: int

    @staticmethod
    def resolve_supervisor(obj: MeetingRules) -> int:
        return obj.supervisor_id


class CountOut(Schema):
    organization: int
    name: str
    year: int
    held: int
    minimum: int
    held_by: dt.date


class MeetingFilters(Schema):
    org: int | None = Field(None, ge=1, le=MAX_ID)
    year: int | None = Field(None, ge=2000, le=2100)
    status: choice_of(Status) | None = None  # type: ignore[valid-type]


class OverviewFilters(Schema):
    year: int | None = Field(None, ge=2000, le=2100)


def _model_data(payload: Schema, exclude_unset: bool = False) -> dict[str, Any]:
    data = payload.dict(exclude_unset=exclude_unset)
    data.pop("organization", None)
    data.pop("revision", None)
    if data.get("held_at") is not None:
        data["held_at"] = aware(data["held_at"])
    if "chair" in data:
        data["chair_id"] = data.pop("chair")
    for name in ("agenda", "conclusions"):
        if data.get(name) is not None:
            data[name] = [line[:LINE_MAX + 1] for line in data[name]]
    return {k: v for k, v in data.items() if v is not None}


def _detail(request: HttpRequest, meeting: Meeting) -> Meeting:
    meeting = queries.get_meeting_for_user(request.user, meeting.pk)
    meeting.actions = sorted(meeting.available_actions(request.user))
    meeting.attendees_list = list(kit_attendees.by_name(meeting))
    meeting.follow_ups = [{"title": str(getattr(i, "title", i)),
                           "url": i.get_absolute_url() if hasattr(i, "get_absolute_url") else ""}
                          for i in services.follow_ups(meeting)]
    return meeting


def _found(request: HttpRequest, meeting_id: int) -> Meeting:
    meeting = queries.get_meeting_for_user(request.user, meeting_id)
    require(request.user, "meetings.view", meeting)
    return meeting


def _act(request: HttpRequest, meeting_id: int, action: str, schema: type[Schema] | None,
         run: Any) -> Meeting:
    meeting = _found(request, meeting_id)
    run_action(request, meeting, action=action, schema=schema, run=run)
    return _detail(request, meeting)


@router.get("/meetings/", response=list[MeetingOut], url_name="meeting_list")
@paginate(Pages, page_size=50)
def meeting_list(request: HttpRequest, filters: Query[MeetingFilters]):
    """List the special meetings you see, newest first; filter by association, year, state."""
    qs = queries.visible_meetings(request.user).select_related("organization", "chair")
    if filters.org is not None:
        qs = qs.filter(organization_id=filters.org)
    if filters.year is not None:
        qs = qs.filter(held_at__year=filters.year)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs.order_by("-held_at", "-pk")


@router.post("/meetings/", response={201: MeetingDetailOut}, url_name="meeting_list")
def meeting_create(request: HttpRequest, payload: MeetingIn):
    """Record a special meeting of your association, as a draft."""
    org = get_org_for_user(request.user, payload.organization)
    require(request.user, "meetings.create", org)
    try:
        meeting = services.meeting_create(actor=request.user, org=org, data=_model_data(payload))
    except ValidationError as exc:
        raise invalid(exc, renames=API_NAMES)
    return HttpStatus(201, _detail(request, meeting))


@router.get("/meetings/{meeting_id}", response=MeetingDetailOut, url_name="meeting_detail")
def meeting_detail(request: HttpRequest, meeting_id: int):
    """Return one meeting with its attendees, conclusions, follow-up tasks and your actions."""
    return _detail(request, _found(request, meeting_id))


@router.patch("/meetings/{meeting_id}", response=MeetingDetailOut, url_name="meeting_detail")
def meeting_update(request: HttpRequest, meeting_id: int, payload: MeetingPatch):
    """Change a meeting (also a held one: a new revision). Send the revision you edited."""
    meeting = _found(request, meeting_id)
    authorize(request.user, "edit", meeting)
    try:
        services.meeting_update(actor=request.user, meeting=meeting,
                                data=_model_data(payload, exclude_unset=True),
                                revision=payload.revision)
    except ValidationError as exc:
        raise invalid(exc, renames=API_NAMES)
    return _detail(request, meeting)


@router.post("/meetings/{meeting_id}/record", response=MeetingDetailOut, url_name="meeting_record")
def meeting_record(request: HttpRequest, meeting_id: int):
    """Record the meeting as held (after it took place, with at least one conclusion)."""
    return _act(request, meeting_id, "record", None,
                lambda m, b: services.meeting_record(actor=request.user, meeting=m))


@router.post("/meetings/{meeting_id}/cancel", response=MeetingDetailOut, url_name="meeting_cancel",
             openapi_extra=body_doc(ReasonIn))
def meeting_cancel(request: HttpRequest, meeting_id: int):
    """Cancel a meeting that was not held."""
    return _act(request, meeting_id, "cancel", ReasonIn, lambda m, b: services.meeting_cancel(
        actor=request.user, meeting=m, reason=b.reason))


@router.post("/meetings/{meeting_id}/follow_up", response={201: MeetingDetailOut},
             url_name="meeting_follow_up", openapi_extra=body_doc(FollowUpIn))
def meeting_follow_up(request: HttpRequest, meeting_id: int):
    """Turn one conclusion of a held meeting into a task of the annual plan."""
    meeting = _act(request, meeting_id, "follow_up", FollowUpIn, lambda m, b: services.meeting_follow_up(
        actor=request.user, meeting=m, conclusion=b.conclusion, title=b.title, owner=b.owner,
        due_date=b.due_date, revision=b.revision))
    return HttpStatus(201, meeting)


@router.get("/meeting-rules/{org_id}", response=RulesOut, url_name="meeting_rules")
def rules_detail(request: HttpRequest, org_id: int):
    """The minimum of special meetings a supervising body asks for (its admins)."""
    org = get_org_for_user(request.user, org_id)
    require(request.user, "meetings.rules", org)
    rules = MeetingRules.for_supervisor(org)
    rules.supervisor_id = org.pk
    return rules


@router.put("/meeting-rules/{org_id}", response=RulesOut, url_name="meeting_rules")
def rules_update(request: HttpRequest, org_id: int, payload: RulesIn):
    """Set the minimum per year and the day the meetings should be held by."""
    org = get_org_for_user(request.user, org_id)
    require(request.user, "meetings.rules", org)
    try:
        return services.rules_update(actor=request.user, supervisor=org,
                                     data=payload.dict(exclude_unset=True))
    except ValidationError as exc:
        raise invalid(exc)


@router.get("/meeting-counts/{org_id}", response=list[CountOut], url_name="meeting_counts")
@paginate(Pages, page_size=50)
def meeting_counts(request: HttpRequest, org_id: int, filters: Query[OverviewFilters]):
    """The meetings each association below a supervising body held in a year, against its
    minimum (fewest first)."""
    org = get_org_for_user(request.user, org_id)
    require(request.user, "meetings.overview", org)
    year = filters.year or queries.parse_year(None)
    return PageRows(queries.associations_below(org, year), lambda orgs: _counts(orgs, year))


def _counts(orgs: list[Any], year: int) -> list[dict[str, Any]]:
    """A page of the overview's rows (their rules joined by `associations_below`)."""
    return [{"organization": o.pk, "name": o.name, "year": year, "held": o.held,
             "minimum": o.minimum, "held_by": queries.held_by(o, year)} for o in orgs]
