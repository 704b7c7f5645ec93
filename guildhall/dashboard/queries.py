"""Reading the dashboard: the rows below a supervising body with the page's filters and
sort, the headline figures and the charts of the filtered set. The page, the export and the
API all read through here."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Avg, Count, F, Max, Q, QuerySet, Sum
from django.http import Http404, QueryDict
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from guildhall.core.pagination import Counted
from guildhall.dashboard.models import SUBMITTED_REPORT, Row
from guildhall.dashboard.sources import COLUMNS, FILING_OUTCOMES, Column, columns, installed_keys
from guildhall.orgs.models import Organization
from guildhall.orgs.permissions import Access

#: The threshold filters: key -> (the source it needs, the condition, its label).
THRESHOLDS: dict[str, tuple[str, Q, Any]] = {
    "overdue": ("plans", Q(overdue__gt=0), _("overdue items")),
    "pending_overdue": ("events", Q(pending_overdue__gt=0), _("overdue approvals")),
    "late": ("incidents", Q(late_reports__gt=0), _("late first reports this year")),
    "open_incidents": ("incidents", Q(incidents_open__gt=0), _("open incidents")),
    "no_report": ("reports", ~Q(report_status__in=SUBMITTED_REPORT), _("no report submitted")),
    "paused": ("publications", Q(channels_paused__gt=0), _("a paused channel")),
    "no_admin": ("organization", Q(has_admin=False), _("no active admin")),
}


def thresholds() -> list[tuple[str, Any]]:
    keys = installed_keys() | {"organization"}
    return [(k, label) for k, (source, _q, label) in THRESHOLDS.items() if source in keys]


def plan_states() -> list[tuple[str, Any]]:
    if "plans" not in installed_keys():
        return []
    from guildhall.plans.models import PlanStatus

    return [*PlanStatus.choices, ("none", _("No plan"))]
PAGE_SIZE = 20
SUMMARY_SECONDS = 600


@dataclass
class Filters:
    """The page's filters, parsed once from the query string (unknown values are ignored)."""

    q: str = ""
    region: str = ""
    status: str = ""
    only: list[str] = field(default_factory=list)
    sort: str = "name"
    descending: bool = False
    #: A chart's category ("incidents:major"): the associations behind it.
    chart: str = ""

    @classmethod
    def parse(cls, params: QueryDict | dict[str, Any]) -> Filters:
        keys = installed_keys() | {"organization"}
        get = params.get
        only = params.getlist("only") if hasattr(params, "getlist") else list(get("only") or [])
        sort = str(get("sort") or "name")
        descending = sort.startswith("-")
        sort = sort.lstrip("-")
        if sort not in {c.key for c in columns()}:
            sort, descending = "name", False
        return cls(q=str(get("q") or "").strip()[:100], region=str(get("region") or "")[:100],
                   status=str(get("status") or "")[:20] if "plans" in keys else "",
                   only=[o for o in only if o in THRESHOLDS and THRESHOLDS[o][0] in keys],
                   sort=sort, descending=descending, chart=_chart(str(get("chart") or "")))

    def query(self, **changes: Any) -> str:
        """The query string of these filters, with `changes` (for links and the pager)."""
        values = {"q": self.q, "region": self.region, "status": self.status, "chart": self.chart,
                  "sort": ("-" if self.descending else "") + self.sort, **changes}
        qd = QueryDict(mutable=True)
        for key, value in values.items():
            if value and value != "name":
                qd[key] = value
        for o in self.only:
            qd.appendlist("only", o)
        return qd.urlencode()


CHARTS = {"completion": "plans", "overdue_by_month": "plans", "incidents": "incidents",
          "filings": "events", "reports": "reports"}
_CHART_KEY = re.compile(r"^[\w|-]{1,60}$")


def _chart(value: str) -> str:
    name, _sep, key = value.partition(":")
    return value if CHARTS.get(name) in installed_keys() and _CHART_KEY.match(key) else ""


def chart_q(chart: str) -> Q:
    """The rows behind one category of a chart."""
    name, _sep, key = chart.partition(":")
    if name == "completion":
        if key == "none":
            return Q(completion__isnull=True)
        low, _sep, high = key.partition("-")
        if not (low.isdigit() and high.isdigit()):
            return Q(pk__in=[])
        return Q(completion__gte=int(low), completion__lte=int(high))
    if name == "reports":
        return Q(report_status=key)
    if name == "filings":
        q = Q(pk__in=[])
        for outcome in FILING_OUTCOMES:
            q |= Q(**{"charts__filings__has_key": f"{key}|{outcome}"})
        return q
    return Q(**{f"charts__{name}__has_key": key})


def association_rows(org: Any, fields: list[str]) -> QuerySet[Row]:
    """The association's row (one or none), only `fields`."""
    return Row.objects.filter(organization=org).only(*fields).order_by("pk")


def get_row_for_user(user: Any, org_id: int) -> Row:
    """The row of an association the user sees, recomputed first when it is missing or
    stale; else the same 404 as for a missing association."""
    from guildhall.dashboard.services import refresh

    def read() -> Row | None:
        return Row.objects.filter(organization_id=org_id, organization__is_active=True,
                                  organization__kind=Organization.Kind.ASSOCIATION,
                                  ).select_related("organization", "organization__parent").first()

    row = read()
    if row is None or row.stale_after <= timezone.now():
        refresh([org_id])
        row = read()
    if row is None or not Access.for_user(user).can_see(row.organization):
        raise Http404("No such association")
    return row


def supervising_body(user: Any, org: Organization) -> Organization | None:
    """The nearest body above `org` in which the user has a role (the dashboard to go back to)."""
    access = Access.for_user(user)
    for ancestor_id in reversed(org.ancestor_ids()):
        if ancestor_id in access.roles:
            return access.orgs[ancestor_id]
    return None


def rows_below(supervisor: Organization) -> QuerySet[Row]:
    return Row.objects.filter(organization__path__startswith=supervisor.path,
                              organization__is_active=True,
                              organization__kind=Organization.Kind.ASSOCIATION)


def filtered(supervisor: Organization, filters: Filters) -> QuerySet[Row]:
    qs = rows_below(supervisor)
    if filters.q:
        q = filters.q
        qs = qs.filter(Q(organization__name__icontains=q) | Q(organization__short_name__icontains=q)
                       | Q(organization__credit_code__startswith=q.upper()))
    if filters.region:
        qs = qs.filter(organization__region=filters.region)
    if filters.status:
        qs = qs.filter(plan_status="" if filters.status == "none" else filters.status)
    if filters.chart:
        qs = qs.filter(chart_q(filters.chart))
    for key in filters.only:
        qs = qs.filter(THRESHOLDS[key][1])
    return qs


def sorted_rows(qs: QuerySet[Row], filters: Filters) -> QuerySet[Row]:
    column = next(c for c in COLUMNS if c.key == filters.sort)
    terms = []
    for term in column.order:
        name = term.lstrip("-")
        inverted = term.startswith("-") != filters.descending
        terms.append(F(name).desc(nulls_last=True) if inverted else F(name).asc(nulls_last=True))
    return qs.select_related("organization").order_by(*terms, "organization__name", "pk")


def regions(supervisor: Organization) -> list[str]:
    return sorted(r for r in rows_below(supervisor).values_list(
        "organization__region", flat=True).distinct().order_by() if r)


def headline(qs: QuerySet[Row]) -> dict[str, Any]:
    """The figures of the filtered set, in one query."""
    keys = installed_keys()
    aggregates: dict[str, Any] = {"associations": Count("pk"),
                                  "without_admin": Count("pk", filter=Q(has_admin=False))}
    if "plans" in keys:
        aggregates |= {"avg_completion": Avg("completion"), "sum_overdue": Sum("overdue"),
                       "with_overdue": Count("pk", filter=Q(overdue__gt=0))}
    if keys & {"events", "publications"}:
        aggregates |= {"sum_pending": Sum("pending"), "sum_pending_overdue": Sum("pending_overdue")}
    if "incidents" in keys:
        aggregates |= {"sum_incidents_open": Sum("incidents_open"),
                       "sum_late_reports": Sum("late_reports")}
    if "publications" in keys:
        aggregates |= {"sum_channels_paused": Sum("channels_paused")}
    if "reports" in keys:
        aggregates |= {"reports_submitted": Count("pk", filter=Q(report_status__in=SUBMITTED_REPORT))}
    # Aggregates are named apart from the fields they read (a name may not be both).
    found = {k.removeprefix("sum_").removeprefix("avg_"): v
             for k, v in qs.order_by().aggregate(**aggregates).items()}
    if found.get("completion") is not None:
        found["completion"] = round(found["completion"])
    return {k: (0 if v is None and k != "completion" else v) for k, v in found.items()}


COMPLETION_BANDS = [(0, 19), (20, 39), (40, 59), (60, 79), (80, 99), (100, 100)]


def chart_data(qs: QuerySet[Row]) -> dict[str, Any]:
    """The charts' figures for the filtered set: summed from the rows' breakdowns (one query)."""
    keys = installed_keys()
    completion = [0] * (len(COMPLETION_BANDS) + 1)  # the last: no plan items
    months: dict[str, int] = {}
    incidents: dict[str, list[int]] = {}
    filings: dict[str, int] = {}
    reports: dict[str, int] = {}
    for value, report, charts in qs.order_by().values_list("completion", "report_status", "charts"):
        if value is None:
            completion[-1] += 1
        else:
            completion[next(i for i, (lo, hi) in enumerate(COMPLETION_BANDS) if lo <= value <= hi)] += 1
        reports[report] = reports.get(report, 0) + 1
        for month, n in charts.get("overdue_by_month", {}).items():
            months[month] = months.get(month, 0) + n
        for severity, (n, reported, minutes) in charts.get("incidents", {}).items():
            total = incidents.setdefault(severity, [0, 0, 0])
            total[0] += n
            total[1] += reported
            total[2] += minutes
        for key, n in charts.get("filings", {}).items():
            filings[key] = filings.get(key, 0) + n
    return {"completion": completion if "plans" in keys else None,
            "overdue_by_month": dict(sorted(months.items())) if "plans" in keys else None,
            "incidents": incidents if "incidents" in keys else None,
            "filings": filings if "events" in keys else None,
            "reports": reports if "reports" in keys else None}


#: A paginator told the count (the headline has just counted the filtered rows).
Pages = Counted


def sort_choices() -> list[tuple[str, str]]:
    """Each column, the worrying end first, then the other way round (the phone's sort)."""
    out = []
    for c in columns():
        first, second = ("-", "") if c.worst_first else ("", "-")
        for sign in (first, second):
            arrow = "↓" if sign else "↑"
            out.append((f"{sign}{c.key}", f"{c.label} {arrow}"))
    return out


def version(supervisor: Organization) -> str:
    """What changes whenever any row below changes (one query): the rows' count and the
    latest time one was computed."""
    found = rows_below(supervisor).order_by().aggregate(n=Count("pk"), last=Max("computed_at"))
    return f"{found['n']}:{found['last'].isoformat() if found['last'] else ''}"


def summary(supervisor: Organization, filters: Filters) -> dict[str, Any]:
    """The headline, the charts and the regions of the filtered set. Sorting and paging do
    not change them, so they are kept in the cache under the filters, the language and the
    rows' `version`: any refreshed row makes a new version, and the figures are read afresh."""
    from guildhall.dashboard import charts

    signature = (f"{supervisor.pk}:{version(supervisor)}:{get_language()}:"
                 f"{filters.query(sort='', page='')}")
    key = "dashboard:" + hashlib.sha256(signature.encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        rows = filtered(supervisor, filters)
        found = {"headline": headline(rows), "charts": charts.build(supervisor, chart_data(rows)),
                 "regions": regions(supervisor)}
        cache.set(key, found, SUMMARY_SECONDS)
    return found


def column(key: str) -> Column | None:
    return next((c for c in columns() if c.key == key), None)
