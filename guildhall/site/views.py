from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from guildhall.core.home import home_sections
from guildhall.orgs.permissions import Access, can
from guildhall.orgs.scoping import get_org_for_user


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if request.org is None:
        return render(request, "core/no_organization.html")
    return redirect("site:org_home", request.org.pk)


@login_required
@require_GET
def org_home(request: HttpRequest, org_id: int) -> HttpResponse:
    org = get_org_for_user(request.user, org_id)
    ctx = {
        "org": org,
        "sections": home_sections(request.user, org),
        "below": org.descendants().filter(is_active=True)[:10] if can(request.user, "org.view_below", org) else None,
        "is_member": Access.for_user(request.user).role_in(org) is not None,
    }
    return render(request, "core/org_home.html", ctx)


@login_required
@require_POST
def switch_org(request: HttpRequest) -> HttpResponse:
    """Make one of the user's own organizations the current one."""
    try:
        org = get_org_for_user(request.user, int(request.POST.get("org", "0")))
    except ValueError:
        return redirect("site:home")
    if Access.for_user(request.user).role_in(org) is not None:
        request.session["org_id"] = org.pk
    return redirect("site:org_home", org.pk)


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
