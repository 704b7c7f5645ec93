"""What every module's records have, kept once and attached by subject: revisions with a
snapshot, a timeline, attachments and checker findings.

A subject is any model with an `organization`; it attaches the records with
`RecordsMixin` and the generic relations it declares (see `docs/architecture.md`,
"How to add a module"). The rows are keyed by content type and id, as Wagtail keys its
revisions, and each carries the subject's organization so that scoping never needs the
subject's own table.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guildhall.core.uploads import StoredFile


class SubjectKeyed(models.Model):
    """The subject a record belongs to, and the subject's organization."""

    subject_type = models.ForeignKey(ContentType, models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    organization = models.ForeignKey("orgs.Organization", models.PROTECT, related_name="+")

    class Meta:
        abstract = True


class Revision(SubjectKeyed):
    """The subject's content as it stood at one revision (never changed afterwards)."""

    number = models.PositiveIntegerField(_("revision"))
    snapshot = models.JSONField()
    changed_fields = models.JSONField(default=list)
    material = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "number"],
                                name="revision_subject")]
        constraints = [models.UniqueConstraint(fields=["subject_type", "subject_id", "number"],
                                               name="one_revision_per_number")]

    def __str__(self) -> str:
        return f"{self.subject_type_id}:{self.subject_id} r{self.number}"


class Entry(SubjectKeyed):
    """A line of the subject's timeline that is not a revision or a review decision.

    `kind` is one of the subject's `EntryKind` choices, which give its label.
    """

    kind = models.CharField(max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                              related_name="+")
    revision = models.PositiveIntegerField()
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name_plural = "entries"
        indexes = [models.Index(fields=["subject_type", "subject_id", "at"], name="entry_subject")]

    def __str__(self) -> str:
        return f"{self.subject_type_id}:{self.subject_id} {self.kind}"

    def label(self, subject_model: type | None = None) -> str:
        """Return the kind's name in the reader's language, from the subject's choices."""
        model = subject_model or self.subject_type.model_class()
        kinds = getattr(model, "EntryKind", None)
        if kinds is not None and self.kind in kinds.values:
            return str(kinds(self.kind).label)
        return self.kind


def _attachment_path(instance: Attachment, filename: str) -> str:
    # Never the uploaded name: it may be anything, and the files are not served directly.
    return f"{instance.subject_type.app_label}/{instance.organization_id}/{uuid.uuid4().hex}"


class Attachment(SubjectKeyed, StoredFile):
    """A file of the subject, stored under a generated name.

    A removed file stays (`removed_at`): earlier revisions refer to it.
    `purpose` is the module's word for why the file is there ("foreign_party": material
    handed to a foreign party, which the checker must read first).
    """

    file = models.FileField(upload_to=_attachment_path, max_length=200)
    purpose = models.CharField(max_length=30, blank=True)
    scanned_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta(StoredFile.Meta):
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="attachment_subject")]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


FINDING_TYPES = {
    "CN_RESIDENT_ID": _("Resident ID number"),
    "CN_USCC": _("Unified social credit code"),
    "BANK_CARD": _("Bank card number"),
    "CN_MOBILE": _("Mobile phone number"),
    "CN_LANDLINE": _("Landline number"),
    "PASSPORT": _("Passport number"),
    "EMAIL": _("E-mail address"),
    "CONFIDENTIAL_MARKING": _("Confidentiality marking"),
    "CUSTOM_TERM": _("Confidential term of the association"),
    "UNREADABLE": _("File the checker could not read"),
}


class Finding(SubjectKeyed):
    """What the checker found in one revision of the subject. Only the masked value is kept.

    `value_hash` is a keyed hash (HMAC-SHA256 with the site's secret key) of the full value,
    never the value itself: it tells whether a later revision contains exactly the same
    value, so that an acknowledgement is carried over only to that value and not to a
    different one that happens to have the same mask.
    """

    class Source(models.TextChoices):
        TITLE = "title", _("Title")
        BODY = "body", _("Body")
        ATTACHMENT = "attachment", _("Attachment")

    revision = models.PositiveIntegerField()
    source = models.CharField(max_length=12, choices=Source.choices)
    attachment = models.ForeignKey(Attachment, models.SET_NULL, null=True, blank=True,
                                   related_name="findings")
    attachment_name = models.CharField(max_length=200, blank=True)
    type = models.CharField(max_length=40)
    masked = models.CharField(max_length=200, blank=True)
    value_hash = models.CharField(max_length=64, blank=True)
    location = models.CharField(max_length=200, blank=True)
    start = models.PositiveIntegerField(default=0)
    end = models.PositiveIntegerField(default=0)
    detail = models.CharField(max_length=300, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                        blank=True, related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_reason = models.TextField(_("reason"), blank=True)
    acknowledged_revision = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["revision", "source", "start", "pk"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "revision"],
                                name="finding_subject")]

    def __str__(self) -> str:
        return f"{self.type} {self.masked}"

    @property
    def type_label(self) -> str:
        return str(FINDING_TYPES.get(self.type, self.type))

    @property
    def is_resolved(self) -> bool:
        return self.acknowledged_at is not None

    def place(self) -> str:
        """Return where it is: "Body, paragraph 3", "Title", "plan.docx, page 2"."""
        if self.source == self.Source.ATTACHMENT:
            return ", ".join(p for p in (self.attachment_name, self.location) if p)
        if self.source == self.Source.BODY and self.location.isdigit():
            # Stored as the number, named in the reader's language.
            return str(_("Body, paragraph %(n)s") % {"n": self.location})
        return str(self.Source(self.source).label)


def _relation(model: str) -> GenericRelation:
    return GenericRelation(model, content_type_field="subject_type", object_id_field="subject_id",
                           related_query_name="%(app_label)s_%(class)s")


class RecordSubject(models.Model):
    """Attach revisions, the timeline, attachments and findings to a module's model.

    The model needs `organization` and `revision` fields; it names its timeline's kinds
    in an inner `EntryKind(TextChoices)`. Its record pages are named
    `<records_url_prefix>attachment_upload`, `…attachment_download`, `…attachment_remove`
    and `…finding_acknowledge`, each taking the organization's and the subject's ids first;
    its own page is `detail_page` (the URL name, taking the same ids) unless it says
    `get_absolute_url` itself.
    """

    detail_page: ClassVar[str] = ""

    revisions = _relation("records.Revision")
    entries = _relation("records.Entry")
    attachments = _relation("records.Attachment")
    findings = _relation("records.Finding")
    links = _relation("records.Link")

    class Meta:
        abstract = True

    def get_absolute_url(self) -> str:
        return reverse(self.detail_page, args=[self.organization_id, self.pk])

    @property
    def records_url_prefix(self) -> str:
        return f"{self._meta.app_label}:"


class Link(SubjectKeyed):
    """A reference from the subject to another record of the same organization: evidence
    that a plan item was done (an approved filing, a published article), or where an item
    came from (a meeting's conclusion, an incident's lesson).

    The target is another module's object; the modules never import each other, so the
    kinds that may be linked are registered with `kit.links` by the module that owns them.
    `kind` is that registry's key ("events.filing").
    """

    class Role(models.TextChoices):
        EVIDENCE = "evidence", _("Evidence")
        ORIGIN = "origin", _("Origin")

    role = models.CharField(max_length=20, choices=Role.choices)
    kind = models.CharField(max_length=60)
    target_type = models.ForeignKey(ContentType, models.PROTECT, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="link_subject"),
                   models.Index(fields=["target_type", "target_id"], name="link_target")]
        constraints = [models.UniqueConstraint(
            fields=["subject_type", "subject_id", "role", "target_type", "target_id"],
            name="one_link_per_target")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.target_id}"
