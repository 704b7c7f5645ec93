"""The API: the same scoping, rules and services as the pages."""

from __future__ import annotations

from guildhall.publications.models import Channel, Publication
from guildhall.publications.tests.test_services import ID_NUMBER, PublicationCase


class PublicationApiTest(PublicationCase):
    def post(self, client, url: str, data: dict):
        return client.post(url, data, content_type="application/json")

    def test_the_whole_review_through_the_api(self):
        editor = self.api_client("soft-editor")
        response = self.post(editor, "/api/v1/publications/", {
            "organization": self.soft.pk, "title": "API 文章", "channels": [self.channel.pk],
            "planned_at": "2030-01-02T10:00:00", "body": f"<p>身份证号 {ID_NUMBER}</p>"})
        self.assertEqual(response.status_code, 201, response.content)
        pid = response.json()["id"]
        data = self.post(editor, f"/api/v1/publications/{pid}/submit", {}).json()
        self.assertEqual(data["status"], "in_review")
        finding = data["findings"][0]
        self.assertEqual(finding["type"], "CN_RESIDENT_ID")
        self.assertNotIn(ID_NUMBER, str(data["findings"]))  # the body holds it; findings never

        self_review = self.post(editor, f"/api/v1/publications/{pid}/review",
                                {"verdict": "pass", "comment": "好", "revision": 1})
        self.assertEqual((self_review.status_code, self_review.json()["code"]), (403, "own_item"))
        stale = self.post(self.api_client("soft-reviewer"), f"/api/v1/publications/{pid}/review",
                          {"verdict": "pass", "comment": "好", "revision": 7})
        self.assertEqual((stale.status_code, stale.json()["code"]), (409, "stale_revision"))

        for who in ("soft-reviewer", "soft-reviewer2"):
            r = self.post(self.api_client(who), f"/api/v1/publications/{pid}/review",
                          {"verdict": "pass", "comment": "同意", "revision": 1})
            self.assertEqual(r.status_code, 200, r.content)
        principal = self.api_client("soft-principal")
        refused = self.post(principal, f"/api/v1/publications/{pid}/review",
                            {"verdict": "pass", "comment": "签发", "revision": 1})
        self.assertEqual((refused.status_code, refused.json()["code"]), (409, "unresolved_findings"))
        ack = self.post(principal, f"/api/v1/publications/{pid}/findings/{finding['id']}/acknowledge",
                        {"reason": "本人同意公开（演示）"})
        self.assertEqual(ack.status_code, 200, ack.content)
        r = self.post(principal, f"/api/v1/publications/{pid}/review",
                      {"verdict": "pass", "comment": "签发", "revision": 1})
        self.assertEqual(r.json()["status"], "approved")
        bad = self.post(editor, f"/api/v1/publications/{pid}/published",
                        {"channel": self.channel.pk, "url": "not a url"})
        self.assertEqual((bad.status_code, bad.json()["code"]), (400, "bad_url"))
        ok = self.post(editor, f"/api/v1/publications/{pid}/published",
                       {"channel": self.channel.pk, "url": "https://mp.weixin.qq.com/s/x",
                        "published_at": "2030-01-02T10:05:00"})
        self.assertEqual(ok.json()["status"], "published")
        self.assertEqual([d["verdict"] for d in ok.json()["decisions"]], ["pass"] * 3)

    def test_the_body_is_masked_for_everyone_but_the_author(self):
        p = self.submit(self.write(body=f"<p>身份证号 {ID_NUMBER}</p>"))
        seen = self.api_client("soft-reviewer").get(f"/api/v1/publications/{p.pk}").json()
        self.assertNotIn(ID_NUMBER, seen["body"])
        self.assertIn("身份证号", seen["body"])
        self.assertNotIn("<mark", seen["body"])
        own = self.api_client("soft-editor").get(f"/api/v1/publications/{p.pk}").json()
        self.assertIn(ID_NUMBER, own["body"])

    def test_patch_makes_a_new_revision_and_refuses_a_stale_one(self):
        p = self.submit(self.write())
        editor = self.api_client("soft-editor")
        r = editor.patch(f"/api/v1/publications/{p.pk}", {"revision": 1, "title": "新标题"},
                         content_type="application/json")
        self.assertEqual((r.json()["revision"], r.json()["status"]), (2, "draft"))
        r = editor.patch(f"/api/v1/publications/{p.pk}", {"revision": 1, "title": "再改"},
                         content_type="application/json")
        self.assertEqual((r.status_code, r.json()["code"]), (409, "stale_revision"))

    def test_channels_pause_and_resume(self):
        admin = self.api_client("soft-admin")
        r = self.post(admin, "/api/v1/channels/", {
            "organization": self.soft.pk, "type": "website", "name": "官网",
            "account": "https://soft.example.cn"})
        self.assertEqual(r.status_code, 422)  # a website needs its ICP number
        self.assertIn("icp_number", str(r.json()["errors"]))
        r = self.post(admin, "/api/v1/channels/", {
            "organization": self.soft.pk, "type": "website", "name": "官网",
            "icp_number": "苏ICP备12345678号-1", "review_roles": ["reviewer", "principal"]})
        self.assertEqual(r.status_code, 201, r.content)
        cid = r.json()["id"]
        r = self.post(admin, f"/api/v1/channels/{cid}/pause", {"reason": "紧急"})
        self.assertEqual(r.json()["status"], "paused")
        r = self.post(admin, f"/api/v1/channels/{cid}/resume", {})
        self.assertEqual(r.json()["status"], "active")

    def test_outsiders_cannot_see_or_act_on_soft_channels_or_publications(self):
        p = self.write()
        before = Publication.objects.filter(organization=self.soft).count()
        for username in ("logi-admin", "sup2-admin", "chem-principal"):
            client = self.api_client(username)
            self.assertEqual(client.get(f"/api/v1/publications/{p.pk}").status_code, 404)
            self.assertEqual(client.get(f"/api/v1/channels/{self.channel.pk}").status_code, 404)
            self.assertEqual(self.post(client, f"/api/v1/channels/{self.channel.pk}/pause",
                                       {"reason": "x"}).status_code, 404)
            listed = client.get("/api/v1/publications/").json()["items"]
            self.assertNotIn(p.pk, [i["id"] for i in listed])
            channels = client.get("/api/v1/channels/").json()["items"]
            self.assertNotIn(self.channel.pk, [c["id"] for c in channels])
            r = self.post(client, "/api/v1/publications/", {
                "organization": self.soft.pk, "title": "x", "channels": [self.channel.pk],
                "planned_at": "2030-01-02T10:00:00"})
            self.assertEqual(r.status_code, 404)
        self.assertEqual(Channel.objects.get(pk=self.channel.pk).status, "active")
        self.assertEqual(Publication.objects.filter(organization=self.soft).count(), before)

    def test_the_operations_are_in_the_openapi_description(self):
        schema = self.client.get("/api/v1/openapi.json").json()
        for path in ("/api/v1/channels/", "/api/v1/channels/{channel_id}/pause",
                     "/api/v1/publications/{publication_id}/review",
                     "/api/v1/publications/{publication_id}/findings/{finding_id}/acknowledge",
                     "/api/v1/publications/{publication_id}/published"):
            self.assertIn(path, schema["paths"])

    def test_out_of_range_ids_and_months_are_refused_or_ignored_never_a_server_error(self):
        huge = 10**20
        editor = self.api_client("soft-editor")
        for url in (f"/api/v1/publications/?channel={huge}", f"/api/v1/publications/?org={huge}",
                    "/api/v1/publications/?month=9999-12", "/api/v1/publications/?month=0001-01",
                    f"/api/v1/channels/?org={huge}", f"/api/v1/publications/{huge}",
                    f"/api/v1/channels/{huge}"):
            response = editor.get(url)
            self.assertTrue(400 <= response.status_code < 500, (url, response.status_code))
        for url, body in (
                ("/api/v1/publications/", {"organization": self.soft.pk, "title": "x",
                                           "channels": [huge], "planned_at": "2030-12-01T10:00"}),
                ("/api/v1/publications/", {"organization": huge, "title": "x",
                                           "channels": [self.channel.pk],
                                           "planned_at": "2030-12-01T10:00"}),
                ("/api/v1/channels/", {"organization": huge, "type": "weibo", "name": "x"})):
            response = self.post(editor, url, body)
            self.assertTrue(400 <= response.status_code < 500, (url, response.status_code))
        # The list page ignores a filter it cannot use, as it ignores "?channel=abc".
        self.login("soft-editor")
        for query in (f"channel={huge}", "month=9999-12", "month=0001-01"):
            response = self.client.get(f"/o/{self.soft.pk}/publications/?{query}")
            self.assertEqual(response.status_code, 200, query)
