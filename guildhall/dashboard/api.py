"""The dashboard's rows through the API: the same filters, sort and figures as the page."""


import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from guildhall.core.pagination import Pages
from guildhall.dashboard import queries, services
from guildhall.orgs.permissions import require
from guildhall.orgs.scoping import get_org_for_user

router = Router(tags=["dashboard"])


class RowOut(Schema):
    """One association's figures; a module's fields are null while it is not installed."""

    organization: int
    name: str
    credit_code: str
    region: str
    year: int
    plan_status: str
    plan_items: int | None
    completion: int | None
    overdue: int | None
    grade: str
    pending: int | None
    pending_overdue: int | None
    filings_pending: int | None
    publications_pending: int | None
    incidents_open: int | None
    top_severity: str
    late_reports: int | None
    study_sessions: int | None
    study_planned: int | None
    study_hours: Decimal | None
    ack_rate: int | None
    report_status: str
    channels_paused: int | None
    last_activity: dt.datetime | None
    has_admin: bool
    computed_at: dt.datetime

    @staticmethod
    def resolve_organization(obj) -> int:
        return obj.organization_id

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.organization.name

    @staticmethod
    def resolve_credit_code(obj) -> str:
        return obj.organization.credit_code

    @staticmethod
    def resolve_region(obj) -> str:
        return obj.organization.region


class RowFilters(Schema):
    q: str = Field("", max_length=100)
    region: str = Field("", max_length=100)
    status: str = Field("", max_length=20)
    only: list[str] = Field(default_factory=list, max_length=10)
    sort: str = Field("name", max_length=30)
    chart: str = Field("", max_length=80)


def _supervisor(request: HttpRequest, org_id: int):
    org = get_org_for_user(request.user, org_id)
    require(request.user, "dashboard.view", org)
    services.refresh_stale(org)
    return org


@router.get("/dashboard/{org_id}/rows", response=list[RowOut], url_name="dashboard_rows")
@paginate(Pages, page_size=queries.PAGE_SIZE)
def dashboard_rows(request: HttpRequest, org_id: int, filters: Query[RowFilters]):
    """The associations below a supervising body with their figures, filtered and sorted as
    on the dashboard (`sort=-overdue`, `only=overdue`, `q=` name or credit code)."""
    org = _supervisor(request, org_id)
    parsed = queries.Filters.parse(filters.dict())
    return queries.sorted_rows(queries.filtered(org, parsed), parsed)


@router.get("/dashboard/association/{org_id}", response=RowOut, url_name="dashboard_row")
def dashboard_row(request: HttpRequest, org_id: int):
    """One association's figures, for the supervising bodies above it."""
    org = get_org_for_user(request.user, org_id)
    require(request.user, "dashboard.association", org)
    return queries.get_row_for_user(request.user, org.pk)
