"""Security finding 8 (issue 15): a Content-Security-Policy on every response, and nothing
inline that it would have to allow."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.test import Client, SimpleTestCase
from django.urls import reverse

from guildhall.core.tests import test_isolation_matrix as isolation
from guildhall.testing import MATRIX
from guildhall.testing.matrix import MatrixTestCase

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}

# Markup the policy refuses: a script element without src, a style element, a style
# attribute, an event-handler attribute, a javascript: address.
INLINE = re.compile(
    r"<script\b(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle\s*=|\son[a-z]+\s*=\s*[\"']|javascript:",
    re.IGNORECASE)


def policy_of(header: str) -> dict[str, str]:
    directives = (d.strip().split(None, 1) for d in header.split(";") if d.strip())
    return {d[0]: (d[1] if len(d) > 1 else "") for d in directives}


def stricter(header: str) -> bool:
    """A stored file is served with a policy of its own that allows nothing at all."""
    policy = policy_of(header)
    return policy.get("default-src") == "'none'" and "sandbox" in policy


def inline_markup(html: str) -> list[str]:
    return [m.group(0) for m in INLINE.finditer(html)]


class InlineMarkupTest(SimpleTestCase):
    def test_no_template_has_an_inline_script_or_style(self):
        offenders = []
        roots = [Path(d) for t in settings.TEMPLATES for d in t["DIRS"]]
        roots += [p for p in (Path(settings.BASE_DIR) / "guildhall").glob("*/templates")]
        for root in roots:
            for path in sorted(root.rglob("*.html")):
                for found in inline_markup(path.read_text(encoding="utf-8")):
                    offenders.append(f"{path.relative_to(settings.BASE_DIR)}: {found}")
        self.assertEqual(offenders, [])

    def test_the_check_finds_what_the_policy_would_refuse(self):
        self.assertEqual(len(inline_markup(
            '<script>alert(1)</script><script src="/static/x.js"></script>'
            '<p style="color:red" onclick="x()"><style>p{}</style><a href="javascript:x()">')), 5)
        self.assertEqual(inline_markup('<script src="/static/vendor/htmx/htmx.min.js" defer>'
                                       '</script><p class="on-time">'), [])


class PolicyHeaderTest(SimpleTestCase):
    def test_the_sign_in_page_carries_the_policy(self):
        response = Client().get("/accounts/login/")
        self.assertEqual(policy_of(response["Content-Security-Policy"]), POLICY)


class EveryPageCarriesThePolicyTest(MatrixTestCase):
    """Every page and API answer the isolation matrix reads (one GET per URL name, as a
    person allowed to read it) carries the policy; an HTML page holds nothing inline."""

    _privileged = isolation.MatrixCoverageTest._privileged
    _allowed = isolation.MatrixCoverageTest._allowed

    @classmethod
    def setUpTestData(cls) -> None:
        probes: dict[str, object] = {}
        for case in sorted(MATRIX.values(), key=lambda c: c.key):
            if case.method == "GET":
                probes.setdefault(case.url_name, case)
        cls.cases = tuple(probes.values())
        super().setUpTestData()

    def test_every_page_carries_the_policy_and_nothing_inline(self):
        self.assertGreater(len(self.cases), 50)
        wrong = []
        for case in self.cases:
            client, kwargs, org = self._privileged(case)
            url = reverse(case.url_name, kwargs=kwargs)
            params = case.query(type(self).cast, org) if case.query and org is not None else {}
            response = client.get(url, params)
            header = response.get("Content-Security-Policy")
            if header is None or not (policy_of(header) == POLICY or stricter(header)):
                wrong.append(f"{case.url_name} ({response.status_code}): policy {header!r}")
                continue
            if response.get("Content-Type", "").startswith("text/html") and not response.streaming:
                found = inline_markup(response.content.decode("utf-8", errors="replace"))
                if found:
                    wrong.append(f"{case.url_name}: inline {found[:3]}")
        self.assertEqual(wrong, [])
