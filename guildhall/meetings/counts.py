"""The meetings each association held per year, stored in `HeldCount` and kept by the
services: every change that can alter a count (recording a meeting as held, changing the
time of a held one) recounts the years it touches in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils import timezone

from guildhall.meetings.models import HeldCount, Meeting, Status


def compute(org_ids: Iterable[int] | None = None,
            years: Iterable[int] | None = None) -> dict[tuple[int, int], int]:
    """The held meetings by (organization, local year), counted from the meetings (of every
    association or of `org_ids`, in every year or in `years`); a pair with none is missing."""
    found = Meeting.objects.filter(status=Status.HELD).annotate(
        year=ExtractYear("held_at")).order_by()
    if org_ids is not None:
        found = found.filter(organization_id__in=list(org_ids))
    if years is not None:
        found = found.filter(year__in=list(years))
    return {(row["organization_id"], row["year"]): row["n"]
            for row in found.values("organization_id", "year").annotate(n=Count("pk"))}


def refresh(org_id: int, years: Iterable[int]) -> None:
    """Recount the association's `years`. Their rows are locked first, so that of two
    changes at once the second counts after the first is committed."""
    years = sorted(set(years))
    with transaction.atomic():
        HeldCount.objects.bulk_create([HeldCount(organization_id=org_id, year=y) for y in years],
                                      ignore_conflicts=True)
        list(HeldCount.objects.select_for_update().filter(organization_id=org_id, year__in=years)
             .order_by("year").values_list("pk", flat=True))
        found = compute([org_id], years)
        HeldCount.objects.bulk_create(
            [HeldCount(organization_id=org_id, year=y, held=found.get((org_id, y), 0)) for y in years],
            update_conflicts=True, unique_fields=["organization", "year"], update_fields=["held"])


def refresh_meeting(meeting: Meeting, *earlier: Any) -> None:
    """Recount the years of the meeting's time now and of its `earlier` times."""
    refresh(meeting.organization_id,
            {timezone.localtime(t).year for t in (meeting.held_at, *earlier)})


def deleted(sender: Any, instance: Meeting, **kwargs: Any) -> None:
    """A meeting row deleted (no page or service deletes one; a shell might): its year is
    recounted in the deletion's transaction (connected in `apps.py`)."""
    if instance.status == Status.HELD:
        refresh_meeting(instance)


def refresh_all(batch: int = 5000) -> int:
    """Rebuild every row from the meetings (seeding); return how many there are."""
    with transaction.atomic():
        HeldCount.objects.all().delete()
        rows = [HeldCount(organization_id=org, year=year, held=n)
                for (org, year), n in compute().items()]
        HeldCount.objects.bulk_create(rows, batch_size=batch)
    return len(rows)

