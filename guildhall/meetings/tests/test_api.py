import datetime as dt
import json

from django.utils import timezone

from guildhall.meetings.models import Meeting, MeetingRules
from guildhall.meetings.tests.factories import make_meeting, plan_slot
from guildhall.testing import GuildhallTestCase


def send(client, method, url, body):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


class MeetingsApiTest(GuildhallTestCase):
    def body(self, **extra):
        body = {"organization": self.soft.pk, "title": "API 专题研究会",
                "held_at": (timezone.localtime() - dt.timedelta(days=1)).replace(microsecond=0).isoformat(),
                "venue": "会议室", "chair": self.user("soft-principal").pk,
                "attendees": [self.user("soft-editor").pk, self.user("soft-staff").pk],
                "other_attendees": 3, "agenda": ["传达文件"], "conclusions": ["修订流程", "开展自查"]}
        body.update(extra)
        return body

    def test_a_meeting_is_recorded_held_and_followed_up_through_the_api(self):
        editor = self.api_client("soft-editor")
        response = send(editor, "post", "/api/v1/meetings/", self.body())
        self.assertEqual(response.status_code, 201, response.content)
        meeting = response.json()
        self.assertEqual([a["name"] for a in meeting["attendees"]],
                         sorted([self.user("soft-editor").display_name, self.user("soft-staff").display_name]))
        self.assertIn("record", meeting["actions"])
        mid = meeting["id"]
        response = send(editor, "patch", f"/api/v1/meetings/{mid}", {"revision": 1, "title": "改过的主题"})
        self.assertEqual(response.json()["revision"], 2)
        stale = send(editor, "patch", f"/api/v1/meetings/{mid}", {"revision": 1, "title": "X"})
        self.assertEqual((stale.status_code, stale.json()["code"]), (409, "stale_revision"))
        self.assertEqual(send(editor, "post", f"/api/v1/meetings/{mid}/record", {}).json()["status"], "held")
        due = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
        with plan_slot() as calls:
            response = send(editor, "post", f"/api/v1/meetings/{mid}/follow_up",
                            {"conclusion": 0, "title": "", "owner": self.user("soft-staff").pk,
                             "due_date": due})
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual([f["title"] for f in response.json()["follow_ups"]], ["修订流程"])
        self.assertEqual(len(calls), 1)
        listed = editor.get("/api/v1/meetings/", {"org": self.soft.pk}).json()
        self.assertEqual([m["id"] for m in listed["items"]], [mid])

    def test_non_members_and_an_empty_slot_are_refused_clearly(self):
        editor = self.api_client("soft-editor")
        response = send(editor, "post", "/api/v1/meetings/", self.body(chair=self.user("logi-editor").pk))
        self.assertEqual(response.status_code, 422)
        self.assertIn("chair", json.dumps(response.json()))
        response = send(editor, "post", "/api/v1/meetings/",
                        self.body(attendees=[self.user("chem-staff").pk]))
        self.assertEqual((response.status_code, response.json()["code"]), (422, "not_member"))
        self.assertFalse(Meeting.objects.exists())
        held = make_meeting(self.cast, self.soft, state="held")
        with plan_slot(None):
            response = send(editor, "post", f"/api/v1/meetings/{held.pk}/follow_up",
                            {"conclusion": 0, "owner": self.user("soft-staff").pk,
                             "due_date": timezone.localdate().isoformat()})
        self.assertEqual((response.status_code, response.json()["code"]), (409, "not_available"))

    def test_others_see_nothing_and_the_supervisor_only_reads(self):
        meeting = make_meeting(self.cast, self.soft)
        for username in ("logi-editor", "chem-principal", "sup2-admin"):
            client = self.api_client(username)
            self.assertEqual(client.get(f"/api/v1/meetings/{meeting.pk}").status_code, 404)
            self.assertEqual(client.get("/api/v1/meetings/").json()["count"], 0)
        viewer = self.api_client("sup-viewer")
        self.assertEqual(viewer.get(f"/api/v1/meetings/{meeting.pk}").json()["actions"], [])
        self.assertEqual(send(viewer, "post", f"/api/v1/meetings/{meeting.pk}/record", {}).status_code, 403)
        self.assertEqual(send(self.api_client("soft-staff"), "post", "/api/v1/meetings/",
                              self.body()).status_code, 403)

    def test_the_rules_and_counts_for_the_supervisor(self):
        admin = self.api_client("sup-admin")
        self.assertEqual(admin.get(f"/api/v1/meeting-rules/{self.sup.pk}").json()["minimum_per_year"], 2)
        response = send(admin, "put", f"/api/v1/meeting-rules/{self.sup.pk}",
                        {"minimum_per_year": 3, "held_by_month": 9, "held_by_day": 30})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(MeetingRules.for_association(self.soft).minimum_per_year, 3)
        bad = send(admin, "put", f"/api/v1/meeting-rules/{self.sup.pk}", {"held_by_month": 2, "held_by_day": 30})
        self.assertEqual(bad.status_code, 422)
        self.assertEqual(send(self.api_client("sup-approver"), "put", f"/api/v1/meeting-rules/{self.sup.pk}",
                              {"minimum_per_year": 1}).status_code, 403)
        make_meeting(self.cast, self.soft, state="held")
        counts = self.api_client("sup-viewer").get(f"/api/v1/meeting-counts/{self.sup.pk}").json()
        by_name = {row["name"]: (row["held"], row["minimum"]) for row in counts["items"]}
        self.assertEqual(by_name[self.soft.name], (1, 3))
        self.assertNotIn(self.chem.name, by_name)
        self.assertEqual(self.api_client("sup2-viewer").get(f"/api/v1/meeting-counts/{self.sup.pk}")
                         .status_code, 404)
