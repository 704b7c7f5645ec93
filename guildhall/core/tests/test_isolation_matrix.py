"""The isolation matrix: every URL pattern × role × own / sibling / other-hierarchy object.

Generated from the cases each app registers in its `tests/matrix.py`; a URL pattern that
no case covers fails the run, so a new page cannot slip in untested.
"""

from __future__ import annotations

import importlib
import json

from django.apps import apps
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from guildhall.accounts.services import token_create
from guildhall.testing import MATRIX, GuildhallTestCase, MatrixCase, expected_outcome

for _config in apps.get_app_configs():
    if _config.name.startswith("guildhall."):
        try:
            importlib.import_module(f"{_config.name}.tests.matrix")
        except ModuleNotFoundError as exc:
            if exc.name not in (f"{_config.name}.tests", f"{_config.name}.tests.matrix"):
                raise

PERSONA_ORGS = ("soft", "sup", "sup2")
TARGET_ORGS = ("soft", "logi", "chem", "sup", "sup2")


def url_names(patterns=None, namespace: str = "") -> set[str]:
    """Return the names of every URL pattern, with namespaces."""
    names = set()
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= url_names(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern):
            if entry.name is None:
                raise AssertionError(f"URL pattern {entry.pattern} has no name")
            names.add(f"{namespace}{entry.name}")
    return names


class _Rollback(Exception):
    pass


class IsolationMatrixTest(GuildhallTestCase):
    def test_every_url_pattern_is_in_the_matrix(self):
        missing = url_names() - {case.url_name for case in MATRIX.values()}
        self.assertFalse(missing, f"URL patterns the isolation matrix never exercises: {missing}")

    def _request(self, client: Client, case: MatrixCase, kwargs: dict, org) -> tuple[int, bytes]:
        url = reverse(case.url_name, kwargs=kwargs)
        params = case.query(self.cast, org) if case.query and org is not None else {}
        data = case.data(self.cast, org) if case.data else {}
        status, content = 0, b""
        try:
            with transaction.atomic():
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
                status = response.status_code
                content = (b"".join(response.streaming_content) if response.streaming
                           else response.content)
                raise _Rollback
        except _Rollback:
            pass
        return status, content

    def _clients(self) -> dict[str, tuple[Client, Client, object]]:
        clients = {}
        for code in PERSONA_ORGS:
            org = self.cast.orgs[code]
            for membership in org.memberships.select_related("user"):
                user = membership.user
                web = Client()
                web.force_login(user)
                _token, key = token_create(actor=user, name="matrix")
                api = Client(headers={"Authorization": f"Bearer {key}"})
                clients[user.username] = (web, api, membership)
        return clients

    def test_matrix(self):
        failures = []
        cells = 0
        clients = self._clients()
        for case in sorted(MATRIX.values(), key=lambda c: (c.url_name, c.method)):
            if case.public:
                kwargs = case.build(self.cast, None) if case.build else {}
                status, _ = self._request(Client(), case, kwargs, None)
                cells += 1
                if status >= 500 or status in (401, 403):
                    failures.append(f"{case.url_name} anonymous: {status}")
                continue
            anonymous_status, _ = self._request(
                Client(), case, self._kwargs_for(case, clients["soft-admin"][2]), self.soft)
            if anonymous_status not in (302, 401):
                failures.append(f"{case.url_name} anonymous: {anonymous_status}, expected a "
                                "redirect to sign in (or 401 for the API)")
            for username, (web, api, membership) in clients.items():
                client = api if case.api else web
                if case.everyone:
                    kwargs = case.build_self(self.cast, membership.user) if case.build_self else {}
                    status, _ = self._request(client, case, kwargs, membership.organization)
                    cells += 1
                    if status not in case.ok_statuses:
                        failures.append(f"{case.url_name} {case.method} {username}: {status}")
                    continue
                for code in case.targets or TARGET_ORGS:
                    target = self.cast.orgs[code]
                    expected = expected_outcome(case, membership.organization, membership.role, target)
                    status, content = self._request(client, case, case.build(self.cast, target), target)
                    cells += 1
                    got = "ok" if status in case.ok_statuses else str(status)
                    if got != expected:
                        failures.append(f"{case.url_name} {case.method} {username} → {code}: "
                                        f"got {status}, expected {expected}")
                    if expected == "404" and target.name.encode() in content:
                        failures.append(f"{case.url_name} {username} → {code}: leaks the name")
        self.assertGreater(cells, 500)
        self.assertFalse(failures, f"{len(failures)} of {cells} cells wrong:\n" + "\n".join(failures))

    def _kwargs_for(self, case: MatrixCase, membership) -> dict:
        if case.everyone:
            return case.build_self(self.cast, membership.user) if case.build_self else {}
        return case.build(self.cast, self.soft)
