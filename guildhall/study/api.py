"""Study sessions and codes of conduct in the API: the same scoping, rules and services as
the pages. No operation returns a per-person count, total or ordering: attendees are the
names of one session, and "not yet acknowledged" is one version's list, for the
association's principal and administrator only."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.pagination import paginate

from guildhall.core.pagination import MAX_ID, Pages
from guildhall.kit import api as kit_api
from guildhall.kit import attendees as kit_attendees
from guildhall.kit.api import DecisionOut, aware, body_doc, invalid, run_action
from guildhall.kit.workflow import authorize
from guildhall.orgs.permissions import can, require
from guildhall.orgs.scoping import get_org_for_user
from guildhall.study import queries, services
from guildhall.study.models import CodeKind, CodeVersion, Form, SessionStatus, StudySession

router = Router(tags=["study"])
LIBRARY_ITEMS_DOC = ("Materials of the association's library (its own and those its supervising "
                     "bodies shared) that the session studied.")


class SessionIn(Schema):
    organization: int = Field(..., ge=1, le=MAX_ID)
    plan_topic: int | None = Field(None, ge=1, le=MAX_ID, description="A topic of the "
                                   "association's study plan this session carried out.")
    topic: str = Field(..., min_length=1, max_length=200)
    form: Form = Form.GROUP
    held_at: dt.datetime
    hours: Decimal = Field(..., gt=0, le=24, decimal_places=1)
    venue: str = Field("", max_length=200)
    online_platform: str = Field("", max_length=200)
    leader: str = Field(..., min_length=1, max_length=100)
    attendees: list[int] = kit_attendees.attendees_in()
    other_attendees: int = kit_attendees.others_in(0)
    minutes: str = ""
    library_items: list[int] = Field([], description=LIBRARY_ITEMS_DOC)


class SessionPatch(Schema):
    revision: int | None = Field(None, description="The revision you edited; refused when stale.")
    plan_topic: int | None = Field(None, ge=1, le=MAX_ID)
    topic: str | None = Field(None, min_length=1, max_length=200)
    form: Form | None = None
    held_at: dt.datetime | None = None
    hours: Decimal | None = Field(None, gt=0, le=24, decimal_places=1)
    venue: str | None = Field(None, max_length=200)
    online_platform: str | None = Field(None, max_length=200)
    leader: str | None = Field(None, min_length=1, max_length=100)
    attendees: list[int] | None = None
    other_attendees: int | None = kit_attendees.others_in(None)
    minutes: str | None = None
    library_items: list[int] | None = Field(None, description=LIBRARY_ITEMS_DOC)


class StudyPersonOut(kit_attendees.PersonOut):
    pass


class SessionOut(Schema):
    id: int
    organization: int
    plan_topic: int | None

    @staticmethod
    def resolve_plan_topic(obj: StudySession) -> int | None:
        return obj.plan_topic_id

    topic: str
    form: str
    status: str
    revision: int
    held_at: dt.datetime
    hours: Decimal
    venue: str
    online_platform: str
    leader: str
    other_attendees: int

    @staticmethod
    def resolve_organization(obj: StudySession) -> int:
        return obj.organization_id


class LibraryItemOut(Schema):
    id: int
    organization: int
    title: str
    from_above: bool = Field(False, description="Shared by a supervising body above.")
    taken_out: bool = Field(False, description="Taken out of the library since; the session "
                                               "keeps it.")

    @staticmethod
    def resolve_organization(obj: Any) -> int:
        return obj.organization_id

    @staticmethod
    def resolve_taken_out(obj: Any) -> bool:
        return obj.removed_at is not None


class SessionDetailOut(SessionOut):
    attendees: list[StudyPersonOut]
    minutes: str
    actions: list[str]
    library_items: list[LibraryItemOut] = []

    @staticmethod
    def resolve_library_items(obj: StudySession) -> list[Any]:
        items = list(obj.library_items.order_by("title", "pk"))
        for item in items:
            item.from_above = item.organization_id != obj.organization_id
        return items

    @staticmethod
    def resolve_attendees(obj: StudySession) -> list[Any]:
        return list(kit_attendees.by_name(obj))


class StudyFiguresOut(Schema):
    organization: int
    association: str
    year: int
    sessions: int
    hours: Decimal
    participation_rate: float | None = Field(None, description="0..1: members who attended over "
                                             "active members, per session, averaged.")
    topics: list[str]
    planned: int = Field(..., description="Topics of the year's study plan.")
    planned_held: int = Field(..., description="Topics a confirmed session carried out.")
    missed: int = Field(..., description="Topics whose month passed without a session.")


class SessionFilters(Schema):
    org: int | None = Field(None, ge=1, le=MAX_ID)
    year: int | None = Field(None, ge=2000, le=2100)
    status: SessionStatus | None = None


class YearFilter(Schema):
    year: int | None = Field(None, ge=2000, le=2100)


def _session_data(payload: Schema, exclude_unset: bool = False) -> dict[str, Any]:
    data = payload.dict(exclude_unset=exclude_unset)
    data.pop("organization", None)
    data.pop("revision", None)
    if data.get("held_at") is not None:
        data["held_at"] = aware(data["held_at"])
    return {k: v for k, v in data.items() if v is not None}


def _found(request: HttpRequest, session_id: int) -> StudySession:
    session = queries.get_session_for_user(request.user, session_id)
    require(request.user, "study.session.view", session)
    return session


def _detail(request: HttpRequest, session: StudySession) -> StudySession:
    session = queries.get_session_for_user(request.user, session.pk)
    session.actions = sorted(session.available_actions(request.user))
    return session


@router.get("/study-sessions/", response=list[SessionOut], url_name="study_session_list")
@paginate(Pages, page_size=50)
def session_list(request: HttpRequest, filters: Query[SessionFilters]):
    """List the study sessions you see, newest first; filter by association, year, state."""
    qs = queries.visible_sessions(request.user)
    if filters.org is not None:
        qs = qs.filter(organization_id=filters.org)
    if filters.year is not None:
        qs = qs.filter(held_at__year=filters.year)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs.order_by("-held_at", "-pk")


@router.post("/study-sessions/", response={201: SessionDetailOut}, url_name="study_session_list")
def session_create(request: HttpRequest, payload: SessionIn):
    """Record a study session of your association, as a draft for the principal to confirm."""
    org = get_org_for_user(request.user, payload.organization)
    require(request.user, "study.create", org)
    try:
        session = services.session_create(actor=request.user, org=org,
                                          data=_session_data(payload))
    except ValidationError as exc:
        raise invalid(exc)
    return HttpStatus(201, _detail(request, session))


@router.get("/study-sessions/{session_id}", response=SessionDetailOut, url_name="study_session_detail")
def session_detail(request: HttpRequest, session_id: int):
    """One session with its attendees, minutes and your actions."""
    return _detail(request, _found(request, session_id))


@router.patch("/study-sessions/{session_id}", response=SessionDetailOut, url_name="study_session_detail")
def session_update(request: HttpRequest, session_id: int, payload: SessionPatch):
    """Change a draft session. Send the revision you edited."""
    session = _found(request, session_id)
    authorize(request.user, "edit", session)
    try:
        services.session_update(actor=request.user, session=session,
                                data=_session_data(payload, exclude_unset=True),
                                revision=payload.revision)
    except ValidationError as exc:
        raise invalid(exc)
    return _detail(request, session)


@router.post("/study-sessions/{session_id}/confirm", response=SessionDetailOut,
             url_name="study_session_confirm")
def session_confirm(request: HttpRequest, session_id: int):
    """The principal confirms the session took place: it counts in the year's figures."""
    session = _found(request, session_id)
    run_action(request, session, action="confirm", schema=None,
               run=lambda s, b: services.session_confirm(actor=request.user, session=s))
    return _detail(request, session)


def _figures_rows(orgs: list[Any], year: int) -> list[dict[str, Any]]:
    found = queries.figures_by_org([o.pk for o in orgs], year)
    return [{"organization": o.pk, "association": o.name, "year": year, "sessions": found[o.pk].sessions,
             "hours": found[o.pk].hours, "participation_rate": found[o.pk].participation,
             "topics": found[o.pk].topics, "planned": found[o.pk].planned,
             "planned_held": found[o.pk].planned_held, "missed": found[o.pk].missed} for o in orgs]


@router.get("/study-figures/{org_id}", response=StudyFiguresOut, url_name="study_figures")
def study_figures(request: HttpRequest, org_id: int, filters: Query[YearFilter]):
    """An association's study figures for a year (confirmed sessions only)."""
    org = get_org_for_user(request.user, org_id)
    require(request.user, "study.list", org)
    return _figures_rows([org], filters.year or queries.parse_year(None))[0]


@router.get("/study-figures-below/{org_id}", response=list[StudyFiguresOut], url_name="study_overview")
@paginate(Pages, page_size=50)
def study_overview(request: HttpRequest, org_id: int, filters: Query[YearFilter]):
    """The study figures of every association below a supervising body, by name."""
    org = get_org_for_user(request.user, org_id)
    require(request.user, "study.overview", org)
    return kit_api.PageRows(queries.associations_below(org), lambda orgs: _figures_rows(
        orgs, filters.year or queries.parse_year(None)))


# ---- codes of conduct -------------------------------------------------------------------------

BODY_DOC = ("HTML (sanitized on the server, as a publication's body) or plain text (one "
            "paragraph a line); a text without words or images is refused (body_required).")


class CodeIn(Schema):
    organization: int = Field(..., ge=1, le=MAX_ID)
    title: str = Field(..., min_length=1, max_length=200)
    kind: CodeKind
    effective_date: dt.date
    body: str = Field(..., min_length=1, description=BODY_DOC)


class VersionIn(Schema):
    effective_date: dt.date
    body: str = Field(..., min_length=1, description=BODY_DOC)


class VersionPatch(Schema):
    effective_date: dt.date | None = None
    body: str | None = Field(None, min_length=1, description=BODY_DOC)


class VersionOut(Schema):
    id: int
    code: int
    number: int
    status: str
    effective_date: dt.date
    published_at: dt.datetime | None
    body: str = Field(..., description="The text as sanitized HTML.")

    @staticmethod
    def resolve_code(obj: CodeVersion) -> int:
        return obj.code_id


class RateOut(Schema):
    acknowledged: int = Field(..., description="Members of the association who acknowledged "
                              "this version (one figure for the association).")
    members: int
    rate: float | None


class VersionDetailOut(VersionOut):
    actions: list[str]
    review_round: int = 0
    adoption_steps: list[str] = Field([], description="The adoption steps of the current round.")
    decisions: list[DecisionOut] = Field([], description="The decisions of the current round.")
    acknowledged_at: dt.datetime | None = Field(None, description="When you acknowledged it.")
    rate: RateOut | None = None
    not_acknowledged: list[StudyPersonOut] | None = Field(
        None, description="Members who have not yet acknowledged this version: for the "
        "association's principal and administrator only (null for everyone else).")


class CodeOut(Schema):
    id: int
    organization: int
    title: str
    kind: str
    versions: list[VersionOut]

    @staticmethod
    def resolve_organization(obj: Any) -> int:
        return obj.organization_id

    @staticmethod
    def resolve_versions(obj: Any) -> list[Any]:
        return list(obj.versions.all())


class CodeFilters(Schema):
    org: int | None = Field(None, ge=1, le=MAX_ID)


class CodeStandingOut(Schema):
    organization: int
    association: str
    code: str
    kind: str
    version: int | None
    effective_date: dt.date | None
    published_at: dt.datetime | None
    rate: float | None


def _version_detail(request: HttpRequest, version: CodeVersion) -> CodeVersion:
    from guildhall.study.models import Acknowledgement, VersionStatus

    version = queries.get_version_for_user(request.user, version.pk)
    ack = Acknowledgement.objects.filter(version=version, user=request.user).first()
    version.acknowledged_at = ack.at if ack else None
    version.actions = sorted(version.available_actions(request.user) - (
        {"acknowledge"} if ack else set()))
    version.rate = version.not_acknowledged = None
    _adoption_of(version)
    if version.status == VersionStatus.PUBLISHED:
        current = queries.published_versions([version.organization_id]).get(pk=version.pk)
        rate = queries.rates_by_version([current])[current.pk]
        version.rate = {"acknowledged": rate.acknowledged, "members": rate.members,
                        "rate": rate.value}
        if can(request.user, "study.code.who", version.organization):
            version.not_acknowledged = list(queries.not_acknowledged(version))
    return version


def _version_found(request: HttpRequest, version_id: int) -> CodeVersion:
    version = queries.get_version_for_user(request.user, version_id)
    require(request.user, "study.code.view", version.code)
    return version


@router.get("/codes/", response=list[CodeOut], url_name="study_code_list")
@paginate(Pages, page_size=50)
def code_list(request: HttpRequest, filters: Query[CodeFilters]):
    """The codes of conduct you see, with their versions."""
    qs = queries.visible_codes(request.user).prefetch_related("versions")
    if filters.org is not None:
        qs = qs.filter(organization_id=filters.org)
    return qs.order_by("organization_id", "kind", "title", "pk")


@router.post("/codes/", response={201: CodeOut}, url_name="study_code_list")
def code_create(request: HttpRequest, payload: CodeIn):
    """Start a code of conduct with its first version, a draft for the principal to adopt."""
    org = get_org_for_user(request.user, payload.organization)
    require(request.user, "study.create", org)
    try:
        code = services.code_create(actor=request.user, org=org, data=payload.dict())
    except ValidationError as exc:
        raise invalid(exc)
    return HttpStatus(201, code)


@router.post("/codes/{code_id}/versions", response={201: VersionDetailOut}, url_name="study_version_new")
def version_new(request: HttpRequest, code_id: int, payload: VersionIn):
    """Draft the next version of a code."""
    code = queries.get_code_for_user(request.user, code_id)
    require(request.user, "study.code.view", code)
    require(request.user, "study.code.new_version", code)
    try:
        version = services.version_new(actor=request.user, code=code, data=payload.dict())
    except ValidationError as exc:
        raise invalid(exc)
    return HttpStatus(201, _version_detail(request, version))


@router.get("/code-versions/{version_id}", response=VersionDetailOut, url_name="study_version_detail")
def version_detail(request: HttpRequest, version_id: int):
    """One version with its text, the association's acknowledgement rate and your actions."""
    return _version_detail(request, _version_found(request, version_id))


@router.patch("/code-versions/{version_id}", response=VersionDetailOut, url_name="study_version_detail")
def version_update(request: HttpRequest, version_id: int, payload: VersionPatch):
    """Change a draft version."""
    version = _version_found(request, version_id)
    authorize(request.user, "edit", version)
    try:
        services.version_update(actor=request.user, version=version,
                                data=payload.dict(exclude_unset=True))
    except ValidationError as exc:
        raise invalid(exc)
    return _version_detail(request, version)


def _version_act(request: HttpRequest, version_id: int, action: str, run: Any) -> CodeVersion:
    version = _version_found(request, version_id)
    run_action(request, version, action=action, schema=None,
               run=lambda v, b: run(actor=request.user, version=v))
    return _version_detail(request, version)


@router.post("/code-versions/{version_id}/adopt", response=VersionDetailOut, url_name="study_version_adopt")
def version_adopt(request: HttpRequest, version_id: int):
    """Approve the current adoption step of a submitted version (the last step, the
    principal's, adopts it). An optional body gives a comment and the revision decided."""
    return _version_decide(request, version_id, "adopt", services.version_adopt)


@router.post("/code-versions/{version_id}/publish", response=VersionDetailOut,
             url_name="study_version_publish")
def version_publish(request: HttpRequest, version_id: int):
    """Publish an adopted version to the association's members (supersedes the one before)."""
    return _version_act(request, version_id, "publish", services.version_publish)


@router.post("/code-versions/{version_id}/acknowledge", response=VersionDetailOut,
             url_name="study_version_acknowledge")
def version_acknowledge(request: HttpRequest, version_id: int):
    """Acknowledge that you read the published version (once)."""
    return _version_act(request, version_id, "acknowledge", services.acknowledge)


@router.get("/codes-below/{org_id}", response=list[CodeStandingOut], url_name="study_codes_below")
@paginate(Pages, page_size=50)
def codes_below(request: HttpRequest, org_id: int):
    """For each association below a supervising body: its codes, current versions, dates and
    acknowledgement rates (no names of people). An association without codes has one row
    with an empty code."""
    org = get_org_for_user(request.user, org_id)
    require(request.user, "study.overview", org)

    def build(orgs: list[Any]) -> list[dict[str, Any]]:
        found = queries.codes_below([o.pk for o in orgs])
        rows = []
        for o in orgs:
            for c in found[o.pk] or [None]:
                v = c and c["version"]
                rows.append({"organization": o.pk, "association": o.name,
                             "code": (c["code"].title if c and c["code"] else (c or {}).get("title", "")),
                             "kind": c["code"].kind if c and c["code"] else "",
                             "version": v.number if v else None,
                             "effective_date": v.effective_date if v else None,
                             "published_at": v.published_at if v else None,
                             "rate": c["rate"].value if c and c["rate"] else None})
        return rows
    return kit_api.PageRows(queries.associations_below(org), build)


# ---- the study plan -------------------------------------------------------------------------

class TopicIn(Schema):
    year: int = Field(..., ge=2000, le=2100)
    month: int = Field(..., ge=1, le=12)
    topic: str = Field(..., min_length=1, max_length=200)
    form: Form = Form.GROUP
    materials: str = ""
    responsible: int | None = Field(None, ge=1, le=MAX_ID, description="A member of the association.")


class TopicOut(Schema):
    id: int
    organization: int
    year: int
    month: int
    topic: str
    form: str
    materials: str
    responsible: StudyPersonOut | None
    carried_out: bool
    missed: bool

    @staticmethod
    def resolve_organization(obj: Any) -> int:
        return obj.organization_id

    @staticmethod
    def resolve_carried_out(obj: Any) -> bool:
        return bool(obj.held)


@router.get("/study-plan/{org_id}", response=list[TopicOut], url_name="study_plan")
def study_plan(request: HttpRequest, org_id: int, filters: Query[YearFilter]):
    """The association's study plan for a year, by month."""
    org = get_org_for_user(request.user, org_id)
    require(request.user, "study.list", org)
    return queries.plan_topics(org, filters.year or queries.parse_year(None))


@router.post("/study-plan/{org_id}", response={201: TopicOut}, url_name="study_plan")
def topic_create(request: HttpRequest, org_id: int, payload: TopicIn):
    """Add a topic to the association's study plan."""
    org = get_org_for_user(request.user, org_id)
    require(request.user, "study.list", org)
    require(request.user, "study.plan_edit", org)
    try:
        topic = services.topic_create(actor=request.user, org=org, data=payload.dict())
    except ValidationError as exc:
        raise invalid(exc)
    [found] = [t for t in queries.plan_topics(org, topic.year) if t.pk == topic.pk]
    return HttpStatus(201, found)


@router.delete("/study-plan-topics/{topic_id}", response={204: None}, url_name="study_topic")
def topic_delete(request: HttpRequest, topic_id: int):
    """Take a topic out of the plan (not one a confirmed session carried out)."""
    from guildhall.orgs.scoping import get_for_user
    from guildhall.study.models import PlanTopic

    topic = get_for_user(request.user, PlanTopic.objects.select_related("organization"), topic_id)
    require(request.user, "study.list", topic.organization)
    require(request.user, "study.plan_edit", topic.organization)
    services.topic_delete(actor=request.user, topic=topic)
    return HttpStatus(204, None)


# ---- the materials library -------------------------------------------------------------------

class MaterialIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    source: str = Field("", max_length=200)
    date: dt.date | None = None
    tags: str = Field("", max_length=300, description="Tags separated by commas.")
    link: str = Field(..., min_length=1, max_length=500, description="A web page or a video. "
                      "Files are attached on the material's page.")


class MaterialOut(Schema):
    id: int
    organization: int
    shared_by: str
    from_above: bool
    title: str
    source: str
    date: dt.date | None
    tags: list[str]
    link: str
    files: list[str]

    @staticmethod
    def resolve_organization(obj: Any) -> int:
        return obj.organization_id

    @staticmethod
    def resolve_shared_by(obj: Any) -> str:
        return obj.organization.name

    @staticmethod
    def resolve_tags(obj: Any) -> list[str]:
        return obj.tag_list

    @staticmethod
    def resolve_files(obj: Any) -> list[str]:
        return [a.original_name for a in obj.attachments.all() if a.removed_at is None]


class LibraryFilters(Schema):
    q: str = Field("", max_length=100, description="Words of the title or tags.")


@router.get("/study-library/{org_id}", response=list[MaterialOut], url_name="study_library")
@paginate(Pages, page_size=50)
def library(request: HttpRequest, org_id: int, filters: Query[LibraryFilters]):
    """The organization's library with the materials shared from above; search by title and tag."""
    org = get_org_for_user(request.user, org_id)
    require(request.user, "study.library", org)
    return queries.library(org, filters.q).prefetch_related("attachments")


@router.post("/study-library/{org_id}", response={201: MaterialOut}, url_name="study_library")
def material_create(request: HttpRequest, org_id: int, payload: MaterialIn):
    """Share a link in the organization's library (a supervising body's reaches every
    association below it)."""
    org = get_org_for_user(request.user, org_id)
    require(request.user, "study.library", org)
    require(request.user, "study.library_edit", org)
    try:
        material = services.material_create(actor=request.user, org=org, data=payload.dict())
    except ValidationError as exc:
        raise invalid(exc)
    material.from_above = False
    return HttpStatus(201, material)


@router.delete("/study-library/{org_id}/{material_id}", response={204: None},
               url_name="study_material")
def material_delete(request: HttpRequest, org_id: int, material_id: int):
    """Take a material out of the library. One that sessions used stays for them, with its
    files, marked as taken out (`taken_out` in their `library_items`); any other is deleted."""
    from guildhall.kit.actions import audited

    material = queries.get_material_for_user(request.user, material_id, org_id)
    audited(request.user, material, "delete",
            lambda: services.material_delete(actor=request.user, material=material))
    return HttpStatus(204, None)


# ---- education activities ---------------------------------------------------------------------

class ActivityIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    kind: str = Field(..., description="lecture, exhibition, essay, speech or welfare.")
    date: dt.date
    venue: str = Field("", max_length=200)
    organizers: str = Field("", max_length=300)
    participants: int = Field(0, ge=0, le=1_000_000, description="How many took part (one figure).")
    description: str = ""
    filing: int | None = Field(None, ge=1, le=MAX_ID, description="The approved event filing of "
                               "a public event.")


class ActivityOut(Schema):
    id: int
    organization: int
    title: str
    kind: str
    date: dt.date
    venue: str
    organizers: str
    participants: int
    description: str

    @staticmethod
    def resolve_organization(obj: Any) -> int:
        return obj.organization_id


@router.get("/study-activities/{org_id}", response=list[ActivityOut], url_name="study_activities")
@paginate(Pages, page_size=50)
def activity_list(request: HttpRequest, org_id: int, filters: Query[YearFilter]):
    """The association's education activities of a year, newest first."""
    from guildhall.study.models import Activity

    org = get_org_for_user(request.user, org_id)
    require(request.user, "study.list", org)
    return Activity.objects.filter(organization=org, date__year=filters.year or queries.parse_year(
        None)).order_by("-date", "-pk")


@router.post("/study-activities/{org_id}", response={201: ActivityOut}, url_name="study_activities")
def activity_create(request: HttpRequest, org_id: int, payload: ActivityIn):
    """Record an education activity (photos and results are attached on its page)."""
    org = get_org_for_user(request.user, org_id)
    require(request.user, "study.list", org)
    require(request.user, "study.create", org)
    try:
        activity = services.activity_create(actor=request.user, org=org, data=payload.dict())
    except ValidationError as exc:
        raise invalid(exc)
    return HttpStatus(201, activity)


@router.delete("/study-activities/{org_id}/{activity_id}", response={204: None},
               url_name="study_activity")
def activity_delete(request: HttpRequest, org_id: int, activity_id: int):
    """Delete an education activity."""
    from guildhall.kit.actions import audited
    from guildhall.orgs.scoping import get_for_user
    from guildhall.study.models import Activity

    activity = get_for_user(request.user, Activity.objects.select_related("organization"),
                            activity_id, org_id)
    require(request.user, "study.activity.view", activity)
    audited(request.user, activity, "delete",
            lambda: services.activity_delete(actor=request.user, activity=activity))
    return HttpStatus(204, None)


# ---- the adoption of a version through its steps, and the steps themselves ---------------

class AdoptionIn(Schema):
    revision: int | None = Field(None, description="The revision of the version you read; "
                                 "refused when stale.")
    comment: str = Field("", description="Required to return the version.")


class CodeRulesIn(Schema):
    steps_before: list[str] = Field([], max_length=3, description=(
        "Roles of the review steps before the principal's adoption, in order (reviewer, "
        "admin, editor); empty for the principal's adoption alone."))


class CodeRulesOut(Schema):
    organization: int
    steps_before: list[str]
    steps: list[str] = Field(..., description="The adoption steps, the principal's last.")


class CorrectionIn(SessionPatch):
    reason: str = Field(..., min_length=1, description="Why the confirmed session is corrected.")


def _adoption_of(version: CodeVersion) -> None:
    from guildhall.reviews.services import decisions_for

    version.adoption_steps = [str(s.name) for s in version.review_steps()] \
        if version.review_round else []
    version.decisions = list(decisions_for(version, round=version.review_round)) \
        if version.review_round else []


def _version_decide(request: HttpRequest, version_id: int, action: str, run: Any) -> CodeVersion:
    version = _version_found(request, version_id)
    if not request.body:  # no body: approve the revision as it is, without a comment
        run_action(request, version, action=action, schema=None,
                   run=lambda v, b: run(actor=request.user, version=v))
    else:
        run_action(request, version, action=action, schema=AdoptionIn,
                   run=lambda v, b: run(actor=request.user, version=v, comment=b.comment,
                                        revision=b.revision))
    return _version_detail(request, version)


@router.post("/code-versions/{version_id}/submit", response=VersionDetailOut,
             url_name="study_version_submit")
def version_submit(request: HttpRequest, version_id: int):
    """Submit a draft version for adoption: it passes the association's adoption steps."""
    return _version_act(request, version_id, "submit", services.version_submit)


@router.post("/code-versions/{version_id}/return", response=VersionDetailOut,
             url_name="study_version_return", openapi_extra=body_doc(AdoptionIn))
def version_return(request: HttpRequest, version_id: int):
    """Return a submitted version to its authors with a comment (required); it is a draft
    again."""
    version = _version_found(request, version_id)
    run_action(request, version, action="return", schema=AdoptionIn,
               run=lambda v, b: services.version_return(actor=request.user, version=v,
                                                        comment=b.comment, revision=b.revision))
    return _version_detail(request, version)


def _rules_out(org: Any) -> dict[str, Any]:
    from guildhall.study.models import CodeRules, adoption_steps

    roles = CodeRules.roles_for(org)
    return {"organization": org.pk, "steps_before": roles[:-1],
            "steps": [str(s.name) for s in adoption_steps(roles)]}


@router.get("/code-adoption-steps/{org_id}", response=CodeRulesOut, url_name="study_code_rules")
def code_rules(request: HttpRequest, org_id: int):
    """The association's adoption steps of codes (the principal's adoption is the last)."""
    org = get_org_for_user(request.user, org_id)
    require(request.user, "study.list", org)
    return _rules_out(org)


@router.put("/code-adoption-steps/{org_id}", response=CodeRulesOut, url_name="study_code_rules")
def code_rules_update(request: HttpRequest, org_id: int, payload: CodeRulesIn):
    """The association's administrator sets the steps before the principal's adoption;
    versions already submitted keep theirs."""
    org = get_org_for_user(request.user, org_id)
    require(request.user, "study.code.rules", org)
    try:
        services.rules_update(actor=request.user, org=org, steps_before=payload.steps_before)
    except ValidationError as exc:
        raise invalid(exc)
    return _rules_out(org)


@router.post("/study-sessions/{session_id}/correct", response=SessionDetailOut,
             url_name="study_session_correct", openapi_extra=body_doc(CorrectionIn))
def session_correct(request: HttpRequest, session_id: int):
    """Correct a confirmed session, with the reason: a new revision that goes back to the
    principal for confirmation (it leaves the year's figures until then). Send the
    revision you corrected."""
    session = _found(request, session_id)

    def run(s: StudySession, body: Any) -> None:
        try:
            services.session_correct(
                actor=request.user, session=s, reason=body.reason, revision=body.revision,
                data={k: v for k, v in _session_data(body, exclude_unset=True).items()
                      if k != "reason"})
        except ValidationError as exc:
            raise invalid(exc)
    run_action(request, session, action="correct", schema=CorrectionIn, run=run)
    return _detail(request, session)
