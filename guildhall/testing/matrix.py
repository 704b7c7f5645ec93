"""The isolation matrix: one test class per app, one test per case, run in parallel.

`matrix_tests(app, cases)` returns a test class with a test method per case of that app;
`guildhall/core/tests/test_isolation_matrix.py` makes one for every app that registers
cases in its `tests/matrix.py`. Each test requests its URL as anonymous and as every person
of `soft`, `sup` and `sup2` against an object of every target organization, and names the
app, URL name, method, persona and target of every wrong cell.

A request that is not a GET is judged by what it did, not only by its status: during the
request the test records every INSERT, UPDATE and DELETE (leaving out the session, the
token's last-use time and the sign-in lockout records) and every error message queued for
the next page. A refused cell must write nothing (but the audit record of the refusal
itself, `permission.refused`); an allowed cell that answers with a
success (2xx or a redirect) must have written something (unless the case says
`writes=False`) and must not carry an error message, so a view that redirects after
refusing ("channel already paused") is not taken for a success.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db import connection, transaction
from django.db.models import Max
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guildhall.audit.models import AuditRecord
from guildhall.orgs.demo import Cast
from guildhall.testing import GuildhallTestCase, MatrixCase, expected_outcome

PERSONA_ORGS = ("soft", "sup", "sup2")
TARGET_ORGS = ("soft", "logi", "chem", "sup", "sup2")

_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
# Bookkeeping that any request may write: the session (last seen, messages), the sign-in
# lockout records, and a token's last-use time.
_BOOKKEEPING_TABLES = {"django_session"}
_BOOKKEEPING_PREFIXES = ("axes_",)
_AUDIT_TABLE = AuditRecord._meta.db_table
REFUSAL = "permission.refused"
_TOKEN_LAST_USED = re.compile(r'^\s*UPDATE\s+"?accounts_apitoken"?\s+SET\s+"?last_used_at"?\s*=[^,]*WHERE',
                              re.IGNORECASE)


@dataclass
class Persona:
    username: str
    org_code: str
    role: str
    session_key: str
    token_key: str
    web: Client | None = None
    api: Client | None = None


@dataclass
class Answer:
    status: int
    body: str
    writes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def succeeded(self) -> bool:
        return self.status < 400


class _Rollback(Exception):
    pass


def written_tables(queries: list[dict[str, Any]]) -> list[str]:
    """Return the tables the captured queries wrote to, bookkeeping left out."""
    tables = []
    for query in queries:
        match = _WRITE.match(query["sql"])
        if match is None or _TOKEN_LAST_USED.match(query["sql"]):
            continue
        table = match.group(1)
        if table in _BOOKKEEPING_TABLES or table.startswith(_BOOKKEEPING_PREFIXES):
            continue
        tables.append(table)
    return sorted(set(tables))


def body_text(response: HttpResponse) -> str:
    """Return the body as text; JSON without \\u escapes, so names can be searched."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = content.decode("utf-8", errors="replace")
    if response.get("Content-Type", "").startswith("application/json") and text:
        try:
            text = json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            pass
    return text


def hidden_names(cast: Cast, org_code: str) -> dict[str, tuple[str, ...]]:
    """Return, by code, the names of the organizations a person of `org_code` cannot see:
    not their own, not one below their supervising body, and not the body above them (an
    association's pages name the body that supervises it)."""
    own = cast.orgs[org_code]
    hidden = {}
    for code, org in cast.orgs.items():
        below = own.is_supervisor and org.path.startswith(own.path)
        above = own.path.startswith(org.path)
        if not (below or above):
            hidden[code] = tuple(n for n in (org.name, org.short_name) if n)
    return hidden


def planned_cells(case: MatrixCase, personas: int) -> int:
    """Return how many cells (persona × target) a case has, the anonymous one left out."""
    if case.public:
        return 1
    if case.everyone:
        return personas
    return personas * len(case.targets or TARGET_ORGS)


class MatrixTestCase(GuildhallTestCase):
    """The cells of one app's cases; made by `matrix_tests`."""

    app: str = ""
    cases: tuple[MatrixCase, ...] = ()
    demo_modules = ()  # the cases build their own objects
    personas: list[Persona]
    built: dict[tuple[str, str], dict[str, Any]]

    @classmethod
    def setUpTestData(cls) -> None:
        """Seed the cast and build every case's objects once for the class: each request
        is rolled back, so the objects stay as built for every cell."""
        super().setUpTestData()
        cast = cls.cast
        cls.personas = []
        from guildhall.accounts.services import token_create

        for code in PERSONA_ORGS:
            for membership in cast.orgs[code].memberships.select_related("user").order_by("pk"):
                user = membership.user
                client = Client()
                client.force_login(user)
                _token, key = token_create(actor=user, name="matrix")
                cls.personas.append(Persona(
                    user.username, code, membership.role,
                    client.cookies[settings.SESSION_COOKIE_NAME].value, key))
        first = cls.personas[0]
        cls.built = {}
        for case in cls.cases:
            if case.public:
                cls.built[(case.key, "")] = case.build(cast, None) if case.build else {}
            elif case.everyone:
                for persona in cls.personas:
                    user = cast.user(persona.username)
                    cls.built[(case.key, persona.username)] = (
                        case.build_self(cast, user) if case.build_self else {})
                cls.built[(case.key, "")] = cls.built[(case.key, first.username)]
            else:
                for code in case.targets or TARGET_ORGS:
                    cls.built[(case.key, code)] = case.build(cast, cast.orgs[code])
                cls.built[(case.key, "")] = cls.built[(case.key, "soft")] if (
                    "soft" in (case.targets or TARGET_ORGS)) else case.build(cast, cast.orgs["soft"])

    # ---- one request ----

    def request(self, client: Client, case: MatrixCase, kwargs: dict[str, Any],
                org: Any) -> Answer:
        """Make the request inside a transaction that is rolled back, and return what it
        answered, wrote and queued as error messages."""
        cast = type(self).cast  # the object the builders saw (self.cast is a copy)
        url = reverse(case.url_name, kwargs=kwargs)
        params = case.query(cast, org) if case.query and org is not None else {}
        data = case.data(cast, org) if case.data else {}
        answer = Answer(0, "")
        last_audit = 0 if case.method == "GET" else (
            AuditRecord.objects.aggregate(last=Max("pk"))["last"] or 0)
        try:
            with transaction.atomic(), CaptureQueriesContext(connection) as queries:
                if case.method == "GET":
                    response = client.get(url, params)
                else:
                    if params:
                        url = f"{url}?{'&'.join(f'{k}={v}' for k, v in params.items())}"
                    send = getattr(client, case.method.lower())
                    if case.json or case.method == "PATCH":
                        response = send(url, json.dumps(data), content_type="application/json")
                    else:
                        response = send(url, data)
                answer = Answer(response.status_code, body_text(response))
                request = getattr(response, "wsgi_request", None)
                if request is not None and hasattr(request, "_messages"):
                    answer.errors = [str(m) for m in messages.get_messages(request)
                                     if m.level >= messages.ERROR]
                answer.writes = written_tables(queries.captured_queries)
                if _AUDIT_TABLE in answer.writes and not AuditRecord.objects.filter(
                        pk__gt=last_audit).exclude(action=REFUSAL).exists():
                    answer.writes.remove(_AUDIT_TABLE)  # only the refusal was recorded
                raise _Rollback
        except _Rollback:
            pass
        return answer

    def client_for(self, persona: Persona, api: bool) -> Client:
        """Return the persona's web or API client, with no cookie but the session's (no
        message or language left over from the previous cell)."""
        if persona.web is None:
            persona.web = Client()
            persona.api = Client(headers={"Authorization": f"Bearer {persona.token_key}"})
        client = persona.api if api else persona.web
        client.cookies.clear()
        if not api:
            client.cookies[settings.SESSION_COOKIE_NAME] = persona.session_key
        return client

    # ---- the cells of one case ----

    def run_case(self, case: MatrixCase) -> None:
        # The class's own objects, not the per-test copies Django makes of test data.
        cast, built, personas = type(self).cast, type(self).built, type(self).personas
        failures: list[str] = []
        cells = 0
        where = f"{case.app} {case.url_name} {case.method}"
        if case.public:
            answer = self.request(Client(), case, built[(case.key, "")], None)
            cells += 1
            if answer.status >= 500 or answer.status in (401, 403) or (
                    answer.status not in case.ok_statuses):
                failures.append(f"{where} anonymous: {answer.status}")
            self._check_cells(case, cells, failures)
            return
        anonymous = self.request(Client(), case, built[(case.key, "")], cast.orgs["soft"])
        if anonymous.status not in (302, 401):
            failures.append(f"{where} anonymous: {anonymous.status}, expected a redirect to "
                            "sign in (or 401 for the API)")
        if anonymous.writes:
            failures.append(f"{where} anonymous: wrote to {anonymous.writes}")
        for persona in personas:
            client = self.client_for(persona, case.api)
            own = cast.orgs[persona.org_code]
            hidden = hidden_names(cast, persona.org_code)
            if case.everyone:
                answer = self.request(client, case, built[(case.key, persona.username)], own)
                cells += 1
                cell = f"{where} {persona.username}"
                expected = "ok" if case.roles is None or persona.role in case.roles.get(
                    own.kind, set()) else "403"
                got = "ok" if answer.status in case.ok_statuses else str(answer.status)
                if got != expected:
                    failures.append(f"{cell}: got {answer.status}, expected {expected}")
                failures += self._judge_effect(case, cell, expected, answer)
                failures += self._judge_names(cell, answer, hidden)
                continue
            for code in case.targets or TARGET_ORGS:
                target = cast.orgs[code]
                expected = expected_outcome(case, own, persona.role, target)
                answer = self.request(client, case, built[(case.key, code)], target)
                cells += 1
                cell = f"{where} {persona.username} → {code}"
                got = "ok" if answer.status in case.ok_statuses else str(answer.status)
                if got != expected:
                    failures.append(f"{cell}: got {answer.status}, expected {expected}"
                                    + (f" (error message: {answer.errors})" if answer.errors else ""))
                failures += self._judge_effect(case, cell, expected, answer)
                if expected == "404" and target.name in answer.body:
                    failures.append(f"{cell}: leaks the name")
                failures += self._judge_names(cell, answer, hidden)
        self._check_cells(case, cells, failures)

    def _judge_effect(self, case: MatrixCase, cell: str, expected: str, answer: Answer) -> list[str]:
        """A refused write changes nothing; an allowed one that answers with a success
        changed something and was not refused with an error message."""
        if case.method == "GET":
            return []
        if expected != "ok":
            return [f"{cell}: must be refused but wrote to {answer.writes}"] if answer.writes else []
        if not answer.succeeded or answer.status not in case.ok_statuses:
            return []
        if answer.errors:
            return [f"{cell}: answered {answer.status} with an error message, so it was refused: "
                    f"{answer.errors}"]
        if case.writes and not answer.writes:
            return [f"{cell}: answered {answer.status} but changed nothing"]
        return []

    def _judge_names(self, cell: str, answer: Answer, hidden: dict[str, tuple[str, ...]]) -> list[str]:
        """No page or API answer names an organization the persona cannot see."""
        found = [f"{code} ({next(n for n in names if n in answer.body)})"
                 for code, names in hidden.items() if any(n in answer.body for n in names)]
        return [f"{cell}: names {', '.join(found)}, which the persona cannot see"] if found else []

    def _check_cells(self, case: MatrixCase, cells: int, failures: list[str]) -> None:
        self.assertEqual(cells, planned_cells(case, len(type(self).personas)))
        if failures:
            self.fail(f"{len(failures)} of {cells} cells wrong:\n" + "\n".join(failures))


def _test_name(case: MatrixCase) -> str:
    return "test_" + re.sub(r"\W+", "_", f"{case.url_name}_{case.method}".lower())


def matrix_tests(app: str, cases: list[MatrixCase]) -> type[MatrixTestCase]:
    """Return the test class of one app's matrix: one test method per case."""

    def make(case: MatrixCase) -> Any:
        def test(self: MatrixTestCase) -> None:
            self.run_case(case)
        test.__doc__ = f"{case.url_name} {case.method}: every persona × target"
        return test

    members: dict[str, Any] = {"app": app, "cases": tuple(cases), "__module__": __name__}
    for case in cases:
        members[_test_name(case)] = make(case)
    return type(f"{app.title()}MatrixTest", (MatrixTestCase,), members)
