from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from guildhall.audit.models import AuditRecord
from guildhall.orgs.permissions import require
from guildhall.orgs.scoping import get_org_for_user


def _parse_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def filtered_records(org_id: int, params: dict[str, str]):
    """Return the organization's records filtered by date range, action and person."""
    records = AuditRecord.objects.filter(organization_id=org_id).order_by("-seq")
    tz = timezone.get_current_timezone()
    if start := _parse_date(params.get("from")):
        records = records.filter(created_at__gte=dt.datetime.combine(start, dt.time.min, tz))
    if end := _parse_date(params.get("to")):
        records = records.filter(created_at__lt=dt.datetime.combine(end + dt.timedelta(days=1),
                                                                     dt.time.min, tz))
    if action := (params.get("action") or "").strip():
        records = records.filter(action__startswith=action)
    if person := (params.get("person") or "").strip():
        records = records.filter(actor_name__iexact=person)
    return records


@login_required
@require_GET
def audit_log(request: HttpRequest, org_id: int) -> HttpResponse:
    org = get_org_for_user(request.user, org_id)
    require(request.user, "audit.view", org)
    records = filtered_records(org.pk, request.GET)
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/log.html", {
        "org": org, "page": page, "filters": request.GET, "query": query.urlencode()})
