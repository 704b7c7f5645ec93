"""The incident figures per association the board lists (never per person), stored in
`AssociationFigures` and kept by the services: each audited change of an incident refreshes
its association's row in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from guildhall.incidents.models import AssociationFigures, Incident, Report, Status
from guildhall.orgs.models import Organization

FIELDS = [f.name for f in AssociationFigures._meta.concrete_fields if f.name != "organization"]
#: What the board reads of them (the first reports not made yet give its overdue ones).
SHOWN = [f for f in FIELDS if not f.startswith("unreported")]
_DUES = ("unreported_due_first", "unreported_due_last")


def compute(org_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The stored figures of `org_ids`, from their incidents and reports (two queries)."""
    found: dict[int, dict[str, Any]] = {
        pk: {**dict.fromkeys(FIELDS, 0), **dict.fromkeys(_DUES)} for pk in org_ids}
    unreported = Q(first_reported_at=None)
    for row in Incident.objects.filter(organization_id__in=org_ids).order_by().values(
            "organization_id").annotate(
            total=Count("pk"), open=Count("pk", filter=~Q(status=Status.CLOSED)),
            late=Count("pk", filter=Q(first_report_late=True)),
            to_first_minutes=Sum("minutes_to_first_report"),
            to_first_count=Count("minutes_to_first_report"),
            unreported=Count("pk", filter=unreported),
            unreported_due_first=Min("first_report_due", filter=unreported),
            unreported_due_last=Max("first_report_due", filter=unreported)):
        found[row.pop("organization_id")].update(row)
    for row in Report.objects.filter(incident__organization_id__in=org_ids).order_by().values(
            "incident__organization_id").annotate(
            to_ack_minutes=Sum("minutes_to_ack"), to_ack_count=Count("minutes_to_ack"),
            late_acks=Count("pk", filter=Q(ack_late=True)),
            waiting=Count("pk", filter=Q(acknowledged_at=None))):
        found[row.pop("incident__organization_id")].update(row)
    for row in found.values():
        row["to_first_minutes"] = row["to_first_minutes"] or 0
        row["to_ack_minutes"] = row["to_ack_minutes"] or 0
    return found


def refresh(org_ids: Iterable[int]) -> None:
    """Recompute the rows of `org_ids`. Their rows are locked first, so that of two changes
    at once the second counts after the first is committed."""
    ids = sorted(set(org_ids))
    with transaction.atomic():
        AssociationFigures.objects.bulk_create(
            [AssociationFigures(organization_id=pk) for pk in ids], ignore_conflicts=True)
        list(AssociationFigures.objects.select_for_update().filter(pk__in=ids)
             .order_by("pk").values_list("pk", flat=True))
        AssociationFigures.objects.bulk_create(
            [AssociationFigures(organization_id=pk, **values)
             for pk, values in compute(ids).items()],
            update_conflicts=True, unique_fields=["organization"], update_fields=FIELDS)


def refresh_all(batch: int = 500) -> None:
    """Rebuild the rows of every association with incidents (seeding)."""
    ids = list(Incident.objects.order_by("organization_id").values_list(
        "organization_id", flat=True).distinct())
    for start in range(0, len(ids), batch):
        refresh(ids[start:start + batch])


def below(supervisor: Any, now: dt.datetime | None = None) -> QuerySet:
    """The figures of the associations below `supervisor` that have incidents, the latest
    reporters first, as rows for one query to page at the database (`finished` completes a
    page): the same rows `services.figures` computes from the incidents."""
    now = now or timezone.now()
    orgs = Organization.objects.filter(path__startswith=supervisor.path, is_active=True)
    counted = Incident.objects.filter(
        organization_id=OuterRef("organization_id"), first_reported_at=None,
        first_report_due__lte=now).order_by().values("organization_id").annotate(
        n=Count("pk")).values("n")
    # Their overdue first reports: none, all or (counted) some of the ones not made yet, as
    # the present falls before, after or between the earliest and latest deadline. Sorting
    # by a count made for every association below cost more than the rest of the page.
    missed = Case(
        When(unreported=0, then=Value(0)),
        When(unreported_due_last__lte=now, then=F("unreported")),
        When(unreported_due_first__gt=now, then=Value(0)),
        default=Coalesce(Subquery(counted, output_field=IntegerField()), Value(0)),
        output_field=IntegerField())
    return AssociationFigures.objects.filter(
        organization__in=orgs.values("pk"), total__gt=0).annotate(
        missed=missed, organization_name=F("organization__name")).values(
        "organization_id", "organization_name", "missed", *SHOWN).order_by(
        "-late", "-missed", "organization_name", "organization_id")


def totals_below(supervisor: Any) -> dict[str, int]:
    """The incidents below `supervisor` (`total`), the open ones and the associations that
    have any, added up from the stored rows (one query)."""
    orgs = Organization.objects.filter(path__startswith=supervisor.path, is_active=True)
    found = AssociationFigures.objects.filter(organization__in=orgs.values("pk")).aggregate(
        incidents=Sum("total"), still_open=Sum("open"),
        associations=Count("pk", filter=Q(total__gt=0)))
    return {"total": found["incidents"] or 0, "open": found["still_open"] or 0,
            "associations": found["associations"]}


def count_below(supervisor: Any) -> int:
    """How many rows `below` lists."""
    return totals_below(supervisor)["associations"]


def finished(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows with their averages, rounded to the minute as `services.figures` gives them."""
    out = []
    for row in rows:
        first, acks = row.pop("to_first_count"), row.pop("to_ack_count")
        first_minutes, ack_minutes = row.pop("to_first_minutes"), row.pop("to_ack_minutes")
        row["to_first"] = round(first_minutes / first) if first else None
        row["to_ack"] = round(ack_minutes / acks) if acks else None
        out.append(row)
    return out
