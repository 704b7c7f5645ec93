"""Regression tests for the review findings on event filings."""

import datetime as dt
import json
import tempfile
from unittest import mock

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from guildhall.audit.models import AuditRecord
from guildhall.core.errors import DomainError
from guildhall.core.pagination import MAX_ID
from guildhall.events import services
from guildhall.events.models import Filing, Status
from guildhall.events.tests.factories import FOREIGN_TEXT, at, make_filing, started, txt
from guildhall.notifications.models import Notification
from guildhall.orgs.models import Membership
from guildhall.records.models import Attachment, Finding, Revision
from guildhall.testing import GuildhallTestCase

MEDIA = tempfile.mkdtemp(prefix="guildhall-test-media-")
PLAN = {"livestream": True, "onsite_phone": "13912345678", "halt_procedure": "宣布暂停",
        "notify_list": "主要负责人"}


@override_settings(MEDIA_ROOT=MEDIA)
class ContingencyPlanAfterApprovalTest(GuildhallTestCase):
    def test_removing_the_contingency_plan_of_an_approved_filing_needs_approval_again(self):
        filing = make_filing(self.cast, self.soft, "approved", **PLAN)
        filing = services.filing_update(actor=self.user("soft-editor"), filing=filing, data={
            "onsite_person_id": None, "onsite_phone": "", "halt_procedure": "",
            "notify_list": ""})
        self.assertEqual(filing.status, Status.DRAFT)
        self.assertTrue(filing.amended_after_approval)
        self.assertTrue(Revision.objects.filter(events_filing=filing).last().material)
        with self.assertRaises(DomainError) as ctx:
            services.filing_submit(actor=self.user("soft-editor"), filing=filing)
        self.assertEqual(ctx.exception.code, "incomplete")

    def test_raising_the_expected_attendance_of_an_approved_filing_needs_approval_again(self):
        filing = make_filing(self.cast, self.soft, "approved")
        filing = services.filing_update(actor=self.user("soft-editor"), filing=filing,
                                        data={"expected_attendance": 5000})
        self.assertEqual(filing.status, Status.DRAFT)

    def test_each_contingency_field_is_material_after_approval(self):
        for name, value in (("onsite_phone", "025-83009999"), ("halt_procedure", "另一种做法"),
                            ("notify_list", "秘书长"), ("fallback", "改为线上")):
            with self.subTest(name):
                filing = make_filing(self.cast, self.soft, "approved", **PLAN)
                filing = services.filing_update(actor=self.user("soft-editor"), filing=filing,
                                                data={name: value})
                self.assertEqual(filing.status, Status.DRAFT)

    def test_a_description_change_after_approval_stays_approved(self):
        filing = make_filing(self.cast, self.soft, "approved", **PLAN)
        filing = services.filing_update(actor=self.user("soft-editor"), filing=filing,
                                        data={"description": "补充"})
        self.assertEqual(filing.status, Status.APPROVED)


@override_settings(MEDIA_ROOT=MEDIA)
class LeadTimeAfterStartChangeTest(GuildhallTestCase):
    def backdate(self, filing: Filing, days: int = 20) -> Filing:
        Filing.objects.filter(pk=filing.pk).update(
            first_submitted_on=timezone.localdate() - dt.timedelta(days=days))
        filing.refresh_from_db()
        return filing

    def test_moving_the_start_of_an_approved_filing_measures_the_lead_time_from_today(self):
        filing = self.backdate(make_filing(self.cast, self.soft, "approved"))
        filing = services.filing_update(actor=self.user("soft-editor"), filing=filing,
                                        data={"starts_at": at(1), "ends_at": at(1, 12)})
        with self.assertRaises(DomainError) as ctx:
            services.filing_submit(actor=self.user("soft-principal"), filing=filing)
        self.assertEqual(ctx.exception.code, "lead_time")

    def test_withdrawing_and_resubmitting_with_a_new_start_measures_from_today(self):
        filing = self.backdate(make_filing(self.cast, self.soft, "submitted"))
        filing = services.filing_withdraw(actor=self.user("soft-editor"), filing=filing)
        filing = services.filing_update(actor=self.user("soft-editor"), filing=filing,
                                        data={"starts_at": at(1), "ends_at": at(1, 12)})
        with self.assertRaises(DomainError) as ctx:
            services.filing_submit(actor=self.user("soft-editor"), filing=filing)
        self.assertEqual(ctx.exception.code, "lead_time")

    def test_a_returned_filing_with_an_unchanged_start_keeps_its_first_submission_date(self):
        filing = make_filing(self.cast, self.soft, "submitted", starts_at=at(10),
                             ends_at=at(10, 12))
        first = timezone.localdate() - dt.timedelta(days=20)
        Filing.objects.filter(pk=filing.pk).update(first_submitted_on=first)
        filing = services.filing_return(actor=self.user("sup-approver"), filing=filing,
                                        revision=filing.revision, comment="补充")
        filing = services.filing_update(actor=self.user("soft-editor"), filing=filing,
                                        data={"description": "补充说明"})
        with mock.patch.object(services, "_check_lead_time", return_value=False) as check:
            filing = services.filing_submit(actor=self.user("soft-editor"), filing=filing)
        self.assertEqual(check.call_args.args[2], first)
        self.assertEqual(filing.first_submitted_on, first)


@override_settings(MEDIA_ROOT=MEDIA)
class HaltTimeTest(GuildhallTestCase):
    def halt(self, filing, when):
        return services.filing_halt(actor=self.user("soft-principal"), filing=filing,
                                    reason="停电", actions_taken="疏散", halted_at=when)

    def test_a_halt_time_before_the_start_or_in_the_future_is_refused(self):
        filing = started(make_filing(self.cast, self.soft, "approved"))
        for when in (filing.starts_at - dt.timedelta(hours=3),  # the window opens 2 h before
                     timezone.now() + dt.timedelta(minutes=10)):
            with self.subTest(when=when), self.assertRaises(DomainError) as ctx:
                self.halt(filing, when)
            self.assertEqual((ctx.exception.code, ctx.exception.status), ("halt_time", 400))
        self.assertEqual(Filing.objects.get(pk=filing.pk).status, Status.APPROVED)

    def test_a_halt_time_between_the_start_and_now_is_recorded(self):
        filing = started(make_filing(self.cast, self.soft, "approved"))
        when = timezone.now() - dt.timedelta(minutes=5)
        self.assertEqual(self.halt(filing, when).halted_at, when)

    def test_a_halt_time_in_year_1_or_9999_is_a_400_in_the_api_never_a_500(self):
        filing = started(make_filing(self.cast, self.soft, "approved"))
        client = self.api_client("soft-principal")
        client.raise_request_exception = True
        for when in ("0001-01-01T00:00:00", "9999-12-31T23:59:59", "2000-01-01T00:00:00"):
            with self.subTest(when):
                response = client.post(f"/api/v1/events/{filing.pk}/halt", json.dumps(
                    {"reason": "r", "actions_taken": "a", "halted_at": when}),
                    content_type="application/json")
                self.assertEqual(response.status_code, 400, response.content)
                self.assertEqual(response.json()["code"], "halt_time")
        self.assertFalse(filing.halts.exists())

    def test_the_halt_page_shows_a_wrong_halt_time_on_the_form(self):
        filing = started(make_filing(self.cast, self.soft, "approved"))
        self.login("soft-staff")
        response = self.client.post(
            reverse("events:filing_halt", args=[self.soft.pk, filing.pk]),
            {"reason": "停电", "actions_taken": "疏散", "halted_at": "2001-01-01T10:00"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(Filing.objects.get(pk=filing.pk).status, Status.APPROVED)


@override_settings(MEDIA_ROOT=MEDIA)
class ForeignMaterialScanRaceTest(GuildhallTestCase):
    def test_material_for_the_foreign_party_added_after_the_scan_refuses_the_submission(self):
        filing = make_filing(self.cast, self.soft, "draft", type="foreign_exchange",
                             co_organizers=[{"name": "Partner", "foreign": True}],
                             starts_at=at(40), ends_at=at(40, 12), **PLAN)
        editor = self.user("soft-editor")
        real_scan = services.scan_foreign_attachments

        def scan_then_someone_attaches(f):
            count = real_scan(f)
            services.attachment_add(actor=editor, filing=f, upload=txt("late.txt", FOREIGN_TEXT),
                                    for_foreign_party=True)
            return count

        with mock.patch.object(services, "scan_foreign_attachments", scan_then_someone_attaches), \
                self.assertRaises(DomainError) as ctx:
            services.filing_submit(actor=editor, filing=filing)
        self.assertEqual(ctx.exception.code, "not_scanned")
        self.assertEqual(Filing.objects.get(pk=filing.pk).status, Status.DRAFT)
        # Submitting again scans the new file, whose findings then refuse the submission.
        with self.assertRaises(DomainError) as ctx:
            services.filing_submit(actor=editor, filing=filing)
        self.assertEqual(ctx.exception.code, "findings")
        self.assertFalse(Attachment.objects.filter(events_filing=filing, scanned_at=None).exists())


@override_settings(MEDIA_ROOT=MEDIA)
class AuditMaskingTest(GuildhallTestCase):
    def test_the_audit_trail_masks_the_on_site_phone_and_the_revision_keeps_it(self):
        filing = make_filing(self.cast, self.soft, **PLAN)
        created = AuditRecord.objects.get(action="events.filing.create", object_id=str(filing.pk))
        self.assertEqual(created.after["onsite_phone"], "139****5678")
        services.filing_update(actor=self.user("soft-editor"), filing=filing,
                               data={"onsite_phone": "13812349999"})
        updated = AuditRecord.objects.filter(action="events.filing.update",
                                             object_id=str(filing.pk)).last()
        self.assertEqual(updated.before["onsite_phone"], "139****5678")
        self.assertEqual(updated.after["onsite_phone"], "138****9999")
        self.assertNotIn("13812349999", json.dumps(updated.after))
        latest = Revision.objects.filter(events_filing=filing).last()
        self.assertEqual(latest.snapshot["onsite_phone"], "13812349999")


@override_settings(MEDIA_ROOT=MEDIA)
class BadInputTest(GuildhallTestCase):
    def body(self, **extra):
        body = {"organization": self.soft.pk, "title": "x", "type": "seminar",
                "starts_at": "2030-12-01T10:00:00", "ends_at": "2030-12-01T12:00:00",
                "venue": "v"}
        body.update(extra)
        return json.dumps(body)

    def test_out_of_range_ids_months_and_years_are_refused_with_a_4xx_never_a_500(self):
        client = self.api_client("soft-editor")
        client.raise_request_exception = True
        filing = make_filing(self.cast, self.soft)
        huge = 10**20
        requests = [
            ("get", "/api/v1/events/?org=99999999999999999999", None),
            ("get", f"/api/v1/events/?org={MAX_ID + 1}", None),
            ("post", "/api/v1/events/", self.body(onsite_person=huge)),
            ("post", "/api/v1/events/", self.body(organization=huge)),
            ("post", "/api/v1/events/", self.body(starts_at="9999-12-31T10:00:00",
                                                  ends_at="9999-12-31T12:00:00")),
            ("post", "/api/v1/events/", self.body(starts_at="0001-01-01T10:00:00",
                                                  ends_at="0001-01-01T12:00:00")),
            ("patch", f"/api/v1/events/{filing.pk}", json.dumps({"onsite_person": huge})),
            ("patch", f"/api/v1/events/{filing.pk}", json.dumps(
                {"starts_at": "9999-12-31T10:00:00", "ends_at": "9999-12-31T12:00:00"})),
        ]
        for method, url, body in requests:
            with self.subTest(method=method, url=url, body=body):
                if body is None:
                    response = client.get(url)
                else:
                    response = getattr(client, method)(url, body, content_type="application/json")
                self.assertTrue(400 <= response.status_code < 500, response.status_code)
        self.assertEqual(Filing.objects.get(pk=filing.pk).starts_at, filing.starts_at)
        self.login("soft-editor")
        self.client.raise_request_exception = True
        for url in (f"/o/{self.soft.pk}/events/?month=9999-12",
                    f"/o/{self.soft.pk}/events/calendar/?month=9999-12",
                    f"/o/{self.soft.pk}/events/calendar/?month=0001-01",
                    "/api/v1/events/?month=9999-12"):
            with self.subTest(url=url):
                response = (client if url.startswith("/api") else self.client).get(url)
                self.assertLess(response.status_code, 500)


@override_settings(MEDIA_ROOT=MEDIA)
class FormerMembersTest(GuildhallTestCase):
    def test_a_filer_who_left_the_association_is_not_told_about_the_decision(self):
        filing = make_filing(self.cast, self.soft, "submitted")
        Membership.objects.filter(user=self.user("soft-editor"), organization=self.soft).update(
            is_active=False)
        recipients = services.filer_and_principal(filing)
        self.assertNotIn(self.user("soft-editor"), recipients)
        self.assertIn(self.user("soft-principal"), recipients)
        with self.captureOnCommitCallbacks(execute=True):
            services.filing_approve(actor=self.user("sup-approver"), filing=filing,
                                    revision=filing.revision)
        self.assertFalse(Notification.objects.filter(recipient=self.user("soft-editor"),
                                                     kind="events.decided.approved").exists())
        self.assertTrue(Notification.objects.filter(recipient=self.user("soft-principal"),
                                                    kind="events.decided.approved").exists())

    def test_an_active_filer_is_told(self):
        filing = make_filing(self.cast, self.soft, "submitted")
        self.assertIn(self.user("soft-editor"), services.filer_and_principal(filing))


@override_settings(MEDIA_ROOT=MEDIA)
class FindingAcknowledgedTwiceTest(GuildhallTestCase):
    def test_acknowledging_an_acknowledged_finding_is_refused_and_keeps_the_first_reason(self):
        filing = make_filing(self.cast, self.soft, "foreign_findings")
        finding = Finding.objects.filter(events_filing=filing).first()
        principal = self.user("soft-principal")
        services.finding_acknowledge(actor=principal, finding=finding, reason="第一次")
        stale = Finding.objects.get(pk=finding.pk)
        with self.assertRaises(DomainError) as ctx:
            services.finding_acknowledge(actor=principal, finding=stale, reason="第二次")
        self.assertEqual((ctx.exception.code, ctx.exception.status), ("already_acknowledged", 409))
        self.assertEqual(Finding.objects.get(pk=finding.pk).acknowledged_reason, "第一次")

    def test_the_api_answers_409_for_an_acknowledged_finding(self):
        filing = make_filing(self.cast, self.soft, "foreign_findings")
        finding = Finding.objects.filter(events_filing=filing).first()
        client = self.api_client("soft-principal")
        url = f"/api/v1/events/{filing.pk}/findings/{finding.pk}/acknowledge"
        first = client.post(url, json.dumps({"reason": "需要"}), content_type="application/json")
        self.assertEqual(first.status_code, 200, first.content)
        again = client.post(url, json.dumps({"reason": "再次"}), content_type="application/json")
        self.assertEqual(again.status_code, 409)
        self.assertEqual(again.json()["code"], "already_acknowledged")
