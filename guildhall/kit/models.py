"""What the modules' models declare the same way (abstract: no table of its own)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Settings(models.Model):
    """What an organization sets, for itself or for the associations below it (a module's
    rules), with who changed it last and when. `owner` names the one-to-one field to the
    organization."""

    owner: ClassVar[str] = "organization"

    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   blank=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    @classmethod
    def of(cls, org: Any) -> Any:
        """Return the organization's settings, or the defaults (unsaved) when it never set any."""
        return cls.objects.filter(**{cls.owner: org}).first() or cls(**{cls.owner: org})


class ReviewedRecord(models.Model):
    """What a module's record that goes through the review mechanism keeps of it: the
    current revision, the review round, the revision last approved, when it was last
    submitted and decided; when it was made and last changed."""

    revision = models.PositiveIntegerField(_("revision"), default=1)
    review_round = models.PositiveIntegerField(default=0)
    approved_revision = models.PositiveIntegerField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class Searchable(models.Model):
    """A record the keyword search reads (`kit.search`): its lower-cased text (for a filing,
    its title, description, organizer, venue and speakers; for a publication, its title and
    body), written by the module's services with each revision."""

    search_text = models.TextField(blank=True, default="", editable=False)

    class Meta:
        abstract = True


def author(verbose_name: Any = None) -> models.ForeignKey:
    """Return the field of who made a record: kept while the record exists (an account that
    made records is not deleted; an erased person's records move to a placeholder), with no
    reverse accessor on the user."""
    return models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                             verbose_name=verbose_name)


def between(field: str, low: int, high: int, name: str) -> models.CheckConstraint:
    """Return the database's rule that `field` lies from `low` to `high`, both included."""
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__gte": low, f"{field}__lte": high}), name=name)


def time_and_place_errors(obj: Any, years: tuple[int, int]) -> dict[str, Any]:
    """Return the errors of a gathering's time (`held_at`, in one of `years`) and place
    (`venue` or `online_platform`, or both), by field, for its `clean()`."""
    errors: dict[str, Any] = {}
    low, high = years
    if obj.held_at is not None and not low <= obj.held_at.year <= high:
        errors["held_at"] = _("Give a date between the years %(low)d and %(high)d.") % {
            "low": low, "high": high}
    if not (obj.venue or "").strip() and not (obj.online_platform or "").strip():
        errors["venue"] = _("Give the place or the online platform (or both).")
    return errors
