"""Keeping the dashboard's rows true: computed from the records by the installed sources,
after each audited write of an association, when they go stale by the clock, and on demand
(`guildhall refresh_dashboard`)."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from guildhall.dashboard import export
from guildhall.dashboard.models import Row
from guildhall.dashboard.sources import NOT_ACTIVITY, Period, installed_sources
from guildhall.orgs.models import Organization

log = logging.getLogger(__name__)
BATCH = 400
#: At most this many stale rows are refreshed while a page waits; the periodic task does the rest.
READ_REFRESH_LIMIT = 200
_FIELDS = [f.name for f in Row._meta.concrete_fields if f.name != "organization"]


def compute(org_ids: list[int], now: dt.datetime | None = None) -> dict[int, dict[str, Any]]:
    """The fields of the rows of `org_ids` (at most one batch), from the records."""
    period = Period(now or timezone.now())
    values: dict[int, dict[str, Any]] = {
        pk: {"year": period.year, "charts": {}, "stale_after": period.next_midnight,
             "computed_at": period.now} for pk in org_ids}
    for source in installed_sources():
        for pk, found in source.compute(org_ids, period).items():
            row = values[pk]
            row["charts"].update(found.pop("charts", {}))
            stale = found.pop("stale_after", None)
            if stale is not None and stale < row["stale_after"]:
                row["stale_after"] = stale
            row.update(found)
    for row in values.values():
        if "filings_pending" in row or "publications_pending" in row:
            row["pending"] = row.get("filings_pending", 0) + row.get("publications_pending", 0)
            row["pending_overdue"] = row.get("filings_overdue", 0) + row.get("publications_overdue", 0)
    return values


def refresh(org_ids: Iterable[int], now: dt.datetime | None = None) -> int:
    """Recompute and store the rows of the active associations among `org_ids`."""
    ids = list(Organization.objects.filter(
        pk__in=list(org_ids), kind=Organization.Kind.ASSOCIATION, is_active=True,
    ).values_list("pk", flat=True).order_by("pk"))
    for start in range(0, len(ids), BATCH):
        batch = ids[start:start + BATCH]
        values = compute(batch, now)
        Row.objects.bulk_create(
            [Row(organization_id=pk, **{k: v for k, v in fields.items() if k in _FIELDS})
             for pk, fields in values.items()],
            update_conflicts=True, unique_fields=["organization"], update_fields=_FIELDS)
        export.write_lines(batch)
    return len(ids)


def refresh_all(now: dt.datetime | None = None) -> int:
    """Rebuild every association's row (the command, seeding, after a deployment)."""
    ids = list(Organization.objects.filter(kind=Organization.Kind.ASSOCIATION, is_active=True)
               .values_list("pk", flat=True))
    Row.objects.exclude(organization_id__in=ids).delete()
    return refresh(ids, now)


def stale_below(supervisor: Organization, now: dt.datetime, limit: int | None) -> list[int]:
    """The associations below whose row is stale, read from the index on `stale_after` (one
    query). A missing row is the periodic task's: a new association's first audited change
    computes it at once."""
    qs = Row.objects.filter(stale_after__lte=now, organization__path__startswith=supervisor.path,
                            ).values_list("organization_id", flat=True).order_by()
    return list(qs[:limit] if limit else qs)


def refresh_stale(supervisor: Organization | None = None, limit: int | None = READ_REFRESH_LIMIT) -> int:
    """Refresh the stale rows below `supervisor` (every stale row without one, and the export
lines of the rows missing a line of the current version)."""
    now = timezone.now()
    if supervisor is None:
        ids = list(Row.objects.filter(stale_after__lte=now).values_list("organization_id", flat=True))
        ids += list(Organization.objects.filter(
            kind=Organization.Kind.ASSOCIATION, is_active=True, dashboard_row__isnull=True,
        ).values_list("pk", flat=True))
        refreshed = refresh(ids, now) if ids else 0
        unlined = sorted(export.rows_without_lines() - set(ids))
        for start in range(0, len(unlined), BATCH):
            export.write_lines(unlined[start:start + BATCH])
        return refreshed
    ids = stale_below(supervisor, now, limit)
    return refresh(ids, now) if ids else 0


# ---- after each write ---------------------------------------------------------------------

_pending = threading.local()


#: Changes of a supervising body that change its associations' figures (key tasks issued
#: into their plans): every row below is marked stale, for the periodic task to recompute.
CHANGES_BELOW = ("plans.template.",)


def on_audit_record(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """Every change is audited with its organization: refresh that association's row once
    the change is committed (a rolled-back change leaves the row as it was)."""
    if not created or not instance.organization_id or instance.action.startswith(NOT_ACTIVITY):
        return
    if instance.action.startswith(CHANGES_BELOW):
        org_id = instance.organization_id
        transaction.on_commit(lambda: mark_stale_below(org_id), robust=True)
        return
    if not hasattr(_pending, "ids"):
        _pending.ids = set()
    _pending.ids.add(instance.organization_id)
    transaction.on_commit(_flush, robust=True)


def mark_stale_below(org_id: int) -> int:
    org = Organization.objects.filter(pk=org_id).first()
    if org is None:
        return 0
    return Row.objects.filter(organization__path__startswith=org.path).update(
        stale_after=timezone.now())


def _flush() -> None:
    ids, _pending.ids = getattr(_pending, "ids", set()), set()
    if ids:
        refresh(ids)
