"""The responsibility system and the annual work plan (责任制、年度工作要点) with its
assessment (考核).

Per association and year: a responsibility list (the first responsible person and the
owners of each duty, signed off by the principal); a plan of items, each owned by a
member, with progress updates and evidence; the supervisor's acknowledgement of the plan
(the review mechanism) and its assessment of each item and of the plan as a whole.
A supervising body issues the year's key tasks to its associations as a template.

Scores and grades are per organization and per plan item, never per person.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from guildhall.kit.models import author
from guildhall.kit.workflow import AcknowledgedBySupervisor, Workflow
from guildhall.records.models import RecordSubject


class Duty(models.TextChoices):
    """The duties of the guideline a plan item serves and a responsible person holds."""

    RESPONSIBILITY = "responsibility", _("Responsibility system")
    LEADERSHIP = "leadership", _("Leadership and deployment")
    EVENTS = "events", _("Events: filing and approval")
    CHANNELS = "channels", _("Channels and publications")
    REPORTING = "reporting", _("Reporting system: incidents and important situations")
    MANAGEMENT = "management", _("Management system")
    EDUCATION = "education", _("Education system: study and training")
    CODES = "codes", _("Self-discipline codes and ethics")


class EvidenceKind(models.TextChoices):
    """The kind of record that proves an item was done."""

    DOCUMENT = "document", _("A document")
    FILING = "events.filing", _("An event filing")
    PUBLICATION = "publications.publication", _("A publication")
    STUDY = "study.session", _("A study session")
    MEETING = "meetings.meeting", _("A meeting")


def default_grade_bands() -> list[dict[str, Any]]:
    """优秀/良好/合格/不合格 with their lowest scores. The names are the supervisor's data,
    kept in the site's language whoever first saw them."""
    with translation.override(settings.LANGUAGE_CODE):
        return [{"grade": str(_("Excellent")), "min": 90}, {"grade": str(_("Good")), "min": 80},
                {"grade": str(_("Pass")), "min": 60}, {"grade": str(_("Fail")), "min": 0}]


class PlanRules(models.Model):
    """What a supervising body sets for the plans of the associations below it."""

    supervisor = models.OneToOneField("orgs.Organization", models.CASCADE, related_name="plan_rules")
    adoption_days = models.PositiveSmallIntegerField(
        _("adoption deadline (working days after a template is issued)"), default=10)
    window_opens = models.DateField(_("assessment window opens"), null=True, blank=True)
    window_closes = models.DateField(_("assessment window closes"), null=True, blank=True)
    # [{"grade": "优秀", "min": 90}, ...] from the highest band down.
    grade_bands = models.JSONField(_("grade scale"), default=default_grade_bands)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   blank=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("plan rules")

    def __str__(self) -> str:
        return str(_("Assessment window of %(body)s") % {"body": self.supervisor})

    @property
    def organization(self) -> Any:
        """The body the rules are of (the deadlines' notices are filed under it)."""
        return self.supervisor

    @classmethod
    def for_supervisor(cls, supervisor: Any) -> PlanRules:
        """Return the body's rules, or the defaults (unsaved) when it never set any."""
        return cls.objects.filter(supervisor=supervisor).first() or cls(supervisor=supervisor)

    @classmethod
    def for_association(cls, org: Any) -> PlanRules:
        return cls.objects.filter(supervisor_id=org.parent_id).first() or cls(
            supervisor_id=org.parent_id)

    def window_is_open(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return bool(self.window_opens and self.window_closes
                    and self.window_opens <= today <= self.window_closes)

    def grade_for(self, score: float) -> str:
        bands = sorted(self.grade_bands or default_grade_bands(), key=lambda b: -float(b["min"]))
        for band in bands:
            if score >= float(band["min"]):
                return str(band["grade"])
        return str(bands[-1]["grade"]) if bands else ""


# ---- the responsibility list --------------------------------------------------------

class ListStatus(models.TextChoices):
    DRAFT = "draft", _("Not signed")
    SIGNED = "signed", _("Signed")


class ResponsibilityList(Workflow, RecordSubject):
    """The association's responsibility list of one year: the first responsible person and
    who holds each duty. Signed off by the principal; a change after signing needs a
    reason, makes a new revision and must be signed again."""

    TRANSITIONS = {
        "edit": ({ListStatus.DRAFT, ListStatus.SIGNED}, ListStatus.DRAFT),
        "sign": ({ListStatus.DRAFT}, ListStatus.SIGNED),
    }
    ACTIONS = list(TRANSITIONS)
    rules_prefix = "responsibility"

    class EntryKind(models.TextChoices):
        SIGNED = "signed", _("Signed by the principal")
        CHANGED = "changed", _("Changed after signing")

    organization = models.ForeignKey("orgs.Organization", models.PROTECT,
                                     related_name="responsibility_lists",
                                     verbose_name=_("association"))
    year = models.PositiveSmallIntegerField(_("year"))
    principal = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("first responsible person"))
    status = models.CharField(_("status"), max_length=20, choices=ListStatus.choices,
                              default=ListStatus.DRAFT)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("responsibility list")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["organization", "year"],
                                               name="one_responsibility_list_per_year")]

    def __str__(self) -> str:
        return f"{self.organization} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("plans:responsibility", args=[self.organization_id, self.year])

    def snapshot(self) -> dict[str, Any]:
        return {"principal": self.principal.display_name if self.principal else "",
                "holders": [{"duty": h.duty, "member": h.member.display_name, "note": h.note}
                            for h in self.holders.select_related("member").order_by("duty", "pk")]}


class DutyHolder(models.Model):
    """One member responsible for one duty area in the year's list."""

    responsibility_list = models.ForeignKey(ResponsibilityList, models.CASCADE,
                                            related_name="holders")
    duty = models.CharField(_("duty"), max_length=30, choices=Duty.choices)
    member = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                               verbose_name=_("responsible person"))
    note = models.CharField(_("what they answer for"), max_length=200, blank=True)

    class Meta:
        ordering = ["duty", "pk"]
        constraints = [models.UniqueConstraint(fields=["responsibility_list", "duty", "member"],
                                               name="one_holder_per_duty")]

    def __str__(self) -> str:
        return f"{self.duty}: {self.member_id}"


# ---- templates from above --------------------------------------------------------------

class TemplateStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")


class PlanTemplate(Workflow, models.Model):
    """The year's key tasks a supervising body issues to the associations below it."""

    TRANSITIONS = {
        "edit": ({TemplateStatus.DRAFT}, None),
        "issue": ({TemplateStatus.DRAFT}, TemplateStatus.ISSUED),
    }
    ACTIONS = list(TRANSITIONS)
    rules_prefix = "plan_templates"

    organization = models.ForeignKey("orgs.Organization", models.PROTECT,
                                     related_name="plan_templates", verbose_name=_("supervising body"))
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    note = models.TextField(_("note to the associations"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=TemplateStatus.choices,
                              default=TemplateStatus.DRAFT)
    recipients = models.ManyToManyField("orgs.Organization", related_name="+", blank=True,
                                        verbose_name=_("issued to"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    adoption_due = models.DateField(_("adopt by"), null=True, blank=True)
    created_by = author()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("key tasks template")
        ordering = ["-year", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:template_detail", args=[self.organization_id, self.pk])


class TemplateItem(models.Model):
    template = models.ForeignKey(PlanTemplate, models.CASCADE, related_name="items")
    title = models.CharField(_("task"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    duty = models.CharField(_("guideline duty"), max_length=30, choices=Duty.choices)
    evidence_kind = models.CharField(_("proved by"), max_length=40, choices=EvidenceKind.choices,
                                     default=EvidenceKind.DOCUMENT)
    evidence_required = models.CharField(_("evidence required"), max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title


# ---- the plan ---------------------------------------------------------------------------

class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Being drawn up")
    SUBMITTED = "submitted", _("Submitted")
    ACKNOWLEDGED = "acknowledged", _("Being carried out")
    ASSESSED = "assessed", _("Assessed")


#: The states in which the plan's items are carried out and changed only by a new revision.
CARRIED_OUT = {PlanStatus.SUBMITTED, PlanStatus.ACKNOWLEDGED}


class Plan(AcknowledgedBySupervisor, Workflow, RecordSubject):
    """The association's annual work plan (年度工作要点)."""

    UNDER_REVIEW = PlanStatus.SUBMITTED
    TRANSITIONS = {
        "edit": ({PlanStatus.DRAFT, *CARRIED_OUT}, None),
        "adopt": ({PlanStatus.DRAFT}, None),
        "submit": ({PlanStatus.DRAFT}, PlanStatus.SUBMITTED),
        "acknowledge": ({PlanStatus.SUBMITTED}, PlanStatus.ACKNOWLEDGED),
        "return": ({PlanStatus.SUBMITTED}, PlanStatus.DRAFT),
        "grade": ({PlanStatus.ACKNOWLEDGED}, PlanStatus.ASSESSED),
    }
    ACTIONS = list(TRANSITIONS)
    DECISIONS = frozenset({"acknowledge", "return"})
    rules_prefix = "plans"
    review_subject_type = "plans.plan"

    class EntryKind(models.TextChoices):
        ADOPTED = "adopted", _("Key tasks adopted")
        SUBMITTED = "submitted", _("Submitted to the supervising body")
        CHANGED = "changed", _("Changed: new revision")
        GRADED = "graded", _("Assessed")

    organization = models.ForeignKey("orgs.Organization", models.PROTECT, related_name="plans",
                                     verbose_name=_("association"))
    year = models.PositiveSmallIntegerField(_("year"))
    template = models.ForeignKey(PlanTemplate, models.SET_NULL, null=True, blank=True,
                                 related_name="plans")
    adoption_due = models.DateField(_("adopt by"), null=True, blank=True)
    adopted_at = models.DateTimeField(_("adopted at"), null=True, blank=True)
    adopted_late = models.BooleanField(_("adopted late"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=PlanStatus.choices,
                              default=PlanStatus.DRAFT, db_index=True)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    review_round = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1, null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=40, blank=True)
    assessment_comment = models.TextField(_("assessment comment"), blank=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                    blank=True, related_name="+")
    assessed_at = models.DateTimeField(_("assessed at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("annual work plan")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["organization", "year"],
                                               name="one_plan_per_year")]

    def __str__(self) -> str:
        return str(_("%(org)s: work plan %(year)s") % {"org": self.organization, "year": self.year})

    def get_absolute_url(self) -> str:
        return reverse("plans:plan_detail", args=[self.organization_id, self.year])

    @property
    def needs_adoption(self) -> bool:
        return self.template_id is not None and self.adopted_at is None

    def is_adoption_late(self, today: dt.date | None = None) -> bool:
        if self.adopted_at:
            return self.adopted_late
        return bool(self.adoption_due and (today or timezone.localdate()) > self.adoption_due)

    def snapshot(self) -> dict[str, Any]:
        return {"items": [{"id": i.pk, "title": i.title, "duty": i.duty,
                           "owner": i.owner.display_name if i.owner else "",
                           "due_date": i.due_date.isoformat() if i.due_date else "",
                           "status": i.status}
                          for i in self.items.select_related("owner").order_by("pk")]}


class ItemStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    RETURNED = "returned", _("Returned for rectification")
    DROPPED = "dropped", _("Dropped")


OPEN_ITEM = {ItemStatus.NOT_STARTED, ItemStatus.IN_PROGRESS, ItemStatus.RETURNED}


class PlanItem(Workflow, RecordSubject):
    """One item of the plan: a task, its owner, due date and the evidence that proves it."""

    TRANSITIONS = {
        "edit": (OPEN_ITEM, None),
        "report": (OPEN_ITEM, None),
        "attach": (OPEN_ITEM, None),
        "claim_done": (OPEN_ITEM, ItemStatus.DONE),
        "drop": ({ItemStatus.NOT_STARTED, ItemStatus.IN_PROGRESS}, ItemStatus.DROPPED),
        "assess": ({ItemStatus.DONE}, None),
        "return_for_rectification": ({ItemStatus.DONE}, ItemStatus.RETURNED),
    }
    ACTIONS = list(TRANSITIONS)
    rules_prefix = "plan_items"

    class EntryKind(models.TextChoices):
        PROGRESS = "progress", _("Progress update")
        LINKED = "linked", _("Evidence linked")
        CLAIMED = "claimed", _("Completion claimed")
        DROPPED = "dropped", _("Dropped")
        ASSESSED = "assessed", _("Assessed")
        RETURNED = "returned", _("Returned for rectification")

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="items")
    organization = models.ForeignKey("orgs.Organization", models.PROTECT, related_name="+")
    title = models.CharField(_("task"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    duty = models.CharField(_("guideline duty"), max_length=30, choices=Duty.choices)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("owner"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    evidence_kind = models.CharField(_("proved by"), max_length=40, choices=EvidenceKind.choices,
                                     default=EvidenceKind.DOCUMENT)
    evidence_required = models.CharField(_("evidence required"), max_length=300, blank=True)
    template_item = models.ForeignKey(TemplateItem, models.SET_NULL, null=True, blank=True,
                                      related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=ItemStatus.choices,
                              default=ItemStatus.NOT_STARTED, db_index=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    drop_reason = models.TextField(_("why it was dropped"), blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    assessment_comment = models.TextField(_("assessment comment"), blank=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                    blank=True, related_name="+")
    assessed_at = models.DateTimeField(null=True, blank=True)
    rectification_due = models.DateField(_("rectify by"), null=True, blank=True)
    rectification_note = models.TextField(_("what to rectify"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("plan item")
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["plan", "status"], name="plan_item_status"),
                   models.Index(fields=["status", "due_date"], name="plan_item_due"),
                   models.Index(fields=["status", "score", "due_date"], name="plan_item_assess"),
                   # The assessment queue's done items not yet scored, in due-date order:
                   # PostgreSQL otherwise walks every done item to find the few unscored.
                   models.Index(fields=["due_date", "id"], name="plan_item_unscored",
                                condition=models.Q(status="done", score__isnull=True))]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="progress_at_most_100"),
            models.CheckConstraint(condition=models.Q(score__isnull=True) | models.Q(score__lte=100),
                                   name="item_score_at_most_100"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:item_detail", args=[self.organization_id, self.pk])

    def is_overdue(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        if self.status == ItemStatus.RETURNED:
            return bool(self.rectification_due and self.rectification_due < today)
        return self.status in OPEN_ITEM and bool(self.due_date and self.due_date < today)

    @property
    def shown_status(self) -> str:
        """The status as the lists show it: "overdue" for an open item past its date."""
        return "overdue" if self.is_overdue() else self.status

    @property
    def shown_status_label(self) -> Any:
        # The state's own name, not get_status_display(): that translates every state's name
        # on each call, and the lists ask this of every row.
        return _("Overdue") if self.is_overdue() else ItemStatus(self.status).label

    @property
    def done_share(self) -> int:
        """How far the item is, in percent, for the progress bars."""
        return 100 if self.status == ItemStatus.DONE else min(self.progress, 99)

    def snapshot(self) -> dict[str, Any]:
        return {"title": self.title, "description": self.description, "duty": self.duty,
                "owner": self.owner.display_name if self.owner else "",
                "due_date": self.due_date.isoformat() if self.due_date else "",
                "evidence_kind": self.evidence_kind, "evidence_required": self.evidence_required}
