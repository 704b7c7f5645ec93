import datetime as dt
import json
import tempfile

from django.test import override_settings
from django.utils import timezone

from guildhall.events.models import Filing, Status
from guildhall.events.tests.factories import make_filing
from guildhall.testing import GuildhallTestCase

MEDIA = tempfile.mkdtemp(prefix="guildhall-test-media-")


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


@override_settings(MEDIA_ROOT=MEDIA)
class EventsApiTest(GuildhallTestCase):
    def create_body(self, **extra):
        start = timezone.localtime() + dt.timedelta(days=40)
        body = {"organization": self.soft.pk, "title": "API 研讨会", "type": "seminar",
                "starts_at": start.replace(hour=9, minute=0).isoformat(),
                "ends_at": start.replace(hour=12, minute=0).isoformat(), "venue": "会议室",
                "speakers": [{"name": "王老师", "affiliation": "东南大学", "topic": "数字化"}]}
        body.update(extra)
        return body

    def test_the_whole_review_through_the_api(self):
        editor = self.api_client("soft-editor")
        response = post(editor, "/api/v1/events/", self.create_body())
        self.assertEqual(response.status_code, 201, response.content)
        filing = response.json()
        self.assertIn("submit", filing["actions"])
        fid = filing["id"]
        response = editor.patch(f"/api/v1/events/{fid}", json.dumps(
            {"revision": filing["revision"], "title": "改过的标题"}), content_type="application/json")
        self.assertEqual(response.json()["revision"], 2)
        stale = editor.patch(f"/api/v1/events/{fid}", json.dumps({"revision": 1, "title": "X"}),
                             content_type="application/json")
        self.assertEqual((stale.status_code, stale.json()["code"]), (409, "stale_revision"))
        self.assertEqual(post(editor, f"/api/v1/events/{fid}/submit", {}).json()["status"], "signoff")
        principal = self.api_client("soft-principal")
        self.assertEqual(post(principal, f"/api/v1/events/{fid}/sign_off", {"revision": 2}).json()
                         ["status"], "submitted")
        approver = self.api_client("sup-approver")
        response = post(approver, f"/api/v1/events/{fid}/approve", {"revision": 1, "comment": ""})
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response.json()["code"], "stale_revision")
        response = post(approver, f"/api/v1/events/{fid}/return", {"revision": 2, "comment": " "})
        self.assertEqual((response.status_code, response.json()["code"]), (400, "comment_required"))
        response = post(approver, f"/api/v1/events/{fid}/approve", {"revision": 2, "comment": "同意"})
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual((body["status"], body["approved_revision"]), ("approved", 2))
        self.assertEqual([d["verdict"] for d in body["decisions"]], ["approve", "approve"])

    def test_the_author_cannot_approve_and_others_cannot_see(self):
        filing = make_filing(self.cast, self.soft, "submitted")
        url = f"/api/v1/events/{filing.pk}/approve"
        response = post(self.api_client("soft-editor"), url, {"revision": filing.revision})
        self.assertEqual((response.status_code, response.json()["code"]), (403, "own_item"))
        for username in ("sup2-approver", "logi-principal", "logi-editor"):
            client = self.api_client(username)
            self.assertEqual(client.get(f"/api/v1/events/{filing.pk}").status_code, 404)
            self.assertEqual(post(client, url, {"revision": filing.revision}).status_code, 404)
            ids = [f["id"] for f in client.get("/api/v1/events/?page_size=100").json()["items"]]
            self.assertNotIn(filing.pk, ids)
        self.assertEqual(Filing.objects.get(pk=filing.pk).status, Status.SUBMITTED)

    def test_a_lead_time_refusal_names_the_earliest_date(self):
        editor = self.api_client("soft-editor")
        start = timezone.localtime() + dt.timedelta(days=1)
        fid = post(editor, "/api/v1/events/", self.create_body(
            starts_at=start.isoformat(), ends_at=(start + dt.timedelta(hours=2)).isoformat())).json()["id"]
        response = post(editor, f"/api/v1/events/{fid}/submit", {})
        self.assertEqual((response.status_code, response.json()["code"]), (400, "lead_time"))
        self.assertRegex(response.json()["detail"], r"\d{4}-\d{2}-\d{2}")

    def test_invalid_input_is_422_with_fields(self):
        editor = self.api_client("soft-editor")
        response = post(editor, "/api/v1/events/", self.create_body(venue="", type="party"))
        self.assertEqual(response.status_code, 422)
        response = post(editor, "/api/v1/events/", self.create_body(venue=""))
        self.assertEqual(response.status_code, 422)
        self.assertIn("venue", [e["field"] for e in response.json()["errors"]])

    def test_the_list_filters_by_state(self):
        make_filing(self.cast, self.soft, "approved")
        items = self.api_client("sup-viewer").get("/api/v1/events/?status=approved").json()["items"]
        self.assertTrue(items)
        self.assertEqual({i["status"] for i in items}, {"approved"})

    def test_the_operations_are_in_the_openapi_description(self):
        schema = self.client.get("/api/v1/openapi.json").json()
        paths = schema["paths"]
        for action in ("submit", "sign_off", "approve", "return", "reject", "withdraw", "halt",
                       "summary", "cancel"):
            operation = paths[f"/api/v1/events/{{filing_id}}/{action}"]["post"]
            self.assertIn("requestBody", operation)
        self.assertIn("revision", paths["/api/v1/events/{filing_id}/approve"]["post"]
                      ["requestBody"]["content"]["application/json"]["schema"]["properties"])
        self.assertIn("patch", paths["/api/v1/events/{filing_id}"])
        self.assertIn("post", paths["/api/v1/events/"])


@override_settings(MEDIA_ROOT=MEDIA)
class EventsApiAcknowledgementTest(GuildhallTestCase):
    def test_the_supervisor_acknowledges_a_summary_and_the_filing_closes(self):
        filing = make_filing(self.cast, self.soft, "summarized")
        self.assertEqual(post(self.api_client("soft-editor"),
                              f"/api/v1/events/{filing.pk}/acknowledge_summary", {}).status_code, 403)
        response = post(self.api_client("sup-approver"),
                        f"/api/v1/events/{filing.pk}/acknowledge_summary", {})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["status"], Status.CLOSED)

    def test_the_principal_acknowledges_a_finding_with_a_reason(self):
        from guildhall.records.models import Finding

        filing = make_filing(self.cast, self.soft, "foreign_findings")
        finding = Finding.objects.filter(events_filing=filing).first()
        url = f"/api/v1/events/{filing.pk}/findings/{finding.pk}/acknowledge"
        self.assertEqual(post(self.api_client("soft-editor"), url, {"reason": "x"}).status_code, 403)
        self.assertEqual(post(self.api_client("logi-principal"), url, {"reason": "x"}).status_code, 404)
        principal = self.api_client("soft-principal")
        self.assertEqual(post(principal, url, {"reason": ""}).status_code, 400)
        response = post(principal, url, {"reason": "已征得本人同意"})
        self.assertEqual(response.status_code, 200, response.content)
        finding.refresh_from_db()
        self.assertEqual(finding.acknowledged_reason, "已征得本人同意")
