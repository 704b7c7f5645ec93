"""Responsibility lists, work plans, their items and key-task templates in the API: the
same scoping, rules and services as the pages. Action bodies are read after the object
was found and the action allowed."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema
from ninja import Status as HttpStatus

from guildhall.core.errors import DomainError
from guildhall.core.pagination import MAX_ID
from guildhall.kit import links
from guildhall.kit.api import DecisionOut, ReasonIn, body_doc, run_action
from guildhall.kit.workflow import authorize
from guildhall.orgs.permissions import require
from guildhall.orgs.scoping import get_org_for_user
from guildhall.plans import queries, services
from guildhall.plans.models import Duty, EvidenceKind, Plan, PlanItem, PlanTemplate
from guildhall.reviews import services as reviews

router = Router(tags=["plans"])

YEAR = Field(..., ge=2000, le=2100)


def _person(name: str) -> Any:
    return lambda obj: getattr(obj, name).display_name if getattr(obj, name + "_id") else ""


class HolderOut(Schema):
    duty: str
    duty_label: str
    member: str

    @staticmethod
    def resolve_duty_label(obj: Any) -> str:
        return str(obj.get_duty_display())

    @staticmethod
    def resolve_member(obj: Any) -> str:
        return obj.member.display_name


class ResponsibilityOut(Schema):
    organization: int = Field(..., alias="organization_id")
    year: int
    status: str
    revision: int
    principal: str
    signed_at: dt.datetime | None
    holders: list[HolderOut]

    @staticmethod
    def resolve_principal(obj: Any) -> str:
        return obj.principal.display_name if obj.principal_id else ""

    @staticmethod
    def resolve_holders(obj: Any) -> list[Any]:
        return list(obj.holders.select_related("member")) if obj.pk else []


class HolderIn(Schema):
    duty: str
    member: int = Field(..., ge=1, le=MAX_ID)


class ResponsibilityIn(Schema):
    principal: int = Field(..., ge=1, le=MAX_ID)
    holders: list[HolderIn] = Field(..., max_length=50)
    reason: str = ""
    revision: int | None = None


def _member_of(org: Any, pk: int, field: str) -> Any:
    user = get_user_model().objects.filter(pk=pk, memberships__organization=org,
                                           memberships__is_active=True).first()
    if user is None:
        raise DomainError(_("Choose a member of the association."), "not_a_member", status=422,
                          field=field)
    return user


@router.get("/orgs/{org_id}/responsibility/{year}", response=ResponsibilityOut,
            url_name="responsibility_detail")
def responsibility_detail(request: HttpRequest, org_id: int, year: int):
    """The year's responsibility list of an association (empty when not drawn up)."""
    org = get_org_for_user(request.user, org_id)
    require(request.user, "plans.list", org)
    return services.responsibility_list(org, year)


@router.put("/orgs/{org_id}/responsibility/{year}", response=ResponsibilityOut,
            url_name="responsibility_detail")
def responsibility_save(request: HttpRequest, org_id: int, year: int, payload: ResponsibilityIn):
    """Set the first responsible person and the duty holders; a signed list changes only
    with a reason (and is signed again)."""
    org = get_org_for_user(request.user, org_id)
    rlist = services.responsibility_list(org, year)
    require(request.user, "responsibility.edit", rlist)
    principal = _member_of(org, payload.principal, "principal")
    holders = [(h.duty, _member_of(org, h.member, "holders"), "") for h in payload.holders]
    return services.responsibility_save(actor=request.user, org=org, year=year,
                                        principal=principal, holders=holders,
                                        reason=payload.reason, revision=payload.revision)


@router.post("/orgs/{org_id}/responsibility/{year}/sign", response=ResponsibilityOut,
             url_name="responsibility_sign")
def responsibility_sign(request: HttpRequest, org_id: int, year: int):
    """The principal signs the list off."""
    org = get_org_for_user(request.user, org_id)
    rlist = services.responsibility_list(org, year)
    if not rlist.pk:
        raise Http404("No list")
    run_action(request, rlist, action="sign", schema=None,
               run=lambda r, _b: services.responsibility_sign(actor=request.user, rlist=r))
    return services.responsibility_list(org, year)


# ---- plans ---------------------------------------------------------------------------

class PlanLinkOut(Schema):
    role: str
    kind: str
    kind_label: str
    name: str
    url: str


class ItemOut(Schema):
    id: int
    plan_year: int
    organization: int = Field(..., alias="organization_id")
    title: str
    description: str
    duty: str
    owner: str
    owner_id: int | None
    due_date: dt.date | None
    evidence_kind: str
    evidence_required: str
    status: str
    overdue: bool
    progress: int
    revision: int
    score: int | None
    assessment_comment: str
    rectification_due: dt.date | None
    rectification_note: str

    @staticmethod
    def resolve_plan_year(obj: Any) -> int:
        return obj.plan.year

    @staticmethod
    def resolve_owner(obj: Any) -> str:
        return obj.owner.display_name if obj.owner_id else ""

    @staticmethod
    def resolve_overdue(obj: Any) -> bool:
        return obj.is_overdue()

    @staticmethod
    def resolve_progress(obj: Any) -> int:
        return obj.done_share


class ItemDetailOut(ItemOut):
    actions: list[str]
    links: list[PlanLinkOut]

    @staticmethod
    def resolve_links(obj: Any) -> list[dict[str, Any]]:
        return obj.described_links


class PlanOut(Schema):
    organization: int = Field(..., alias="organization_id")
    year: int
    status: str
    revision: int
    progress: int
    adoption_due: dt.date | None
    adopted_at: dt.datetime | None
    adopted_late: bool
    score: Decimal | None
    grade: str
    assessment_comment: str
    actions: list[str]
    decisions: list[DecisionOut]
    items: list[ItemOut]

    @staticmethod
    def resolve_items(obj: Any) -> list[Any]:
        return obj.items_list


def _plan_out(request: HttpRequest, plan: Plan) -> Plan:
    items = list(plan.items.select_related("owner", "plan"))
    plan.progress = services.plan_progress(items)
    plan.actions = sorted(plan.available_actions(request.user))
    plan.decisions = list(reviews.decisions_for(plan))
    plan.items_list = items
    return plan


def _plan(request: HttpRequest, org_id: int, year: int) -> Plan:
    org = get_org_for_user(request.user, org_id)
    require(request.user, "plans.list", org)
    plan = queries.plan_of(org, year)
    if plan is None:
        raise Http404("No plan")
    return plan


@router.get("/orgs/{org_id}/plans/{year}", response=PlanOut, url_name="plan_detail")
def plan_detail(request: HttpRequest, org_id: int, year: int):
    """The association's work plan of the year with its items and the actions you may take."""
    return _plan_out(request, _plan(request, org_id, year))


@router.post("/orgs/{org_id}/plans/{year}", response={201: PlanOut}, url_name="plan_detail")
def plan_create(request: HttpRequest, org_id: int, year: int):
    """Draw up the year's plan (or return the one there is)."""
    org = get_org_for_user(request.user, org_id)
    require(request.user, "plans.edit", Plan(organization=org))
    plan = services.plan_get_or_create(actor=request.user, org=org, year=year)
    return HttpStatus(201, _plan_out(request, plan))


class CommentIn(Schema):
    comment: str = ""
    revision: int = Field(..., ge=1, le=MAX_ID)


class GradeIn(Schema):
    score: Decimal = Field(..., ge=0, le=100)
    comment: str


def _plan_act(request: HttpRequest, org_id: int, year: int, action: str, schema: Any,
              run: Any) -> Plan:
    plan = _plan(request, org_id, year)
    run_action(request, plan, action=action, schema=schema, run=run)
    return _plan_out(request, _plan(request, org_id, year))


@router.post("/orgs/{org_id}/plans/{year}/adopt", response=PlanOut, url_name="plan_adopt")
def plan_adopt(request: HttpRequest, org_id: int, year: int):
    """Adopt the issued key tasks once each has an owner and a due date (set them with
    PATCH on the items)."""
    return _plan_act(request, org_id, year, "adopt", None,
                     lambda p, _b: services.plan_adopt(actor=request.user, plan=p))


@router.post("/orgs/{org_id}/plans/{year}/submit", response=PlanOut, url_name="plan_submit")
def plan_submit(request: HttpRequest, org_id: int, year: int):
    """The principal submits the plan to the supervising body."""
    return _plan_act(request, org_id, year, "submit", None,
                     lambda p, _b: services.plan_submit(actor=request.user, plan=p))


@router.post("/orgs/{org_id}/plans/{year}/acknowledge", response=PlanOut,
             url_name="plan_acknowledge", openapi_extra=body_doc(CommentIn))
def plan_acknowledge(request: HttpRequest, org_id: int, year: int):
    """The supervisor's approver acknowledges the plan (send the revision acknowledged)."""
    return _plan_act(request, org_id, year, "acknowledge", CommentIn,
                     lambda p, b: services.plan_acknowledge(actor=request.user, plan=p,
                                                            revision=b.revision, comment=b.comment))


@router.post("/orgs/{org_id}/plans/{year}/return", response=PlanOut, url_name="plan_return",
             openapi_extra=body_doc(CommentIn))
def plan_return(request: HttpRequest, org_id: int, year: int):
    """Return the plan to the association, with a comment."""
    return _plan_act(request, org_id, year, "return", CommentIn,
                     lambda p, b: services.plan_return(actor=request.user, plan=p,
                                                       revision=b.revision, comment=b.comment))


@router.post("/orgs/{org_id}/plans/{year}/grade", response=PlanOut, url_name="plan_grade",
             openapi_extra=body_doc(GradeIn))
def plan_grade(request: HttpRequest, org_id: int, year: int):
    """Assess the plan as a whole inside the assessment window: the score gives the grade."""
    return _plan_act(request, org_id, year, "grade", GradeIn,
                     lambda p, b: services.plan_grade(actor=request.user, plan=p, score=b.score,
                                                      comment=b.comment))


class ItemIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    duty: str
    owner: int | None = Field(None, ge=1, le=MAX_ID)
    due_date: dt.date | None = None
    evidence_kind: str = EvidenceKind.DOCUMENT
    evidence_required: str = Field("", max_length=300)
    reason: str = ""
    revision: int | None = None


class ItemPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = None
    duty: str | None = None
    owner: int | None = Field(None, ge=1, le=MAX_ID)
    due_date: dt.date | None = None
    evidence_kind: str | None = None
    evidence_required: str | None = Field(None, max_length=300)
    reason: str = ""
    revision: int | None = None


def _item_data(org: Any, payload: Any, *, partial: bool) -> dict[str, Any]:
    data = payload.dict(exclude_unset=partial, exclude={"reason", "revision"})
    if data.get("owner") is not None:
        data["owner"] = _member_of(org, data["owner"], "owner")
    if data.get("duty") is not None and data["duty"] not in Duty.values:
        raise DomainError(_("Choose a duty from the list."), "unknown_duty", status=422,
                          field="duty")
    return data


def _item_out(request: HttpRequest, item: PlanItem) -> PlanItem:
    item = queries.get_item_for_user(request.user, item.pk)
    item.actions = sorted(item.available_actions(request.user))
    item.described_links = links.described(item)
    return item


@router.post("/orgs/{org_id}/plans/{year}/items", response={201: ItemDetailOut},
             url_name="item_list")
def item_create(request: HttpRequest, org_id: int, year: int, payload: ItemIn):
    """Add an item; once the plan was submitted send a reason and the plan's revision."""
    plan = _plan(request, org_id, year)
    authorize(request.user, "edit", plan)
    item = services.item_add(actor=request.user, plan=plan,
                             data=_item_data(plan.organization, payload, partial=False),
                             reason=payload.reason, revision=payload.revision)
    return HttpStatus(201, _item_out(request, item))


def _item(request: HttpRequest, item_id: int) -> PlanItem:
    item = queries.get_item_for_user(request.user, item_id)
    require(request.user, "plan_items.view", item)
    return item


@router.get("/plan-items/{item_id}", response=ItemDetailOut, url_name="item_detail")
def item_detail(request: HttpRequest, item_id: int):
    """One plan item with its evidence links and the actions you may take."""
    return _item_out(request, _item(request, item_id))


@router.patch("/plan-items/{item_id}", response=ItemDetailOut, url_name="item_detail")
def item_update(request: HttpRequest, item_id: int, payload: ItemPatch):
    """Change an item; once the plan was submitted send a reason and the plan's revision."""
    item = _item(request, item_id)
    authorize(request.user, "edit", item)
    services.item_update(actor=request.user, item=item,
                         data=_item_data(item.organization, payload, partial=True),
                         reason=payload.reason, revision=payload.revision)
    return _item_out(request, item)


class PlanReportIn(Schema):
    text: str
    progress: int | None = Field(None, ge=0, le=100)
    link_kind: str = ""
    link_id: int | None = Field(None, ge=1, le=MAX_ID)


class LinkIn(Schema):
    kind: str
    target: int = Field(..., ge=1, le=MAX_ID)


class PlanNoteIn(Schema):
    note: str = ""


class AssessIn(Schema):
    score: int = Field(..., ge=0, le=100)
    comment: str = ""


class ReturnIn(Schema):
    comment: str
    due: dt.date


def _item_act(request: HttpRequest, item_id: int, action: str, schema: Any, run: Any) -> PlanItem:
    item = _item(request, item_id)
    run_action(request, item, action=action, schema=schema, run=run)
    return _item_out(request, item)


@router.post("/plan-items/{item_id}/report", response=ItemDetailOut, url_name="item_report",
             openapi_extra=body_doc(PlanReportIn))
def item_report(request: HttpRequest, item_id: int):
    """A progress update, optionally linking one of the association's own records."""
    return _item_act(request, item_id, "report", PlanReportIn, lambda i, b: services.item_report(
        actor=request.user, item=i, text=b.text, progress=b.progress, link_kind=b.link_kind,
        link_id=b.link_id))


@router.post("/plan-items/{item_id}/links", response=ItemDetailOut, url_name="item_link",
             openapi_extra=body_doc(LinkIn))
def item_link(request: HttpRequest, item_id: int):
    """Link one of the association's own records as evidence (kinds: events.filing,
    publications.publication, meetings.meeting, …); another's is refused as not found."""
    return _item_act(request, item_id, "report", LinkIn, lambda i, b: services.item_link(
        actor=request.user, item=i, kind=b.kind, target_id=b.target))


@router.post("/plan-items/{item_id}/claim", response=ItemDetailOut, url_name="item_claim",
             openapi_extra=body_doc(PlanNoteIn))
def item_claim(request: HttpRequest, item_id: int):
    """The owner claims completion; evidence (a file or a link) is required."""
    return _item_act(request, item_id, "claim_done", PlanNoteIn, lambda i, b: services.item_claim_done(
        actor=request.user, item=i, note=b.note))


@router.post("/plan-items/{item_id}/drop", response=ItemDetailOut, url_name="item_drop",
             openapi_extra=body_doc(ReasonIn))
def item_drop(request: HttpRequest, item_id: int):
    """Drop the item, with a reason."""
    return _item_act(request, item_id, "drop", ReasonIn, lambda i, b: services.item_drop(
        actor=request.user, item=i, reason=b.reason))


@router.post("/plan-items/{item_id}/assess", response=ItemDetailOut, url_name="item_assess",
             openapi_extra=body_doc(AssessIn))
def item_assess(request: HttpRequest, item_id: int):
    """Score a done item (0–100) inside the assessment window."""
    return _item_act(request, item_id, "assess", AssessIn, lambda i, b: services.item_assess(
        actor=request.user, item=i, score=b.score, comment=b.comment))


@router.post("/plan-items/{item_id}/return", response=ItemDetailOut, url_name="item_return",
             openapi_extra=body_doc(ReturnIn))
def item_return(request: HttpRequest, item_id: int):
    """Return a done item for rectification by a date."""
    return _item_act(request, item_id, "return_for_rectification", ReturnIn,
                     lambda i, b: services.item_return(actor=request.user, item=i,
                                                       comment=b.comment, due=b.due))


# ---- templates -------------------------------------------------------------------------

class TemplateItemOut(Schema):
    id: int
    title: str
    description: str
    duty: str
    evidence_kind: str
    evidence_required: str


class TemplateOut(Schema):
    id: int
    organization: int = Field(..., alias="organization_id")
    year: int
    title: str
    note: str
    status: str
    issued_at: dt.datetime | None
    adoption_due: dt.date | None
    items: list[TemplateItemOut]
    recipients: list[int]

    @staticmethod
    def resolve_items(obj: Any) -> list[Any]:
        return list(obj.items.all())

    @staticmethod
    def resolve_recipients(obj: Any) -> list[int]:
        return sorted(obj.recipients.values_list("pk", flat=True))


class TemplateIn(Schema):
    year: int = YEAR
    title: str = Field(..., min_length=1, max_length=200)
    note: str = ""


class TemplateItemIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    duty: str
    evidence_kind: str = EvidenceKind.DOCUMENT
    evidence_required: str = Field("", max_length=300)


class IssueIn(Schema):
    recipients: list[int] | None = Field(None, max_length=5000)


@router.post("/orgs/{org_id}/plan-templates", response={201: TemplateOut},
             url_name="template_list")
def template_create(request: HttpRequest, org_id: int, payload: TemplateIn):
    """A supervising body drafts the year's key tasks."""
    org = get_org_for_user(request.user, org_id)
    require(request.user, "plans.templates", org)
    return HttpStatus(201, services.template_create(actor=request.user, org=org,
                                                    **payload.dict()))


def _template(request: HttpRequest, template_id: int) -> PlanTemplate:
    template = queries.get_template_for_user(request.user, template_id)
    require(request.user, "plan_templates.view", template)
    return template


@router.get("/plan-templates/{template_id}", response=TemplateOut, url_name="template_detail")
def template_detail(request: HttpRequest, template_id: int):
    return _template(request, template_id)


@router.post("/plan-templates/{template_id}/items", response=TemplateOut,
             url_name="template_items", openapi_extra=body_doc(TemplateItemIn))
def template_item_add(request: HttpRequest, template_id: int):
    template = _template(request, template_id)
    run_action(request, template, action="edit", schema=TemplateItemIn,
               run=lambda t, b: services.template_item_add(actor=request.user, template=t,
                                                           data=b.dict()))
    return _template(request, template_id)


@router.post("/plan-templates/{template_id}/issue", response=TemplateOut,
             url_name="template_issue", openapi_extra=body_doc(IssueIn))
def template_issue(request: HttpRequest, template_id: int):
    """Issue to every association below, or to the listed ones."""
    template = _template(request, template_id)

    def run(t: PlanTemplate, body: Any) -> None:
        chosen = None
        if body.recipients:
            chosen = list(queries.associations_below(t.organization).filter(pk__in=body.recipients))
            if len(chosen) != len(set(body.recipients)):
                raise DomainError(_("Choose associations below your body."), "not_below",
                                  status=422, field="recipients")
        services.template_issue(actor=request.user, template=t, recipients=chosen)

    run_action(request, template, action="issue", schema=IssueIn, run=run)
    return _template(request, template_id)
