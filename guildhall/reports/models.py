"""The annual work report (年度工作报告): a draft the principal writes the narrative of, and
the versions frozen at each submission (the .docx and PDF with their SHA-256 and the
figures as they were)."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guildhall.kit.models import author
from guildhall.kit.workflow import AcknowledgedBySupervisor, Workflow

#: The narrative's parts that are not a module's section.
CLOSING_PARTS = (("problems", _("Problems and shortcomings")),
                 ("next_year", _("Next year's plan")))
NARRATIVE_MAX = 20_000


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RETURNED = "returned", _("Returned for revision")


class Report(AcknowledgedBySupervisor, Workflow, models.Model):
    """An association's annual report for one year."""

    UNDER_REVIEW = Status.SUBMITTED
    TRANSITIONS = {
        "edit": ({Status.DRAFT, Status.RETURNED}, None),
        "submit": ({Status.DRAFT, Status.RETURNED}, Status.SUBMITTED),
        "acknowledge": ({Status.SUBMITTED}, Status.ACKNOWLEDGED),
        "return": ({Status.SUBMITTED}, Status.RETURNED),
    }
    ACTIONS = list(TRANSITIONS)
    DECISIONS = frozenset({"acknowledge", "return"})
    rules_prefix = "reports"
    review_subject_type = "reports.report"

    organization = models.ForeignKey("orgs.Organization", models.PROTECT, related_name="reports",
                                     verbose_name=_("association"))
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.DRAFT, db_index=True)
    #: The number of the version under review (0 before the first submission).
    revision = models.PositiveIntegerField(default=0)
    review_round = models.PositiveIntegerField(default=0)
    #: {section key or closing part: text}
    narratives = models.JSONField(default=dict, blank=True)
    created_by = author()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("annual report")
        ordering = ["-year", "organization_id"]
        constraints = [models.UniqueConstraint(fields=["organization", "year"],
                                               name="one_report_per_year")]

    def __str__(self) -> str:
        return str(_("%(org)s: annual report %(year)s") % {"org": self.organization, "year": self.year})

    def get_absolute_url(self) -> str:
        return reverse("reports:report_detail", args=[self.organization_id, self.year])


class PdfState(models.TextChoices):
    PENDING = "pending", _("Being converted")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Conversion failed")


def _version_path(instance: Any, filename: str) -> str:
    return f"reports/{instance.report.organization_id}/{uuid.uuid4().hex}{filename[-5:]}"


class Version(models.Model):
    """One submission of a report, frozen: its document, figures and narrative never change."""

    report = models.ForeignKey(Report, models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    document_number = models.CharField(_("document number"), max_length=40)
    figures = models.JSONField(default=list)
    narratives = models.JSONField(default=dict)
    docx = models.FileField(upload_to=_version_path, max_length=200)
    docx_sha256 = models.CharField(max_length=64)
    pdf = models.FileField(upload_to=_version_path, max_length=200, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    pdf_state = models.CharField(max_length=10, choices=PdfState.choices, default=PdfState.PENDING)
    pdf_error = models.CharField(max_length=300, blank=True)
    pdf_pages = models.PositiveIntegerField(null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Status.choices,
                               default=Status.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["report", "number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"],
                                               name="one_report_version_number")]

    def __str__(self) -> str:
        return f"{self.report} v{self.number}"
