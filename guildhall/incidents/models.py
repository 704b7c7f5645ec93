"""Incidents and important situations (重大事件、重要情况报告): the register, its clocks,
the reports to the supervising body and their acknowledgement."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guildhall.core.lines import labelled
from guildhall.kit.models import author
from guildhall.kit.workflow import Workflow
from guildhall.records.models import RecordSubject


class Category(models.TextChoices):
    PUBLIC_OPINION = "public_opinion", _("Public-opinion incident about the association")
    EVENT_DISRUPTION = "event_disruption", _("Event disruption")
    INFORMATION_LEAK = "information_leak", _("Information leak")
    ACCOUNT_COMPROMISE = "account_compromise", _("Official account compromised")
    SAFETY = "safety", _("Safety incident")
    OTHER = "other", _("Other")


class Severity(models.TextChoices):
    """The national four levels, plus "to be determined" (counted as significant)."""

    EXTRAORDINARY = "extraordinary", _("Extraordinarily serious")
    MAJOR = "major", _("Major")
    SIGNIFICANT = "significant", _("Significant")
    GENERAL = "general", _("General")
    TBD = "tbd", _("To be determined")


#: The most serious first; "to be determined" is ranked (and timed) as significant.
RANK = {Severity.EXTRAORDINARY: 1, Severity.MAJOR: 2, Severity.SIGNIFICANT: 3, Severity.TBD: 3,
        Severity.GENERAL: 4}
LEVELS = [Severity.EXTRAORDINARY, Severity.MAJOR, Severity.SIGNIFICANT, Severity.GENERAL]
TOP_LEVELS = {Severity.EXTRAORDINARY, Severity.MAJOR}


def timed_as(severity: str) -> str:
    return Severity.SIGNIFICANT if severity == Severity.TBD else severity


#: The defaults, in minutes of wall-clock time (None: no such deadline at that level).
DEFAULT_MINUTES: dict[str, dict[str, int | None]] = {
    "first": {"extraordinary": 30, "major": 30, "significant": 120, "general": 1440},
    "written": {"extraordinary": 60, "major": 60, "significant": None, "general": None},
    "followup": {"extraordinary": 120, "major": 120, "significant": 720, "general": None},
    "ack": {"extraordinary": 30, "major": 30, "significant": 240, "general": 240},
}
RULE_KINDS = tuple(DEFAULT_MINUTES)
#: The longest any of these deadlines may be (30 days).
MAX_MINUTES = 30 * 24 * 60


class IncidentRules(models.Model):
    """The deadlines a supervising body sets for the incident reports of the associations
    below it, per severity, in minutes. A level with a written-report deadline accepts a
    phone report as the first report."""

    supervisor = models.OneToOneField("orgs.Organization", models.CASCADE,
                                      related_name="incident_rules")
    # {"first": {"major": 30, ...}, "written": {...}, "followup": {...}, "ack": {...}}
    minutes = models.JSONField(_("deadlines in minutes"), default=dict, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   blank=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("incident rules")

    def __str__(self) -> str:
        return f"incident rules of {self.supervisor_id}"

    @classmethod
    def for_supervisor(cls, supervisor: Any) -> IncidentRules:
        """Return the body's rules, or the defaults (unsaved) when it never set any."""
        return cls.objects.filter(supervisor=supervisor).first() or cls(supervisor=supervisor)

    @classmethod
    def for_association(cls, org: Any) -> IncidentRules:
        return cls.objects.filter(supervisor_id=org.parent_id).first() or cls(
            supervisor_id=org.parent_id)

    def minutes_for(self, kind: str, severity: str) -> int | None:
        level = timed_as(severity)
        own = (self.minutes or {}).get(kind) or {}
        if level in own:
            return own[level]
        return DEFAULT_MINUTES[kind][level]

    def phone_counts(self, severity: str) -> bool:
        """A phone report is the first report where a written one must follow."""
        return self.minutes_for("written", severity) is not None

    def table(self) -> list[dict[str, Any]]:
        """The rules as the page shows them: one row per level."""
        return [{"severity": level, "label": Severity(level).label,
                 **{kind: self.minutes_for(kind, level) for kind in RULE_KINDS}}
                for level in LEVELS]


class Status(models.TextChoices):
    OPEN = "open", _("Not yet reported")
    REPORTED = "reported", _("Reported")
    STABLE = "stable", _("Stable")
    CLOSED = "closed", pgettext_lazy("incident", "Closed")


#: action -> (states it may start from, state it leads to; None when it stays or depends)
TRANSITIONS: dict[str, tuple[set[str], str | None]] = {
    "report_phone": ({Status.OPEN}, None),
    "report_written": ({Status.OPEN, Status.REPORTED}, Status.REPORTED),
    "follow_up": ({Status.REPORTED, Status.STABLE}, None),
    "change_severity": ({Status.OPEN, Status.REPORTED, Status.STABLE}, None),
    "mark_stable": ({Status.REPORTED}, Status.STABLE),
    "close": ({Status.REPORTED, Status.STABLE}, Status.CLOSED),
    "reopen": ({Status.STABLE, Status.CLOSED}, Status.REPORTED),
    "acknowledge": ({Status.REPORTED, Status.STABLE, Status.CLOSED}, None),
    "edit": ({Status.OPEN, Status.REPORTED, Status.STABLE}, None),
}

ACTIONS = ["edit", "report_phone", "report_written", "follow_up", "change_severity", "mark_stable",
           "close", "reopen", "acknowledge"]


class Incident(Workflow, RecordSubject):
    """An incident or important situation of an association, reported to its supervisor."""

    TRANSITIONS = TRANSITIONS
    ACTIONS = ACTIONS
    rules_prefix = "incidents"

    class EntryKind(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        PHONE_REPORT = "phone_report", _("Phone report")
        WRITTEN_REPORT = "written_report", _("Written report")
        FOLLOW_UP = "follow_up", _("Follow-up report")
        CLOSING_REPORT = "closing_report", _("Closing report")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged by the supervising body")
        SEVERITY_CHANGED = "severity_changed", _("Severity changed")
        STABLE = "stable", _("Marked stable")
        CLOSED = "closed", _("Closed")
        REOPENED = "reopened", _("Reopened")
        CHANNEL_PAUSED = "channel_paused", _("Channel paused")
        LINKED = "linked", _("Record linked")
        EDITED = "edited", _("Details completed")
        PLAN_ITEM = "plan_item", _("Became a plan item")

    organization = models.ForeignKey("orgs.Organization", models.PROTECT, related_name="incidents",
                                     verbose_name=_("association"))
    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    severity = models.CharField(_("severity"), max_length=20, choices=Severity.choices,
                                default=Severity.TBD)
    occurred_at = models.DateTimeField(_("occurred at"), null=True, blank=True)
    discovered_at = models.DateTimeField(_("discovered at"))
    location = models.CharField(_("where"), max_length=200, blank=True)
    known = models.TextField(_("what is known"), blank=True)
    actions_taken = models.TextField(_("what was done"), blank=True)
    people_affected = models.PositiveIntegerField(_("people affected"), null=True, blank=True)
    # A snapshot of the channel concerned (channels belong to another module).
    channel_id = models.PositiveBigIntegerField(null=True, blank=True)
    channel_name = models.CharField(_("channel concerned"), max_length=200, blank=True)

    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.OPEN, db_index=True)
    revision = models.PositiveIntegerField(default=1)
    # The clocks run from discovery and start again from each change of severity.
    clock = models.PositiveIntegerField(default=1)
    clock_started_at = models.DateTimeField()
    first_report_due = models.DateTimeField(_("first report due"))
    first_reported_at = models.DateTimeField(_("first reported at"), null=True, blank=True)
    first_report_late = models.BooleanField(_("first report late"), default=False)
    minutes_to_first_report = models.PositiveIntegerField(null=True, blank=True)
    written_due = models.DateTimeField(_("written report due"), null=True, blank=True)
    written_reported_at = models.DateTimeField(null=True, blank=True)
    written_late = models.BooleanField(default=False)
    followup_due = models.DateTimeField(_("next follow-up due"), null=True, blank=True)
    followups = models.PositiveIntegerField(default=0)
    stable_at = models.DateTimeField(_("stable since"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reopened_at = models.DateTimeField(null=True, blank=True)
    created_by = author(_("registered by"))
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # The board's order, stored by `save` (`set_board_order`) so that an index serves it: the
    # severity's rank, whether a deadline is still running and the earliest one.
    board_rank = models.PositiveSmallIntegerField(default=RANK[Severity.TBD], editable=False)
    board_undated = models.BooleanField(default=False, editable=False)
    board_due = models.DateTimeField(null=True, blank=True, editable=False)

    #: The open incidents the most serious and the most overdue first (`board_order` stored).
    BOARD_ORDER = ("board_rank", "board_undated", "board_due", "discovered_at", "pk")
    BOARD_FIELDS = ("board_rank", "board_undated", "board_due")

    class Meta:
        ordering = ["-discovered_at", "-pk"]
        verbose_name = _("incident")
        indexes = [
            models.Index(fields=["organization", "status", "discovered_at"], name="incident_org"),
            models.Index(fields=["status", "first_report_due"], name="incident_first_due"),
            models.Index(fields=["status", "closed_at"], name="incident_closed"),
            models.Index(fields=["board_rank", "board_undated", "board_due", "discovered_at", "id"],
                         condition=~models.Q(status="closed"), name="incident_board"),
            # The first reports not made yet, for the figures' overdue ones.
            models.Index(fields=["organization", "first_report_due"],
                         condition=models.Q(first_reported_at__isnull=True),
                         name="incident_unreported"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(occurred_at__isnull=True)
                | models.Q(occurred_at__lte=models.F("discovered_at")),
                name="incident_occurred_before_discovery"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("incidents:incident_detail", args=[self.organization_id, self.pk])

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.organization_id and self.organization.is_supervisor:
            errors["organization"] = _("Only associations report incidents.")
        now = timezone.now() + dt.timedelta(minutes=5)
        if self.discovered_at and self.discovered_at > now:
            errors["discovered_at"] = _("The time of discovery cannot be in the future.")
        if self.occurred_at and self.discovered_at and self.occurred_at > self.discovered_at:
            errors["occurred_at"] = _("It cannot have happened after it was discovered.")
        for name in ("discovered_at", "occurred_at"):
            value = getattr(self, name)
            if value is not None and not 2000 <= value.year <= 2100 and name not in errors:
                errors[name] = _("Give a date between the years 2000 and 2100.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.set_board_order()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *self.BOARD_FIELDS}
        super().save(*args, **kwargs)

    def set_board_order(self) -> None:
        """Store the board's order: the rank of the severity and the earliest deadline still
        running (the first report's, then the written report's, then the next follow-up's)."""
        due = None
        if self.first_reported_at is None:
            due = self.first_report_due
        elif self.written_due is not None and self.written_reported_at is None:
            due = self.written_due
        elif self.status == Status.REPORTED:
            due = self.followup_due
        self.board_rank, self.board_undated, self.board_due = self.rank, due is None, due

    # ---- the clocks ----------------------------------------------------------------

    @property
    def rank(self) -> int:
        return RANK[Severity(self.severity)]

    @property
    def is_open(self) -> bool:
        return self.status != Status.CLOSED

    def clocks(self, now: dt.datetime | None = None) -> list[dict[str, Any]]:
        """The deadlines running now, each with the minutes left (negative: late)."""
        now = now or timezone.now()
        out = []
        if self.first_reported_at is None:
            out.append(_clock("first", _("First report"), self.first_report_due, now))
        if self.written_due and self.written_reported_at is None and self.is_open \
                and self.first_reported_at is not None:
            out.append(_clock("written", _("Written report"), self.written_due, now))
        if self.followup_due and self.status == Status.REPORTED:
            out.append(_clock("followup", _("Next follow-up report"), self.followup_due, now))
        return out

    def is_overdue(self, now: dt.datetime | None = None) -> bool:
        return any(c["late"] for c in self.clocks(now))


def _clock(kind: str, label: Any, due: dt.datetime, now: dt.datetime) -> dict[str, Any]:
    minutes = int((due - now).total_seconds() // 60)
    return {"kind": kind, "label": label, "due": due, "minutes": minutes, "late": due <= now}


class Report(models.Model):
    """One report to the supervising body: by phone (recorded after the fact) or written,
    the first one, a follow-up (续报) or the closing report (终报)."""

    class Kind(models.TextChoices):
        PHONE = "phone", _("Phone report")
        WRITTEN = "written", _("Written report")
        FOLLOW_UP = "follow_up", _("Follow-up report")
        CLOSING = "closing", _("Closing report")

    incident = models.ForeignKey(Incident, models.CASCADE, related_name="reports")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    severity = models.CharField(_("severity"), max_length=20, choices=Severity.choices)
    reported_at = models.DateTimeField(_("reported at"))
    text = models.TextField(_("report"), blank=True)
    # A phone report: who was told and who made the call.
    told = models.CharField(_("to whom"), max_length=200, blank=True)
    caller = models.CharField(_("by whom"), max_length=200, blank=True)
    # The closing report.
    cause = models.TextField(_("cause"), blank=True)
    results = models.TextField(_("results"), blank=True)
    lessons = models.TextField(_("lessons"), blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    late = models.BooleanField(_("late"), default=False)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    ack_due = models.DateTimeField(_("acknowledge by"))
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                        blank=True, related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    minutes_to_ack = models.PositiveIntegerField(null=True, blank=True)
    ack_late = models.BooleanField(default=False)
    instruction = models.TextField(_("instruction"), blank=True)

    class Meta:
        ordering = ["reported_at", "pk"]
        indexes = [models.Index(fields=["acknowledged_at", "ack_due"], name="report_ack_due")]

    def __str__(self) -> str:
        return labelled(self.get_kind_display(), self.incident.title)

    @property
    def organization(self) -> Any:
        return self.incident.organization

    def ack_minutes_left(self, now: dt.datetime | None = None) -> int:
        return int((self.ack_due - (now or timezone.now())).total_seconds() // 60)

    def ack_overdue(self, now: dt.datetime | None = None) -> bool:
        return self.acknowledged_at is None and self.ack_due <= (now or timezone.now())


class AssociationFigures(models.Model):
    """An association's incident figures as the board lists them, kept by the services in the
    same transaction as every change of its incidents and reports (`figures.refresh`): the
    board then pages them at the database instead of counting every incident below. The
    overdue first reports change with the clock: they follow from the first reports not made
    yet and the earliest and latest of their deadlines, and are counted when read only for an
    association whose deadlines the present falls between (`figures.below`)."""

    organization = models.OneToOneField("orgs.Organization", models.CASCADE, primary_key=True,
                                        related_name="incident_figures")
    total = models.PositiveIntegerField(default=0)
    open = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)
    # Averages as sum and count, so that a change recomputes them exactly.
    to_first_minutes = models.PositiveBigIntegerField(default=0)
    to_first_count = models.PositiveIntegerField(default=0)
    to_ack_minutes = models.PositiveBigIntegerField(default=0)
    to_ack_count = models.PositiveIntegerField(default=0)
    late_acks = models.PositiveIntegerField(default=0)
    waiting = models.PositiveIntegerField(default=0)
    unreported = models.PositiveIntegerField(default=0)
    unreported_due_first = models.DateTimeField(null=True, blank=True)
    unreported_due_last = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"incident figures of {self.organization_id}"
