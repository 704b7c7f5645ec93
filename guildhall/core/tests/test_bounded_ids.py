"""Security finding 5 (issue 15): ids far outside the database's range — in list filters,
in id lists of a body, in paths — are refused with a clear answer, never a server error."""

import json

from guildhall.testing import GuildhallTestCase

HUGE = "99999999999999999999"


class BoundedIdsTest(GuildhallTestCase):
    def test_huge_ids_in_filters_paths_and_bodies_are_refused_not_500(self):
        api = self.api_client("soft-editor")
        for sign in ("", "-"):
            for url in ("/api/v1/events/", "/api/v1/publications/", "/api/v1/channels/",
                        "/api/v1/audit/"):
                response = api.get(url, {"org": f"{sign}{HUGE}"})
                self.assertIn(response.status_code, (404, 422), (url, sign))
                self.assertIn("code", response.json())
            for url in (f"/api/v1/events/{sign}{HUGE}", f"/api/v1/publications/{sign}{HUGE}",
                        f"/api/v1/orgs/{sign}{HUGE}"):
                self.assertIn(api.get(url).status_code, (404, 422), url)
            response = api.post("/api/v1/publications/", json.dumps({
                "organization": self.soft.pk, "title": "标题", "body": "正文",
                "planned_at": "2030-01-01T10:00:00", "channels": [int(f"{sign}{HUGE}")]}),
                content_type="application/json")
            self.assertEqual(response.status_code, 422, response.content)
            self.login("soft-editor")
            page = self.client.get(f"/o/{self.soft.pk}/events/", {"page": f"{sign}{HUGE}"})
            self.assertEqual(page.status_code, 200)
