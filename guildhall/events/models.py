"""Event filings (活动报备): the filing, its revisions, attachments, halts and summary."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guildhall.kit.models import ReviewedRecord, Searchable, Settings, author, between
from guildhall.kit.workflow import Workflow
from guildhall.orgs.models import Role
from guildhall.records.models import RecordSubject
from guildhall.reviews.models import Verdict
from guildhall.reviews.services import OWN, SUPERVISOR, Step


class EventType(models.TextChoices):
    REPORT_MEETING = "report_meeting", _("Report meeting")
    SEMINAR = "seminar", _("Seminar")
    SYMPOSIUM = "symposium", _("Symposium")
    FORUM = "forum", _("Forum")
    LECTURE = "lecture", _("Lecture")
    EXCHANGE = "exchange", _("Exchange meeting")
    TRAINING = "training", _("Training")
    EXHIBITION = "exhibition", _("Exhibition")
    FOREIGN_EXCHANGE = "foreign_exchange", _("Foreign exchange")
    OTHER = "other", _("Other")


DEFAULT_LEAD_DAYS = 5
DEFAULT_LEAD_DAYS_BY_TYPE = {EventType.FOREIGN_EXCHANGE.value: 10}
#: The purpose of an attachment that is material handed to the foreign party.
FOREIGN_PARTY = "foreign_party"


class FilingRules(Settings):
    """The rules a supervising body sets for the filings of the associations below it."""

    owner = "supervisor"

    supervisor = models.OneToOneField("orgs.Organization", models.CASCADE, related_name="filing_rules")
    lead_days = models.JSONField(_("lead time in working days, per type"), default=dict, blank=True)
    require_signoff = models.BooleanField(
        _("internal sign-off by the principal first"), default=True,
        help_text=_("The association's principal signs the filing off before it comes to you."))
    approval_steps = models.PositiveSmallIntegerField(
        _("approval steps"), default=1,
        help_text=_("How many approvers decide one after another (1 to 4); each must be a "
                    "different person."))
    contingency_threshold = models.PositiveIntegerField(
        _("attendance above which a contingency plan is required"), default=200,
        help_text=_("A plan is always required for livestreams and foreign exchanges."))
    summary_days = models.PositiveSmallIntegerField(
        _("summary deadline (working days after the event)"), default=5)
    halt_opens_hours = models.PositiveSmallIntegerField(
        _("a halt is possible from (hours before the start)"), default=2,
        validators=[MaxValueValidator(72)],
        help_text=_("Before that, an approved event is cancelled, not halted; after its end "
                    "it is summarized."))
    decision_days = models.PositiveSmallIntegerField(
        _("decision deadline (working days after submission)"), default=3)
    allow_late = models.BooleanField(
        _("accept late filings with a written reason"), default=False,
        help_text=_("Late filings are flagged wherever they appear."))

    class Meta:
        verbose_name = _("filing rules")
        constraints = [between("approval_steps", 1, 4, "filing_rules_steps_1_to_4")]

    def __str__(self) -> str:
        return f"rules of {self.supervisor_id}"

    @classmethod
    def for_association(cls, org: Any) -> FilingRules:
        return cls.objects.filter(supervisor_id=org.parent_id).first() or cls(
            supervisor_id=org.parent_id)

    def lead_days_for(self, event_type: str) -> int:
        if event_type in (self.lead_days or {}):
            return int(self.lead_days[event_type])
        return DEFAULT_LEAD_DAYS_BY_TYPE.get(event_type, DEFAULT_LEAD_DAYS)


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNOFF = "signoff", _("Awaiting sign-off")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for revision")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    HALTED = "halted", _("Halted")
    SUMMARIZED = "summarized", _("Summary submitted")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


EDITABLE = {Status.DRAFT, Status.RETURNED, Status.WITHDRAWN}
#: The states of a filing that was approved and not cancelled (the calendar and the feed).
APPROVED_STATES = {Status.APPROVED, Status.HALTED, Status.SUMMARIZED, Status.CLOSED}
UNDER_REVIEW = {Status.SIGNOFF, Status.SUBMITTED}

#: action -> (states it may start from, state it leads to; None when the outcome decides)
TRANSITIONS: dict[str, tuple[set[str], str | None]] = {
    "edit": (EDITABLE | {Status.APPROVED}, None),
    "submit": (EDITABLE, None),
    "sign_off": ({Status.SIGNOFF}, None),
    "approve": ({Status.SUBMITTED}, None),
    "return": (UNDER_REVIEW, Status.RETURNED),
    "reject": ({Status.SUBMITTED}, Status.REJECTED),
    "withdraw": (UNDER_REVIEW, Status.WITHDRAWN),
    "halt": ({Status.APPROVED}, Status.HALTED),
    "summarize": ({Status.APPROVED, Status.HALTED}, Status.SUMMARIZED),
    "acknowledge_summary": ({Status.SUMMARIZED}, Status.CLOSED),
    "cancel": (EDITABLE | UNDER_REVIEW | {Status.APPROVED}, Status.CANCELLED),
}

#: A change to one of these after approval needs approval again. The contingency plan and
#: the expected attendance are part of what was approved (they decide whether a plan is
#: required and what it is), so an approved filing can never silently lose its plan.
MATERIAL_FIELDS = ("type", "starts_at", "ends_at", "venue", "online_platform", "speakers",
                   "livestream", "co_organizers", "expected_attendance", "onsite_person",
                   "onsite_phone", "halt_procedure", "notify_list", "fallback")
#: The longest a speaker's name, a speaker's affiliation or topic, and a co-organizer's name
#: may be: one rule for the pages and the API.
SPEAKER_NAME_MAX, SPEAKER_TEXT_MAX, CO_ORGANIZER_MAX = 100, 200, 200
#: The years an event may take place in (beyond them dates are typing mistakes, and date
#: arithmetic overflows).
EVENT_YEARS = (2000, 2100)
SNAPSHOT_FIELDS = ("title", "type", "starts_at", "ends_at", "venue", "online_platform",
                   "organizer", "co_organizers", "expected_attendance", "livestream", "speakers",
                   "description", "onsite_person", "onsite_phone", "halt_procedure",
                   "notify_list", "fallback")

ACTIONS = ["edit", "submit", "sign_off", "approve", "return", "reject", "withdraw", "halt",
           "summarize", "acknowledge_summary", "cancel", "attach", "acknowledge_finding"]


class SubmittedFirst(models.Func):
    """0 for a submitted filing, 1 for any other: the first key of the queue in every state.
    The value is written into the SQL, not passed as a parameter, so that SQLite, like
    PostgreSQL, sees the expression of the index `filing_all_states` and reads its order."""

    template = f"CASE WHEN %(expressions)s = '{Status.SUBMITTED.value}' THEN 0 ELSE 1 END"
    output_field = models.IntegerField()

    def __init__(self) -> None:
        super().__init__(F("status"))


class Filing(Workflow, RecordSubject, ReviewedRecord, Searchable):
    """An association's filing of one event with its supervising body."""

    TRANSITIONS = TRANSITIONS
    ACTIONS = ACTIONS
    # Decisions are refused by the review mechanism, which names the reason.
    DECISIONS = frozenset({"sign_off", "approve", "return", "reject"})
    rules_prefix = "events"
    detail_page = "events:filing_detail"

    class EntryKind(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        CANCELLED = "cancelled", _("Cancelled")
        AMENDED = "amended", _("Changed after approval; needs approval again")
        FINDING_ACKNOWLEDGED = "finding_acknowledged", _("Checker finding acknowledged")
        SUMMARY_ACKNOWLEDGED = "summary_acknowledged", _("Summary acknowledged")

    review_subject_type = "events.filing"

    organization = models.ForeignKey("orgs.Organization", models.PROTECT, related_name="filings",
                                     verbose_name=_("association"))
    title = models.CharField(_("title"), max_length=200)
    type = models.CharField(_("type"), max_length=30, choices=EventType.choices)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    online_platform = models.CharField(_("online platform"), max_length=200, blank=True)
    organizer = models.CharField(_("organizer"), max_length=200)
    # [{"name": ..., "foreign": bool}]
    co_organizers = models.JSONField(_("co-organizers"), default=list, blank=True)
    expected_attendance = models.PositiveIntegerField(_("expected attendance"), default=0)
    livestream = models.BooleanField(_("livestreamed"), default=False)
    # [{"name": ..., "affiliation": ..., "topic": ...}], recorded as the filing states them.
    speakers = models.JSONField(_("speakers"), default=list, blank=True)
    description = models.TextField(_("description"), blank=True)
    # The contingency plan (应急预案).
    onsite_person = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("on-site responsible person"),
        help_text=_("A member of the association; they can halt the event."))
    onsite_phone = models.CharField(_("on-site phone"), max_length=30, blank=True)
    halt_procedure = models.TextField(_("how the event is halted"), blank=True)
    notify_list = models.TextField(_("who is told"), blank=True)
    fallback = models.TextField(_("fallback arrangements"), blank=True)

    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.DRAFT, db_index=True)
    signoff_required = models.BooleanField(default=True)
    supervisor_steps = models.PositiveSmallIntegerField(default=1)
    amended_after_approval = models.BooleanField(default=False)
    is_late = models.BooleanField(_("filed late"), default=False)
    late_reason = models.TextField(_("reason for filing late"), blank=True)
    first_submitted_on = models.DateField(null=True, blank=True)
    decision_due = models.DateField(_("decision due"), null=True, blank=True)
    summary_due = models.DateField(_("summary due"), null=True, blank=True)
    cancel_reason = models.TextField(blank=True)
    created_by = author(_("filed by"))

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("filing")
        indexes = [
            models.Index(fields=["organization", "status", "starts_at"], name="filing_org_status"),
            # The queue in one state, in its order; the association in it too, so that the
            # queue is counted, and a search's candidates kept, from the index alone.
            models.Index(fields=["status", "decision_due", "starts_at", "id", "organization"],
                         name="filing_queue_order"),
            # The queue in every state (queries.queue_filings), read in order by a search
            # that matches most filings, so that it stops at the first page.
            models.Index(SubmittedFirst(), F("decision_due"), F("starts_at"), F("id"),
                         name="filing_all_states"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                   name="filing_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.organization_id and self.organization.is_supervisor:
            errors["organization"] = _("Only associations file events.")
        if any(len(s.get("name") or "") > SPEAKER_NAME_MAX
               or len(s.get("affiliation") or "") > SPEAKER_TEXT_MAX
               or len(s.get("topic") or "") > SPEAKER_TEXT_MAX for s in self.speakers or []):
            errors["speakers"] = _("A speaker's name can have at most %(name)d characters, the "
                                   "affiliation and the topic at most %(text)d each.") % {
                "name": SPEAKER_NAME_MAX, "text": SPEAKER_TEXT_MAX}
        if any(len(c.get("name") or "") > CO_ORGANIZER_MAX for c in self.co_organizers or []):
            errors["co_organizers"] = _("A co-organizer's name can have at most %(n)d "
                                        "characters.") % {"n": CO_ORGANIZER_MAX}
        low, high = EVENT_YEARS
        for name in ("starts_at", "ends_at"):
            value = getattr(self, name)
            if value is not None and not low <= value.year <= high:
                errors[name] = _("Give a date between the years %(low)d and %(high)d.") % {
                    "low": low, "high": high}
        if self.starts_at and self.ends_at and not {"starts_at", "ends_at"} & set(errors) \
                and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The event must end after it starts.")
        if not (self.venue or "").strip() and not (self.online_platform or "").strip():
            errors["venue"] = _("Give the venue or the online platform (or both).")
        if self.onsite_person_id and not self.organization.memberships.filter(
                user_id=self.onsite_person_id, is_active=True).exists():
            errors["onsite_person"] = _("Choose a member of the association.")
        if errors:
            raise ValidationError(errors)

    # ---- what the filing is --------------------------------------------------------

    @property
    def is_foreign(self) -> bool:
        return self.type == EventType.FOREIGN_EXCHANGE or any(
            c.get("foreign") for c in self.co_organizers or [])

    @property
    def start_date(self) -> dt.date:
        return timezone.localtime(self.starts_at).date()

    @property
    def end_date(self) -> dt.date:
        return timezone.localtime(self.ends_at).date()

    def has_ended(self, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.ends_at

    def halt_opens(self, rules: FilingRules) -> dt.datetime:
        """From when the circuit breaker may be pulled: shortly before the start (people
        gather and set up), until the end."""
        return self.starts_at - dt.timedelta(hours=rules.halt_opens_hours)

    def may_halt_at(self, rules: FilingRules, moment: dt.datetime) -> bool:
        return self.halt_opens(rules) <= moment < self.ends_at

    def is_decision_overdue(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status == Status.SUBMITTED and bool(self.decision_due) and self.decision_due < today

    def is_summary_overdue(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status in (Status.APPROVED, Status.HALTED) and bool(self.summary_due) \
            and self.summary_due < today

    def contingency_required(self, rules: FilingRules) -> bool:
        return (self.livestream or self.is_foreign
                or self.expected_attendance > rules.contingency_threshold)

    def snapshot(self) -> dict[str, Any]:
        """Return the filing's content as JSON, for its revision history and diffs."""
        data: dict[str, Any] = {}
        for name in SNAPSHOT_FIELDS:
            value = getattr(self, name if name != "onsite_person" else "onsite_person_id")
            if isinstance(value, dt.datetime):
                value = timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
            data[name] = value
        data["attachments"] = [
            {"name": a.original_name, "sha256": a.sha256, "foreign": a.purpose == FOREIGN_PARTY}
            for a in self.attachments.filter(removed_at=None).order_by("pk")] if self.pk else []
        return data

    def submission_problems(self, rules: FilingRules) -> list[str]:
        """Return what must be completed before the filing can go up."""
        problems = []
        if self.contingency_required(rules):
            missing = [label for value, label in (
                (self.onsite_person_id, _("on-site responsible person")),
                (self.onsite_phone, _("on-site phone")),
                (self.halt_procedure, _("how the event is halted")),
                (self.notify_list, _("who is told"))) if not value]
            if missing:
                problems.append(str(_("This event needs a contingency plan; fill in: %(fields)s.")
                                    % {"fields": "、".join(str(m) for m in missing)}))
        if self.type == EventType.FOREIGN_EXCHANGE and not any(
                c.get("foreign") for c in self.co_organizers or []):
            problems.append(str(_("Name the foreign party among the co-organizers and mark it "
                                  "as foreign.")))
        return problems

    # ---- the state machine -----------------------------------------------------------

    # ---- the review ----------------------------------------------------------------

    def review_steps(self) -> list[Step]:
        steps = []
        if self.signoff_required:
            steps.append(Step(1, _("Internal sign-off"), OWN, frozenset({Role.PRINCIPAL}),
                              frozenset({Verdict.APPROVE, Verdict.RETURN})))
        for n in range(1, self.supervisor_steps + 1):
            name = _("Approval") if self.supervisor_steps == 1 else _("Approval %(n)d") % {"n": n}
            steps.append(Step(len(steps) + 1, name, SUPERVISOR, frozenset({Role.APPROVER})))
        return steps

    def review_author_ids(self) -> set[int]:
        ids = set(self.revisions.exclude(created_by=None).values_list("created_by", flat=True))
        return ids | {self.created_by_id}

    def is_under_review(self) -> bool:
        return self.status in UNDER_REVIEW


class Halt(models.Model):
    """The circuit breaker (熔断): an approved event stopped on the spot."""

    filing = models.ForeignKey(Filing, models.CASCADE, related_name="halts")
    halted_at = models.DateTimeField(_("halted at"))
    reason = models.TextField(_("reason"))
    actions_taken = models.TextField(_("what was done"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["halted_at"]

    def __str__(self) -> str:
        return f"halt of {self.filing_id}"


class Summary(models.Model):
    """The report after the event."""

    filing = models.OneToOneField(Filing, models.CASCADE, related_name="summary")
    what_happened = models.TextField(_("what happened"))
    attendance = models.PositiveIntegerField(_("actual attendance"))
    issues = models.TextField(_("issues"), blank=True)
    halt_response = models.TextField(_("how the halt was handled"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                        blank=True, related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"summary of {self.filing_id}"


class CalendarFeed(models.Model):
    """The secret address of an organization's iCal feed of approved events."""

    organization = models.OneToOneField("orgs.Organization", models.CASCADE,
                                        related_name="event_feed")
    token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"feed of {self.organization_id}"


def _attachment_path(instance: Any, filename: str) -> str:
    # Used by migration 0001's model of the files that the records app keeps now.
    return f"events/{instance.filing.organization_id}/{uuid.uuid4().hex}"


class FilingGram(models.Model):
    """One pair or triple of adjacent characters of a filing's search text (kit.search):
    the index that finds the filings holding a word among all those below a supervising
    body without reading every filing's text."""

    filing = models.ForeignKey(Filing, models.CASCADE, related_name="+")
    gram = models.CharField(max_length=3)

    class Meta:
        indexes = [models.Index(fields=["gram", "filing"], name="filing_gram")]

    def __str__(self) -> str:
        return self.gram
