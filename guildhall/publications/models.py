"""Official channels (宣传阵地) and the review of what is published on them (三审)."""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guildhall.kit.models import ReviewedRecord, Searchable, Settings, author, between
from guildhall.kit.workflow import Workflow
from guildhall.orgs.models import Role
from guildhall.records.models import RecordSubject
from guildhall.reviews.services import OWN, SUPERVISOR, Step

#: Association roles a review step may be given to.
STEP_ROLES = (Role.REVIEWER, Role.PRINCIPAL, Role.ADMIN, Role.EDITOR)
#: The default 三审: 初审 by a reviewer, 复审 by another reviewer, 终审 (签发) by the principal.
DEFAULT_STEP_ROLES = [Role.REVIEWER.value, Role.REVIEWER.value, Role.PRINCIPAL.value]
MAX_STEPS = 4
#: Roles that write publications; the same people record them as published.
WRITERS = {Role.EDITOR, Role.PRINCIPAL}
#: Roles that keep the channel register and may pause a channel.
CHANNEL_MANAGERS = {Role.PRINCIPAL, Role.ADMIN}
#: Roles that may acknowledge a checker finding with a reason.
ACKNOWLEDGERS = {Role.REVIEWER, Role.PRINCIPAL}

DEFAULT_REVIEW_DAYS = 2
ICP_NUMBER = re.compile(r"^[\u4e00-\u9fff]ICP[备証证]\d{4,12}号(-\d{1,4})?$")


def default_step_roles() -> list[str]:
    return list(DEFAULT_STEP_ROLES)


def step_name(position: int, total: int) -> Any:
    """Name a step the way the practice does: 初审, 复审, 终审 for three steps."""
    if position == total:
        return _("Final review")
    if position == 1:
        return _("First review")
    if position == 2:
        return _("Second review")
    return _("Review %(n)d") % {"n": position}


class ChannelType(models.TextChoices):
    WEBSITE = "website", _("Website")
    WECHAT_OFFICIAL = "wechat_official", _("WeChat official account")
    WEIBO = "weibo", _("Weibo")
    VIDEO = "video", _("Video account")
    APP = "app", _("App")
    PRINT = "print", _("Print publication")
    OTHER = "other", _("Other")


class ChannelStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    CLOSED = "closed", _("Closed")


class Channel(models.Model):
    """One of the association's own channels, with the review steps its publications pass."""

    organization = models.ForeignKey("orgs.Organization", models.PROTECT, related_name="channels",
                                     verbose_name=_("association"))
    type = models.CharField(_("type"), max_length=20, choices=ChannelType.choices)
    name = models.CharField(_("name"), max_length=100)
    account = models.CharField(_("account ID or address"), max_length=200, blank=True)
    icp_number = models.CharField(_("ICP filing number"), max_length=40, blank=True,
                                  help_text=_("For websites, e.g. 苏ICP备12345678号-1."))
    operator = models.CharField(_("operator"), max_length=100, blank=True,
                                help_text=_("The department or person who runs the channel."))
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("responsible person"))
    status = models.CharField(_("status"), max_length=10, choices=ChannelStatus.choices,
                              default=ChannelStatus.ACTIVE, db_index=True)
    review_roles = models.JSONField(_("review steps"), default=default_step_roles)
    pause_reason = models.TextField(_("reason for the pause"), blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    created_by = author()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organization", "name", "pk"]
        constraints = [models.UniqueConstraint(fields=["organization", "type", "name"],
                                               name="channel_unique_name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("publications:channel_detail", args=[self.organization_id, self.pk])

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.organization_id and self.organization.is_supervisor:
            errors["organization"] = _("Channels belong to associations.")
        roles = self.review_roles
        if not isinstance(roles, list) or not 1 <= len(roles) <= MAX_STEPS:
            errors["review_roles"] = _("Give one to four review steps.")
        elif any(r not in STEP_ROLES for r in roles):
            errors["review_roles"] = _("Each review step must be one of the roles: reviewer, "
                                       "principal, administrator, editor.")
        self.icp_number = (self.icp_number or "").strip()
        if self.type == ChannelType.WEBSITE:
            if not self.icp_number:
                errors["icp_number"] = _("A website needs its ICP filing number.")
            elif not ICP_NUMBER.match(self.icp_number):
                errors["icp_number"] = _("Write the ICP filing number as it is registered, "
                                         "e.g. 苏ICP备12345678号-1.")
        if self.responsible_person_id and self.organization_id and \
                not self.organization.memberships.filter(user_id=self.responsible_person_id,
                                                         is_active=True).exists():
            errors["responsible_person"] = _("Choose a member of the association.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_paused(self) -> bool:
        return self.status == ChannelStatus.PAUSED

    def snapshot(self) -> dict[str, Any]:
        return {"type": self.type, "name": self.name, "account": self.account,
                "icp_number": self.icp_number, "operator": self.operator,
                "responsible_person": self.responsible_person_id, "status": self.status,
                "review_roles": self.review_roles}

    def review_role_labels(self) -> list[str]:
        return [str(Role(r).label) for r in self.review_roles or []]


class ChannelPause(models.Model):
    """One pause (熔断) of a channel, and its resumption."""

    channel = models.ForeignKey(Channel, models.CASCADE, related_name="pauses")
    reason = models.TextField(_("reason"))
    paused_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    paused_at = models.DateTimeField(default=timezone.now)
    resumed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                                   blank=True, related_name="+")
    resumed_at = models.DateTimeField(null=True, blank=True)
    resume_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-paused_at", "-pk"]

    def __str__(self) -> str:
        return f"pause of {self.channel_id}"


class PublicationSettings(Settings):
    """An association's own settings for publication review."""

    organization = models.OneToOneField("orgs.Organization", models.CASCADE,
                                        related_name="publication_settings")
    review_days = models.PositiveSmallIntegerField(
        _("review deadline (working days per step)"), default=DEFAULT_REVIEW_DAYS,
        help_text=_("A step waiting longer than this is reported to the principal."))

    class Meta:
        constraints = [between("review_days", 1, 30, "publication_review_days_1_to_30")]

    def __str__(self) -> str:
        return f"publication settings of {self.organization_id}"



class ConfidentialTerm(models.Model):
    """A term only this organization defines as confidential (an unreleased project name…).

    No list is shipped: every term here was entered by the association's administrator.
    """

    organization = models.ForeignKey("orgs.Organization", models.CASCADE,
                                     related_name="confidential_terms")
    term = models.CharField(_("term"), max_length=100)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["term"]
        constraints = [models.UniqueConstraint(fields=["organization", "term"],
                                               name="confidential_term_unique")]

    def __str__(self) -> str:
        return self.term


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    RETURNED = "returned", _("Returned for revision")
    REJECTED = "rejected", _("Rejected")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


EDITABLE = {Status.DRAFT, Status.RETURNED}

#: action -> the states it may start from. The review's outcome decides where "review" leads.
TRANSITIONS: dict[str, tuple[set[str], str | None]] = {
    # Under review or approved, a change makes a new revision and the review starts again.
    "edit": (EDITABLE | {Status.IN_REVIEW, Status.APPROVED}, None),
    "attach": (EDITABLE | {Status.IN_REVIEW, Status.APPROVED}, None),
    "submit": (EDITABLE, Status.IN_REVIEW),
    "review": ({Status.IN_REVIEW}, None),
    "acknowledge_finding": ({Status.IN_REVIEW}, None),
    "record_published": ({Status.APPROVED, Status.PUBLISHED}, Status.PUBLISHED),
    "withdraw": ({Status.PUBLISHED}, Status.WITHDRAWN),
}
ACTIONS = list(TRANSITIONS)


class Publication(Workflow, RecordSubject, ReviewedRecord, Searchable):
    """A piece of content meant for one or more of the association's channels.

    Each revision's snapshot holds its title, body (sanitized HTML), planned time, whether
    it must be cleared with the superior body, the channels' names and the files.
    """

    class EntryKind(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted for review")
        RESTARTED = "restarted", _("Changed during review or after approval; review starts again")
        FINDING_ACKNOWLEDGED = "finding_acknowledged", _("Checker finding acknowledged")
        PUBLISHED = "published", _("Recorded as published")
        WITHDRAWN = "withdrawn", _("Withdrawn after publication")

    TRANSITIONS = TRANSITIONS
    ACTIONS = ACTIONS
    # The review mechanism and the finding service name their refusals themselves.
    DECISIONS = frozenset({"review", "acknowledge_finding"})
    rules_prefix = "publications"
    detail_page = "publications:publication_detail"
    review_subject_type = "publications.publication"

    organization = models.ForeignKey("orgs.Organization", models.PROTECT,
                                     related_name="publications", verbose_name=_("association"))
    channels = models.ManyToManyField(Channel, related_name="publications",
                                      verbose_name=_("channels"))
    title = models.CharField(_("title"), max_length=200)
    planned_at = models.DateTimeField(_("planned publication time"))
    needs_supervisor = models.BooleanField(
        _("must be cleared with the superior body"), default=False,
        help_text=_("Major events and important policies (重大活动、重要政策的宣传口径): the "
                    "supervising body's approver decides a final step."))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.DRAFT, db_index=True)
    # The review steps of the current round, fixed when it was submitted: the roles of the
    # association's own steps, then the supervisor's step when `needs_supervisor`.
    review_roles = models.JSONField(default=list, blank=True)
    review_supervisor = models.BooleanField(default=False)
    # The step waiting for a decision, kept by the services so that "waiting for me" is one
    # filtered query: position (0 when none), level (own/supervisor) and role.
    current_step = models.PositiveSmallIntegerField(default=0)
    current_step_level = models.CharField(max_length=12, blank=True)
    current_step_role = models.CharField(max_length=20, blank=True)
    step_since = models.DateTimeField(null=True, blank=True)
    review_due = models.DateField(_("review due"), null=True, blank=True)
    # The revision the checker last read; findings of earlier revisions that it no longer
    # found there were removed by that revision.
    scanned_revision = models.PositiveIntegerField(null=True, blank=True)
    finding_count = models.PositiveIntegerField(default=0)
    open_finding_count = models.PositiveIntegerField(default=0)
    published_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdraw_reason = models.TextField(blank=True)
    created_by = author(_("author"))

    class Meta:
        ordering = ["-planned_at", "-pk"]
        verbose_name = _("publication")
        indexes = [
            models.Index(fields=["organization", "status", "planned_at"], name="pub_org_status"),
            models.Index(fields=["status", "current_step_level", "current_step_role"],
                         name="pub_waiting"),
            # "Waiting for me" in one association: read its own rows, not every association's
            # publications at the same step.
            models.Index(fields=["organization", "status", "current_step_level", "current_step_role"],
                         name="pub_waiting_org"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.organization_id and self.organization.is_supervisor:
            raise ValidationError({"organization": _("Publications belong to associations.")})

    # ---- the state machine --------------------------------------------------------

    @property
    def is_read_only(self) -> bool:
        return self.status in (Status.IN_REVIEW, Status.APPROVED)

    # ---- the review --------------------------------------------------------------

    def review_steps(self) -> list[Step]:
        """Return the steps of the current round (the channel's, plus the supervisor's)."""
        roles = self.review_roles or DEFAULT_STEP_ROLES
        total = len(roles) + (1 if self.review_supervisor else 0)
        steps = [Step(n, step_name(n, total), OWN, frozenset({role}))
                 for n, role in enumerate(roles, start=1)]
        if self.review_supervisor:
            steps.append(Step(total, _("Clearance by the supervising body"), SUPERVISOR,
                              frozenset({Role.APPROVER})))
        return steps

    def review_author_ids(self) -> set[int]:
        ids = set(self.revisions.values_list("created_by", flat=True))
        return {i for i in ids if i} | {self.created_by_id}

    def is_under_review(self) -> bool:
        return self.status == Status.IN_REVIEW


def _attachment_path(instance: Any, filename: str) -> str:
    # Used by migration 0001's model of the files that the records app keeps now.
    return f"publications/{instance.publication.organization_id}/{uuid.uuid4().hex}"


class Placement(models.Model):
    """The publication as it went out on one channel: where and when, and its withdrawal."""

    publication = models.ForeignKey(Publication, models.CASCADE, related_name="placements")
    channel = models.ForeignKey(Channel, models.PROTECT, related_name="placements")
    revision = models.PositiveIntegerField()
    url = models.URLField(_("address (URL)"), max_length=500)
    published_at = models.DateTimeField(_("published at"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["published_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["publication", "channel"],
                                               name="one_placement_per_channel")]

    def __str__(self) -> str:
        return f"{self.publication_id} on {self.channel_id}"
