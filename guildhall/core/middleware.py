from __future__ import annotations

import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from guildhall.core.request_context import reset_request_meta, set_request_meta

Handler = Callable[[HttpRequest], HttpResponse]


def client_ip(request: HttpRequest) -> str:
    """Return the client address, trusting X-Forwarded-For only behind a configured proxy."""
    if getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-settings.AXES_IPWARE_PROXY_COUNT].strip()
    return request.META.get("REMOTE_ADDR", "")


class RequestIdMiddleware:
    """Give every request an id (or keep the proxy's) for logs and audit records."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
        request.request_id = request_id
        token = set_request_meta(request_id, client_ip(request))
        try:
            response = self.get_response(request)
        finally:
            reset_request_meta(token)
        response["X-Request-ID"] = request_id
        return response


class IdleTimeoutMiddleware:
    """End a session after SESSION_IDLE_TIMEOUT seconds without a request."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last = request.session.get("last_seen")
            if last is not None and now - last > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                messages.info(request, _("You were signed out after a period of inactivity."))
                if not request.path.startswith("/api/"):
                    return redirect_to_login(request.get_full_path())
            else:
                # Writing at most once a minute keeps the session table quiet.
                if last is None or now - last > 60:
                    request.session["last_seen"] = now
        return self.get_response(request)


class RequestSizeLimitMiddleware:
    """Refuse a request whose declared body is larger than REQUEST_MAX_SIZE (the largest
    upload and its form), from its Content-Length and before anything reads the body, so
    a 200 MB upload is neither held in memory nor spooled to disk to be refused after.
    A WSGI server hands the application no more than Content-Length bytes, so the
    declared length is the most that could be read."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body then
        if length > settings.REQUEST_MAX_SIZE:
            return _too_large(request)
        return self.get_response(request)


def _too_large(request: HttpRequest) -> HttpResponse:
    message = _("The file is too large: uploads of at most %(mb)d MB are accepted. "
                "Nothing was saved; go back, attach a smaller file (compress it "
                "or split it in parts) and send the form again.") % {
        "mb": settings.UPLOAD_MAX_SIZE // 2**20}
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": "request_too_large"}, status=413)
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        back = ""
    return render(request, "413.html", {"message": message, "back": back}, status=413)
