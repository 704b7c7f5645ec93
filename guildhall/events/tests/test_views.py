import datetime as dt
import io
import tempfile
import zipfile
from unittest import mock

import icalendar
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from guildhall.events import services
from guildhall.events.models import Filing, Status
from guildhall.events.tests.factories import make_filing, started
from guildhall.records.models import Attachment
from guildhall.testing import GuildhallTestCase

MEDIA = tempfile.mkdtemp(prefix="guildhall-test-media-")


def form_data(**extra):
    start = timezone.localtime() + dt.timedelta(days=40)
    data = {"title": "软件产业研讨会", "type": "seminar",
            "starts_at": start.strftime("%Y-%m-%dT09:00"), "ends_at": start.strftime("%Y-%m-%dT12:00"),
            "venue": "协会会议室", "expected_attendance": "50",
            "speakers": "李老师 | 南京大学 | 行业趋势"}
    data.update(extra)
    return data


@override_settings(MEDIA_ROOT=MEDIA)
class FilingFormTest(GuildhallTestCase):
    def url(self, org=None):
        return reverse("events:filing_new", args=[(org or self.soft).pk])

    def test_the_editor_files_a_draft(self):
        self.login("soft-editor")
        response = self.client.post(self.url(), form_data())
        filing = Filing.objects.filter(organization=self.soft).latest("pk")
        self.assertRedirects(response, reverse("events:filing_detail", args=[self.soft.pk, filing.pk]))
        self.assertEqual(filing.speakers, [{"name": "李老师", "affiliation": "南京大学",
                                            "topic": "行业趋势"}])
        self.assertEqual(filing.organizer, self.soft.name)

    def test_bad_input_keeps_what_was_typed(self):
        self.login("soft-editor")
        response = self.client.post(self.url(), form_data(
            title="保留我输入的标题", ends_at="2020-01-01T08:00", venue=""))
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "保留我输入的标题", status_code=400)
        self.assertContains(response, "李老师 | 南京大学 | 行业趋势", status_code=400)
        self.assertFalse(Filing.objects.filter(title="保留我输入的标题").exists())

    def test_a_script_tag_is_stored_as_text_and_escaped(self):
        self.login("soft-editor")
        self.client.post(self.url(), form_data(title="<script>alert(1)</script>",
                                               description="<img src=x onerror=alert(1)>"))
        filing = Filing.objects.get(title="<script>alert(1)</script>")
        response = self.client.get(reverse("events:filing_detail", args=[self.soft.pk, filing.pk]))
        self.assertNotContains(response, "<script>alert(1)</script>")
        self.assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")
        self.assertNotContains(response, "<img src=x")

    def test_a_staff_member_may_not_file(self):
        self.login("soft-staff")
        self.assertEqual(self.client.get(self.url()).status_code, 403)

    def test_an_outsider_gets_404(self):
        self.login("logi-editor")
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        self.assertEqual(self.client.post(self.url(), form_data()).status_code, 404)


@override_settings(MEDIA_ROOT=MEDIA)
class FilingPageTest(GuildhallTestCase):
    def setUp(self):
        self.filing = make_filing(self.cast, self.soft, "submitted")

    def url(self, name, filing=None):
        filing = filing or self.filing
        return reverse(name, args=[filing.organization_id, filing.pk])

    def test_the_approver_approves_from_the_page(self):
        self.login("sup-approver")
        page = self.client.get(self.url("events:filing_detail"))
        self.assertContains(page, 'id="approve"')
        response = self.client.post(self.url("events:filing_approve"),
                                    {"revision": self.filing.revision, "comment": "同意"})
        self.assertRedirects(response, self.url("events:filing_detail"))
        self.assertEqual(Filing.objects.get(pk=self.filing.pk).status, Status.APPROVED)

    def test_a_stale_revision_answers_409_with_a_message(self):
        self.login("sup-approver")
        response = self.client.post(self.url("events:filing_approve"),
                                    {"revision": self.filing.revision - 1, "comment": ""})
        self.assertContains(response, "revision", status_code=409)
        self.assertEqual(Filing.objects.get(pk=self.filing.pk).status, Status.SUBMITTED)

    def test_a_return_without_a_comment_is_refused_and_keeps_the_form(self):
        self.login("sup-approver")
        response = self.client.post(self.url("events:filing_return"),
                                    {"revision": self.filing.revision, "comment": "  "})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(Filing.objects.get(pk=self.filing.pk).status, Status.SUBMITTED)

    def test_the_wrong_method_is_405(self):
        self.login("sup-approver")
        self.assertEqual(self.client.get(self.url("events:filing_approve")).status_code, 405)
        self.assertEqual(self.client.post(self.url("events:filing_detail")).status_code, 405)

    def test_the_author_cannot_approve_their_own_filing(self):
        self.login("soft-editor")
        response = self.client.post(self.url("events:filing_approve"),
                                    {"revision": self.filing.revision, "comment": ""})
        self.assertEqual(response.status_code, 403)

    def test_a_viewer_reads_but_cannot_decide(self):
        self.login("sup-viewer")
        self.assertEqual(self.client.get(self.url("events:filing_detail")).status_code, 200)
        response = self.client.post(self.url("events:filing_approve"),
                                    {"revision": self.filing.revision, "comment": ""})
        self.assertEqual(response.status_code, 403)

    def test_the_other_hierarchy_and_sibling_associations_get_404(self):
        for username in ("sup2-approver", "logi-principal", "logi-editor", "chem-editor"):
            self.login(username)
            self.assertEqual(self.client.get(self.url("events:filing_detail")).status_code, 404, username)
            response = self.client.post(self.url("events:filing_approve"),
                                        {"revision": self.filing.revision, "comment": ""})
            self.assertEqual(response.status_code, 404, username)
            self.assertNotContains(response, self.filing.title, status_code=404)

    def test_the_timeline_and_the_diff_show_every_revision_and_decision(self):
        filing = services.filing_return(actor=self.user("sup-approver"), filing=self.filing,
                                        revision=self.filing.revision, comment="请补充讲者")
        services.filing_update(actor=self.user("soft-editor"), filing=filing,
                               data={"venue": "新会场"})
        self.login("soft-editor")
        page = self.client.get(self.url("events:filing_detail"))
        self.assertContains(page, "请补充讲者")
        diff = self.client.get(self.url("events:filing_diff"))
        self.assertContains(diff, "新会场")
        self.assertContains(diff, "协会会议室")

    def test_a_returned_filing_shows_the_reason_at_the_top(self):
        from guildhall.events import services

        filing = make_filing(self.cast, self.soft, "submitted")
        services.filing_return(actor=self.user("sup-approver"), filing=filing,
                               revision=filing.revision, comment="请补充应急预案中的现场负责人电话。")
        self.login("soft-editor")
        page = self.client.get(self.url("events:filing_detail", filing)).content.decode()
        top = page[:page.index('id="actions"')]
        self.assertIn('id="refusal"', top)
        self.assertIn("请补充应急预案中的现场负责人电话。", top)
        self.assertIn("退回修改", top)
        self.assertIn(self.user("sup-approver").display_name, top)
        # Once it is submitted again, the banner goes.
        services.filing_submit(actor=self.user("soft-editor"), filing=Filing.objects.get(pk=filing.pk))
        page = self.client.get(self.url("events:filing_detail", filing)).content.decode()
        self.assertNotIn('id="refusal"', page)

    def test_before_the_halt_window_the_page_says_when_it_opens(self):
        filing = make_filing(self.cast, self.soft, "approved")  # weeks ahead
        self.login("soft-staff")
        page = self.client.get(self.url("events:filing_detail", filing)).content.decode()
        self.assertNotIn('id="halt-event"', page)
        opens = timezone.localtime(filing.starts_at - dt.timedelta(hours=2))
        self.assertIn(f"活动可在 {opens:%Y-%m-%d %H:%M} 起至结束前熔断", page)
        self.assertEqual(self.client.post(self.url("events:filing_halt", filing), {
            "reason": "突发情况", "actions_taken": "疏散"}).status_code, 403)
        self.assertEqual(Filing.objects.get(pk=filing.pk).status, Status.APPROVED)

    def test_the_halt_page_records_a_halt(self):
        filing = started(make_filing(self.cast, self.soft, "approved"))
        self.login("soft-staff")  # the on-site responsible person
        self.assertEqual(self.client.get(self.url("events:filing_halt", filing)).status_code, 200)
        response = self.client.post(self.url("events:filing_halt", filing),
                                    {"reason": "突发情况", "actions_taken": "疏散"})
        self.assertRedirects(response, self.url("events:filing_detail", filing))
        self.assertEqual(Filing.objects.get(pk=filing.pk).status, Status.HALTED)
        self.login("soft-editor")
        self.assertEqual(self.client.get(self.url("events:filing_halt", filing)).status_code, 403)


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"0" * (30 * 1024 * 1024))
    return buffer.getvalue()


@override_settings(MEDIA_ROOT=MEDIA)
class AttachmentTest(GuildhallTestCase):
    def setUp(self):
        self.filing = make_filing(self.cast, self.soft, "draft")
        self.url = reverse("events:attachment_upload", args=[self.soft.pk, self.filing.pk])
        self.login("soft-editor")

    def upload(self, name, content):
        return self.client.post(self.url, {"file": SimpleUploadedFile(name, content)})

    def test_a_docx_is_stored_under_a_generated_name_and_downloaded_as_an_attachment(self):
        self.assertEqual(self.upload("议程.docx", docx_bytes()).status_code, 302)
        attachment = Attachment.objects.get(events_filing=self.filing)
        self.assertNotIn("议程", attachment.file.name)
        response = self.client.get(reverse("events:attachment_download", args=[
            self.soft.pk, self.filing.pk, attachment.pk]))
        self.assertTrue(response["Content-Disposition"].startswith("attachment"))
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertEqual(response["Content-Type"], "application/octet-stream")
        self.login("sup2-approver")
        self.assertEqual(self.client.get(reverse("events:attachment_download", args=[
            self.soft.pk, self.filing.pk, attachment.pk])).status_code, 404)

    def test_a_file_whose_content_is_not_its_extension_is_refused(self):
        response = self.upload("report.pdf", b"<html><script>alert(1)</script></html>")
        self.assertContains(response, "content", status_code=400)
        self.assertFalse(Attachment.objects.filter(events_filing=self.filing).exists())

    def test_an_unknown_type_is_refused(self):
        self.assertEqual(self.upload("run.exe", b"MZ\x90\x00").status_code, 400)
        self.assertEqual(self.upload("page.html", b"<html></html>").status_code, 400)

    def test_a_binary_file_named_txt_is_refused(self):
        self.assertEqual(self.upload("notes.txt", b"\x00\x01\x02\xff").status_code, 400)

    def test_an_oversized_file_is_refused(self):
        with mock.patch("guildhall.events.services.MAX_UPLOAD", 1024):
            response = self.upload("big.txt", b"a" * 2048)
        self.assertContains(response, "MB", status_code=400)

    def test_a_zip_bomb_is_refused(self):
        response = self.upload("bomb.docx", zip_bomb())
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Attachment.objects.filter(events_filing=self.filing).exists())


@override_settings(MEDIA_ROOT=MEDIA)
class ListQueryCountTest(GuildhallTestCase):
    def make_many(self, n):
        base = make_filing(self.cast, self.soft, "submitted")
        fields = {f.attname: getattr(base, f.attname) for f in Filing._meta.concrete_fields
                  if f.attname != "id"}
        now = timezone.now()  # this month, so that the calendar shows them
        fields.update(starts_at=now, ends_at=now + dt.timedelta(minutes=1))
        Filing.objects.bulk_create([Filing(**fields) for _ in range(n)])
        fields["status"] = Status.APPROVED
        Filing.objects.bulk_create([Filing(**fields) for _ in range(n)])

    def count(self, username, url):
        self.login(username)
        self.client.get(url)  # warm caches (sessions, content types)
        with self.assertQueryCountAtMost(1000) as ctx:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return len(ctx.captured_queries)

    def test_list_queue_and_calendar_stay_flat_as_data_grows(self):
        pages = [("soft-editor", reverse("events:filing_list", args=[self.soft.pk])),
                 ("sup-approver", reverse("events:filing_queue", args=[self.sup.pk])),
                 ("sup-approver", reverse("events:event_calendar", args=[self.sup.pk]))]
        self.make_many(5)
        small = [self.count(u, url) for u, url in pages]
        self.make_many(50)
        large = [self.count(u, url) for u, url in pages]
        self.assertEqual(small, large)
        self.assertLessEqual(max(large), 12)


@override_settings(MEDIA_ROOT=MEDIA)
class CalendarFeedTest(GuildhallTestCase):
    def test_the_feed_holds_exactly_the_approved_not_cancelled_events(self):
        approved = make_filing(self.cast, self.soft, "approved", title="已批准活动")
        cancelled = make_filing(self.cast, self.soft, "approved", title="已取消活动")
        services.filing_cancel(actor=self.user("soft-editor"), filing=cancelled, reason="取消")
        make_filing(self.cast, self.soft, "submitted", title="待审批活动")
        make_filing(self.cast, self.logi, "approved", title="别的协会活动")
        token = services.feed_for(self.soft).token
        response = self.client.get(reverse("events:event_feed", args=[token]))
        self.assertEqual(response.status_code, 200)
        cal = icalendar.Calendar.from_ical(response.content)
        uids = {str(e["uid"]) for e in cal.walk("VEVENT")}
        expected = {f"filing-{pk}@guildhall" for pk in Filing.objects.filter(
            organization=self.soft, status__in=["approved", "halted", "summarized", "closed"],
            ends_at__gte=timezone.now() - dt.timedelta(days=366)).values_list("pk", flat=True)}
        self.assertEqual(uids, expected)
        self.assertIn(f"filing-{approved.pk}@guildhall", uids)
        self.assertNotIn(f"filing-{cancelled.pk}@guildhall", uids)

    def test_a_regenerated_token_retires_the_old_address(self):
        old = services.feed_for(self.soft).token
        self.login("soft-admin")
        self.client.post(reverse("events:feed_regenerate", args=[self.soft.pk]))
        self.assertEqual(self.client.get(reverse("events:event_feed", args=[old])).status_code, 404)
        self.assertEqual(self.client.get(reverse("events:event_feed", args=["nope"])).status_code, 404)


class RulesPageTest(GuildhallTestCase):
    def test_the_supervisor_admin_sets_the_lead_times(self):
        self.login("sup-admin")
        url = reverse("events:filing_rules", args=[self.sup.pk])
        data = {"approval_steps": "2", "contingency_threshold": "100", "decision_days": "3",
                "summary_days": "5", "require_signoff": "on", "halt_opens_hours": "4"}
        data.update({f"lead_{t}": "7" for t in ("report_meeting", "seminar", "symposium", "forum",
                                                 "lecture", "exchange", "training", "exhibition",
                                                 "foreign_exchange", "other")})
        self.assertEqual(self.client.post(url, data).status_code, 302)
        from guildhall.events.models import FilingRules

        rules = FilingRules.of(self.sup)
        self.assertEqual((rules.approval_steps, rules.lead_days_for("seminar")), (2, 7))
        self.assertEqual(self.client.post(url, {**data, "approval_steps": "9"}).status_code, 400)
        self.login("sup-approver")
        self.assertEqual(self.client.get(url).status_code, 403)


class LengthRuleTest(GuildhallTestCase):
    """Security finding 4 (issue 15): text the web form accepted broke the API for everyone
    above it. One rule (the model's) now refuses it on both paths, and the API's output
    shows whatever a filing holds."""

    def test_the_form_refuses_a_speaker_name_the_api_would_refuse(self):
        self.login("soft-editor")
        count = Filing.objects.count()
        response = self.client.post(reverse("events:filing_new", args=[self.soft.pk]), form_data(
            speakers=f"{'李' * 101} | 南京大学 | 行业趋势", co_organizers="协" * 201))
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "100", status_code=400)
        self.assertContains(response, "协" * 201, status_code=400)  # what was typed is kept
        self.assertEqual(Filing.objects.count(), count)

    def test_the_api_lists_a_filing_whatever_its_stored_text(self):
        filing = make_filing(self.cast, self.soft)
        Filing.objects.filter(pk=filing.pk).update(
            speakers=[{"name": "李" * 150, "affiliation": "", "topic": ""}],
            co_organizers=[{"name": "协" * 300, "foreign": False}])
        for who in ("soft-editor", "sup-approver"):
            api = self.api_client(who)
            self.assertEqual(api.get("/api/v1/events/").status_code, 200, who)
            self.assertEqual(api.get(f"/api/v1/events/{filing.pk}").status_code, 200, who)
