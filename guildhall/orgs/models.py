from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guildhall.orgs.validators import validate_credit_code


class Role(models.TextChoices):
    PRINCIPAL = "principal", _("Principal")
    ADMIN = "admin", _("Administrator")
    EDITOR = "editor", _("Editor")
    REVIEWER = "reviewer", _("Reviewer")
    STAFF = "staff", _("Staff member")
    APPROVER = "approver", _("Approver")
    VIEWER = "viewer", _("Viewer")


class Organization(models.Model):
    """A supervising body or an association, placed in one tree."""

    class Kind(models.TextChoices):
        SUPERVISOR = "supervisor", _("Supervising body")
        ASSOCIATION = "association", _("Association")

    ROLES_BY_KIND = {
        Kind.ASSOCIATION: [Role.PRINCIPAL, Role.ADMIN, Role.EDITOR, Role.REVIEWER, Role.STAFF],
        Kind.SUPERVISOR: [Role.APPROVER, Role.VIEWER, Role.ADMIN],
    }

    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("supervising body"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    code = models.SlugField(_("short code"), max_length=30, unique=True,
                            help_text=_("Letters, digits and hyphens; used in user names."))
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True,
                                   validators=[validate_credit_code])
    region = models.CharField(_("region"), max_length=100, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    # Materialized path "/1/4/9/" so "everything below" is one indexed prefix query.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        # Lists of the associations below a body are read by name, a page at a time: from
        # this index, not by sorting the province's 2,000 (the supervisor home's first ten,
        # the overviews' twentieth page).
        indexes = [models.Index(fields=["name", "id"], name="org_name")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="supervisor") | Q(parent__isnull=False),
                name="association_has_supervisor",
            ),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    def clean(self) -> None:
        if self.credit_code:
            self.credit_code = self.credit_code.strip().upper()
        if self.kind == self.Kind.ASSOCIATION and self.parent_id is None:
            raise ValidationError({"parent": _("An association must have a supervising body.")})
        if self.parent_id and self.parent.kind != self.Kind.SUPERVISOR:
            raise ValidationError({"parent": _("Only a supervising body can have organizations below it.")})

    @property
    def is_supervisor(self) -> bool:
        return self.kind == self.Kind.SUPERVISOR

    @property
    def role_choices(self) -> list[tuple[str, str]]:
        return [(r.value, r.label) for r in self.ROLES_BY_KIND[self.Kind(self.kind)]]

    def descendants(self) -> models.QuerySet[Organization]:
        """Return every organization below this one, recursively."""
        return Organization.objects.filter(path__startswith=self.path).exclude(pk=self.pk)

    def ancestor_ids(self) -> list[int]:
        return [int(p) for p in self.path.strip("/").split("/")[:-1] if p]


class Membership(models.Model):
    """A person's role in one organization."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organization__name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="one_role_per_organization"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.get_role_display()})"

    def clean(self) -> None:
        allowed = [r.value for r in Organization.ROLES_BY_KIND[Organization.Kind(self.organization.kind)]]
        if self.role not in allowed:
            raise ValidationError({"role": _("This role does not exist in this kind of organization.")})


class Invitation(models.Model):
    """An e-mailed invitation to join an organization with a role."""

    organization = models.ForeignKey(Organization, models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    # The last time the e-mail went out (the first sending or a resend).
    sent_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.email

    @property
    def expires_at(self) -> dt.datetime:
        """When the link stops working: INVITATION_DAYS after it was last sent."""
        return (self.sent_at or self.created_at) + dt.timedelta(days=settings.INVITATION_DAYS)

    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @classmethod
    def pending_of(cls, org: Organization) -> models.QuerySet[Invitation]:
        """The organization's invitations neither accepted nor cancelled, newest first."""
        return cls.objects.filter(organization=org, accepted_at__isnull=True,
                                  cancelled_at__isnull=True)
