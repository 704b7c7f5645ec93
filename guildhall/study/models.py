"""Study and education (学习教育): the association's study sessions, and its codes of
conduct (自律规约、职业道德准则) that its staff know and follow.

A study session is recorded by an editor as a draft and confirmed by the principal; only
confirmed sessions count in the year's figures and may be linked as evidence of a plan item.
Attendance is kept to prove that a session took place and how many took part: the module
shows no per-person totals, rankings or scores anywhere (see `queries.figures`).

A code of conduct has versions: a version is drafted, submitted for adoption, passes the
association's adoption steps (the review mechanism: the principal's adoption by default, with
steps before it the association's administrator may add, see `CodeRules`) and is then
published to the association's members, who acknowledge the published version they read.
Publishing a version supersedes the one published before it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guildhall.kit import attendees as kit_attendees
from guildhall.kit.models import author, time_and_place_errors
from guildhall.kit.workflow import Workflow
from guildhall.orgs.models import Role
from guildhall.records.models import RecordSubject
from guildhall.records.services import attachment_snapshot
from guildhall.reviews.models import Verdict
from guildhall.reviews.services import OWN, Step

#: The years a session may take place in (beyond them a date is a typing mistake).
STUDY_YEARS = (2000, 2100)
MAX_HOURS = Decimal("24")
#: Members who have not acknowledged a published version are reminded after this many
#: working days, and once more after twice as many; never more than twice.
ACK_REMIND_DAYS = getattr(settings, "STUDY_ACK_REMIND_DAYS", 5)

ATTENDEE_NOT_MEMBER = kit_attendees.NOT_MEMBER


class Form(models.TextChoices):
    GROUP = "group", _("Group study")            # 集中学习
    LECTURE = "lecture", _("Thematic lecture")   # 专题讲座
    ONLINE = "online", _("Online study")         # 线上学习
    SEMINAR = "seminar", _("Seminar and exchange")  # 研讨交流
    VISIT = "visit", _("Study visit")            # 参观学习


class SessionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CONFIRMED = "confirmed", _("Confirmed")


SESSION_FIELDS = ("plan_topic", "topic", "form", "held_at", "venue", "online_platform", "leader", "attendees",
                  "other_attendees", "hours", "minutes", "library_items")


class StudySession(Workflow, RecordSubject):
    """One study session of an association."""

    TRANSITIONS = {
        "edit": ({SessionStatus.DRAFT}, None),
        "confirm": ({SessionStatus.DRAFT}, SessionStatus.CONFIRMED),
        # A confirmed session is corrected by a new revision with a reason; it goes back
        # to the principal for confirmation and leaves the figures until then.
        "correct": ({SessionStatus.CONFIRMED}, SessionStatus.DRAFT),
    }
    ACTIONS = ["edit", "confirm", "correct", "attach"]
    rules_prefix = "study.session"

    class EntryKind(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed by the principal")
        CORRECTED = "corrected", _("Corrected after confirmation")

    organization = models.ForeignKey("orgs.Organization", models.PROTECT,
                                     related_name="study_sessions", verbose_name=_("association"))
    topic = models.CharField(_("topic"), max_length=200)
    form = models.CharField(_("form"), max_length=20, choices=Form.choices, default=Form.GROUP)
    held_at = models.DateTimeField(_("time"))
    venue = models.CharField(_("place"), max_length=200, blank=True)
    online_platform = models.CharField(_("online platform"), max_length=200, blank=True)
    leader = models.CharField(_("speaker or leader"), max_length=100)
    attendees, other_attendees = kit_attendees.model_fields(
        pgettext_lazy("study", "attendees"), pgettext_lazy("study", "other attendees"))
    #: Active members of the association when the session was confirmed: the base of its
    #: participation rate, so that later changes of membership do not rewrite the past.
    members_then = models.PositiveIntegerField(null=True, blank=True)
    hours = models.DecimalField(_("duration (hours)"), max_digits=4, decimal_places=1)
    minutes = models.TextField(pgettext_lazy("study", "minutes"), blank=True)
    plan_topic = models.ForeignKey("study.PlanTopic", models.SET_NULL, null=True, blank=True,
                                   related_name="sessions", verbose_name=_("topic of the plan"))
    #: Materials picked from the association's library (its own and its supervisors').
    library_items = models.ManyToManyField("study.Material", related_name="sessions", blank=True,
                                           verbose_name=_("materials from the library"))
    status = models.CharField(_("status"), max_length=20, choices=SessionStatus.choices,
                              default=SessionStatus.DRAFT, db_index=True)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                                     blank=True, related_name="+")
    created_by = author(_("recorded by"))
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_at", "-pk"]
        verbose_name = _("study session")
        indexes = [models.Index(fields=["organization", "status", "held_at"],
                                name="study_session_org_status")]

    def __str__(self) -> str:
        return self.topic

    def get_absolute_url(self) -> str:
        return reverse("study:session_detail", args=[self.organization_id, self.pk])

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.organization_id and self.organization.is_supervisor:
            errors["organization"] = _("Only associations record study sessions.")
        errors.update(time_and_place_errors(self, STUDY_YEARS))
        if self.plan_topic_id and self.plan_topic.organization_id != self.organization_id:
            errors["plan_topic"] = _("Choose a topic of the association's own study plan.")
        if self.hours is not None and not Decimal("0") < Decimal(self.hours) <= MAX_HOURS:
            errors["hours"] = _("Give a duration of more than 0 and at most 24 hours.")
        if errors:
            raise ValidationError(errors)

    @property
    def year(self) -> int:
        return timezone.localtime(self.held_at).year

    def snapshot(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for name in SESSION_FIELDS:
            if name == "attendees":
                data[name] = kit_attendees.snapshot(self)
            elif name == "held_at":
                data[name] = timezone.localtime(self.held_at).strftime("%Y-%m-%d %H:%M")
            elif name == "hours":
                data[name] = str(self.hours)
            elif name == "plan_topic":
                data[name] = self.plan_topic_id
            elif name == "library_items":
                data[name] = [[m.pk, m.title] for m in self.library_items.order_by("pk")] \
                    if self.pk else []
            else:
                data[name] = getattr(self, name)
        data["attachments"] = attachment_snapshot(self) if self.pk else []
        return data


# ---- codes of conduct ------------------------------------------------------------------

class CodeKind(models.TextChoices):
    SELF_DISCIPLINE = "self_discipline", _("Self-discipline code")  # 自律规约
    ETHICS = "ethics", _("Code of professional ethics")             # 职业道德准则
    OTHER = "other", _("Other code")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("Awaiting adoption")
    ADOPTED = "adopted", _("Adopted")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")


#: A code has one version at a time on its way to publication.
PENDING_VERSION = (VersionStatus.DRAFT, VersionStatus.IN_REVIEW, VersionStatus.ADOPTED)


class Code(RecordSubject):
    """A code of conduct of an association; its text lives in its versions. It carries the
    records' revisions too: each version's text is a revision, so versions compare with
    the records' diff."""

    class EntryKind(models.TextChoices):
        SUBMITTED = "submitted", _("Version submitted for adoption")
        RETURNED = "returned", _("Version returned for revision")
        ADOPTED = "adopted", _("Version adopted")
        PUBLISHED = "published", _("Version published")

    organization = models.ForeignKey("orgs.Organization", models.PROTECT,
                                     related_name="conduct_codes", verbose_name=_("association"))
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=CodeKind.choices)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    created_by = author()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "title", "pk"]
        verbose_name = _("code of conduct")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("study:code_detail", args=[self.organization_id, self.pk])

    def clean(self) -> None:
        if self.organization_id and self.organization.is_supervisor:
            raise ValidationError({"organization": _("Only associations keep codes of conduct.")})


class CodeVersion(Workflow, models.Model):
    """One version of a code: drafted, submitted for adoption, passed through the adoption
    steps of the review mechanism (the last is the principal's), published to the members.
    A step may return it to its authors with a reason; it is then a draft again."""

    TRANSITIONS = {
        "edit": ({VersionStatus.DRAFT}, None),
        "submit": ({VersionStatus.DRAFT}, VersionStatus.IN_REVIEW),
        # The review mechanism decides where "adopt" (approve the current step) leads.
        "adopt": ({VersionStatus.IN_REVIEW}, None),
        "return": ({VersionStatus.IN_REVIEW}, VersionStatus.DRAFT),
        "publish": ({VersionStatus.ADOPTED}, VersionStatus.PUBLISHED),
        "acknowledge": ({VersionStatus.PUBLISHED}, None),
    }
    ACTIONS = ["edit", "submit", "adopt", "return", "publish", "acknowledge"]
    DECISIONS = frozenset({"adopt", "return"})
    rules_prefix = "study.version"
    review_subject_type = "study.version"

    code = models.ForeignKey(Code, models.CASCADE, related_name="versions")
    organization = models.ForeignKey("orgs.Organization", models.PROTECT, related_name="+")
    number = models.PositiveIntegerField(_("version"))
    body = models.TextField(_("text"))
    effective_date = models.DateField(_("effective date"))
    status = models.CharField(_("status"), max_length=20, choices=VersionStatus.choices,
                              default=VersionStatus.DRAFT, db_index=True)
    created_by = author()
    created_at = models.DateTimeField(default=timezone.now)
    #: Counts the edits of the version, so that a review decision is bound to what was read.
    revision = models.PositiveIntegerField(_("revision"), default=1)
    #: Counts the submissions for adoption; the steps are decided afresh in each round.
    review_round = models.PositiveIntegerField(default=0)
    #: The roles of the adoption steps, fixed when the version was submitted.
    review_roles = models.JSONField(default=list, blank=True)
    adopted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                                   blank=True, related_name="+")
    adopted_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                                     blank=True, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    #: The days after which members who have not acknowledged are reminded (twice at most).
    first_reminder_on = models.DateField(null=True, blank=True)
    second_reminder_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["code", "-number"]
        verbose_name = _("version of a code")
        constraints = [models.UniqueConstraint(fields=["code", "number"],
                                               name="study_version_number_unique")]

    def __str__(self) -> str:
        return f"{self.code.title}（{self.number}）"

    def get_absolute_url(self) -> str:
        return reverse("study:version_detail", args=[self.organization_id, self.pk])

    def snapshot(self) -> dict[str, Any]:
        return {"body": self.body, "effective_date": self.effective_date.isoformat()}

    # ---- the adoption, through the review mechanism -----------------------------------

    def review_steps(self) -> list[Any]:
        return adoption_steps(self.review_roles or DEFAULT_ADOPTION_ROLES)

    def review_author_ids(self) -> set[int]:
        # The principal who drafted the association's code adopts it all the same: the
        # code is the association's, adopted by its principal, not a piece to be checked
        # by someone other than its writer. Nobody decides two steps of one round.
        return set()

    def is_under_review(self) -> bool:
        return self.status == VersionStatus.IN_REVIEW


#: Roles that may decide a step before the principal's adoption.
ADOPTION_STEP_ROLES = ("reviewer", "admin", "editor")
MAX_STEPS_BEFORE = 3
DEFAULT_ADOPTION_ROLES = ["principal"]


def adoption_steps(roles: list[str]) -> list[Any]:
    """The adoption steps of these roles: a review by each role before the last, which is
    the principal's adoption. A step is approved or returned, never rejected: a returned
    version is a draft to be fixed."""
    verdicts = frozenset({Verdict.APPROVE, Verdict.RETURN})
    steps = []
    for n, role in enumerate(roles, start=1):
        name = (_("Adoption by the principal") if n == len(roles) else
                _("Review by the %(role)s") % {"role": Role(role).label})
        steps.append(Step(n, name, OWN, frozenset({role}), verdicts))
    return steps


class CodeRules(models.Model):
    """How an association adopts its codes: the review steps before the principal's
    adoption (none by default), set by its administrator. A version keeps the steps it
    was submitted with."""

    organization = models.OneToOneField("orgs.Organization", models.CASCADE,
                                        related_name="code_rules")
    steps_before = models.JSONField(_("steps before the principal's adoption"), default=list,
                                    blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                                   related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("adoption steps of codes")

    def __str__(self) -> str:
        return f"code rules of {self.organization_id}"

    @classmethod
    def roles_for(cls, org: Any) -> list[str]:
        """The roles of the adoption steps of `org` now, the principal's last."""
        found = cls.objects.filter(organization=org).values_list("steps_before", flat=True).first()
        return [*(found or []), *DEFAULT_ADOPTION_ROLES]

    def clean(self) -> None:
        roles = self.steps_before
        if not isinstance(roles, list) or len(roles) > MAX_STEPS_BEFORE:
            raise ValidationError({"steps_before": _("Give at most three steps before the "
                                                     "principal's adoption.")})
        if any(r not in ADOPTION_STEP_ROLES for r in roles):
            raise ValidationError({"steps_before": _("Each step before the adoption is one of "
                                                     "the roles: reviewer, administrator, editor.")})


class Acknowledgement(models.Model):
    """A member read a published version and acknowledged it (once per person and version)."""

    version = models.ForeignKey(CodeVersion, models.CASCADE, related_name="acknowledgements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "user"],
                                               name="study_ack_once_per_version")]

    def __str__(self) -> str:
        return f"acknowledgement of version {self.version_id}"


def ack_reminder_days(published: dt.date) -> tuple[dt.date, dt.date]:
    from guildhall.notifications import calendar

    return (calendar.add_working_days(published, ACK_REMIND_DAYS),
            calendar.add_working_days(published, 2 * ACK_REMIND_DAYS))


# ---- the year's study plan ----------------------------------------------------------------

class PlanTopic(models.Model):
    """One topic of an association's study plan for a year: what is to be studied in which
    month, in which form, with which materials, and which member is responsible. A study
    session names the topic it carried out."""

    organization = models.ForeignKey("orgs.Organization", models.PROTECT,
                                     related_name="study_topics", verbose_name=_("association"))
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    topic = models.CharField(_("topic"), max_length=200)
    form = models.CharField(_("form"), max_length=20, choices=Form.choices, default=Form.GROUP)
    materials = models.TextField(_("materials"), blank=True)
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    null=True, blank=True, verbose_name=_("responsible member"))
    created_by = author()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["year", "month", "pk"]
        verbose_name = _("topic of the study plan")
        constraints = [models.CheckConstraint(condition=models.Q(month__gte=1, month__lte=12),
                                              name="study_topic_month_1_12")]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d} {self.topic}"

    def get_absolute_url(self) -> str:
        return reverse("study:plan", args=[self.organization_id]) + f"?year={self.year}"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.organization_id and self.organization.is_supervisor:
            errors["organization"] = _("Only associations record study sessions.")
        if not (self.month and 1 <= self.month <= 12):
            errors["month"] = _("Choose a month from 1 to 12.")
        low, high = STUDY_YEARS
        if not (self.year and low <= self.year <= high):
            errors["year"] = _("Give a year between %(low)d and %(high)d.") % {"low": low, "high": high}
        if errors:
            raise ValidationError(errors)


# ---- the materials library -----------------------------------------------------------------

class Material(Workflow, RecordSubject):
    """A document, link or video an association (or a supervising body, for every
    association below it) shares for study. Its file is an attachment of the records."""

    TRANSITIONS: dict = {}
    ACTIONS = ["attach", "delete"]
    rules_prefix = "study.material"

    class EntryKind(models.TextChoices):
        SHARED = "shared", _("Shared")

    organization = models.ForeignKey("orgs.Organization", models.PROTECT,
                                     related_name="study_materials", verbose_name=_("shared by"))
    title = models.CharField(_("title"), max_length=200)
    source = models.CharField(_("source"), max_length=200, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    tags = models.CharField(_("tags"), max_length=300, blank=True,
                            help_text=_("Separate tags with commas."))
    link = models.URLField(_("link"), max_length=500, blank=True)
    revision = models.PositiveIntegerField(default=1)
    created_by = author()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("study material")

    def __str__(self) -> str:
        return self.title

    @property
    def records_url_prefix(self) -> str:
        return "study:material_"

    @property
    def status(self) -> str:  # the kit's workflow asks for one; a material has no states
        return "shared"

    def get_absolute_url(self) -> str:
        return reverse("study:material_detail", args=[self.organization_id, self.pk])

    @property
    def tag_list(self) -> list[str]:
        import re

        return [t for t in (x.strip() for x in re.split(r"[,，、;；]", self.tags or "")) if t]


# ---- education activities -----------------------------------------------------------------

class ActivityKind(models.TextChoices):
    LECTURE = "lecture", _("Lecture")
    EXHIBITION = "exhibition", _("Exhibition")
    ESSAY = "essay", _("Essay contest")
    SPEECH = "speech", _("Speech contest")
    WELFARE = "welfare", _("Public-welfare activity")


class Activity(Workflow, RecordSubject):
    """An education activity of an association: a lecture, an exhibition, an essay or speech
    contest, a public-welfare activity. Its photos, materials and results (the winning
    entries) are attachments; one that is a public event links to its event filing, whose
    rules apply to it (no second approval here)."""

    TRANSITIONS: dict = {}
    ACTIONS = ["attach", "delete"]
    rules_prefix = "study.activity"

    class EntryKind(models.TextChoices):
        RECORDED = "recorded", _("Recorded")

    organization = models.ForeignKey("orgs.Organization", models.PROTECT,
                                     related_name="study_activities", verbose_name=_("association"))
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    date = models.DateField(_("date"))
    venue = models.CharField(_("place"), max_length=200, blank=True)
    organizers = models.CharField(_("organizers"), max_length=300, blank=True)
    participants = models.PositiveIntegerField(_("participants"), default=0)
    description = models.TextField(_("description"), blank=True)
    revision = models.PositiveIntegerField(default=1)
    created_by = author()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("education activity")

    def __str__(self) -> str:
        return self.title

    @property
    def records_url_prefix(self) -> str:
        return "study:activity_"

    @property
    def status(self) -> str:
        return "recorded"

    def get_absolute_url(self) -> str:
        return reverse("study:activity_detail", args=[self.organization_id, self.pk])

    def clean(self) -> None:
        if self.organization_id and self.organization.is_supervisor:
            raise ValidationError({"organization": _("Only associations record study sessions.")})
