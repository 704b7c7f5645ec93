from guildhall.audit.services import record
from guildhall.testing import GuildhallTestCase


class ApiTest(GuildhallTestCase):
    def test_me_lists_the_roles(self):
        body = self.api_client("sup-approver").get("/api/v1/me").json()
        self.assertEqual(body["username"], "sup-approver")
        self.assertEqual(body["memberships"][0]["role"], "approver")

    def test_orgs_are_scoped(self):
        codes = {o["code"] for o in self.api_client("sup-viewer").get("/api/v1/orgs/").json()["items"]}
        self.assertEqual(codes, {"sup", "soft", "logi", "tour"})
        codes = {o["code"] for o in self.api_client("logi-admin").get("/api/v1/orgs/").json()["items"]}
        self.assertEqual(codes, {"logi"})

    def test_another_organization_is_404_with_a_json_body(self):
        response = self.api_client("logi-admin").get(f"/api/v1/orgs/{self.soft.pk}")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json(), {"detail": "Not found.", "code": "not_found"})

    def test_errors_are_localized_by_accept_language(self):
        response = self.api_client("logi-admin", language="zh-hans").get(f"/api/v1/orgs/{self.soft.pk}")
        self.assertEqual(response.json()["detail"], "未找到。")

    def test_no_token_is_401(self):
        response = self.client.get("/api/v1/me")
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.json()["code"], "not_authenticated")

    def test_audit_is_scoped_and_role_checked(self):
        record(actor=self.user("soft-admin"), action="test.thing", organization=self.soft)
        items = self.api_client("sup-viewer").get(
            f"/api/v1/audit/?org={self.soft.pk}&action=test.").json()["items"]
        self.assertEqual([i["action"] for i in items], ["test.thing"])
        self.assertEqual(self.api_client("soft-staff").get(
            f"/api/v1/audit/?org={self.soft.pk}").status_code, 403)
        self.assertEqual(self.api_client("sup2-viewer").get(
            f"/api/v1/audit/?org={self.soft.pk}").status_code, 404)

    def test_a_malformed_parameter_is_422_with_fields(self):
        response = self.api_client("sup-viewer").get("/api/v1/audit/?org=abc")
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["code"], "invalid")

    def test_the_openapi_description_lists_the_operations(self):
        paths = self.client.get("/api/v1/openapi.json").json()["paths"]
        for path in ("/api/v1/me", "/api/v1/orgs/", "/api/v1/orgs/{org_id}", "/api/v1/audit/"):
            self.assertIn(path, paths)


class AuditPageTest(GuildhallTestCase):
    def test_the_audit_page_filters_and_keeps_a_flat_query_count(self):
        admin = self.user("soft-admin")
        for i in range(3):
            record(actor=admin, action="member.add", organization=self.soft, after={"i": i})
        record(actor=self.user("soft-editor"), action="token.create", organization=self.soft)
        self.login("soft-principal")
        page = self.client.get(f"/o/{self.soft.pk}/audit/?action=member.&person=soft-admin")
        self.assertEqual(len(page.context["page"].object_list), 3)
        with self.assertQueryCountAtMost(100) as few:
            self.client.get(f"/o/{self.soft.pk}/audit/")
        for i in range(60):
            record(actor=admin, action="member.add", organization=self.soft, after={"i": i})
        with self.assertQueryCountAtMost(len(few.captured_queries)):
            self.client.get(f"/o/{self.soft.pk}/audit/")
