"""Special meetings (专题研究): the meetings that study the work, their conclusions and the
follow-up tasks they lead to, and the minimum a supervising body asks for each year.

A meeting is a draft while it is being prepared (or written up), and is recorded as held
once it took place and has at least one conclusion; only held meetings count towards the
minimum, lead to follow-up tasks and may be linked as evidence. A draft may be cancelled.
A held meeting may still be corrected: every change is a new revision on its timeline.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guildhall.kit import attendees as kit_attendees
from guildhall.kit.models import author, time_and_place_errors
from guildhall.kit.workflow import Workflow
from guildhall.orgs.models import Organization
from guildhall.records.models import RecordSubject
from guildhall.records.services import attachment_snapshot

DEFAULT_MINIMUM = 2
#: By default the year's meetings should be held by the end of November, so that they are
#: in the annual report written in December.
DEFAULT_HELD_BY = (11, 30)
#: The most meetings a supervising body may ask for in a year (one a week).
MAXIMUM_MINIMUM = 52
#: The years a meeting may take place in (beyond them a date is a typing mistake).
MEETING_YEARS = (2000, 2100)
#: The longest an agenda item or a conclusion may be, and how many a meeting may have.
LINE_MAX, LINES_MAX = 500, 50

CHAIR_NOT_MEMBER = _("Choose the chair among the members of the association.")
ATTENDEE_NOT_MEMBER = kit_attendees.NOT_MEMBER
OWNER_NOT_MEMBER = _("Choose the owner among the members of the association.")


def held_by_date(year: int, month: int, day: int) -> dt.date:
    """Return the day of `year` by which the meetings should be held (29 February is the
    28th in other years)."""
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


class MeetingRules(models.Model):
    """What a supervising body asks of the associations directly below it: at least
    `minimum_per_year` special meetings held by a day of each year."""

    supervisor = models.OneToOneField("orgs.Organization", models.CASCADE,
                                      related_name="meeting_rules")
    minimum_per_year = models.PositiveSmallIntegerField(
        _("minimum special meetings per year"), default=DEFAULT_MINIMUM,
        help_text=_("0 asks for none."))
    held_by_month = models.PositiveSmallIntegerField(_("to be held by (month)"),
                                                     default=DEFAULT_HELD_BY[0])
    held_by_day = models.PositiveSmallIntegerField(_("to be held by (day)"),
                                                   default=DEFAULT_HELD_BY[1])
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   blank=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("special meeting rules")
        constraints = [
            models.CheckConstraint(condition=models.Q(minimum_per_year__lte=MAXIMUM_MINIMUM),
                                   name="meeting_rules_minimum_at_most_52"),
            models.CheckConstraint(condition=models.Q(held_by_month__gte=1, held_by_month__lte=12,
                                                      held_by_day__gte=1, held_by_day__lte=31),
                                   name="meeting_rules_held_by_is_a_day"),
        ]

    def __str__(self) -> str:
        return f"meeting rules of {self.supervisor_id}"

    def clean(self) -> None:
        if self.minimum_per_year is not None and self.minimum_per_year > MAXIMUM_MINIMUM:
            raise ValidationError({"minimum_per_year": _(
                "Ask for at most %(n)d meetings a year.") % {"n": MAXIMUM_MINIMUM}})
        month, day = self.held_by_month, self.held_by_day
        if not (month and 1 <= month <= 12):
            raise ValidationError({"held_by_month": _("Choose a month from 1 to 12.")})
        if not (day and 1 <= day <= calendar.monthrange(2024, month)[1]):  # 2024: a leap year
            raise ValidationError({"held_by_day": _("This month has no such day.")})

    @classmethod
    def for_supervisor(cls, supervisor: Any) -> MeetingRules:
        """Return the body's rules, or the defaults (unsaved) when it never set any."""
        return cls.objects.filter(supervisor=supervisor).first() or cls(supervisor=supervisor)

    @classmethod
    def for_association(cls, org: Any) -> MeetingRules:
        """Return the rules of the body directly above the association (as for filings)."""
        return cls.objects.filter(supervisor_id=org.parent_id).first() or cls(
            supervisor_id=org.parent_id)

    def held_by(self, year: int) -> dt.date:
        return held_by_date(year, self.held_by_month, self.held_by_day)


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


#: action -> (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[set[str], str | None]] = {
    "edit": ({Status.DRAFT, Status.HELD}, None),
    "record": ({Status.DRAFT}, Status.HELD),
    "cancel": ({Status.DRAFT}, Status.CANCELLED),
    "follow_up": ({Status.HELD}, None),
}
ACTIONS = ["edit", "record", "cancel", "follow_up", "attach"]
SNAPSHOT_FIELDS = ("title", "held_at", "venue", "online_platform", "chair", "attendees",
                   "other_attendees", "agenda", "conclusions", "notes")


class Meeting(Workflow, RecordSubject):
    """A special meeting of an association that studied its work."""

    TRANSITIONS = TRANSITIONS
    ACTIONS = ACTIONS
    rules_prefix = "meetings"

    class EntryKind(models.TextChoices):
        RECORDED = "recorded", _("Recorded as held")
        CANCELLED = "cancelled", _("Cancelled")
        FOLLOW_UP = "follow_up", _("Follow-up task created")

    organization = models.ForeignKey("orgs.Organization", models.PROTECT, related_name="meetings",
                                     verbose_name=_("association"))
    title = models.CharField(_("topic"), max_length=200)
    held_at = models.DateTimeField(_("time"))
    venue = models.CharField(_("place"), max_length=200, blank=True)
    online_platform = models.CharField(_("online platform"), max_length=200, blank=True)
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                              verbose_name=_("chair"))
    attendees, other_attendees = kit_attendees.model_fields(_("attendees"), _("other attendees"))
    agenda = models.JSONField(_("agenda"), default=list, blank=True)           # [str]
    conclusions = models.JSONField(_("conclusions"), default=list, blank=True)  # [str]
    notes = models.TextField(_("discussion"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.DRAFT, db_index=True)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    cancel_reason = models.TextField(blank=True)
    recorded_at = models.DateTimeField(null=True, blank=True)
    created_by = author(_("recorded by"))
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_at", "-pk"]
        verbose_name = _("special meeting")
        indexes = [models.Index(fields=["organization", "status", "held_at"],
                                name="meeting_org_status")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:meeting_detail", args=[self.organization_id, self.pk])

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.organization_id and self.organization.is_supervisor:
            errors["organization"] = _("Only associations record special meetings.")
        errors.update(time_and_place_errors(self, MEETING_YEARS))
        if self.chair_id and self.organization_id and not self.organization.memberships.filter(
                user_id=self.chair_id, is_active=True).exists():
            errors["chair"] = CHAIR_NOT_MEMBER
        for name in ("agenda", "conclusions"):
            lines = getattr(self, name) or []
            if not isinstance(lines, list) or not all(isinstance(x, str) for x in lines):
                errors[name] = _("Write one item per line.")
            elif len(lines) > LINES_MAX or any(len(x) > LINE_MAX for x in lines):
                errors[name] = _("At most %(lines)d items of at most %(chars)d characters "
                                 "each.") % {"lines": LINES_MAX, "chars": LINE_MAX}
        if errors:
            raise ValidationError(errors)

    @property
    def year(self) -> int:
        return timezone.localtime(self.held_at).year

    def is_over(self, now: dt.datetime | None = None) -> bool:
        return self.held_at <= (now or timezone.now())

    def snapshot(self) -> dict[str, Any]:
        """Return the meeting's content as JSON, for its revisions."""
        data: dict[str, Any] = {}
        for name in SNAPSHOT_FIELDS:
            if name == "chair":
                data[name] = self.chair_id
            elif name == "attendees":
                data[name] = kit_attendees.snapshot(self)
            elif name == "held_at":
                data[name] = timezone.localtime(self.held_at).strftime("%Y-%m-%d %H:%M")
            else:
                data[name] = getattr(self, name)
        data["attachments"] = attachment_snapshot(self) if self.pk else []
        return data

    def record_problems(self, now: dt.datetime | None = None) -> list[str]:
        """Return what is missing before the meeting can be recorded as held."""
        problems = []
        if not self.is_over(now):
            problems.append(str(_("A meeting is recorded as held after it took place.")))
        if not [c for c in self.conclusions or [] if c.strip()]:
            problems.append(str(_("Write at least one conclusion.")))
        return problems


class AssociationMeetings(Organization):
    """An association as the yearly minimum of meetings sees it: the deadline's item (see
    `reminders.py`), named and scoped like the association itself."""

    class Meta:
        proxy = True

    @property
    def organization(self) -> Organization:
        return self


class HeldCount(models.Model):
    """How many meetings an association held in a year (the local year of `held_at`), kept
    by the services in the same transaction as every change that can alter it
    (`counts.refresh`): the supervisor's overview and home then sort the associations by a
    stored figure instead of counting every meeting below. No row means none held."""

    organization = models.ForeignKey("orgs.Organization", models.CASCADE,
                                     related_name="meetings_held")
    year = models.PositiveSmallIntegerField()
    held = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "year"],
                                               name="meetings_held_count_once")]

    def __str__(self) -> str:
        return f"{self.held} meetings held by {self.organization_id} in {self.year}"
