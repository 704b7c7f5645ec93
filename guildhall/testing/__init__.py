"""The test base: the demo cast, API clients, query-count pins, and the isolation matrix."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext

from guildhall.orgs.demo import Cast
from guildhall.site.demo import seed


class GuildhallTestCase(TestCase):
    """Every test starts from the demo cast: `soft`, `logi`, `tour` under `sup`; `chem` under
    `sup2`; one person per role per organization, named `<org>-<role>`."""

    cast: Cast

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = seed()
        for code, org in cls.cast.orgs.items():
            setattr(cls, code, org)

    def user(self, username: str) -> Any:
        return self.cast.user(username)

    def login(self, username: str) -> Any:
        user = self.cast.user(username)
        self.client.force_login(user)
        return user

    def api_client(self, username: str, language: str = "en") -> Client:
        from guildhall.accounts.services import token_create

        _token, key = token_create(actor=self.cast.user(username), name="test")
        return Client(headers={"Authorization": f"Bearer {key}", "Accept-Language": language})

    @contextmanager
    def assertQueryCountAtMost(self, limit: int):
        with CaptureQueriesContext(connection) as ctx:
            yield ctx
        self.assertLessEqual(len(ctx.captured_queries), limit,
                             "\n".join(q["sql"][:200] for q in ctx.captured_queries))


# ---- the isolation matrix --------------------------------------------------------

@dataclass
class MatrixCase:
    """How the matrix exercises one URL pattern.

    `build(cast, org)` returns the URL kwargs (and may create an object) for an object of
    `org`; None means the URL is not about any organization's object. `own[kind]` lists
    the roles that may use it on their own organization of that kind; `above[kind]` the
    supervisor roles that may use it on an organization of that kind below them. Anyone
    else gets 403 when they can see the organization and 404 when they cannot.
    `targets` limits the organizations whose objects are tried (objects that only
    associations have: `("soft", "logi", "chem")`).
    """

    url_name: str
    build: Callable[[Cast, Any], dict[str, Any]] | None = None
    own: dict[str, set[str]] = field(default_factory=dict)
    above: dict[str, set[str]] = field(default_factory=dict)
    method: str = "GET"
    data: Callable[[Cast, Any], dict[str, Any]] | None = None
    query: Callable[[Cast, Any], dict[str, Any]] | None = None
    everyone: bool = False  # any signed-in person (pages about oneself)
    build_self: Callable[[Cast, Any], dict[str, Any]] | None = None  # kwargs for the persona's own thing
    public: bool = False  # open without signing in
    api: bool = False
    ok_statuses: tuple[int, ...] = (200, 302)
    targets: tuple[str, ...] | None = None
    json: bool = False  # send `data` as a JSON body (API operations with a typed payload)


MATRIX: dict[str, MatrixCase] = {}


def matrix_case(case: MatrixCase) -> MatrixCase:
    """Register how the matrix exercises one URL pattern with one method (a pattern that
    answers GET and POST, or GET and PATCH, gets one case per method)."""
    key = f"{case.url_name} {case.method}"
    if key in MATRIX:
        raise RuntimeError(f"matrix case {key} registered twice")
    MATRIX[key] = case
    return case


def expected_outcome(case: MatrixCase, persona_org: Any, role: str, target: Any) -> str:
    """Return "ok", "403" or "404" for a persona acting on an object of `target`."""
    if persona_org.pk == target.pk:
        return "ok" if role in case.own.get(target.kind, set()) else "403"
    if persona_org.is_supervisor and target.path.startswith(persona_org.path):
        return "ok" if role in case.above.get(target.kind, set()) else "403"
    return "404"
