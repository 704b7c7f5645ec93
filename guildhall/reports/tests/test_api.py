"""The reports API: the workflow of the pages through the same services, and the same refusals."""

import hashlib
import json

from django.urls import reverse

from guildhall.reports.models import Report, Status
from guildhall.testing import ALL_DEMO, GuildhallTestCase

YEAR = 2026


class ReportApiTest(GuildhallTestCase):
    def setUp(self):
        self.principal = self.api_client("soft-principal")
        self.approver = self.api_client("sup-approver")
        self.url = reverse("api:report_detail", kwargs={"org_id": self.soft.pk, "year": YEAR})

    def post(self, client, name, body=None, method="post"):
        url = reverse(f"api:{name}", kwargs={"org_id": self.soft.pk, "year": YEAR})
        return getattr(client, method)(url, json.dumps(body or {}), content_type="application/json")

    def test_the_principal_generates_writes_and_submits_and_the_approver_returns_then_acknowledges(self):
        answer = self.principal.post(self.url)
        self.assertEqual(answer.status_code, 201, answer.content)
        report = answer.json()
        self.assertEqual((report["status"], report["revision"]), ("draft", 0))
        self.assertIn("submit", report["actions"])
        self.assertEqual([s["key"] for s in report["figures"]],
                         ["plans", "meetings", "events", "publications", "incidents", "study"])
        self.assertIsNone(report["frozen_version"])

        answer = self.post(self.principal, "report_narrative",
                           {"narratives": {"plans": "完成了年度要点。", "unknown": "x"}}, "put")
        self.assertEqual(answer.status_code, 200, answer.content)
        self.assertEqual(answer.json()["narratives"], {"plans": "完成了年度要点。"})

        answer = self.post(self.principal, "report_submit")
        self.assertEqual(answer.status_code, 201, answer.content)
        submitted = answer.json()
        self.assertEqual((submitted["status"], submitted["frozen_version"]), ("submitted", 1))
        version = submitted["versions"][0]
        self.assertEqual(version["document_number"], "〔2026〕1号")
        docx = self.approver.get(version["docx_url"])
        self.assertEqual(docx.status_code, 200)
        self.assertEqual(hashlib.sha256(docx.content).hexdigest(), version["docx_sha256"])

        # the principal cannot decide; a return needs a comment; a stale revision is refused
        self.assertEqual(self.post(self.principal, "report_acknowledge", {"revision": 1}).status_code, 403)
        refused = self.post(self.approver, "report_return", {"revision": 1, "comment": ""})
        self.assertEqual((refused.status_code, refused.json()["code"]), (400, "comment_required"))
        self.assertEqual(self.post(self.approver, "report_acknowledge", {"revision": 7}).status_code, 409)

        returned = self.post(self.approver, "report_return", {"revision": 1, "comment": "请补充。"})
        self.assertEqual(returned.json()["status"], "returned")
        self.assertEqual(self.post(self.principal, "report_submit").status_code, 201)
        done = self.post(self.approver, "report_acknowledge", {"revision": 2})
        self.assertEqual(done.status_code, 200, done.content)
        self.assertEqual(done.json()["status"], "acknowledged")
        self.assertEqual([v["outcome"] for v in done.json()["versions"]], ["acknowledged", "returned"])
        self.assertEqual(Report.objects.get(organization=self.soft, year=YEAR).status,
                         Status.ACKNOWLEDGED)

    def test_a_submitted_report_keeps_its_narrative(self):
        self.principal.post(self.url)
        self.post(self.principal, "report_submit")
        answer = self.post(self.principal, "report_narrative", {"narratives": {"plans": "改"}}, "put")
        self.assertEqual(answer.status_code, 409)
        self.assertEqual(answer.json()["code"], "wrong_state")

    def test_a_bad_body_is_a_422_and_an_absent_report_a_404(self):
        self.assertEqual(self.principal.get(self.url).status_code, 404)
        self.principal.post(self.url)
        answer = self.post(self.principal, "report_narrative", {"narratives": "text"}, "put")
        self.assertEqual(answer.status_code, 422)
        self.assertEqual(answer.json()["code"], "invalid")

    def test_the_supervisor_sees_who_has_submitted(self):
        self.principal.post(self.url)
        self.post(self.principal, "report_submit")
        url = reverse("api:report_submissions", kwargs={"org_id": self.sup.pk})
        rows = {r["name"]: r for r in self.approver.get(url, {"year": YEAR}).json()["items"]}
        self.assertEqual(rows[self.soft.name]["status"], "submitted")
        self.assertEqual(rows[self.logi.name]["status"], "none")
        self.assertNotIn(self.chem.name, rows)
        listed = self.approver.get(reverse("api:report_list"), {"year": YEAR}).json()["items"]
        self.assertEqual([r["organization_name"] for r in listed], [self.soft.name])
        self.assertEqual(self.api_client("sup2-approver").get(reverse("api:report_list")).json()["count"], 0)
        self.assertEqual(self.api_client("soft-principal").get(url).status_code, 404)

    def test_logi_and_sup2_cannot_download_softs_report(self):
        self.principal.post(self.url)
        docx_url = self.post(self.principal, "report_submit").json()["versions"][0]["docx_url"]
        for name in ("logi-principal", "sup2-approver"):
            answer = self.api_client(name).get(docx_url)
            self.assertEqual(answer.status_code, 404, name)
            self.assertNotIn(self.soft.name, answer.content.decode())
        self.assertEqual(self.api_client("soft-staff").get(docx_url).status_code, 403)


class ReportApiFiguresTest(GuildhallTestCase):
    demo_modules = ALL_DEMO

    def test_the_figures_are_the_pages_figures_with_the_records_behind_them(self):
        from guildhall.reports import services

        client = self.api_client("soft-principal")
        url = reverse("api:report_detail", kwargs={"org_id": self.soft.pk, "year": YEAR})
        answer = client.post(url)
        self.assertEqual(answer.status_code, 201, answer.content)
        report = Report.objects.get(organization=self.soft, year=YEAR)
        expected = json.loads(json.dumps(services.live_figures(report), default=str))
        got = answer.json()["figures"]
        self.assertEqual([(f["key"], f["value"], len(f["records"])) for s in got for f in s["figures"]],
                         [(f["key"], f["value"], len(f["records"])) for s in expected for f in s["figures"]])
        self.assertEqual([t["rows"] for s in got for t in s["tables"]],
                         [t["rows"] for s in expected for t in s["tables"]])
        self.assertTrue(any(f["records"] for s in got for f in s["figures"]))


class ReportApiQueriesTest(GuildhallTestCase):
    def test_the_lists_take_a_fixed_number_of_queries(self):
        from guildhall.reports import services

        for code in ("soft", "logi", "tour"):
            services.report_create(actor=self.user(f"{code}-principal"), org=getattr(self, code),
                                   year=YEAR)
        client = self.api_client("sup-approver")
        for url in (reverse("api:report_list"),
                    reverse("api:report_submissions", kwargs={"org_id": self.sup.pk})):
            with self.assertQueryCountAtMost(8):
                answer = client.get(url, {"year": YEAR})
            self.assertEqual(answer.json()["count"], 3)


def test_no_other_api_names_a_schema_as_the_reports_do():
    """The OpenAPI description keys schemas by class name: a second `VersionOut` would
    describe another module's answers with the report's fields."""
    from ninja import Schema

    from guildhall.core.discovery import app_modules
    from guildhall.kit import api as kit_api
    from guildhall.reports import api as reports_api

    def schemas(module):
        return {name for name, obj in vars(module).items() if isinstance(obj, type)
                and issubclass(obj, Schema) and obj.__module__ == module.__name__}

    ours = schemas(reports_api)
    assert ours
    for module in [*app_modules("api"), kit_api]:
        if module is not reports_api:
            assert not ours & schemas(module), module.__name__
