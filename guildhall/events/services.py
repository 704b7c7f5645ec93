"""Writes on event filings: every change audited, notifications after commit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guildhall.audit.services import record
from guildhall.core.errors import DomainError
from guildhall.core.lines import labelled
from guildhall.events import search
from guildhall.events.models import (
    EDITABLE,
    FOREIGN_PARTY,
    MATERIAL_FIELDS,
    CalendarFeed,
    EventType,
    Filing,
    FilingRules,
    Halt,
    Status,
    Summary,
)
from guildhall.events.queries import visible_filings
from guildhall.events.search import filing_text
from guildhall.kit.actions import auditor
from guildhall.lib.masking import mask_middle
from guildhall.notifications import calendar
from guildhall.notifications.services import Message, notify, settle
from guildhall.orgs.models import Role
from guildhall.orgs.permissions import Access, can
from guildhall.records import services as records
from guildhall.records.models import Attachment, Finding, Revision
from guildhall.reviews import services as reviews
from guildhall.reviews.models import Verdict

MAX_UPLOAD = getattr(settings, "EVENTS_MAX_UPLOAD", 20 * 1024 * 1024)
#: The kinds of file a filing's materials may be (see guildhall.lib.uploads).
KINDS = {"pdf", "docx", "xlsx", "pptx", "png", "jpeg", "txt"}


# ---- people to tell -------------------------------------------------------------

def _members(org_id: int | None, roles: set[str]):
    return get_user_model().objects.filter(
        memberships__organization_id=org_id, memberships__role__in=roles,
        memberships__is_active=True, is_active=True).distinct()


def approvers_of(filing: Filing):
    return _members(filing.organization.parent_id, {Role.APPROVER})


def supervisor_admins_of(filing: Filing):
    return _members(filing.organization.parent_id, {Role.ADMIN})


def filer_and_principal(filing: Filing) -> list[Any]:
    """The filer and the association's principals: only people still active members of the
    filing's organization (a filer who left is no longer told about it)."""
    return list(get_user_model().objects.filter(
        Q(pk=filing.created_by_id) | Q(memberships__role=Role.PRINCIPAL),
        memberships__organization_id=filing.organization_id, memberships__is_active=True,
        is_active=True).distinct().order_by("pk"))


def _url(filing: Filing) -> str:
    return reverse("events:filing_detail", args=[filing.organization_id, filing.pk])


#: The notices that ask for a decision on a filing; settled once it is decided or gone.
WAITING = ("submitted", "signoff", "amended", "decision_due", "decision_overdue")


def _settle(filing: Filing, *kinds: str) -> None:
    settle(_url(filing), [f"events.{kind}" for kind in kinds])


def _tell(recipients: Any, filing: Filing, kind: str, subject: Any, body: Any = "") -> None:
    title = filing.title
    notify(recipients, Message(
        kind=f"events.{kind}", subject=lambda: labelled(subject, title), body=body,
        url=_url(filing), organization=filing.organization))


# ---- lead time --------------------------------------------------------------------

def earliest_start(rules: FilingRules, event_type: str, filed_on: dt.date) -> dt.date:
    """Return the first day an event of `event_type` filed on `filed_on` may start.

    The start day must be on or after the date `lead` working days after the filing day
    (the filing day itself does not count): with a lead of 5, a filing on a Monday
    allows an event from the next Monday on.
    """
    return calendar.add_working_days(filed_on, rules.lead_days_for(event_type))


def _check_lead_time(filing: Filing, rules: FilingRules, filed_on: dt.date, late_reason: str) -> bool:
    """Return True when the filing is late but accepted with a reason; raise when refused."""
    earliest = earliest_start(rules, filing.type, filed_on)
    if filing.start_date >= earliest:
        return False
    lead = rules.lead_days_for(filing.type)
    if rules.allow_late and late_reason.strip():
        return True
    message = _("A %(type)s must be filed at least %(days)d working days ahead; the earliest "
                "allowed start for a filing made on %(today)s is %(earliest)s.") % {
        "type": filing.get_type_display(), "days": lead, "today": filed_on.isoformat(),
        "earliest": earliest.isoformat()}
    if rules.allow_late:
        message = f"{message} " + str(_("Your supervising body accepts late filings with a "
                                         "written reason: give one to file anyway."))
    raise DomainError(message, "lead_time", field="starts_at")


# ---- revisions ----------------------------------------------------------------------

def _new_revision(filing: Filing, actor: Any, before: dict[str, Any] | None) -> Revision | None:
    """Record the filing's content as a new revision when it changed; return it."""
    after = filing.snapshot()
    changed = records.changed_fields(before, after)
    if not changed:
        return None
    if before is not None:
        filing.revision += 1
    material = before is not None and any(f in changed for f in MATERIAL_FIELDS)
    text = filing_text(filing)
    if text == filing.search_text:  # files added or removed: the words are the same
        _save(filing, "revision")
    else:
        filing.search_text = text
        _save(filing, "revision", "search_text")
        search.index(filing)
    return records.add_revision(filing, actor=actor, snapshot=after, changed=changed,
                                material=material)


def _lock(filing: Filing) -> Filing:
    return Filing.objects.select_for_update().select_related("organization").get(pk=filing.pk)


def _save(filing: Filing, *fields: str) -> None:
    filing.updated_at = timezone.now()
    filing.save(update_fields=[*fields, "updated_at"])


def _masked(data: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of a snapshot (or part of one) for the audit trail: the on-site phone
    number masked. The revision itself keeps the full value."""
    copy = dict(data)
    if copy.get("onsite_phone"):
        copy["onsite_phone"] = mask_middle(copy["onsite_phone"], 3, 4)
    return copy


_audit = auditor("events.filing")


# ---- creating and editing -------------------------------------------------------

def filing_create(*, actor: Any, org: Any, data: dict[str, Any]) -> Filing:
    """Create a draft filing of `org` from `data` (the form's or the API's fields)."""
    with transaction.atomic():
        filing = Filing(organization=org, created_by=actor, **data)
        if not filing.organizer:
            filing.organizer = org.name
        filing.full_clean()
        filing.save()
        revision = _new_revision(filing, actor, None)
        _audit(actor, "create", filing, after=_masked(revision.snapshot))
        return filing


def filing_update(*, actor: Any, filing: Filing, data: dict[str, Any],
                  revision: int | None = None) -> Filing:
    """Change the filing's content; after approval a material change needs approval again."""
    with transaction.atomic():
        filing = _lock(filing)
        filing.guard("edit")
        records.refuse_stale(filing, revision)
        if filing.status == Status.APPROVED and filing.has_ended():
            raise DomainError(_("The event is over; submit its summary instead."), "wrong_state",
                              status=409)
        before = filing.snapshot()
        for name, value in data.items():
            setattr(filing, name, value)
        if not filing.organizer:  # as when filed: empty means the association itself
            filing.organizer = filing.organization.name
        filing.full_clean()
        filing.save()
        new = _new_revision(filing, actor, before)
        if new is None:
            return filing
        after = {k: new.snapshot[k] for k in new.changed_fields}
        old = {k: before.get(k) for k in new.changed_fields}
        if "starts_at" in new.changed_fields and filing.first_submitted_on:
            # The first submission's date counted for the lead time of the start it was
            # made for; a new start is measured from the next submission.
            filing.first_submitted_on = None
            _save(filing, "first_submitted_on")
        if filing.status == Status.APPROVED and new.material:
            filing.status = Status.DRAFT
            filing.amended_after_approval = True
            _save(filing, "status", "amended_after_approval")
            records.add_entry(filing, Filing.EntryKind.AMENDED, actor,
                   "、".join(str(Filing._meta.get_field(f).verbose_name)
                             for f in new.changed_fields if f in MATERIAL_FIELDS))
            _tell(approvers_of(filing), filing, "amended",
                  _("An approved event was changed and will be filed again"))
            after["status"] = Status.DRAFT
        _audit(actor, "update", filing, before=_masked(old),
               after=_masked({**after, "revision": filing.revision}))
        return filing


# ---- attachments --------------------------------------------------------------------

def attachment_add(*, actor: Any, filing: Filing, upload: Any,
                   for_foreign_party: bool = False) -> Attachment:
    """Add a file to the materials: a new revision of the filing."""
    with transaction.atomic():
        filing = _lock(filing)
        _guard_materials(filing)
        before = filing.snapshot()

        def then(attachment: Attachment) -> None:
            _new_revision(filing, actor, before)
            _audit(actor, "attach", filing, after={
                "attachment": attachment.pk, "name": attachment.original_name,
                "sha256": attachment.sha256, "foreign": for_foreign_party,
                "revision": filing.revision})

        return records.attach(
            filing, upload, actor=actor, kinds=KINDS, max_size=MAX_UPLOAD,
            purpose=FOREIGN_PARTY if for_foreign_party else "", then=then, type_message=_(
                "Attach PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), PNG, JPEG or "
                "plain-text files."))


def _guard_materials(filing: Filing) -> None:
    if filing.status not in EDITABLE:
        filing.guard("submit")


def attachment_remove(*, actor: Any, filing: Filing, attachment: Attachment) -> None:
    """Take a file out of the materials: a new revision. The file stays, as earlier
    revisions refer to it."""
    with transaction.atomic():
        filing = _lock(filing)
        _guard_materials(filing)
        before = filing.snapshot()
        records.detach(filing, attachment)
        _new_revision(filing, actor, before)
        _audit(actor, "detach", filing, before={"name": attachment.original_name},
               after={"revision": filing.revision})


def scan_foreign_attachments(filing: Filing) -> int:
    """Scan every not-yet-scanned attachment meant for the foreign party; return the findings.

    Runs in its own transaction before a submission, so the findings are kept even when
    they refuse the submission.
    """
    count = 0
    for attachment in records.live_attachments(filing).filter(purpose=FOREIGN_PARTY,
                                                              scanned_at=None):
        findings = records.scan_attachment(filing, filing.revision, attachment)
        with transaction.atomic():
            records.store_findings(filing, filing.revision, findings, replace=False)
            attachment.scanned_at = timezone.now()
            attachment.save(update_fields=["scanned_at"])
            record(actor=None, action="events.attachment.scanned", organization=filing.organization,
                   obj=attachment, after={"findings": [
                       {"type": f.type, "masked": f.masked, "location": f.location}
                       for f in findings]})
        count += len(findings)
    return count


def open_findings(filing: Filing):
    """Return the findings in the live material that nobody acknowledged yet."""
    return filing.findings.filter(acknowledged_at=None, attachment__removed_at=None)


def finding_acknowledge(*, actor: Any, finding: Finding, reason: str) -> None:
    """The principal accepts a finding with a written reason."""
    with transaction.atomic():
        filing = _lock(finding.subject)
        _guard_materials(filing)
        if not can(actor, "events.acknowledge_finding", filing):  # the rule, on the locked row
            raise DomainError(_("Only the principal can acknowledge a finding."), "not_principal",
                              status=403)
        finding = records.acknowledge_finding(filing, finding, actor=actor, reason=reason)
        records.add_entry(filing, Filing.EntryKind.FINDING_ACKNOWLEDGED, actor,
                          labelled(f"{finding.type_label} {finding.masked}", finding.acknowledged_reason))
        _audit(actor, "finding_acknowledged", filing, after={
            "finding": finding.pk, "type": finding.type, "masked": finding.masked,
            "reason": finding.acknowledged_reason})


# ---- submission and review ------------------------------------------------------------

def filing_submit(*, actor: Any, filing: Filing, late_reason: str = "",
                  today: dt.date | None = None) -> Filing:
    """Send the filing up: to the principal's sign-off, or straight to the supervisor."""
    today = today or timezone.localdate()
    if filing.is_foreign and filing.status in EDITABLE:
        scan_foreign_attachments(filing)
    with transaction.atomic():
        filing = _lock(filing)
        filing.guard("submit")
        rules = FilingRules.for_association(filing.organization)
        problems = filing.submission_problems(rules)
        if problems:
            raise DomainError(" ".join(problems), "incomplete")
        if filing.is_foreign and records.live_attachments(filing).filter(
                purpose=FOREIGN_PARTY, scanned_at=None).exists():
            # Added after the scan above, while this submission was on its way.
            raise DomainError(_("Material for the foreign party was added while the filing was "
                                "being submitted and has not been checked yet. Submit again."),
                              "not_scanned", status=409)
        unresolved = open_findings(filing).count()
        if unresolved:
            raise DomainError(
                _("The checker found %(n)d item(s) in the material for the foreign party. Remove "
                  "them (attach a corrected file) or ask the principal to acknowledge each one "
                  "with a reason.") % {"n": unresolved}, "findings")
        # A filing returned (or withdrawn) and sent again is not penalised for the time it
        # spent with the reviewers, as long as the start is the one first submitted: a
        # change of the start clears first_submitted_on (filing_update).
        filed_on = filing.first_submitted_on or today
        late = _check_lead_time(filing, rules, filed_on, late_reason)
        if late:
            filing.is_late, filing.late_reason = True, late_reason.strip()
        filing.first_submitted_on = filed_on
        is_principal = Access.for_user(actor).role_in(filing.organization_id) == Role.PRINCIPAL
        # The principal's own submission is their sign-off.
        filing.signoff_required = rules.require_signoff and not is_principal
        filing.supervisor_steps = rules.approval_steps
        filing.review_round += 1
        filing.submitted_at = timezone.now()
        if filing.signoff_required:
            filing.status = Status.SIGNOFF
        else:
            _goes_up(filing, rules, today)
        _save(filing, "is_late", "late_reason", "first_submitted_on", "signoff_required",
              "supervisor_steps", "review_round", "submitted_at", "status", "decision_due")
        records.add_entry(filing, Filing.EntryKind.SUBMITTED, actor, filing.late_reason if late else "")
        _audit(actor, "submit", filing, after={
            "status": filing.status, "revision": filing.revision, "round": filing.review_round,
            "late": filing.is_late, "late_reason": filing.late_reason})
        if filing.status == Status.SIGNOFF:
            _tell(_members(filing.organization_id, {Role.PRINCIPAL}), filing, "signoff",
                  _("A filing awaits your sign-off"))
        return filing


def _goes_up(filing: Filing, rules: FilingRules, today: dt.date) -> None:
    """The filing reaches the supervisor: start the decision clock and tell the approvers."""
    filing.status = Status.SUBMITTED
    filing.decision_due = calendar.add_working_days(today, rules.decision_days)
    due = filing.decision_due.isoformat()
    _tell(approvers_of(filing), filing, "submitted", _("An event filing awaits your decision"),
          lambda: str(_("Decide by %(date)s.") % {"date": due}))


def _decide(*, actor: Any, filing: Filing, verdict: str, comment: str, revision: int,
            action: str, today: dt.date | None = None) -> Filing:
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = _lock(filing)
        locked.guard(action)

        def apply(item: Filing, result: reviews.Result) -> dict[str, Any]:
            _settle(item, *WAITING)  # the decision is made: the notices asking for it are done
            fields = ["status", "decided_at", "decision_due", "approved_revision", "summary_due",
                      "amended_after_approval", "submitted_at"]
            if result.outcome == reviews.NEXT_STEP:
                if item.status == Status.SIGNOFF:
                    item.submitted_at = timezone.now()
                    _goes_up(item, FilingRules.for_association(item.organization), today)
                else:
                    _tell(reviews.not_yet_decided(item, approvers_of(item), result), item,
                          "submitted", _("An event filing awaits the next approval step"))
            elif result.outcome == reviews.APPROVED:
                rules = FilingRules.for_association(item.organization)
                item.status = Status.APPROVED
                item.approved_revision = item.revision
                item.amended_after_approval = False
                item.decided_at = timezone.now()
                item.summary_due = calendar.add_working_days(item.end_date, rules.summary_days)
            elif result.outcome == reviews.RETURNED:
                item.status = Status.RETURNED
                item.decided_at = timezone.now()
            else:
                item.status = Status.REJECTED
                item.decided_at = timezone.now()
            _save(item, *fields)
            if result.outcome != reviews.NEXT_STEP:
                subject = {reviews.APPROVED: _("Your event filing was approved"),
                           reviews.RETURNED: _("Your event filing was returned for revision"),
                           reviews.REJECTED: _("Your event filing was rejected")}[result.outcome]
                _tell(filer_and_principal(item), item, f"decided.{result.outcome}", subject,
                      result.decision.comment)
            return {"status": item.status}

        result = reviews.decide(
            actor=actor, subject=locked, revision=revision, verdict=verdict, comment=comment,
            steps=locked.review_steps(), distinct_reviewers=True, on_outcome=apply,
            audit_action=f"events.filing.{action}", locked=True)
        return result.subject


def filing_sign_off(*, actor: Any, filing: Filing, revision: int, comment: str = "",
                    today: dt.date | None = None) -> Filing:
    return _decide(actor=actor, filing=filing, verdict=Verdict.APPROVE, comment=comment,
                   revision=revision, action="sign_off", today=today)


def filing_approve(*, actor: Any, filing: Filing, revision: int, comment: str = "",
                   today: dt.date | None = None) -> Filing:
    return _decide(actor=actor, filing=filing, verdict=Verdict.APPROVE, comment=comment,
                   revision=revision, action="approve", today=today)


def filing_return(*, actor: Any, filing: Filing, revision: int, comment: str) -> Filing:
    return _decide(actor=actor, filing=filing, verdict=Verdict.RETURN, comment=comment,
                   revision=revision, action="return")


def filing_reject(*, actor: Any, filing: Filing, revision: int, comment: str) -> Filing:
    return _decide(actor=actor, filing=filing, verdict=Verdict.REJECT, comment=comment,
                   revision=revision, action="reject")


def filing_withdraw(*, actor: Any, filing: Filing, reason: str = "") -> Filing:
    with transaction.atomic():
        filing = _lock(filing)
        filing.guard("withdraw")
        was = filing.status
        filing.status = Status.WITHDRAWN
        filing.decision_due = None
        _save(filing, "status", "decision_due")
        records.add_entry(filing, Filing.EntryKind.WITHDRAWN, actor, reason)
        _settle(filing, *WAITING)
        _audit(actor, "withdraw", filing, before={"status": was},
               after={"status": filing.status, "reason": reason})
        if was == Status.SUBMITTED:
            _tell(approvers_of(filing), filing, "withdrawn", _("An event filing was withdrawn"))
        return filing


def filing_cancel(*, actor: Any, filing: Filing, reason: str = "") -> Filing:
    reason = (reason or "").strip()
    with transaction.atomic():
        filing = _lock(filing)
        filing.guard("cancel")
        was = filing.status
        if was == Status.APPROVED and timezone.now() >= filing.starts_at:
            raise DomainError(_("The event has started; halt it instead of cancelling it."),
                              "wrong_state", status=409)
        if was in (Status.APPROVED, Status.SUBMITTED) and not reason:
            raise DomainError(_("Say why the event is cancelled."), "reason_required",
                              field="reason")
        filing.status = Status.CANCELLED
        filing.cancel_reason = reason
        filing.decision_due = None
        _save(filing, "status", "cancel_reason", "decision_due")
        records.add_entry(filing, Filing.EntryKind.CANCELLED, actor, reason)
        _settle(filing, *WAITING)
        _audit(actor, "cancel", filing, before={"status": was},
               after={"status": filing.status, "reason": reason})
        if was in (Status.APPROVED, Status.SUBMITTED):
            _tell(approvers_of(filing), filing, "cancelled", _("An event was cancelled"), reason)
        return filing


# ---- the event and after -----------------------------------------------------------------

def filing_halt(*, actor: Any, filing: Filing, reason: str, actions_taken: str,
                halted_at: dt.datetime | None = None) -> Halt:
    """Pull the circuit breaker: record the halt and tell the supervisor at once."""
    reason, actions_taken = (reason or "").strip(), (actions_taken or "").strip()
    if not reason:
        raise DomainError(_("Say why the event is halted."), "reason_required", field="reason")
    if not actions_taken:
        raise DomainError(_("Say what was done."), "actions_required", field="actions_taken")
    now = timezone.now()
    with transaction.atomic():
        filing = _lock(filing)
        filing.guard("halt")
        _check_halt_time(filing, FilingRules.for_association(filing.organization),
                         halted_at, now)
        halt = Halt.objects.create(filing=filing, halted_at=halted_at or now,
                                   reason=reason, actions_taken=actions_taken, recorded_by=actor)
        filing.status = Status.HALTED
        _save(filing, "status")
        _audit(actor, "halt", filing, before={"status": Status.APPROVED}, after={
            "status": filing.status, "halted_at": halt.halted_at.isoformat(), "reason": reason,
            "actions_taken": actions_taken})
        recipients = [*approvers_of(filing), *supervisor_admins_of(filing),
                      *_members(filing.organization_id, {Role.PRINCIPAL})]
        _tell(recipients, filing, "halted", _("An event was halted"),
              f"{timezone.localtime(halt.halted_at):%Y-%m-%d %H:%M} {reason}")
        return halt


#: The device's clock may run a little ahead of the server's.
CLOCK_SKEW = dt.timedelta(minutes=1)


def _check_halt_time(filing: Filing, rules: FilingRules, halted_at: dt.datetime | None,
                     now: dt.datetime) -> None:
    """A halt is pulled between the opening of the window before the start and the end of
    the event; one recorded afterwards names a moment inside that window and not after now."""
    opens = timezone.localtime(filing.halt_opens(rules))
    if not filing.may_halt_at(rules, now):
        raise DomainError(
            _("An event can be halted from %(opens)s until its end (%(ends)s); before that, "
              "cancel it, and after it, write the summary.") % {
                "opens": f"{opens:%Y-%m-%d %H:%M}",
                "ends": f"{timezone.localtime(filing.ends_at):%Y-%m-%d %H:%M}"},
            "halt_time", status=409)
    if halted_at is not None and not (filing.halt_opens(rules) <= halted_at <= now + CLOCK_SKEW
                                      and halted_at < filing.ends_at):
        raise DomainError(_("Halt time must be between %(opens)s and now.") % {
            "opens": f"{opens:%Y-%m-%d %H:%M}"}, "halt_time", field="halted_at")


def filing_summarize(*, actor: Any, filing: Filing, what_happened: str, attendance: int,
                     issues: str = "", halt_response: str = "") -> Summary:
    what_happened, halt_response = (what_happened or "").strip(), (halt_response or "").strip()
    if not what_happened:
        raise DomainError(_("Describe what happened."), "summary_required", field="what_happened")
    with transaction.atomic():
        filing = _lock(filing)
        filing.guard("summarize")
        if filing.status == Status.APPROVED and not filing.has_ended():
            raise DomainError(_("The summary is written after the event."), "wrong_state",
                              status=409)
        if filing.status == Status.HALTED and not halt_response:
            raise DomainError(_("The event was halted: the summary must say how the halt was "
                                "handled."), "halt_not_addressed", field="halt_response")
        summary = Summary(filing=filing, what_happened=what_happened, attendance=attendance,
                          issues=(issues or "").strip(), halt_response=halt_response,
                          submitted_by=actor)
        try:
            summary.full_clean(exclude=["filing"])
        except ValidationError as exc:
            raise DomainError(" ".join(exc.messages), "invalid")
        summary.save()
        _settle(filing, "summary_due", "summary_overdue")
        was = filing.status
        filing.status = Status.SUMMARIZED
        _save(filing, "status")
        _audit(actor, "summarize", filing, before={"status": was}, after={
            "status": filing.status, "attendance": attendance, "halted": was == Status.HALTED})
        _tell(approvers_of(filing), filing, "summarized", _("An event summary was submitted"))
        return summary


def filing_acknowledge_summary(*, actor: Any, filing: Filing) -> Filing:
    with transaction.atomic():
        filing = _lock(filing)
        filing.guard("acknowledge_summary")
        if not can(actor, "events.acknowledge_summary", filing):  # the rule, on the locked row
            raise DomainError(_("Only an approver of the supervising body acknowledges "
                                "summaries."), "not_reviewer", status=403)
        Summary.objects.filter(filing=filing).update(acknowledged_by=actor,
                                                     acknowledged_at=timezone.now())
        _settle(filing, "summarized")
        filing.status = Status.CLOSED
        _save(filing, "status")
        records.add_entry(filing, Filing.EntryKind.SUMMARY_ACKNOWLEDGED, actor)
        _audit(actor, "acknowledge_summary", filing, before={"status": Status.SUMMARIZED},
               after={"status": filing.status})
        _tell(filer_and_principal(filing), filing, "summary_acknowledged",
              _("Your event summary was acknowledged"))
        return filing


# ---- rules and the calendar feed -----------------------------------------------------------

def rules_update(*, actor: Any, supervisor: Any, data: dict[str, Any]) -> FilingRules:
    with transaction.atomic():
        rules = FilingRules.objects.select_for_update().filter(supervisor=supervisor).first() \
            or FilingRules(supervisor=supervisor)
        fields = ["lead_days", "require_signoff", "approval_steps", "contingency_threshold",
                  "summary_days", "decision_days", "allow_late", "halt_opens_hours"]
        before = {f: getattr(rules, f) for f in fields}
        for name in fields:
            if name in data:
                setattr(rules, name, data[name])
        rules.updated_by, rules.updated_at = actor, timezone.now()
        rules.full_clean()
        rules.save()
        record(actor=actor, action="events.rules.update", organization=supervisor, obj=rules,
               before=before, after={f: getattr(rules, f) for f in fields})
        return rules


def feed_for(org: Any) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(organization=org)
    return feed


def feed_regenerate(*, actor: Any, org: Any) -> CalendarFeed:
    """Give the feed a new secret address; the old one stops working."""
    import secrets

    with transaction.atomic():
        feed = feed_for(org)
        feed.token = secrets.token_urlsafe()
        feed.created_at = timezone.now()
        feed.save(update_fields=["token", "created_at"])
        record(actor=actor, action="events.feed.regenerate", organization=org, obj=feed)
        return feed


# ---- several decisions at once (the queue, issue 9) ------------------------------------------

#: The decisions a supervising body's approver takes on several filings at once.
BULK_DECISIONS = {"approve": filing_approve, "return": filing_return, "reject": filing_reject}
#: The most filings decided by one request (a page of the queue is 30).
BULK_MAX = 100


@dataclass(frozen=True)
class BulkOutcome:
    """What became of one filing of a decision on several: `error` is its refusal."""

    filing_id: int
    title: str
    status: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


def filings_decide(*, actor: Any, choices: list[tuple[int, int]], action: str, comment: str,
                   supervisor: Any | None = None,
                   run: Callable[[Filing, Callable[[], Any]], Any] | None = None
                   ) -> list[BulkOutcome]:
    """Take one decision, with one comment, on each chosen (filing id, revision seen).

    Each filing is decided on its own through the one decision path (`filing_approve`…,
    `_decide`, hence `reviews.decide`): its own transaction, decision and audit record, so that a refusal
    of one (someone else decided first, a stale revision, a missing comment) is reported
    for that filing while the others go through. A filing the actor does not see, or not
    below `supervisor`, is refused as not in the queue. `run(filing, go)` authorizes and
    runs `go` (the page's and the API's authorization and audit of refusals)."""
    if action not in BULK_DECISIONS:
        raise DomainError(_("Choose approve, return or reject."), "invalid", field="action")
    wanted: dict[int, int] = {}
    for pk, revision in choices:
        wanted.setdefault(pk, revision)
    if not wanted:
        raise DomainError(_("Choose at least one filing."), "invalid", field="filings")
    if len(wanted) > BULK_MAX:
        raise DomainError(_("Decide at most %(n)d filings at once.") % {"n": BULK_MAX},
                          "invalid", field="filings")
    qs = visible_filings(actor).filter(pk__in=list(wanted)).select_related("organization")
    if supervisor is not None:
        qs = qs.filter(organization__path__startswith=supervisor.path,
                       organization__is_active=True)
    found = {f.pk: f for f in qs}
    outcomes = []
    for pk, revision in wanted.items():
        filing = found.get(pk)
        if filing is None:
            outcomes.append(BulkOutcome(pk, "", error=str(_("This filing is not in your queue."))))
            continue

        def go(filing: Filing = filing, revision: int = revision) -> Filing:
            return BULK_DECISIONS[action](actor=actor, filing=filing, revision=revision,
                                          comment=comment)
        try:
            decided = run(filing, go) if run else go()
        except DomainError as exc:
            outcomes.append(BulkOutcome(pk, filing.title, filing.status, error=str(exc)))
        else:
            outcomes.append(BulkOutcome(pk, decided.title, decided.status))
    return outcomes


# ---- the lead time, before submitting (issue 9) ----------------------------------------------

def earliest_starts(rules: FilingRules, today: dt.date | None = None) -> dict[str, dt.date]:
    """Return, per event type, the earliest start allowed under an association's `rules`
    for a filing made today: what the form shows as soon as a type is chosen."""
    today = today or timezone.localdate()
    return {t: earliest_start(rules, t, today) for t in EventType.values}


def lead_time_of(filing: Filing, rules: FilingRules,
                 today: dt.date | None = None) -> tuple[dt.date, bool]:
    """Return the earliest start allowed if the filing were submitted today (from its first
    submission's day when it was returned with the same start, as `filing_submit` counts),
    and whether its start is earlier than that."""
    filed_on = filing.first_submitted_on or today or timezone.localdate()
    earliest = earliest_start(rules, filing.type, filed_on)
    return earliest, filing.start_date < earliest
