"""Where the dashboard's figures come from: one source per module, used only while that
module's app is installed ("where a module has not landed, its columns are absent, not
zero"), and the columns the pages draw from them.

A source computes, for a batch of associations, the fields of their `Row` and their part of
the chart breakdowns, in a constant number of queries per batch. It reads the module's
models and public query functions, never its private names.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.signals import setting_changed
from django.db.models import Count, Max, Min, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guildhall.audit.models import AuditRecord
from guildhall.orgs.models import Membership, Role


@dataclass(frozen=True)
class Period:
    """The moment the figures are computed for: the current year, today, now."""

    now: dt.datetime

    @property
    def today(self) -> dt.date:
        return timezone.localdate(self.now)

    @property
    def year(self) -> int:
        return self.today.year

    @property
    def year_start(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime(self.year, 1, 1))

    @property
    def next_midnight(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.today + dt.timedelta(days=1), dt.time()))


Found = dict[int, dict[str, Any]]  # org id -> Row fields, plus "charts" and "stale_after"


@dataclass(frozen=True)
class Source:
    """The figures one module contributes; `apps_needed` all installed, or it is left out."""

    key: str
    apps_needed: tuple[str, ...]
    compute: Callable[[list[int], Period], Found]
    fields: tuple[str, ...] = ()

    @property
    def installed(self) -> bool:
        return all(apps.is_installed(a) for a in self.apps_needed)


def _blank(ids: list[int], **values: Any) -> Found:
    return {pk: {**values, "charts": {}} for pk in ids}


def _merge_chart(found: Found, org_id: int, chart: str, key: str, value: Any) -> None:
    found[org_id]["charts"].setdefault(chart, {})[key] = value


# ---- the organization itself (always there) ---------------------------------------------

#: Audit actions that are not the association's own work (signing in, a refused click).
NOT_ACTIVITY = ("auth.", "permission.", "test.")


def activity_q() -> Q:
    q = Q()
    for prefix in NOT_ACTIVITY:
        q &= ~Q(action__startswith=prefix)
    return q


def _organization(ids: list[int], period: Period) -> Found:
    found = _blank(ids, has_admin=False, last_activity=None)
    for org_id in Membership.objects.filter(
            organization_id__in=ids, role=Role.ADMIN, is_active=True,
            user__is_active=True).values_list("organization_id", flat=True).distinct():
        found[org_id]["has_admin"] = True
    for row in AuditRecord.objects.filter(activity_q(), organization_id__in=ids).values(
            "organization_id").annotate(last=Max("created_at")).order_by():
        found[row["organization_id"]]["last_activity"] = row["last"]
    return found


# ---- plans --------------------------------------------------------------------------------

def _plans(ids: list[int], period: Period) -> Found:
    from guildhall.plans.models import ItemStatus, Plan, PlanItem
    from guildhall.plans.queries import overdue_q

    found = _blank(ids, plan_status="", plan_items=0, plan_done=0, completion=None, overdue=0,
                   grade="")
    today = period.today
    items = PlanItem.objects.filter(organization_id__in=ids, plan__year=period.year).exclude(
        status=ItemStatus.DROPPED)
    for row in items.values("organization_id").annotate(
            total=Count("pk"), done=Count("pk", filter=Q(status=ItemStatus.DONE)),
            late=Count("pk", filter=overdue_q(today))).order_by():
        f = found[row["organization_id"]]
        f["plan_items"], f["plan_done"], f["overdue"] = row["total"], row["done"], row["late"]
        f["completion"] = round(row["done"] * 100 / row["total"]) if row["total"] else None
    for org_id, status, due, fix_by in items.filter(overdue_q(today)).values_list(
            "organization_id", "status", "due_date", "rectification_due"):
        when = fix_by if status == ItemStatus.RETURNED else due
        month = f"{when:%Y-%m}"
        months = found[org_id]["charts"].setdefault("overdue_by_month", {})
        months[month] = months.get(month, 0) + 1
    for org_id, year, status, grade in Plan.objects.filter(
            organization_id__in=ids, year__in=[period.year, period.year - 1]).values_list(
            "organization_id", "year", "status", "grade"):
        if year == period.year:
            found[org_id]["plan_status"] = status
        else:
            found[org_id]["grade"] = grade
    return found


# ---- events and publications: what waits for the supervisor --------------------------------

FILING_OUTCOMES = ("approved", "returned", "rejected", "pending", "other")


def filing_outcome(status: str) -> str:
    from guildhall.events.models import APPROVED_STATES, UNDER_REVIEW, Status

    if status in APPROVED_STATES:
        return "approved"
    if status in UNDER_REVIEW:
        return "pending"
    if status in (Status.RETURNED, Status.REJECTED):
        return str(status)
    return "other"


def _events(ids: list[int], period: Period) -> Found:
    from guildhall.events.models import Filing, Status

    found = _blank(ids, filings_pending=0, filings_overdue=0)
    for row in Filing.objects.filter(organization_id__in=ids, status=Status.SUBMITTED).values(
            "organization_id").annotate(n=Count("pk"), late=Count("pk", filter=Q(
                decision_due__lt=period.today))).order_by():
        found[row["organization_id"]].update(filings_pending=row["n"], filings_overdue=row["late"])
    for row in Filing.objects.filter(organization_id__in=ids, starts_at__gte=period.year_start,
                                     starts_at__lt=period.year_start.replace(year=period.year + 1)
                                     ).values("organization_id", "type", "status").annotate(
            n=Count("pk")).order_by():
        key = f"{row['type']}|{filing_outcome(row['status'])}"
        charts = found[row["organization_id"]]["charts"].setdefault("filings", {})
        charts[key] = charts.get(key, 0) + row["n"]
    return found


def _publications(ids: list[int], period: Period) -> Found:
    from guildhall.publications.models import Channel, ChannelStatus, Publication, Status
    from guildhall.reviews.services import SUPERVISOR

    found = _blank(ids, publications_pending=0, publications_overdue=0, channels_paused=0)
    for row in Publication.objects.filter(
            organization_id__in=ids, status=Status.IN_REVIEW, current_step_level=SUPERVISOR,
    ).values("organization_id").annotate(n=Count("pk"), late=Count("pk", filter=Q(
            review_due__lt=period.today))).order_by():
        found[row["organization_id"]].update(publications_pending=row["n"],
                                             publications_overdue=row["late"])
    for row in Channel.objects.filter(organization_id__in=ids, status=ChannelStatus.PAUSED).values(
            "organization_id").annotate(n=Count("pk")).order_by():
        found[row["organization_id"]]["channels_paused"] = row["n"]
    return found


# ---- incidents ------------------------------------------------------------------------------

def late_first_report_q(now: dt.datetime) -> Q:
    """A first report made late, or not made and past its time."""
    return Q(first_report_late=True) | Q(first_reported_at__isnull=True, first_report_due__lt=now)


def _incidents(ids: list[int], period: Period) -> Found:
    from guildhall.incidents.models import RANK, Incident, Status

    found = _blank(ids, incidents_open=0, top_severity="", top_rank=None, late_reports=0)
    for org_id, severity in Incident.objects.filter(organization_id__in=ids).exclude(
            status=Status.CLOSED).values_list("organization_id", "severity"):
        f = found[org_id]
        f["incidents_open"] += 1
        if f["top_rank"] is None or RANK[severity] < f["top_rank"]:
            f["top_rank"], f["top_severity"] = RANK[severity], severity
    this_year = Incident.objects.filter(organization_id__in=ids, discovered_at__gte=period.year_start)
    for row in this_year.values("organization_id", "severity").annotate(
            n=Count("pk"), late=Count("pk", filter=late_first_report_q(period.now)),
            reported=Count("minutes_to_first_report"), minutes=Sum("minutes_to_first_report"),
    ).order_by():
        found[row["organization_id"]]["late_reports"] += row["late"]
        # [incidents, first reports made, their minutes from discovery in all]
        _merge_chart(found, row["organization_id"], "incidents", row["severity"],
                     [row["n"], row["reported"], row["minutes"] or 0])
    # A first report still to be made turns late at its deadline: the row is stale then.
    for row in Incident.objects.filter(organization_id__in=ids, first_reported_at__isnull=True,
                                       first_report_due__gte=period.now).values(
            "organization_id").annotate(due=Min("first_report_due")).order_by():
        found[row["organization_id"]]["stale_after"] = row["due"]
    return found


# ---- study and codes ------------------------------------------------------------------------

def _study(ids: list[int], period: Period) -> Found:
    from guildhall.study import queries

    found = _blank(ids, study_sessions=0, study_hours=Decimal("0"), study_planned=0, ack_rate=None)
    for org_id, fig in queries.figures_by_org(ids, period.year).items():
        found[org_id].update(study_sessions=fig.sessions, study_hours=fig.hours,
                             study_planned=fig.planned)
    versions = list(queries.published_versions(ids))
    rates = queries.rates_by_version(versions)
    totals: dict[int, list[int]] = {}
    for v in versions:
        acked, members = totals.setdefault(v.organization_id, [0, 0])
        totals[v.organization_id] = [acked + rates[v.pk].acknowledged, members + rates[v.pk].members]
    for org_id, (acked, members) in totals.items():
        found[org_id]["ack_rate"] = round(acked * 100 / members) if members else None
    return found


# ---- the annual report: a hook for `guildhall.reports` ---------------------------------------

#: What the annual-report module provides: `status_by_organization(org_ids, year)` returning
#: {org_id: one of `ReportStatus`'s values} for the reports of `year` (an association without
#: a report may be left out: it is "none").
REPORTS_QUERY = "guildhall.reports.queries"


def _reports(ids: list[int], period: Period) -> Found:
    queries = importlib.import_module(REPORTS_QUERY)  # not imported while the app is absent
    found = _blank(ids, report_status="none")
    for org_id, status in queries.status_by_organization(ids, period.year - 1).items():
        if org_id in found:
            found[org_id]["report_status"] = str(status)
    return found


SOURCES = [
    Source("organization", (), _organization, ("has_admin", "last_activity")),
    Source("plans", ("guildhall.plans",), _plans,
           ("plan_status", "plan_items", "plan_done", "completion", "overdue", "grade")),
    Source("events", ("guildhall.events",), _events, ("filings_pending",)),
    Source("publications", ("guildhall.publications",), _publications,
           ("publications_pending", "channels_paused")),
    Source("incidents", ("guildhall.incidents",), _incidents,
           ("incidents_open", "top_severity", "top_rank", "late_reports")),
    Source("study", ("guildhall.study",), _study,
           ("study_sessions", "study_hours", "study_planned", "ack_rate")),
    Source("reports", ("guildhall.reports",), _reports, ("report_status",)),
]


@functools.cache
def installed_sources() -> list[Source]:
    """The sources whose apps are installed (read once; `forget_installed` after a change)."""
    return [s for s in SOURCES if s.installed]


@functools.cache
def installed_keys() -> frozenset[str]:
    return frozenset(s.key for s in installed_sources())


def forget_installed(**kwargs: Any) -> None:
    installed_sources.cache_clear()
    installed_keys.cache_clear()


setting_changed.connect(forget_installed, dispatch_uid="dashboard.forget_installed")


# ---- the columns the pages draw ---------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    """A column of the table and the export: shown while any of `sources` is installed."""

    key: str
    label: Any
    sources: tuple[str, ...] = ()
    #: order_by() terms for the ascending sort; "-" inverts a term for the descending one.
    order: tuple[str, ...] = field(default_factory=tuple)
    #: the bigger value is "worse" here, so the first click sorts descending.
    worst_first: bool = True


COLUMNS = [
    Column("name", _("Association"), order=("organization__name",), worst_first=False),
    Column("region", _("Region"), order=("organization__region", "organization__name"),
           worst_first=False),
    Column("completion", _("Plan completion"), ("plans",), ("completion",), worst_first=False),
    Column("overdue", _("Overdue items"), ("plans",), ("overdue",)),
    Column("grade", _("Last year's grade"), ("plans",), ("grade",), worst_first=False),
    Column("pending", _("Pending approvals"), ("events", "publications"),
           ("pending_overdue", "pending")),
    Column("incidents", _("Open incidents"), ("incidents",), ("-top_rank", "incidents_open")),
    Column("late_reports", _("Late first reports this year"), ("incidents",), ("late_reports",)),
    Column("study", _("Study sessions against the plan"), ("study",),
           ("study_sessions", "study_hours"), worst_first=False),
    Column("ack_rate", _("Codes acknowledged"), ("study",), ("ack_rate",), worst_first=False),
    Column("report", _("Annual report"), ("reports",), ("report_status",), worst_first=False),
    Column("channels_paused", _("Channels paused"), ("publications",), ("channels_paused",)),
    Column("last_activity", _("Last activity"), order=("last_activity",), worst_first=False),
    Column("has_admin", _("Active admin"), order=("has_admin",), worst_first=False),
]


def columns() -> list[Column]:
    keys = installed_keys()
    return [c for c in COLUMNS if not c.sources or any(s in keys for s in c.sources)]
