"""Writes on responsibility lists, plans, plan items and key-task templates: each audited
in its transaction, notices sent after commit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from guildhall.audit.services import record
from guildhall.core.errors import DomainError, required_text
from guildhall.core.lines import labelled
from guildhall.kit import links, workflow
from guildhall.kit.actions import auditor
from guildhall.notifications import calendar
from guildhall.notifications.services import Message, notify
from guildhall.orgs.models import Organization, Role
from guildhall.plans.models import (
    CARRIED_OUT,
    Duty,
    DutyHolder,
    EvidenceKind,
    ItemStatus,
    ListStatus,
    Plan,
    PlanItem,
    PlanRules,
    PlanStatus,
    PlanTemplate,
    ResponsibilityList,
    TemplateItem,
    TemplateStatus,
)
from guildhall.records import services as records
from guildhall.records.models import Link
from guildhall.reviews import services as reviews
from guildhall.reviews.models import Verdict

MAX_UPLOAD = getattr(settings, "PLANS_MAX_UPLOAD", 20 * 1024 * 1024)
#: The kinds of file evidence may be.
KINDS = {"pdf", "docx", "xlsx", "pptx", "png", "jpeg", "txt"}
#: The kinds of record a progress update may link as evidence (those registered by the
#: modules installed; see `kit.links`).
EVIDENCE_LINK_KINDS = [k.value for k in EvidenceKind if k != EvidenceKind.DOCUMENT]


# ---- people to tell -----------------------------------------------------------------

def members(org_id: int | None, roles: Iterable[str]):
    return get_user_model().objects.filter(
        memberships__organization_id=org_id, memberships__role__in=list(roles),
        memberships__is_active=True, is_active=True).distinct().order_by("pk")


def is_member(org: Any, user: Any) -> bool:
    return user is not None and org.memberships.filter(user=user, is_active=True).exists()


def approvers_of(obj: Any):
    return members(obj.organization.parent_id, {Role.APPROVER})


def supervisor_admins_of(obj: Any):
    return members(obj.organization.parent_id, {Role.ADMIN})


def principals_of(obj: Any):
    return members(obj.organization_id, {Role.PRINCIPAL})


def owner_and_principal(item: PlanItem) -> list[Any]:
    people = list(principals_of(item))
    if item.owner_id and is_member(item.organization, item.owner):
        people.append(item.owner)
    return people


def _tell(recipients: Any, obj: Any, kind: str, subject: Any, body: Any = "") -> None:
    title = str(obj)
    notify(recipients, Message(kind=f"plans.{kind}", subject=lambda: labelled(subject, title),
                               body=body, url=obj.get_absolute_url(),
                               organization=obj.organization))


_audit = auditor("plans")


def _revision(subject: Any, actor: Any, snapshot: dict[str, Any],
              before: dict[str, Any] | None) -> None:
    records.add_revision(subject, actor=actor, snapshot=snapshot,
                         changed=records.changed_fields(before, snapshot))


def _require_member(org: Any, user: Any, field: str) -> None:
    if user is not None and not is_member(org, user):
        raise DomainError(_("Choose a member of the association."), "not_a_member", status=422,
                          field=field)


# ---- the responsibility list --------------------------------------------------------

def responsibility_list(org: Any, year: int) -> ResponsibilityList:
    """The year's list, or a new unsaved one."""
    return ResponsibilityList.objects.filter(organization=org, year=year).select_related(
        "principal", "signed_by").first() or ResponsibilityList(organization=org, year=year)


def responsibility_save(*, actor: Any, org: Any, year: int, principal: Any,
                        holders: list[tuple[str, Any, str]], reason: str = "",
                        revision: int | None = None) -> ResponsibilityList:
    """Set the first responsible person and who holds each duty. A change to a signed list
    needs a reason, makes a new revision and must be signed again."""
    if principal is None or not org.memberships.filter(user=principal, role=Role.PRINCIPAL,
                                                       is_active=True).exists():
        raise DomainError(_("The first responsible person must be an active principal of the "
                            "association."), "not_principal", status=422, field="principal")
    if not holders:
        raise DomainError(_("Name at least one responsible person for a duty."), "no_holders",
                          status=422, field="holders")
    for duty, member, _note in holders:
        if duty not in Duty.values:
            raise DomainError(_("Choose a duty from the list."), "unknown_duty", status=422,
                              field="holders")
        _require_member(org, member, "holders")
    with transaction.atomic():
        rlist, created = ResponsibilityList.objects.select_for_update().get_or_create(
            organization=org, year=year)
        if not created:
            records.refuse_stale(rlist, revision)
        rlist.organization = org
        was_signed = rlist.status == ListStatus.SIGNED
        if was_signed:
            reason = required_text(reason, _("Say why the signed list changes."))
        before = rlist.snapshot() if not created else None
        rlist.principal = principal
        rlist.holders.all().delete()
        seen = set()
        for duty, member, note in holders:
            if (duty, member.pk) not in seen:
                seen.add((duty, member.pk))
                DutyHolder.objects.create(responsibility_list=rlist, duty=duty, member=member,
                                          note=(note or "")[:200])
        after = rlist.snapshot()
        if before == after and not created:
            return rlist
        if not created:
            rlist.revision += 1
        rlist.status = ListStatus.DRAFT
        rlist.signed_at = rlist.signed_by = None
        rlist.updated_at = timezone.now()
        rlist.save()
        _revision(rlist, actor, after, before)
        if was_signed:
            records.add_entry(rlist, ResponsibilityList.EntryKind.CHANGED, actor, reason)
        _audit(actor, "responsibility.save", rlist, before=before,
               after={**after, **({"reason": reason} if reason else {})})
        return rlist


def responsibility_sign(*, actor: Any, rlist: ResponsibilityList) -> ResponsibilityList:
    with transaction.atomic():
        rlist = reviews.lock(rlist)
        rlist.guard("sign")
        rlist.status, rlist.signed_by, rlist.signed_at = ListStatus.SIGNED, actor, timezone.now()
        rlist.save(update_fields=["status", "signed_by", "signed_at"])
        records.add_entry(rlist, ResponsibilityList.EntryKind.SIGNED, actor)
        _audit(actor, "responsibility.sign", rlist, after={"revision": rlist.revision})
        return rlist


# ---- rules ---------------------------------------------------------------------------------

def rules_save(*, actor: Any, supervisor: Any, data: dict[str, Any]) -> PlanRules:
    bands = data.get("grade_bands")
    if bands is not None:
        if not bands or any(not str(b.get("grade", "")).strip() for b in bands) or \
                len({float(b["min"]) for b in bands}) != len(bands):
            raise DomainError(_("Give each grade a name and a different lowest score."),
                              "bad_bands", status=422, field="grade_bands")
        if min(float(b["min"]) for b in bands) != 0:
            raise DomainError(_("The lowest grade must start at a score of 0."), "bad_bands",
                              status=422, field="grade_bands")
    opens, closes = data.get("window_opens"), data.get("window_closes")
    if opens and closes and closes < opens:
        raise DomainError(_("The window must close after it opens."), "bad_window", status=422,
                          field="window_closes")
    with transaction.atomic():
        rules = PlanRules.for_supervisor(supervisor)
        before = {k: str(getattr(rules, k)) for k in data} if rules.pk else None
        for key, value in data.items():
            setattr(rules, key, value)
        rules.updated_by, rules.updated_at = actor, timezone.now()
        rules.save()
        record(actor=actor, action="plans.rules.save", organization=supervisor, obj=rules,
               before=before, after={k: str(v) for k, v in data.items()})
        return rules


def window_text(rules: PlanRules) -> str:
    if rules.window_opens and rules.window_closes:
        return str(_("%(opens)s to %(closes)s") % {
            "opens": date_format(rules.window_opens, "Y-m-d"),
            "closes": date_format(rules.window_closes, "Y-m-d")})
    return str(_("not set"))


def _refuse_closed_window(org: Any, today: dt.date | None = None) -> None:
    rules = PlanRules.for_association(org)
    if not rules.window_is_open(today):
        raise DomainError(
            _("Assessment is only possible inside the assessment window (%(window)s).")
            % {"window": window_text(rules)}, "window_closed", status=409)


# ---- templates --------------------------------------------------------------------------

def template_create(*, actor: Any, org: Any, year: int, title: str, note: str = "") -> PlanTemplate:
    if not org.is_supervisor:
        raise DomainError(_("Only a supervising body issues key tasks."), "not_supervisor",
                          status=403)
    title = required_text(title, _("Give the template a title."), field="title")
    with transaction.atomic():
        template = PlanTemplate.objects.create(organization=org, year=year, title=title[:200],
                                               note=note, created_by=actor)
        _audit(actor, "template.create", template, after={"year": year, "title": title})
        return template


def template_item_add(*, actor: Any, template: PlanTemplate, data: dict[str, Any]) -> TemplateItem:
    title = required_text(data.get("title"), _("Name the task."), field="title")
    with transaction.atomic():
        template = reviews.lock(template)
        template.guard("edit")
        item = TemplateItem(template=template, title=title[:200],
                            description=data.get("description", ""), duty=data.get("duty", ""),
                            evidence_kind=data.get("evidence_kind") or EvidenceKind.DOCUMENT,
                            evidence_required=data.get("evidence_required", "")[:300])
        item.full_clean()
        item.save()
        _audit(actor, "template.item_add", template, after={"item": item.title})
        return item


def template_item_remove(*, actor: Any, template: PlanTemplate, item: TemplateItem) -> None:
    with transaction.atomic():
        template = reviews.lock(template)
        template.guard("edit")
        item.delete()
        _audit(actor, "template.item_remove", template, before={"item": item.title})


def template_issue(*, actor: Any, template: PlanTemplate, recipients: list[Any] | None = None,
                   today: dt.date | None = None) -> PlanTemplate:
    """Issue the key tasks to every association below (or the chosen ones): each gets the
    items in its plan of the year, to adopt within the set number of working days."""
    today = today or timezone.localdate()
    below = Organization.objects.filter(path__startswith=template.organization.path,
                                        kind=Organization.Kind.ASSOCIATION, is_active=True)
    if recipients is not None:
        chosen = {o.pk for o in recipients}
        below = below.filter(pk__in=chosen)
        if len(chosen) != below.count() or not chosen:
            raise DomainError(_("Choose associations below your body."), "not_below", status=422,
                              field="recipients")
    with transaction.atomic():
        template = reviews.lock(template)
        template.guard("issue")
        items = list(template.items.all())
        if not items:
            raise DomainError(_("Add at least one task before issuing."), "no_items", status=409)
        rules = PlanRules.for_supervisor(template.organization)
        due = calendar.add_working_days(today, rules.adoption_days)
        orgs = list(below.order_by("pk"))
        for org in orgs:
            plan, _created = Plan.objects.get_or_create(
                organization=org, year=template.year, defaults={"created_by": actor})
            plan.template, plan.adoption_due, plan.adopted_at = template, due, None
            plan.save(update_fields=["template", "adoption_due", "adopted_at"])
            PlanItem.objects.bulk_create([PlanItem(
                plan=plan, organization=org, title=t.title, description=t.description,
                duty=t.duty, evidence_kind=t.evidence_kind, evidence_required=t.evidence_required,
                template_item=t) for t in items])
            if plan.status != PlanStatus.DRAFT:
                _new_plan_revision(plan, actor, str(_("Key tasks issued by the supervising body")))
        template.status, template.issued_by, template.issued_at = (
            TemplateStatus.ISSUED, actor, timezone.now())
        template.adoption_due = due
        template.save(update_fields=["status", "issued_by", "issued_at", "adoption_due"])
        template.recipients.set(orgs)
        _audit(actor, "template.issue", template,
               after={"recipients": [o.pk for o in orgs], "adoption_due": due.isoformat()})
        for org in orgs:
            notify(members(org.pk, {Role.PRINCIPAL}), Message(
                kind="plans.template_issued",
                subject=lambda t=template.title: _("Key tasks to adopt: %(title)s") % {"title": t},
                body=lambda d=due: str(_("Adopt them by %(date)s.") % {"date": d.isoformat()}),
                url=Plan(organization=org, year=template.year).get_absolute_url(),
                organization=org))
        return template


# ---- the plan ------------------------------------------------------------------------

def plan_get_or_create(*, actor: Any, org: Any, year: int) -> Plan:
    if org.is_supervisor:
        raise DomainError(_("Only associations draw up work plans."), "not_association",
                          status=403)
    plan, created = Plan.objects.get_or_create(organization=org, year=year,
                                               defaults={"created_by": actor})
    if created:
        _audit(actor, "plan.create", plan, after={"year": year})
    return plan


def _new_plan_revision(plan: Plan, actor: Any, reason: str) -> None:
    """Record a change of a submitted plan as its next revision."""
    last = records.revisions_of(plan).last()
    if last is not None:
        plan.revision = last.number + 1
        plan.save(update_fields=["revision"])
    _revision(plan, actor, plan.snapshot(), last.snapshot if last else None)
    records.add_entry(plan, Plan.EntryKind.CHANGED, actor, reason)


def _change_of_plan(plan: Plan, reason: str, revision: int | None) -> str:
    """A plan that was submitted changes only by a new revision, with a reason."""
    if plan.status in CARRIED_OUT:
        records.refuse_stale(plan, revision)
        return required_text(reason, _("The plan was submitted: say why it changes (this "
                                       "makes a new revision)."))
    return ""


ITEM_FIELDS = ("title", "description", "duty", "owner", "due_date", "evidence_kind",
               "evidence_required")


def _check_item(item: PlanItem) -> None:
    _require_member(item.organization, item.owner, "owner")
    if item.due_date and item.due_date.year not in (item.plan.year, item.plan.year + 1):
        raise DomainError(_("The due date must fall in the plan's year."), "due_outside_year",
                          status=422, field="due_date")
    item.full_clean(exclude=["plan", "organization", "template_item", "owner"])


def item_add(*, actor: Any, plan: Plan, data: dict[str, Any], reason: str = "",
             revision: int | None = None) -> PlanItem:
    with transaction.atomic():
        plan = reviews.lock(plan)
        plan.guard("edit")
        reason = _change_of_plan(plan, reason, revision)
        item = PlanItem(plan=plan, organization=plan.organization,
                        **{k: v for k, v in data.items() if k in ITEM_FIELDS})
        _check_item(item)
        item.save()
        _revision(item, actor, item.snapshot(), None)
        if reason:
            _new_plan_revision(plan, actor, reason)
        _audit(actor, "item.add", item, after=item.snapshot())
        return item


def item_update(*, actor: Any, item: PlanItem, data: dict[str, Any], reason: str = "",
                revision: int | None = None) -> PlanItem:
    with transaction.atomic():
        plan = reviews.lock(item.plan)
        item = reviews.lock(item)
        item.guard("edit")
        reason = _change_of_plan(plan, reason, revision)
        before = item.snapshot()
        for key, value in data.items():
            if key in ITEM_FIELDS:
                setattr(item, key, value)
        _check_item(item)
        after = item.snapshot()
        if after == before:
            return item
        item.revision += 1
        item.save()
        _revision(item, actor, after, before)
        if reason:
            _new_plan_revision(plan, actor, reason)
        changed = records.changed_fields(before, after)
        _audit(actor, "item.update", item, before={k: before[k] for k in changed},
               after={k: after[k] for k in changed})
        return item


def plan_adopt(*, actor: Any, plan: Plan, today: dt.date | None = None) -> Plan:
    """Adopt the issued key tasks: every one of them needs an owner and a due date."""
    today = today or timezone.localdate()
    with transaction.atomic():
        plan = reviews.lock(plan)
        plan.guard("adopt")
        if not plan.needs_adoption:
            raise DomainError(_("There are no key tasks to adopt."), "nothing_to_adopt", status=409)
        missing = [i.title for i in plan.items.filter(template_item__isnull=False).filter(
            Q(owner__isnull=True) | Q(due_date__isnull=True))]
        if missing:
            raise DomainError(_("Give every key task an owner and a due date first: %(items)s")
                              % {"items": "、".join(missing)}, "unassigned", status=409)
        plan.adopted_at = timezone.now()
        plan.adopted_late = bool(plan.adoption_due and today > plan.adoption_due)
        plan.save(update_fields=["adopted_at", "adopted_late"])
        records.add_entry(plan, Plan.EntryKind.ADOPTED, actor)
        _audit(actor, "plan.adopt", plan, after={"late": plan.adopted_late})
        return plan


def plan_submit(*, actor: Any, plan: Plan) -> Plan:
    with transaction.atomic():
        plan = reviews.lock(plan)
        plan.guard("submit")
        if plan.needs_adoption:
            raise DomainError(_("Adopt the key tasks from the supervising body first."),
                              "not_adopted", status=409)
        items = list(plan.items.exclude(status=ItemStatus.DROPPED))
        if not items:
            raise DomainError(_("Add at least one item before submitting."), "no_items", status=409)
        if any(i.owner_id is None or i.due_date is None for i in items):
            raise DomainError(_("Every item needs an owner and a due date before submitting."),
                              "unassigned", status=409)
        plan.status, plan.submitted_at = PlanStatus.SUBMITTED, timezone.now()
        plan.review_round += 1
        plan.save(update_fields=["status", "submitted_at", "review_round"])
        last = records.revisions_of(plan).last()
        if last is None or last.snapshot != plan.snapshot():
            if last is None:
                _revision(plan, actor, plan.snapshot(), None)
            else:
                _new_plan_revision(plan, actor, str(_("Changed before it was submitted again")))
        records.add_entry(plan, Plan.EntryKind.SUBMITTED, actor)
        _audit(actor, "plan.submit", plan, after={"revision": plan.revision, "items": len(items)})
        _tell(approvers_of(plan), plan, "submitted", _("A work plan awaits acknowledgement"))
        return plan


def _decide(*, actor: Any, plan: Plan, verdict: str, comment: str, revision: int,
            action: str) -> Plan:
    def apply(item: Plan, result: reviews.Result) -> dict[str, Any]:
        if result.outcome == reviews.APPROVED:
            item.status, item.acknowledged_at = PlanStatus.ACKNOWLEDGED, timezone.now()
            _tell(principals_of(item), item, "acknowledged",
                  _("The supervising body acknowledged the work plan"), result.decision.comment)
        else:
            item.status = PlanStatus.DRAFT
            _tell(principals_of(item), item, "returned", _("The work plan was returned"),
                  result.decision.comment)
        item.save(update_fields=["status", "acknowledged_at"])
        return {"status": item.status}

    return workflow.decide(actor=actor, subject=plan, action=action, verdict=verdict,
                           comment=comment, revision=revision,
                           audit_action=f"plans.plan.{action}", on_outcome=apply)


def plan_acknowledge(*, actor: Any, plan: Plan, revision: int, comment: str = "") -> Plan:
    return _decide(actor=actor, plan=plan, verdict=Verdict.APPROVE, comment=comment,
                   revision=revision, action="acknowledge")


def plan_return(*, actor: Any, plan: Plan, revision: int, comment: str) -> Plan:
    return _decide(actor=actor, plan=plan, verdict=Verdict.RETURN, comment=comment,
                   revision=revision, action="return")


def _score(value: Any, field: str = "score") -> Decimal:
    try:
        score = Decimal(str(value))
    except Exception:
        score = Decimal(-1)
    if not (0 <= score <= 100):
        raise DomainError(_("Give a score from 0 to 100."), "bad_score", status=422, field=field)
    return score


def suggested_score(plan: Plan) -> Decimal | None:
    """The average of the items' scores, offered as the plan's score."""
    scores = [i.score for i in plan.items.exclude(status=ItemStatus.DROPPED) if i.score is not None]
    return (Decimal(sum(scores)) / len(scores)).quantize(Decimal("0.1")) if scores else None


def plan_grade(*, actor: Any, plan: Plan, score: Any, comment: str,
               today: dt.date | None = None) -> Plan:
    """Assess the plan as a whole: a score gives the grade by the supervisor's bands."""
    score = _score(score)
    comment = required_text(comment, _("Write a comment on the plan."), field="comment")
    with transaction.atomic():
        plan = reviews.lock(plan)
        plan.guard("grade")
        _refuse_closed_window(plan.organization, today)
        rules = PlanRules.for_association(plan.organization)
        plan.score, plan.grade, plan.assessment_comment = score, rules.grade_for(float(score)), comment
        plan.status, plan.assessed_by, plan.assessed_at = PlanStatus.ASSESSED, actor, timezone.now()
        plan.save(update_fields=["score", "grade", "assessment_comment", "status", "assessed_by",
                                 "assessed_at"])
        records.add_entry(plan, Plan.EntryKind.GRADED, actor, f"{plan.grade} · {score}")
        _audit(actor, "plan.grade", plan, after={"score": str(score), "grade": plan.grade,
                                                 "comment": comment})
        _tell(principals_of(plan), plan, "graded", _("The work plan was assessed"),
              lambda: f"{plan.grade} · {score}")
        return plan


# ---- items: progress, evidence, completion -----------------------------------------------

def item_report(*, actor: Any, item: PlanItem, text: str, progress: Any = None,
                link_kind: str = "", link_id: Any = None) -> PlanItem:
    """A progress update: what was done, how far the item is, and a record of the
    association's own as evidence (optional)."""
    text = required_text(text, _("Say what was done."), field="text")
    with transaction.atomic():
        item = reviews.lock(item)
        item.guard("report")
        if progress not in (None, ""):
            try:
                value = int(progress)
            except (TypeError, ValueError):
                value = -1
            if not 0 <= value <= 100:
                raise DomainError(_("Give the progress in percent, from 0 to 100."), "bad_progress",
                                  status=422, field="progress")
            item.progress = value
        if link_kind:
            link = links.link(item, link_kind, link_id, actor=actor, role=Link.Role.EVIDENCE)
            text = f"{text}\n" + labelled(links.kind(link_kind).label, links.kind(link_kind).name(link.target))
        if item.status == ItemStatus.NOT_STARTED:
            item.status = ItemStatus.IN_PROGRESS
        item.save(update_fields=["progress", "status"])
        records.add_entry(item, PlanItem.EntryKind.PROGRESS, actor, text)
        _audit(actor, "item.report", item, after={"progress": item.progress, "text": text,
                                                  **({"link": link_kind} if link_kind else {})})
        return item


def item_link(*, actor: Any, item: PlanItem, kind: str, target_id: Any) -> Link:
    with transaction.atomic():
        item = reviews.lock(item)
        item.guard("report")
        link = links.link(item, kind, target_id, actor=actor, role=Link.Role.EVIDENCE)
        records.add_entry(item, PlanItem.EntryKind.LINKED, actor,
                          labelled(links.kind(kind).label, links.kind(kind).name(link.target)))
        _audit(actor, "item.link", item, after={"kind": kind, "target": link.target_id})
        return link


def item_attach(*, actor: Any, item: PlanItem, upload: Any) -> Any:
    def then(attachment: Any) -> None:
        _audit(actor, "item.attach", item, after={"file": attachment.original_name,
                                                  "sha256": attachment.sha256})
    with transaction.atomic():
        item = reviews.lock(item)
        item.guard("attach")
        return records.attach(item, upload, actor=actor, kinds=KINDS, max_size=MAX_UPLOAD,
                              type_message=_("Evidence may be a PDF, Word, Excel, PowerPoint, "
                                             "PNG, JPEG or text file."), then=then)


def item_detach(*, actor: Any, item: PlanItem, attachment: Any) -> None:
    with transaction.atomic():
        item = reviews.lock(item)
        item.guard("attach")
        records.detach(item, attachment)
        _audit(actor, "item.detach", item, before={"file": attachment.original_name})


def has_evidence(item: PlanItem) -> bool:
    return records.live_attachments(item).exists() or item.links.filter(
        role=Link.Role.EVIDENCE).exists()


def item_claim_done(*, actor: Any, item: PlanItem, note: str = "") -> PlanItem:
    with transaction.atomic():
        item = reviews.lock(item)
        item.guard("claim_done")
        if not has_evidence(item):
            raise DomainError(_("Attach a file or link a record as evidence before claiming "
                                "completion."), "no_evidence", status=409, field="note")
        was = item.status
        item.status, item.progress, item.completed_at = ItemStatus.DONE, 100, timezone.now()
        item.save(update_fields=["status", "progress", "completed_at"])
        records.add_entry(item, PlanItem.EntryKind.CLAIMED, actor, note.strip())
        _audit(actor, "item.claim_done", item, before={"status": was}, after={"status": item.status})
        if was == ItemStatus.RETURNED:
            _tell(approvers_of(item), item, "rectified", _("A plan item was rectified"))
        return item


def item_drop(*, actor: Any, item: PlanItem, reason: str, revision: int | None = None) -> PlanItem:
    reason = required_text(reason, _("Say why the item is dropped."))
    with transaction.atomic():
        plan = reviews.lock(item.plan)
        item = reviews.lock(item)
        item.guard("drop")
        was = item.status
        item.status, item.drop_reason = ItemStatus.DROPPED, reason
        item.save(update_fields=["status", "drop_reason"])
        records.add_entry(item, PlanItem.EntryKind.DROPPED, actor, reason)
        if plan.status in CARRIED_OUT:
            _new_plan_revision(plan, actor, reason)
        _audit(actor, "item.drop", item, before={"status": was},
               after={"status": item.status, "reason": reason})
        return item


def item_assess(*, actor: Any, item: PlanItem, score: Any, comment: str = "",
                today: dt.date | None = None) -> PlanItem:
    score = _score(score)
    with transaction.atomic():
        item = reviews.lock(item)
        item.guard("assess")
        _refuse_closed_window(item.organization, today)
        item.score, item.assessment_comment = int(score), comment.strip()
        item.assessed_by, item.assessed_at = actor, timezone.now()
        item.save(update_fields=["score", "assessment_comment", "assessed_by", "assessed_at"])
        records.add_entry(item, PlanItem.EntryKind.ASSESSED, actor,
                          f"{int(score)} · {comment.strip()}".strip(" ·"))
        _audit(actor, "item.assess", item, after={"score": int(score), "comment": comment})
        return item


def item_return(*, actor: Any, item: PlanItem, comment: str, due: dt.date | None,
                today: dt.date | None = None) -> PlanItem:
    """Return a done item for rectification by a date; the association answers with new
    evidence and claims completion again."""
    today = today or timezone.localdate()
    comment = required_text(comment, _("Say what must be rectified."), field="comment")
    if due is None or due < today:
        raise DomainError(_("Give a rectification date from today on."), "bad_due", status=422,
                          field="due")
    with transaction.atomic():
        item = reviews.lock(item)
        item.guard("return_for_rectification")
        _refuse_closed_window(item.organization, today)
        item.status, item.rectification_due, item.rectification_note = (
            ItemStatus.RETURNED, due, comment)
        item.save(update_fields=["status", "rectification_due", "rectification_note"])
        rectify_by = _("rectify by")
        records.add_entry(item, PlanItem.EntryKind.RETURNED, actor,
                          f"{comment} ({rectify_by} {due.isoformat()})")
        _audit(actor, "item.return", item, after={"due": due.isoformat(), "comment": comment})
        _tell(owner_and_principal(item), item, "returned",
              _("A plan item was returned for rectification"),
              lambda: str(_("Rectify by %(date)s.") % {"date": due.isoformat()}))
        return item


# ---- plan items from the other modules (a meeting's conclusion, an incident's lesson) ---

@links.make_plan_item.provide
def plan_item_from(*, actor: Any, organization: Any, title: str, description: str = "",
                   owner: Any = None, due_date: dt.date | None = None, source: Any = None,
                   source_kind: str = "", duty: str = "") -> PlanItem:
    """Make a follow-up task of another module a plan item of the due date's year, in one
    step; the item links back to where it came from."""
    role = organization.memberships.filter(user=actor, is_active=True).values_list(
        "role", flat=True).first()
    if role not in {Role.PRINCIPAL, Role.ADMIN, Role.EDITOR}:
        raise DomainError(_("Only the association's principal, administrator or editor can add "
                            "plan items."), "forbidden", status=403)
    year = (due_date or timezone.localdate()).year
    with transaction.atomic():
        plan = plan_get_or_create(actor=actor, org=organization, year=year)
        if plan.status == PlanStatus.ASSESSED:
            raise DomainError(_("The plan of %(year)s is already assessed: give a due date in a "
                                "later year.") % {"year": year}, "plan_assessed", status=409,
                              field="due_date")
        reason = ""
        if plan.status in CARRIED_OUT:
            reason = str(_("Follow-up task added: %(title)s") % {"title": title})
        item = item_add(actor=actor, plan=plan, reason=reason, revision=plan.revision, data={
            "title": (title or "").strip()[:200], "description": description,
            "duty": duty or Duty.MANAGEMENT, "owner": owner, "due_date": due_date})
        if source is not None:
            records.add_link(item, source, kind=source_kind, role=Link.Role.ORIGIN, actor=actor)
        return item


# ---- figures --------------------------------------------------------------------------

def plan_progress(items: Iterable[PlanItem]) -> int:
    """The plan's progress in percent: the average of its items, dropped ones left out."""
    shares = [i.done_share for i in items if i.status != ItemStatus.DROPPED]
    return round(sum(shares) / len(shares)) if shares else 0
