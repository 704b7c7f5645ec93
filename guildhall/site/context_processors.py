from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from guildhall.core.nav import nav_items
from guildhall.notifications.services import unread_count
from guildhall.orgs.models import Role
from guildhall.orgs.permissions import Access, can

#: Who sees the API tokens link: the people who connect their organization's systems.
INTEGRATING_ROLES = {Role.ADMIN, Role.PRINCIPAL}


def guildhall(request: HttpRequest) -> dict[str, Any]:
    """Give every page the current organization, the switcher, the inbox count and the menu."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    org = getattr(request, "org", None)
    access = Access.for_user(user)
    menu = []
    if org is not None:
        for item in nav_items():
            if item.action is None or can(user, item.action, org):
                url = reverse(item.url_name, args=[org.pk])
                menu.append({"label": item.label, "url": url, "current": False})
        # The page's own entry: the longest entry address the page's address starts with
        # (the home page's address starts every other one).
        here = max((m for m in menu if request.path.startswith(m["url"])),
                   key=lambda m: len(m["url"]), default=None)
        if here is not None:
            here["current"] = True
    return {
        "current_org": org,
        "my_orgs": sorted(access.orgs.values(), key=lambda o: o.pk),
        "my_role": access.role_in(org) if org else None,
        "unread_count": unread_count(user),
        "menu": menu,
        "may_integrate": any(access.role_in(o) in INTEGRATING_ROLES for o in access.orgs.values())
        or user.api_tokens.filter(revoked_at__isnull=True).exists(),
    }
