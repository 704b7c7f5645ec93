from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from guildhall.core.nav import nav_items
from guildhall.orgs.permissions import Access, can


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
                menu.append({"label": item.label, "url": reverse(item.url_name, args=[org.pk])})
    return {
        "current_org": org,
        "my_orgs": sorted(access.orgs.values(), key=lambda o: o.pk),
        "my_role": access.role_in(org) if org else None,
        "unread_count": user.notifications.filter(read_at__isnull=True).count(),
        "menu": menu,
    }
