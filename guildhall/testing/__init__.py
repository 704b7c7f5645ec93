"""The test base: the demo cast, API clients, query-count pins, and the isolation matrix."""

from __future__ import annotations

import sys
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
    `sup2`; one person per role per organization, named `<org>-<role>`.

    A module's demo records are loaded only for a class that names the module in
    `demo_modules` (`("events",)`); `demo_modules = ALL_DEMO` loads every module's."""

    cast: Cast
    demo_modules: tuple[str, ...] = ()

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = seed(modules=cls.demo_modules)
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


ALL_DEMO = ("*",)


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

    A case that is not a GET must change the database when it is allowed and must not
    when it is refused (see `guildhall.testing.matrix`); `writes=False` says that the
    allowed action changes only the session or a cookie (switching organization).
    `app` is the app whose `tests/matrix.py` registered the case.
    """

    url_name: str
    build: Callable[[Cast, Any], dict[str, Any]] | None = None
    own: dict[str, set[str]] = field(default_factory=dict)
    above: dict[str, set[str]] = field(default_factory=dict)
    method: str = "GET"
    data: Callable[[Cast, Any], dict[str, Any]] | None = None
    query: Callable[[Cast, Any], dict[str, Any]] | None = None
    everyone: bool = False  # any signed-in person (pages about oneself)
    roles: dict[str, set[str]] | None = None  # with everyone: only these roles by kind; others 403
    build_self: Callable[[Cast, Any], dict[str, Any]] | None = None  # kwargs for the persona's own thing
    public: bool = False  # open without signing in
    api: bool = False
    ok_statuses: tuple[int, ...] = (200, 302)
    targets: tuple[str, ...] | None = None
    json: bool = False  # send `data` as a JSON body (API operations with a typed payload)
    writes: bool = True
    app: str = ""

    @property
    def key(self) -> str:
        return f"{self.url_name} {self.method}"


MATRIX: dict[str, MatrixCase] = {}


def matrix_case(case: MatrixCase) -> MatrixCase:
    """Register how the matrix exercises one URL pattern with one method (a pattern that
    answers GET and POST, or GET and PATCH, gets one case per method)."""
    if case.key in MATRIX:
        raise RuntimeError(f"matrix case {case.key} registered twice")
    case.app = case.app or _registering_app()
    MATRIX[case.key] = case
    return case


def _registering_app() -> str:
    """Return the app (`events`) whose `tests/matrix.py` is registering a case."""
    frame = sys._getframe(2)
    while frame is not None:
        parts = frame.f_globals.get("__name__", "").split(".")
        if len(parts) == 4 and parts[0] == "guildhall" and parts[2:] == ["tests", "matrix"]:
            return parts[1]
        frame = frame.f_back
    raise RuntimeError("register matrix cases in an app's tests/matrix.py")


def expected_outcome(case: MatrixCase, persona_org: Any, role: str, target: Any) -> str:
    """Return "ok", "403" or "404" for a persona acting on an object of `target`."""
    if persona_org.pk == target.pk:
        return "ok" if role in case.own.get(target.kind, set()) else "403"
    if persona_org.is_supervisor and target.path.startswith(persona_org.path):
        return "ok" if role in case.above.get(target.kind, set()) else "403"
    return "404"
