"""Incidents in the API: the same scoping, rules and services as the pages.

Action bodies are read after the incident was found and the action allowed, so that someone
who may not see an incident gets 404 whatever they send; they may be JSON or form fields.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.pagination import paginate

from guildhall.core.pagination import MAX_ID, Pages
from guildhall.incidents import figures, queries, services
from guildhall.incidents.models import LEVELS, Category, Incident, IncidentRules, Severity, Status
from guildhall.kit import links
from guildhall.kit.actions import audited
from guildhall.kit.api import PageRows, ReasonIn, aware, body_doc, choice_of, run_action
from guildhall.orgs.permissions import require
from guildhall.orgs.scoping import get_org_for_user

router = Router(tags=["incidents"])


class IncidentIn(Schema):
    organization: int = Field(..., ge=1, le=MAX_ID)
    title: str = Field(..., min_length=1, max_length=200)
    category: Category
    severity: Severity = Severity.TBD
    occurred_at: dt.datetime | None = None
    discovered_at: dt.datetime | None = None
    location: str = Field("", max_length=200)
    known: str = ""
    actions_taken: str = ""
    people_affected: int | None = Field(None, ge=0, le=10_000_000)
    send: bool = Field(False, description="Send the first (written) report at once: the quick "
                                          "report.")
    report: str = Field("", description="The report's text (one sentence will do); defaults "
                                        "to what is known.")
    channel: int | None = Field(None, ge=1, le=MAX_ID, description="The channel concerned.")
    pause_channel: bool = Field(False, description="Pause the channel in the same action "
                                                   "(an account-compromise incident).")
    filing: int | None = Field(None, ge=1, le=MAX_ID, description="An approved event filing "
                                                                  "concerned.")
    publication: int | None = Field(None, ge=1, le=MAX_ID)


class ClockOut(Schema):
    kind: str
    due: dt.datetime
    minutes: int = Field(..., description="Minutes left; negative: minutes late.")
    late: bool


class ReportOut(Schema):
    id: int
    kind: str
    severity: str
    reported_at: dt.datetime
    text: str
    told: str
    caller: str
    cause: str
    results: str
    lessons: str
    late: bool
    made_by: str
    ack_due: dt.datetime
    acknowledged_at: dt.datetime | None
    acknowledged_by: str | None
    instruction: str
    ack_late: bool

    @staticmethod
    def resolve_made_by(obj: Any) -> str:
        return obj.made_by.display_name

    @staticmethod
    def resolve_acknowledged_by(obj: Any) -> str | None:
        return obj.acknowledged_by.display_name if obj.acknowledged_by else None


class IncidentOut(Schema):
    id: int
    organization: int
    title: str
    category: str
    severity: str
    status: str
    occurred_at: dt.datetime | None
    discovered_at: dt.datetime
    location: str
    known: str
    actions_taken: str
    people_affected: int | None
    channel_name: str
    first_report_due: dt.datetime
    first_reported_at: dt.datetime | None
    first_report_late: bool
    minutes_to_first_report: int | None
    written_due: dt.datetime | None
    written_reported_at: dt.datetime | None
    followup_due: dt.datetime | None
    stable_at: dt.datetime | None
    closed_at: dt.datetime | None
    clocks: list[ClockOut]

    @staticmethod
    def resolve_organization(obj: Incident) -> int:
        return obj.organization_id

    @staticmethod
    def resolve_clocks(obj: Incident) -> list[dict[str, Any]]:
        return [{k: c[k] for k in ("kind", "due", "minutes", "late")} for c in obj.clocks()]


class IncidentLinkOut(Schema):
    kind: str
    kind_label: str
    name: str
    url: str


class IncidentDetailOut(IncidentOut):
    actions: list[str]
    reports: list[ReportOut]
    links: list[IncidentLinkOut]

    @staticmethod
    def resolve_reports(obj: Incident) -> list[Any]:
        return list(obj.reports.select_related("made_by", "acknowledged_by"))

    @staticmethod
    def resolve_links(obj: Incident) -> list[dict[str, Any]]:
        return links.described(obj)


class IncidentFilters(Schema):
    org: int | None = Field(None, ge=1, le=MAX_ID)
    status: choice_of(Status) | None = None  # type: ignore[valid-type]
    open: bool | None = Field(None, description="Only open (true) or only closed (false) ones.")


class DetailsPatch(Schema):
    occurred_at: dt.datetime | None = None
    location: str | None = Field(None, max_length=200)
    known: str | None = None
    actions_taken: str | None = None
    people_affected: int | None = Field(None, ge=0, le=10_000_000)
    channel: int | None = Field(None, ge=1, le=MAX_ID)
    filing: int | None = Field(None, ge=1, le=MAX_ID)
    publication: int | None = Field(None, ge=1, le=MAX_ID)


class PhoneIn(Schema):
    reported_at: dt.datetime
    told: str = Field(..., max_length=200)
    caller: str = Field(..., max_length=200)
    text: str = ""


class IncidentReportIn(Schema):
    text: str


class SeverityIn(Schema):
    severity: Severity
    note: str = Field("", max_length=500)


class IncidentNoteIn(Schema):
    note: str = Field("", max_length=500)


class ClosingIn(Schema):
    cause: str = ""
    actions: str = ""
    results: str = ""
    lessons: str = ""
    plan_items: list[str] = Field([], max_length=services.MAX_PLAN_ITEMS)
    due_date: dt.date | None = None


class AcknowledgeIn(Schema):
    report: int = Field(..., ge=1, le=MAX_ID)
    instruction: str = ""


class IncidentFiguresOut(Schema):
    organization: int
    organization_name: str
    total: int
    open: int
    late: int = Field(..., description="First reports made late.")
    missed: int = Field(..., description="First reports overdue and not made.")
    to_first: int | None = Field(None, description="Average minutes from discovery to the "
                                                   "first report.")
    to_ack: int | None = Field(None, description="Average minutes from a report to its "
                                                 "acknowledgement.")
    late_acks: int
    waiting: int


class LevelMinutes(Schema):
    extraordinary: int | None = Field(None, ge=1, le=services.MAX_MINUTES)
    major: int | None = Field(None, ge=1, le=services.MAX_MINUTES)
    significant: int | None = Field(None, ge=1, le=services.MAX_MINUTES)
    general: int | None = Field(None, ge=1, le=services.MAX_MINUTES)


class RulesIO(Schema):
    first: LevelMinutes
    written: LevelMinutes
    followup: LevelMinutes
    ack: LevelMinutes


def _detail(request: HttpRequest, incident: Incident) -> Incident:
    incident = queries.get_incident_for_user(request.user, incident.pk)
    incident.actions = sorted(incident.available_actions(request.user))
    return incident


def _act(request: HttpRequest, incident_id: int, action: str, schema: type[Schema] | None,
         run: Any) -> Incident:
    incident = queries.get_incident_for_user(request.user, incident_id)
    require(request.user, "incidents.view", incident)
    run_action(request, incident, action=action, schema=schema, run=run)
    return _detail(request, incident)


@router.get("/incidents/", response=list[IncidentOut], url_name="incident_list")
@paginate(Pages, page_size=50)
def incident_list(request: HttpRequest, filters: Query[IncidentFilters]):
    """List the incidents you see, the most recently discovered first."""
    qs = queries.visible_incidents(request.user).select_related("organization")
    if filters.org is not None:
        qs = qs.filter(organization_id=filters.org)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.open is not None:
        qs = qs.exclude(status=Status.CLOSED) if filters.open else qs.filter(status=Status.CLOSED)
    return qs.order_by("-discovered_at", "-pk")


@router.post("/incidents/", response={201: IncidentDetailOut}, url_name="incident_list")
def incident_create(request: HttpRequest, payload: IncidentIn):
    """Register an incident of your association; with `send`, its first report goes to the
    supervising body at once, and `pause_channel` pauses the channel concerned in the same
    action."""
    org = get_org_for_user(request.user, payload.organization)
    require(request.user, "incidents.create", org)
    data = payload.dict()
    for key in ("occurred_at", "discovered_at"):
        data[key] = aware(data[key])
    incident = services.incident_register(
        actor=request.user, org=org, send=payload.send, report=payload.report,
        channel_id=payload.channel, pause_channel=payload.pause_channel,
        filing_id=payload.filing, publication_id=payload.publication,
        data={k: (v.value if hasattr(v, "value") else v) for k, v in data.items()
              if k in services.FIELDS})
    return HttpStatus(201, _detail(request, incident))


@router.get("/incidents/board/{org_id}", response=list[IncidentOut], url_name="incident_board")
@paginate(Pages, page_size=50)
def incident_board(request: HttpRequest, org_id: int, closed: bool = False):
    """A supervising body's incidents below it: open ones the most serious and the most
    overdue first; with `closed`, the closed ones."""
    org = get_org_for_user(request.user, org_id)
    require(request.user, "incidents.board", org)
    state = "closed" if closed else "open"
    # Counted from the stored figures, as on the page (the board's query avoids the
    # organizations' index on purpose, so counting it would read every incident below).
    return PageRows(queries.board_incidents(org, state), list,
                    count=lambda: queries.board_count(org, state))


@router.get("/incidents/figures/{org_id}", response=list[IncidentFiguresOut], url_name="incident_figures")
@paginate(Pages, page_size=50)
def incident_figures(request: HttpRequest, org_id: int):
    """Response times per association (never per person): of one association, or of every
    association below a supervising body."""
    org = get_org_for_user(request.user, org_id)
    def rows(found: Any) -> list[dict[str, Any]]:
        return [{**row, "organization": row["organization_id"]} for row in found]

    if org.is_supervisor:
        require(request.user, "incidents.board", org)
        # The figures stored per association, paged at the database, as on the board.
        return PageRows(figures.below(org), lambda page: rows(figures.finished(page)),
                        count=lambda: figures.count_below(org))
    require(request.user, "incidents.list", org)
    return rows(services.figures(queries.association_incidents(org)))


@router.get("/incidents/rules/{org_id}", response=RulesIO, url_name="incident_rules")
def incident_rules(request: HttpRequest, org_id: int):
    """The severity and deadline rules (minutes) a supervising body sets."""
    org = get_org_for_user(request.user, org_id)
    require(request.user, "incidents.rules", org)
    rules = IncidentRules.for_supervisor(org)
    return {kind: {str(level): rules.minutes_for(kind, level) for level in LEVELS}
            for kind in ("first", "written", "followup", "ack")}


@router.put("/incidents/rules/{org_id}", response=RulesIO, url_name="incident_rules")
def incident_rules_update(request: HttpRequest, org_id: int, payload: RulesIO):
    """Set the deadlines in minutes per severity; null where there is no such deadline (the
    first report and the acknowledgement always have one)."""
    org = get_org_for_user(request.user, org_id)
    require(request.user, "incidents.rules", org)
    rules = services.rules_update(actor=request.user, supervisor=org, minutes=payload.dict())
    return {kind: {str(level): rules.minutes_for(kind, level) for level in LEVELS}
            for kind in ("first", "written", "followup", "ack")}


@router.get("/incidents/{incident_id}", response=IncidentDetailOut, url_name="incident_detail")
def incident_detail(request: HttpRequest, incident_id: int):
    """One incident with its clocks, reports and the actions you may take now."""
    incident = queries.get_incident_for_user(request.user, incident_id)
    require(request.user, "incidents.view", incident)
    return _detail(request, incident)


@router.patch("/incidents/{incident_id}", response=IncidentDetailOut, url_name="incident_detail")
def incident_update(request: HttpRequest, incident_id: int, payload: DetailsPatch):
    """Complete the register entry (where, when, what is known and was done, people affected,
    the records and channel concerned); send only what changes."""
    incident = queries.get_incident_for_user(request.user, incident_id)
    require(request.user, "incidents.view", incident)
    data = payload.dict(exclude_unset=True)
    links_given = {k: data.pop(k, None) for k in ("channel", "filing", "publication")}
    if "occurred_at" in data:
        data["occurred_at"] = aware(data["occurred_at"])
    audited(request.user, incident, "edit", lambda: services.incident_update(
        actor=request.user, incident=incident, data=data, channel_id=links_given["channel"],
        filing_id=links_given["filing"], publication_id=links_given["publication"]))
    return _detail(request, incident)


@router.post("/incidents/{incident_id}/phone", response=IncidentDetailOut,
             url_name="incident_phone", openapi_extra=body_doc(PhoneIn))
def incident_phone(request: HttpRequest, incident_id: int):
    """Record a phone report after the fact: when, to whom, by whom."""
    return _act(request, incident_id, "report_phone", PhoneIn, lambda i, b: services.report_phone(
        actor=request.user, incident=i, reported_at=aware(b.reported_at), told=b.told,
        caller=b.caller, text=b.text))


@router.post("/incidents/{incident_id}/written", response=IncidentDetailOut,
             url_name="incident_written", openapi_extra=body_doc(IncidentReportIn))
def incident_written(request: HttpRequest, incident_id: int):
    """Send the written report: the first one, or the one that follows a phone report."""
    return _act(request, incident_id, "report_written", IncidentReportIn,
                lambda i, b: services.report_written(actor=request.user, incident=i, text=b.text))


@router.post("/incidents/{incident_id}/follow_up", response=IncidentDetailOut,
             url_name="incident_follow_up", openapi_extra=body_doc(IncidentReportIn))
def incident_follow_up(request: HttpRequest, incident_id: int):
    """Send a follow-up report (续报)."""
    return _act(request, incident_id, "follow_up", IncidentReportIn,
                lambda i, b: services.follow_up(actor=request.user, incident=i, text=b.text))


@router.post("/incidents/{incident_id}/severity", response=IncidentDetailOut,
             url_name="incident_severity", openapi_extra=body_doc(SeverityIn))
def incident_severity(request: HttpRequest, incident_id: int):
    """Change the severity; the clocks start again from the change."""
    return _act(request, incident_id, "change_severity", SeverityIn,
                lambda i, b: services.change_severity(actor=request.user, incident=i,
                                                      severity=b.severity.value, note=b.note))


@router.post("/incidents/{incident_id}/stable", response=IncidentDetailOut,
             url_name="incident_stable", openapi_extra=body_doc(IncidentNoteIn))
def incident_stable(request: HttpRequest, incident_id: int):
    """Mark the incident stable: follow-up reports are no longer due."""
    return _act(request, incident_id, "mark_stable", IncidentNoteIn,
                lambda i, b: services.mark_stable(actor=request.user, incident=i, note=b.note))


@router.post("/incidents/{incident_id}/close", response=IncidentDetailOut,
             url_name="incident_close", openapi_extra=body_doc(ClosingIn))
def incident_close(request: HttpRequest, incident_id: int):
    """Close with the closing report (终报); refused without one. The plan items become items
    of the annual plan in the same step."""
    return _act(request, incident_id, "close", ClosingIn, lambda i, b: services.incident_close(
        actor=request.user, incident=i, cause=b.cause, actions=b.actions, results=b.results,
        lessons=b.lessons, plan_items=b.plan_items, due_date=b.due_date))


@router.post("/incidents/{incident_id}/reopen", response=IncidentDetailOut,
             url_name="incident_reopen", openapi_extra=body_doc(ReasonIn))
def incident_reopen(request: HttpRequest, incident_id: int):
    """Reopen a stable or closed incident, with a reason."""
    return _act(request, incident_id, "reopen", ReasonIn, lambda i, b: services.incident_reopen(
        actor=request.user, incident=i, reason=b.reason))


@router.post("/incidents/{incident_id}/acknowledge", response=IncidentDetailOut,
             url_name="incident_acknowledge", openapi_extra=body_doc(AcknowledgeIn))
def incident_acknowledge(request: HttpRequest, incident_id: int):
    """The supervising body's approver acknowledges one report (签收), with an optional
    instruction (批示)."""
    return _act(request, incident_id, "acknowledge", AcknowledgeIn,
                lambda i, b: services.report_acknowledge(
                    actor=request.user, incident=i, report_id=b.report, instruction=b.instruction))
