"""Several decisions at once from the approval queue (issue 9)."""

from __future__ import annotations

import json

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from guildhall.audit.models import AuditRecord
from guildhall.events import services
from guildhall.events.models import Filing, Status
from guildhall.events.tests.factories import make_filing
from guildhall.reviews.models import Decision
from guildhall.testing import GuildhallTestCase


def audits(action, filing):
    return AuditRecord.objects.filter(action=f"events.filing.{action}", object_id=str(filing.pk))


class BulkDecisionServiceTest(GuildhallTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.a = make_filing(cls.cast, cls.soft, "submitted", title="甲活动")
        cls.b = make_filing(cls.cast, cls.logi, "submitted", title="乙活动")
        cls.c = make_filing(cls.cast, cls.soft, "submitted", title="丙活动")
        cls.other = make_filing(cls.cast, cls.chem, "submitted", title="别的主管单位下的活动")

    def decide(self, choices, action="approve", comment="同意。", who="sup-approver"):
        return services.filings_decide(actor=self.user(who), supervisor=self.sup,
                                       choices=choices, action=action, comment=comment)

    def test_a_refused_one_shows_its_reason_and_the_others_go_through(self):
        # `c` was edited since the approver saw it: its revision is stale.
        outcomes = self.decide([(self.a.pk, self.a.revision), (self.b.pk, self.b.revision),
                                (self.c.pk, self.c.revision + 1)])
        by_pk = {o.filing_id: o for o in outcomes}
        self.assertTrue(by_pk[self.a.pk].ok and by_pk[self.b.pk].ok)
        self.assertFalse(by_pk[self.c.pk].ok)
        self.assertEqual(by_pk[self.c.pk].title, "丙活动")
        self.assertTrue(by_pk[self.c.pk].error)
        for f, status in ((self.a, Status.APPROVED), (self.b, Status.APPROVED),
                          (self.c, Status.SUBMITTED)):
            self.assertEqual(Filing.objects.get(pk=f.pk).status, status)
        for f in (self.a, self.b):  # one decision, with the one comment, and one audit record each
            self.assertEqual(audits("approve", f).count(), 1)
            self.assertEqual(list(Decision.objects.filter(
                subject_type="events.filing", subject_id=f.pk, reviewer=self.user("sup-approver"))
                .values_list("comment", flat=True)),
                ["同意。"])
        self.assertFalse(audits("approve", self.c).exists())

    def test_another_bodys_filing_in_the_list_is_refused_and_not_touched(self):
        outcomes = self.decide([(self.other.pk, self.other.revision), (self.a.pk, self.a.revision)])
        self.assertEqual([o.ok for o in outcomes], [False, True])
        self.assertEqual(outcomes[0].title, "")  # nothing about it is told
        self.assertEqual(outcomes[0].error, str(_("This filing is not in your queue.")))
        self.assertEqual(Filing.objects.get(pk=self.other.pk).status, Status.SUBMITTED)
        self.assertFalse(audits("approve", self.other).exists())
        # Nor does the other body's approver reach it through this body's queue.
        outcomes = self.decide([(self.other.pk, self.other.revision)], who="sup2-approver")
        self.assertFalse(outcomes[0].ok)

    def test_return_without_a_comment_is_refused_for_each(self):
        outcomes = self.decide([(self.a.pk, self.a.revision), (self.b.pk, self.b.revision)],
                               action="return", comment=" ")
        self.assertEqual([o.ok for o in outcomes], [False, False])
        self.assertTrue(all(o.error for o in outcomes))
        self.assertEqual(Filing.objects.filter(status=Status.SUBMITTED,
                                               pk__in=[self.a.pk, self.b.pk]).count(), 2)

    def test_a_filing_decided_already_is_refused_the_second_time(self):
        self.decide([(self.a.pk, self.a.revision)])
        outcomes = self.decide([(self.a.pk, self.a.revision), (self.b.pk, self.b.revision)],
                               action="reject", comment="不符合要求")
        self.assertEqual([o.ok for o in outcomes], [False, True])
        self.assertEqual(Filing.objects.get(pk=self.a.pk).status, Status.APPROVED)
        self.assertEqual(Filing.objects.get(pk=self.b.pk).status, Status.REJECTED)
        self.assertEqual(audits("reject", self.b).count(), 1)


class BulkDecisionPageTest(GuildhallTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.a = make_filing(cls.cast, cls.soft, "submitted", title="甲活动")
        cls.b = make_filing(cls.cast, cls.logi, "submitted", title="乙活动")

    def url(self):
        return reverse("events:filing_queue_decide", args=[self.sup.pk])

    def test_the_queue_offers_checkboxes_to_the_approver_only(self):
        queue = reverse("events:filing_queue", args=[self.sup.pk])
        self.login("sup-approver")
        response = self.client.get(queue)
        self.assertContains(response, f'value="{self.a.pk}:{self.a.revision}"')
        self.assertContains(response, 'id="bulk-decide"')
        self.login("sup-viewer")
        response = self.client.get(queue)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, 'id="bulk-decide"')
        self.assertEqual(self.client.post(self.url(), {
            "action": "approve", "filing": [f"{self.a.pk}:{self.a.revision}"]}).status_code, 403)
        self.assertEqual(Filing.objects.get(pk=self.a.pk).status, Status.SUBMITTED)

    def test_the_decision_redirects_to_the_queue_with_a_message_per_refusal(self):
        self.login("sup-approver")
        response = self.client.post(self.url(), {
            "action": "approve", "comment": "同意。", "keep_status": "", "keep_q": "活动",
            "filing": [f"{self.a.pk}:{self.a.revision}", f"{self.b.pk}:{self.b.revision + 5}",
                       "junk"]})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(response["Location"],
                         reverse("events:filing_queue", args=[self.sup.pk]) + "?status=&q=%E6%B4%BB%E5%8A%A8")
        page = self.client.get(response["Location"])
        texts = [str(m) for m in page.context["messages"]]
        self.assertEqual(len(texts), 2, texts)
        self.assertIn("已批准 1 项报备。", texts[0])
        self.assertIn("乙活动", texts[1])
        self.assertEqual(Filing.objects.get(pk=self.a.pk).status, Status.APPROVED)
        self.assertEqual(Filing.objects.get(pk=self.b.pk).status, Status.SUBMITTED)

    def test_nothing_chosen_is_said_so(self):
        self.login("sup-approver")
        response = self.client.post(self.url(), {"action": "approve"}, follow=True)
        self.assertContains(response, "请至少勾选一项报备。")
        self.assertEqual(self.client.get(self.url()).status_code, 405)

    def test_the_api_decides_several_and_answers_per_filing(self):
        client = self.api_client("sup-approver")
        response = client.post("/api/v1/events/decisions/", json.dumps({
            "organization": self.sup.pk, "action": "reject", "comment": "材料不全",
            "filings": [{"id": self.a.pk, "revision": self.a.revision},
                        {"id": self.b.pk, "revision": self.b.revision + 1}]}),
            content_type="application/json")
        self.assertEqual(response.status_code, 200, response.content)
        answer = response.json()
        self.assertEqual([(o["filing"], o["decided"]) for o in answer],
                         [(self.a.pk, True), (self.b.pk, False)])
        self.assertEqual(answer[0]["status"], "rejected")
        self.assertTrue(answer[1]["error"])
        self.assertEqual(audits("reject", self.a).count(), 1)
        # Another body's approver does not reach this queue; a viewer may not decide.
        for who, status in (("sup2-approver", 404), ("sup-viewer", 403)):
            response = self.api_client(who).post("/api/v1/events/decisions/", json.dumps({
                "organization": self.sup.pk, "action": "approve",
                "filings": [{"id": self.b.pk, "revision": self.b.revision}]}),
                content_type="application/json")
            self.assertEqual(response.status_code, status, who)
        self.assertEqual(Filing.objects.get(pk=self.b.pk).status, Status.SUBMITTED)
