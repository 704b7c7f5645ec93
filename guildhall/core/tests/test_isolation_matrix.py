"""The isolation matrix: every URL pattern × method × role × own / sibling / other-hierarchy
object.

Generated from the cases each app registers in its `tests/matrix.py`: one test class per
app (`EventsMatrixTest`), one test per case, so pytest-xdist spreads the cells over its
workers (see `guildhall.testing.matrix`). A URL pattern, or a method a URL pattern answers,
that no case covers fails the run, so a new page or action cannot slip in untested.
"""

from __future__ import annotations

from collections import defaultdict

from django.http import JsonResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from guildhall.core.discovery import app_modules
from guildhall.testing import MATRIX, MatrixCase
from guildhall.testing.matrix import (
    TARGET_ORGS,
    Answer,
    MatrixTestCase,
    Persona,
    body_text,
    hidden_names,
    matrix_tests,
    planned_cells,
)

app_modules("tests.matrix")  # each app registers its cases on import

_BY_APP: dict[str, list[MatrixCase]] = defaultdict(list)
for _case in sorted(MATRIX.values(), key=lambda c: (c.url_name, c.method)):
    _BY_APP[_case.app].append(_case)
for _app, _cases in sorted(_BY_APP.items()):
    _class = matrix_tests(_app, _cases)
    _class.__module__ = __name__
    globals()[_class.__name__] = _class
del _class

def _member_of(cast, org):
    """The staff member (or viewer) of `org`: someone else than the persona acting."""
    role = "staff" if org.kind == "association" else "viewer"
    return {"org_id": org.pk,
            "membership_id": org.memberships.get(user__username=f"{org.code}-{role}").pk}


# The methods a URL pattern may answer; HEAD and OPTIONS follow GET and are left out.
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


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


class MatrixCoverageTest(MatrixTestCase):
    """Every URL pattern and every method it answers has a case; the matrix is large."""

    cases = tuple(MATRIX.values())

    @classmethod
    def setUpTestData(cls) -> None:
        # Only the objects the probes need: one case per URL name, one target.
        probes = {}
        for case in sorted(MATRIX.values(), key=lambda c: c.method != "GET"):
            probes.setdefault(case.url_name, case)
        cls.probes = probes
        cls.cases = tuple(probes.values())
        super().setUpTestData()

    def test_every_url_pattern_is_in_the_matrix(self):
        missing = url_names() - {case.url_name for case in MATRIX.values()}
        self.assertFalse(missing, f"URL patterns the isolation matrix never exercises: {missing}")

    def test_every_method_a_url_pattern_answers_is_in_the_matrix(self):
        missing = self.uncovered_methods({(case.url_name, case.method) for case in MATRIX.values()})
        self.assertFalse(missing, "URL patterns answer methods the isolation matrix never "
                                  "exercises:\n" + "\n".join(missing))

    def test_a_method_without_a_case_is_found(self):
        covered = {(case.url_name, case.method) for case in MATRIX.values()}
        covered -= {("orgs:invitation_accept", "POST"), ("api:channel_detail", "PATCH")}
        names = {"orgs:invitation_accept", "api:channel_detail", "site:home"}
        self.assertEqual(self.uncovered_methods(covered, names), [
            "api:channel_detail PATCH (answers 200)", "orgs:invitation_accept POST (answers 200)"])

    def uncovered_methods(self, covered: set[tuple[str, str]],
                          names: set[str] | None = None) -> list[str]:
        """Ask each URL pattern (of `names`) with every method, as a person allowed to use
        it; anything but 405 (method not allowed) means the pattern answers that method."""
        missing = []
        for name, case in sorted(type(self).probes.items()):
            if names is not None and name not in names:
                continue
            client, kwargs, org = self._privileged(case)
            # A pattern that is not found even with its own method (the API root) answers
            # no other method either.
            not_found = self.request(client, case, kwargs, org).status == 404
            for method in METHODS:
                if (name, method) in covered:
                    continue
                probe = MatrixCase(name, method=method, json=case.api, api=case.api,
                                   query=case.query)
                status = self.request(client, probe, kwargs, org).status
                if status != 405 and not (not_found and status == 404):
                    missing.append(f"{name} {method} (answers {status})")
        return missing

    def test_the_matrix_has_more_than_500_cells(self):
        personas = len(type(self).personas)
        self.assertGreater(sum(planned_cells(case, personas) for case in MATRIX.values()), 500)

    def test_every_app_with_cases_has_a_matrix_class(self):
        for app in _BY_APP:
            cls = globals()[f"{app.title()}MatrixTest"]
            self.assertEqual({c.key for c in cls.cases}, {c.key for c in _BY_APP[app]})

    def _privileged(self, case: MatrixCase) -> tuple[Client, dict, object]:
        """Return a client of someone the case allows, with the case's URL kwargs."""
        cast, built, personas = type(self).cast, type(self).built, type(self).personas
        if case.public:
            return Client(), built[(case.key, "")], None
        if case.everyone:
            persona = next(p for p in personas if case.roles is None
                           or p.role in case.roles.get(cast.orgs[p.org_code].kind, set()))
            return (self.client_for(persona, case.api), built[(case.key, persona.username)],
                    cast.orgs[persona.org_code])
        code = next(c for c in TARGET_ORGS if c in (case.targets or TARGET_ORGS))
        target = cast.orgs[code]
        persona = self._allowed(case, target, personas)
        return self.client_for(persona, case.api), built[(case.key, code)], target

    def _allowed(self, case: MatrixCase, target, personas: list[Persona]) -> Persona:
        cast = type(self).cast
        for persona in personas:
            own = cast.orgs[persona.org_code]
            if own.pk == target.pk and persona.role in case.own.get(target.kind, set()):
                return persona
        for persona in personas:
            own = cast.orgs[persona.org_code]
            if (own.is_supervisor and own.pk != target.pk and target.path.startswith(own.path)
                    and persona.role in case.above.get(target.kind, set())):
                return persona
        # Nobody may: any member of the target (it answers 403 or 405 before the view).
        return next((p for p in personas if p.org_code == target.code), personas[0])


class MatrixJudgementTest(MatrixTestCase):
    """The matrix fails the cells it must fail."""

    cases = (
        # No role in the form: the view redirects with an error message.
        MatrixCase("orgs:member_role", method="POST", build=_member_of, app="orgs",
                   own={"association": {"admin"}, "supervisor": {"admin"}}),
        # Nobody may, says the case; the admins can.
        MatrixCase("orgs:member_deactivate", method="POST", build=_member_of, app="orgs"),
        # Without a file the import page is shown again: nothing was imported.
        MatrixCase("orgs:association_import", method="POST", build=lambda cast, org: {"org_id": org.pk},
                   own={"supervisor": {"admin"}}, ok_statuses=(200, 302), app="orgs"),
    )

    def test_a_refusal_that_redirects_with_an_error_is_not_a_success(self):
        with self.assertRaisesRegex(AssertionError, r"orgs orgs:member_role POST soft-admin → soft: "
                                    r"answered 302 with an error message, so it was refused"):
            self.run_case(self.cases[0])

    def test_a_refused_cell_that_writes_fails(self):
        with self.assertRaisesRegex(AssertionError, r"soft-admin → soft: got 302, expected 403"
                                    r"(.|\n)*soft-admin → soft: must be refused but wrote to "
                                    r"\[.*'orgs_membership'"):
            self.run_case(self.cases[1])

    def test_an_allowed_write_that_changes_nothing_fails(self):
        with self.assertRaisesRegex(AssertionError, r"sup-admin → sup: answered 200 but changed nothing"):
            self.run_case(self.cases[2])

    def test_a_hidden_organization_is_one_the_persona_neither_belongs_to_nor_supervises(self):
        cast = type(self).cast
        self.assertEqual(set(hidden_names(cast, "soft")), {"logi", "tour", "sup2", "chem"})
        self.assertEqual(set(hidden_names(cast, "sup")), {"sup2", "chem"})
        answer = Answer(200, body_text(JsonResponse({"name": cast.orgs["chem"].name})))
        self.assertEqual(self._judge_names("cell", answer, hidden_names(cast, "sup")),
                         [f"cell: names chem ({cast.orgs['chem'].name}), which the persona cannot see"])

    def test_a_page_that_names_a_hidden_organization_fails(self):
        cast = type(self).cast
        sup_admin = next(p for p in type(self).personas if p.username == "sup-admin")
        case = MatrixCase("orgs:associations", app="orgs")
        answer = self.request(self.client_for(sup_admin, api=False), case,
                              {"org_id": cast.orgs["sup"].pk}, cast.orgs["sup"])
        self.assertEqual(answer.status, 200)
        self.assertEqual(self._judge_names("cell", answer, hidden_names(cast, "sup")), [])
        # The same page, judged as if its reader belonged to sup2, names soft.
        [failure] = self._judge_names("cell", answer, hidden_names(cast, "sup2"))
        self.assertIn(f"soft ({cast.orgs['soft'].name})", failure)
        self.assertIn(f"logi ({cast.orgs['logi'].name})", failure)
