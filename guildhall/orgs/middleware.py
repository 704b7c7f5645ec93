"""The person's organizations on every request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from guildhall.orgs.permissions import Access

Handler = Callable[[HttpRequest], HttpResponse]


class CurrentOrganizationMiddleware:
    """Attach the user's access and current organization (kept in the session)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.org = None
        if request.user.is_authenticated:
            access = Access.for_user(request.user)
            current_id = request.session.get("org_id")
            if current_id in access.orgs:
                request.org = access.orgs[current_id]
            elif access.orgs:
                request.org = sorted(access.orgs.values(), key=lambda o: o.pk)[0]
        return self.get_response(request)
