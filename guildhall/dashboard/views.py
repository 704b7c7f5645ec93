"""The supervisor's dashboard: the rows, an association's detail page, the .xlsx export."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from guildhall.dashboard import detail, export, home, queries, services
from guildhall.dashboard.cells import PAGE_FIELDS
from guildhall.dashboard.models import ReportStatus
from guildhall.dashboard.sources import columns, installed_keys
from guildhall.orgs.permissions import can, require
from guildhall.orgs.scoping import get_org_for_user


def _supervisor(request: HttpRequest, org_id: int):
    org = get_org_for_user(request.user, org_id)
    require(request.user, "dashboard.view", org)
    services.refresh_stale(org)
    return org


@login_required
@require_GET
def dashboard(request: HttpRequest, org_id: int) -> HttpResponse:
    org = _supervisor(request, org_id)
    filters = queries.Filters.parse(request.GET)
    rows = queries.filtered(org, filters)
    summary = queries.summary(org, filters)
    page = queries.Pages(queries.sorted_rows(rows, filters).only(*PAGE_FIELDS), queries.PAGE_SIZE,
                         count=summary["headline"]["associations"]).get_page(request.GET.get("page"))
    return render(request, "dashboard/dashboard.html", {
        "org": org, "page": page, "filters": filters, "columns": columns(),
        "sources": installed_keys(), "headline": summary["headline"],
        "charts": summary["charts"], "regions": summary["regions"],
        "threshold_labels": queries.thresholds(), "plan_states": queries.plan_states(),
        "query": filters.query(), "sort_choices": queries.sort_choices(),
        "sort_value": ("-" if filters.descending else "") + filters.sort,
        "report_states": ReportStatus, "may_act": can(request.user, "dashboard.act", org),
        "now": timezone.now()})


@login_required
@require_GET
def association(request: HttpRequest, org_id: int) -> HttpResponse:
    """The supervisor's detail page of one association below."""
    org = get_org_for_user(request.user, org_id)
    require(request.user, "dashboard.association", org)
    row = queries.get_row_for_user(request.user, org.pk)
    return render(request, "dashboard/association.html", {
        "org": queries.supervising_body(request.user, org), "row": row, "association": org,
        "sources": installed_keys(), "members": detail.members(org), **detail.sections(org),
        "figures": home.row_items(row), "report_column": queries.column("report"),
        "may_act": can(request.user, "dashboard.act_on", org),
        "may_edit": can(request.user, "org.edit", org)})


@login_required
@require_GET
def export_xlsx(request: HttpRequest, org_id: int) -> StreamingHttpResponse:
    org = _supervisor(request, org_id)
    filters = queries.Filters.parse(request.GET)
    rows = queries.sorted_rows(queries.filtered(org, filters), filters)
    response = StreamingHttpResponse(export.xlsx(rows), content_type=export.XLSX)
    response["Content-Disposition"] = (
        f"attachment; filename=\"dashboard-{timezone.localdate():%Y%m%d}.xlsx\"")
    return response
