"""The lead time shown while filling in and before submitting (issue 9)."""

from __future__ import annotations

import html
import json

from django.urls import reverse
from django.utils import timezone

from guildhall.events.models import Filing, FilingRules, Status
from guildhall.events.services import earliest_start
from guildhall.events.tests.factories import at, make_filing
from guildhall.testing import GuildhallTestCase


class LeadTimeHintTest(GuildhallTestCase):
    def earliest(self, event_type):
        return earliest_start(FilingRules.for_association(self.soft), event_type,
                              timezone.localdate()).isoformat()

    def test_the_form_carries_the_earliest_start_of_every_type(self):
        self.login("soft-editor")
        response = self.client.get(reverse("events:filing_new", args=[self.soft.pk]))
        self.assertEqual(response.status_code, 200)
        data = json.loads(html.unescape(response.content.decode().split('data-lead-times="')[1]
                                        .split('"')[0]))
        self.assertEqual(data["foreign_exchange"], {"earliest": self.earliest("foreign_exchange"),
                                                    "days": 10})
        self.assertEqual(data["seminar"]["days"], 5)
        self.assertContains(response, self.earliest("report_meeting"))  # the first type, drawn
        self.assertContains(response, 'id="lead-too-early" hidden')
        self.assertContains(response, "guildhall/leadtime.js")

    def test_a_start_too_early_is_flagged_when_the_form_comes_back(self):
        self.login("soft-editor")
        start = timezone.localtime(at(2))
        response = self.client.post(reverse("events:filing_new", args=[self.soft.pk]), {
            "title": "", "type": "foreign_exchange", "starts_at": start.strftime("%Y-%m-%dT09:00"),
            "ends_at": start.strftime("%Y-%m-%dT12:00"), "expected_attendance": "10"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, self.earliest("foreign_exchange"), status_code=400)
        self.assertContains(response, 'id="lead-too-early">', status_code=400)  # shown


class LateReasonTest(GuildhallTestCase):
    def page(self, filing):
        self.login("soft-editor")
        return self.client.get(filing.get_absolute_url())

    def allow_late(self, allowed=True):
        FilingRules.objects.update_or_create(supervisor=self.sup, defaults={"allow_late": allowed})

    def test_the_reason_is_asked_only_when_the_start_is_too_early_and_the_rules_allow_it(self):
        early = make_filing(self.cast, self.soft, "draft", starts_at=at(1), ends_at=at(1, 12))
        timely = make_filing(self.cast, self.soft, "draft")
        self.assertContains(self.page(early), 'id="lead-warning"')
        self.assertNotContains(self.page(early), 'name="late_reason"')  # late filings refused
        self.allow_late()
        self.assertContains(self.page(early), 'name="late_reason"')
        page = self.page(timely)
        self.assertNotContains(page, 'name="late_reason"')
        self.assertNotContains(page, 'id="lead-warning"')

    def test_a_refused_submission_is_told_after_a_redirect_keeping_the_reason(self):
        self.allow_late()
        early = make_filing(self.cast, self.soft, "draft", starts_at=at(1), ends_at=at(1, 12),
                            expected_attendance=500, onsite_phone="")  # the plan is incomplete
        self.login("soft-editor")
        url = reverse("events:filing_submit", args=[self.soft.pk, early.pk])
        response = self.client.post(url, {"late_reason": "临时接到通知"})
        self.assertEqual((response.status_code, response["Location"]), (302, early.get_absolute_url()))
        page = self.client.get(response["Location"])
        self.assertEqual(len(list(page.context["messages"])), 1)
        self.assertContains(page, "临时接到通知")  # what they typed is still there
        self.assertEqual(Filing.objects.get(pk=early.pk).status, Status.DRAFT)
        again = self.client.get(response["Location"])  # a reload shows the page, sends nothing
        self.assertEqual(again.status_code, 200)
        self.assertNotContains(again, "临时接到通知")

    def test_a_refusal_by_the_lead_time_is_a_redirect_too(self):
        early = make_filing(self.cast, self.soft, "draft", starts_at=at(1), ends_at=at(1, 12))
        self.login("soft-editor")
        response = self.client.post(reverse("events:filing_submit", args=[self.soft.pk, early.pk]),
                                    follow=True)
        self.assertEqual(response.redirect_chain[0][1], 302)
        self.assertContains(response, '<li class="error">')
        self.assertContains(response, earliest_start(
            FilingRules.for_association(self.soft), "seminar", timezone.localdate()).isoformat())
        self.assertEqual(Filing.objects.get(pk=early.pk).status, Status.DRAFT)
