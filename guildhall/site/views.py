from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
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


def _items_html(items: list[dict[str, Any]]) -> SafeString:
    """A section's items as the template wrote them (a link when there is an address, the
    note after it), built in Python: the template tags for every item of every section were
    a sixth of the page's drawing."""
    out = []
    for item in items:
        label = conditional_escape(localize(item.get("label", "")))
        url, note = item.get("url"), item.get("note")
        out.append("<li>")
        out.append(f'<a href="{conditional_escape(localize(url))}">{label}</a>' if url else label)
        if note:
            out.append(f' <span class="muted">{conditional_escape(localize(note))}</span>')
        out.append("</li>")
    return mark_safe("".join(out))


@login_required
@require_GET
def org_home(request: HttpRequest, org_id: int) -> HttpResponse:
    org = get_org_for_user(request.user, org_id)
    ctx = {
        "org": org,
        "sections": [(s, _items_html(s.items)) for s in home_sections(request.user, org)],
        "below": org.descendants().filter(is_active=True).only("name")[:10]
        if can(request.user, "org.view_below", org) else None,
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
