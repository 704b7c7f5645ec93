"""How a module's page starts: signed in, the methods it answers, the organization or the
object through its scoping helper (the same 404 for missing and someone else's), then
its rule (403, audited). The view gets what it is about, already checked."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from guildhall.orgs.permissions import require
from guildhall.orgs.scoping import get_org_for_user

T = TypeVar("T")
View = Callable[..., HttpResponse]
GET_POST = ("GET", "POST")


def viewable(get: Callable[..., T], rule: str) -> Callable[[HttpRequest, int, int], T]:
    """Return the pages' fetch of one kind of object: `get(user, pk, org_id)`, the module's
    scoping helper, then the object's view `rule`."""
    def fetch(request: HttpRequest, org_id: int, pk: int) -> T:
        obj = get(request.user, pk, org_id)
        require(request.user, rule, obj)
        return obj
    return fetch


def org_page(rule: str, *, methods: Sequence[str] = ("GET",)) -> Callable[[View], View]:
    """Make `view(request, org, …)` the page of an organization the person sees, allowed
    by `rule`."""
    def wrap(view: View) -> View:
        @login_required
        @require_http_methods(list(methods))
        @wraps(view)
        def page(request: HttpRequest, org_id: int, **ids: Any) -> HttpResponse:
            org = get_org_for_user(request.user, org_id)
            require(request.user, rule, org)
            return view(request, org, **ids)
        return page
    return wrap


def object_page(fetch: Callable[[HttpRequest, int, int], Any], rule: str, *,
                methods: Sequence[str] = ("GET",)) -> Callable[[View], View]:
    """Make `view(request, obj)` the page of an object fetched with `fetch` (see
    `viewable`; its id is the URL's one after the organization's), allowed by `rule`."""
    def wrap(view: View) -> View:
        @login_required
        @require_http_methods(list(methods))
        @wraps(view)
        def page(request: HttpRequest, org_id: int, **ids: int) -> HttpResponse:
            (pk,) = ids.values()
            obj = fetch(request, org_id, pk)
            require(request.user, rule, obj)
            return view(request, obj)
        return page
    return wrap
