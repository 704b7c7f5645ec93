"""The shared review mechanism: one decision per review step, bound to a revision."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Verdict(models.TextChoices):
    APPROVE = "approve", _("Approve")
    RETURN = "return", _("Return for revision")
    REJECT = "reject", _("Reject")


class Decision(models.Model):
    """What one reviewer decided at one step of one review round of an item.

    The item is named by `subject_type` ("events.filing") and `subject_id` rather than a
    generic foreign key: every module's items are reviewed the same way, and the pair is
    indexed. `round` counts the submissions of the item, so a step can be decided again
    after the item was returned and resubmitted; the unique constraint on
    (item, round, step) is what makes two simultaneous approvals yield one decision.
    """

    subject_type = models.CharField(max_length=60)
    subject_id = models.PositiveBigIntegerField()
    organization = models.ForeignKey("orgs.Organization", models.PROTECT, related_name="+")
    round = models.PositiveIntegerField()
    revision = models.PositiveIntegerField(_("revision"))
    step = models.PositiveSmallIntegerField(_("step"))
    step_name = models.CharField(_("step name"), max_length=100)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                 verbose_name=_("reviewer"))
    verdict = models.CharField(_("verdict"), max_length=10, choices=Verdict.choices)
    comment = models.TextField(_("comment"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)

    class Meta:
        ordering = ["decided_at", "pk"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "round"],
                                name="decision_subject")]
        constraints = [
            models.UniqueConstraint(fields=["subject_type", "subject_id", "round", "step"],
                                    name="one_decision_per_step"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_type}#{self.subject_id} r{self.revision} step {self.step}: {self.verdict}"
