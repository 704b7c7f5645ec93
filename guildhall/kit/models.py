"""What the modules' models declare the same way (abstract: no table of its own)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Settings(models.Model):
    """What an organization sets, for itself or for the associations below it (a module's
    rules), with who changed it last and when."""

    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   blank=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


def between(field: str, low: int, high: int, name: str) -> models.CheckConstraint:
    """Return the database's rule that `field` lies from `low` to `high`, both included."""
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__gte": low, f"{field}__lte": high}), name=name)
