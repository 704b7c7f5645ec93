"""The person's organizations on every request."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from guildhall.accounts.second_factor import has_second_factor
from guildhall.orgs.permissions import Access, second_factor_required

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


# What a person who still owes the second factor may open: the second factor's pages, the
# sign-out, the language switch and the static files. The API signs in by token.
SECOND_FACTOR_OPEN = ("/accounts/second-factor/", "/accounts/logout/", "/i18n/", "/static/",
                      "/api/")


class SecondFactorMiddleware:
    """Send a signed-in person to the second factor before any page when their role
    requires one (`orgs.permissions.second_factor_required`) or they have set one up,
    until this session has been verified (django-otp's `is_verified`)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (user.is_authenticated and settings.SECOND_FACTOR != "off"
                and not user.is_verified() and not request.path.startswith(SECOND_FACTOR_OPEN)
                and (second_factor_required(Access.for_user(user)) or has_second_factor(user))):
            return redirect(f"{reverse('accounts:second_factor')}"
                            f"?next={quote(request.get_full_path())}")
        return self.get_response(request)
