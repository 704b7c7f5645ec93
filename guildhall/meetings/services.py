"""Writes on special meetings: every change audited, in one transaction with its records."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guildhall.audit.services import record
from guildhall.core.errors import DomainError
from guildhall.kit import attendees as kit_attendees
from guildhall.kit import links
from guildhall.kit.actions import auditor
from guildhall.meetings import counts
from guildhall.meetings.models import (
    MEETING_YEARS,
    OWNER_NOT_MEMBER,
    Meeting,
    MeetingRules,
    Status,
)
from guildhall.orgs.models import Role
from guildhall.records import services as records
from guildhall.records.models import Attachment, Revision

MAX_UPLOAD = getattr(settings, "MEETINGS_MAX_UPLOAD", 20 * 1024 * 1024)
#: Minutes, slides and photos of a meeting.
KINDS = {"pdf", "docx", "xlsx", "pptx", "png", "jpeg", "txt"}
#: The source kind a plan item made from a meeting's conclusion names (see `links.py`).
SOURCE_KIND = "meetings.meeting"


# ---- people ---------------------------------------------------------------------

#: The active members of the association, by name (the chair, attendees and owners are
#: chosen among them).
members_of = kit_attendees.members_of


def principals_of(org: Any):
    return get_user_model().objects.filter(
        memberships__organization_id=org.pk, memberships__role=Role.PRINCIPAL,
        memberships__is_active=True, is_active=True).distinct()


# ---- revisions and the audit ------------------------------------------------------

def _lock(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("organization").get(pk=meeting.pk)


def _save(meeting: Meeting, *fields: str) -> None:
    meeting.updated_at = timezone.now()
    meeting.save(update_fields=[*fields, "updated_at"])


def _new_revision(meeting: Meeting, actor: Any, before: dict[str, Any] | None) -> Revision | None:
    """Keep the meeting's content as a new revision when it changed; return it."""
    after = meeting.snapshot()
    changed = records.changed_fields(before, after)
    if not changed:
        return None
    if before is not None:
        meeting.revision += 1
        _save(meeting, "revision")
    return records.add_revision(meeting, actor=actor, snapshot=after, changed=changed)


_audit = auditor("meetings.meeting")


def _apply(meeting: Meeting, data: dict[str, Any]) -> list[int] | None:
    """Set the fields of `data` on the meeting; return the attendees to set, if given."""
    data = dict(data)
    attendees = data.pop("attendees", None)
    for name, value in data.items():
        if name in ("agenda", "conclusions"):
            value = [line.strip() for line in value or [] if line and line.strip()]
        setattr(meeting, name, value)
    meeting.full_clean()
    if attendees is None:
        return None
    return kit_attendees.member_ids(meeting.organization, attendees)


# ---- recording a meeting ------------------------------------------------------------

def meeting_create(*, actor: Any, org: Any, data: dict[str, Any]) -> Meeting:
    """Record a meeting of `org` as a draft from `data` (the form's or the API's fields)."""
    with transaction.atomic():
        meeting = Meeting(organization=org, created_by=actor)
        attendees = _apply(meeting, data)
        meeting.save()
        kit_attendees.set_attendees(meeting, attendees or None)
        revision = _new_revision(meeting, actor, None)
        _audit(actor, "create", meeting, after=revision.snapshot)
        return meeting


def meeting_update(*, actor: Any, meeting: Meeting, data: dict[str, Any],
                   revision: int | None = None) -> Meeting:
    """Change the meeting: a new revision. A held meeting stays held, so it must keep a
    time in the past and a conclusion."""
    with transaction.atomic():
        meeting = _lock(meeting)
        meeting.guard("edit")
        records.refuse_stale(meeting, revision)
        before, was_held_at = meeting.snapshot(), meeting.held_at
        attendees = _apply(meeting, data)
        if meeting.status == Status.HELD and (problems := meeting.record_problems()):
            raise DomainError(" ".join(problems), "held_meeting_incomplete",
                              field="held_at" if not meeting.is_over() else "conclusions")
        meeting.save()
        if meeting.status == Status.HELD and meeting.held_at != was_held_at:
            counts.refresh_meeting(meeting, was_held_at)  # it may have moved to another year
        kit_attendees.set_attendees(meeting, attendees)
        new = _new_revision(meeting, actor, before)
        if new is None:
            return meeting
        _audit(actor, "update", meeting, before={k: before.get(k) for k in new.changed_fields},
               after={**{k: new.snapshot[k] for k in new.changed_fields},
                      "revision": meeting.revision})
        return meeting


def meeting_record(*, actor: Any, meeting: Meeting, now: dt.datetime | None = None) -> Meeting:
    """Record the meeting as held: it counts towards the year's minimum from now on."""
    now = now or timezone.now()
    with transaction.atomic():
        meeting = _lock(meeting)
        meeting.guard("record")
        if problems := meeting.record_problems(now):
            raise DomainError(" ".join(problems), "not_ready",
                              field="held_at" if not meeting.is_over(now) else "conclusions")
        meeting.status, meeting.recorded_at = Status.HELD, now
        _save(meeting, "status", "recorded_at")
        counts.refresh_meeting(meeting)
        records.add_entry(meeting, Meeting.EntryKind.RECORDED, actor)
        _audit(actor, "record", meeting, before={"status": Status.DRAFT},
               after={"status": meeting.status, "revision": meeting.revision})
        return meeting


def meeting_cancel(*, actor: Any, meeting: Meeting, reason: str = "") -> Meeting:
    with transaction.atomic():
        meeting = _lock(meeting)
        meeting.guard("cancel")
        meeting.status, meeting.cancel_reason = Status.CANCELLED, (reason or "").strip()
        _save(meeting, "status", "cancel_reason")
        records.add_entry(meeting, Meeting.EntryKind.CANCELLED, actor, meeting.cancel_reason)
        _audit(actor, "cancel", meeting, before={"status": Status.DRAFT},
               after={"status": meeting.status, "reason": meeting.cancel_reason})
        return meeting


# ---- follow-up tasks ------------------------------------------------------------------

def meeting_follow_up(*, actor: Any, meeting: Meeting, conclusion: Any, title: str = "",
                      owner: Any, due_date: dt.date | None, revision: int | None = None) -> Any:
    """Turn one of the held meeting's conclusions into a task of the annual plan, in one
    step: the plan module makes the item (`kit.links.make_plan_item`), which links back to
    the meeting as its origin. Return the new plan item."""
    with transaction.atomic():
        meeting = _lock(meeting)
        meeting.guard("follow_up")
        # The conclusion is chosen by its place in the list: refused if the list changed since.
        records.refuse_stale(meeting, revision)
        conclusions = meeting.conclusions or []
        try:
            index = int(conclusion)
        except (TypeError, ValueError):
            index = -1
        if not 0 <= index < len(conclusions):
            raise DomainError(_("Choose one of the meeting's conclusions."), "no_such_conclusion",
                              status=422, field="conclusion")
        text = conclusions[index]
        title = (title or "").strip() or text[:200]
        if len(title) > 200:
            raise DomainError(_("A task's title can have at most 200 characters."), "too_long",
                              status=422, field="title")
        if owner is None:
            raise DomainError(_("Choose who owns the task."), "owner_required", status=422,
                              field="owner")
        [owner_id] = kit_attendees.member_ids(meeting.organization, [owner], OWNER_NOT_MEMBER, "owner")
        low, high = MEETING_YEARS
        if due_date is None or not low <= due_date.year <= high:
            raise DomainError(_("Give the date the task is due."), "due_date_required",
                              status=422, field="due_date")
        if due_date < timezone.localtime(meeting.held_at).date():
            raise DomainError(_("The task cannot be due before the meeting was held."),
                              "due_before_meeting", status=422, field="due_date")
        owner = get_user_model().objects.get(pk=owner_id)
        item = links.make_plan_item(
            actor=actor, organization=meeting.organization, title=title,
            description=str(_("Conclusion of the special meeting “%(meeting)s”: %(text)s") % {
                "meeting": meeting.title, "text": text}),
            owner=owner, due_date=due_date, source=meeting, source_kind=SOURCE_KIND)
        records.add_entry(meeting, Meeting.EntryKind.FOLLOW_UP, actor,
                          f"{title} · {owner.display_name} · {due_date.isoformat()}")
        _audit(actor, "follow_up", meeting, after={
            "conclusion": text, "title": title, "owner": owner.pk, "due_date": due_date.isoformat(),
            "plan_item": getattr(item, "pk", None)})
        return item


def follow_ups(meeting: Meeting) -> list[Any]:
    """Return the plan items the meeting led to (their links back to it), oldest first."""
    found = records.linked_subjects(meeting, role="origin").prefetch_related("subject")
    return [link.subject for link in found.order_by("created_at", "pk") if link.subject is not None]


# ---- attachments -------------------------------------------------------------------

def attachment_add(*, actor: Any, meeting: Meeting, upload: Any) -> Attachment:
    """Attach minutes, slides or photos: a new revision of the meeting."""
    with transaction.atomic():
        meeting = _lock(meeting)
        _guard_files(meeting)
        before = meeting.snapshot()

        def then(attachment: Attachment) -> None:
            _new_revision(meeting, actor, before)
            _audit(actor, "attach", meeting, after={
                "attachment": attachment.pk, "name": attachment.original_name,
                "sha256": attachment.sha256, "revision": meeting.revision})

        return records.attach(
            meeting, upload, actor=actor, kinds=KINDS, max_size=MAX_UPLOAD, then=then,
            type_message=_("Attach PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), PNG, "
                           "JPEG or plain-text files."))


def _guard_files(meeting: Meeting) -> None:
    if meeting.status not in (Status.DRAFT, Status.HELD):
        meeting.guard("edit")


def attachment_remove(*, actor: Any, meeting: Meeting, attachment: Attachment) -> None:
    """Take a file out of the meeting: a new revision (the file stays for earlier ones)."""
    with transaction.atomic():
        meeting = _lock(meeting)
        _guard_files(meeting)
        before = meeting.snapshot()
        records.detach(meeting, attachment)
        _new_revision(meeting, actor, before)
        _audit(actor, "detach", meeting, before={"name": attachment.original_name},
               after={"revision": meeting.revision})


# ---- the supervising body's rules ----------------------------------------------------------

RULE_FIELDS = ("minimum_per_year", "held_by_month", "held_by_day")


def rules_update(*, actor: Any, supervisor: Any, data: dict[str, Any]) -> MeetingRules:
    with transaction.atomic():
        rules = MeetingRules.objects.select_for_update().filter(supervisor=supervisor).first() \
            or MeetingRules(supervisor=supervisor)
        before = {f: getattr(rules, f) for f in RULE_FIELDS}
        for name in RULE_FIELDS:
            if name in data and data[name] is not None:
                setattr(rules, name, data[name])
        rules.updated_by, rules.updated_at = actor, timezone.now()
        rules.full_clean()
        rules.save()
        record(actor=actor, action="meetings.rules.update", organization=supervisor, obj=rules,
               before=before, after={f: getattr(rules, f) for f in RULE_FIELDS})
        return rules
