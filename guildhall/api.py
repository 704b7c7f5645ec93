"""The REST API: `/api/v1/`, bearer tokens, JSON errors `{"detail", "code"}`.

Each app's `api.py` exposes a `router`; they are mounted here in INSTALLED_APPS order.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from guildhall.core.discovery import app_modules
from guildhall.core.errors import DomainError
from guildhall.kit.api import invalid


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from guildhall.accounts.services import user_for_token

        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Guildhall API",
    version="1",
    urls_namespace="api",
    auth=TokenAuth(),
    docs_url=None,  # the bundled docs page loads assets from a CDN; the schema is enough
    openapi_url="/openapi.json",
)


def _error(request: HttpRequest, status: int, detail: Any, code: str, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"detail": str(detail), "code": code, **extra}, status=status)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _error(request, exc.status, exc.message, exc.code)


@api.exception_handler(ValidationError)
def _model_invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A model's validation refused the data: the API's 422, field by field (a router that
    names fields differently converts it itself with `kit.api.invalid`)."""
    return _invalid(request, invalid(exc))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 404, _("Not found."), "not_found")


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 403, _("You do not have permission to do this."), "permission_denied")


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 401, _("Send a valid API token: Authorization: Bearer <token>."),
                  "not_authenticated")


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields = [{"field": ".".join(str(p) for p in e.get("loc", [])[1:]), "message": e.get("msg", "")}
              for e in exc.errors]
    return _error(request, 422, _("The request is not valid; see “errors” for each field."),
                  "invalid", errors=fields)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, str(exc), "error")


def _mount_routers() -> None:
    for module in app_modules("api"):
        api.add_router("/", module.router)


_mount_routers()
