"""Reading filings: the scoping helper and the lists, queue, calendar and feed queries."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from typing import Any

from django.db.models import BigIntegerField, F, Func, Q, QuerySet

from guildhall.core.months import month_bounds, parse_month
from guildhall.events import search
from guildhall.events.models import APPROVED_STATES, EventType, Filing, Status, SubmittedFirst
from guildhall.orgs.models import Organization
from guildhall.orgs.scoping import get_for_user, visible_to


def visible_filings(user: Any) -> QuerySet[Filing]:
    """Return every filing of the organizations the user sees."""
    return visible_to(user, Filing.objects.all())


def get_filing_for_user(user: Any, pk: int, org_id: int | None = None) -> Filing:
    """Return the filing if the user may see it; the same 404 for missing and someone else's."""
    return get_for_user(user, Filing.objects.select_related(
        "organization", "created_by", "onsite_person"), pk, org_id)


def filter_filings(qs: QuerySet[Filing], params: dict[str, Any]) -> QuerySet[Filing]:
    """Apply the state, type, month and keyword filters of the list and the queue."""
    status = params.get("status") or ""
    if status in Status.values:
        qs = qs.filter(status=status)
    if params.get("type") in EventType.values:
        qs = qs.filter(type=params["type"])
    month = parse_month(params.get("month"))
    if month:
        start, end = month_bounds(*month)
        qs = qs.filter(starts_at__lt=end, ends_at__gte=start)
    if params.get("q"):
        qs = search.matching(qs, params["q"])  # the bigram index: lists across a province
    return qs


class Unindexed(Func):
    """A column as a value (`+column`): SQLite, without statistics, would otherwise start
    from the index of a column compared with a list (here the 2,000 associations below a
    body) rather than from a more selective or ordered one; PostgreSQL plans by its
    statistics and is not misled either way."""

    template = "+%(expressions)s"
    output_field = BigIntegerField()


def association_filings(org: Any) -> QuerySet[Filing]:
    return Filing.objects.filter(organization=org).select_related("organization", "created_by")


def queue_filings(supervisor: Any, status: str = "") -> QuerySet[Filing]:
    """Return the filings below a supervising body, overdue decisions first.

    The organizations are a subquery, not a join, and one whose index SQLite leaves aside
    (`Unindexed`), so the filings' own indexes are read: a state's, the order's, a
    search's candidates (read association by association, the filings would all be sorted).
    Filtered to one state the order is the index's (decision date, start): for submitted
    filings, which all have a decision date, that is overdue first too, without sorting
    thousands of rows by a computed rank. In every state the submitted filings come first,
    by the same order, then the others; the index `filing_all_states` holds that order."""
    below = Organization.objects.filter(path__startswith=supervisor.path, is_active=True)
    qs = Filing.objects.alias(scope=Unindexed(F("organization_id"))).filter(
        scope__in=below.values("pk")).select_related("organization", "created_by")
    if status in Status.values:
        return qs.filter(status=status).order_by("decision_due", "starts_at", "pk")
    return qs.order_by(SubmittedFirst(), "decision_due", "starts_at", "pk")


def approved_filings(org: Any) -> QuerySet[Filing]:
    """Return the approved, not cancelled events of an association or of those below a body."""
    qs = Filing.objects.filter(status__in=APPROVED_STATES).select_related("organization")
    if org.is_supervisor:
        return qs.filter(organization__path__startswith=org.path, organization__is_active=True)
    return qs.filter(organization=org)


def month_grid(org: Any, year: int, month: int) -> list[list[dict[str, Any]]]:
    """Return the weeks of the month, each day with the approved events on it."""
    start, end = month_bounds(year, month)
    events = list(approved_filings(org).filter(starts_at__lt=end, ends_at__gte=start)
                  .order_by("starts_at"))
    by_day: dict[dt.date, list[Filing]] = {}
    for filing in events:
        day, last = max(filing.start_date, start.date()), min(filing.end_date, (end - dt.timedelta(days=1)).date())
        while day <= last:
            by_day.setdefault(day, []).append(filing)
            day += dt.timedelta(days=1)
    weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    return [[{"date": d, "in_month": d.month == month, "events": by_day.get(d, [])} for d in week]
            for week in weeks]


def open_filings_q() -> Q:
    return ~Q(status__in=[Status.REJECTED, Status.CANCELLED, Status.CLOSED])
