import datetime as dt
import io
import tempfile

import docx
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from guildhall.meetings import services
from guildhall.meetings.models import Meeting, MeetingRules, Status
from guildhall.meetings.tests.factories import make_meeting, plan_slot
from guildhall.testing import GuildhallTestCase


def form_data(cast, org, **extra):
    held = timezone.localtime() - dt.timedelta(days=1)
    data = {"title": "意识形态工作专题研究会", "held_at": held.strftime("%Y-%m-%dT09:00"),
            "venue": "协会会议室", "chair": cast.user(f"{org.code}-principal").pk,
            "attendees": [cast.user(f"{org.code}-principal").pk, cast.user(f"{org.code}-staff").pk],
            "other_attendees": "2", "agenda": "传达文件\n研究部署", "conclusions": "修订流程\n开展自查"}
    data.update(extra)
    return data


class MeetingFormTest(GuildhallTestCase):
    def url(self, org=None):
        return reverse("meetings:meeting_new", args=[(org or self.soft).pk])

    def test_the_editor_records_a_meeting_with_attendees(self):
        self.login("soft-editor")
        response = self.client.post(self.url(), form_data(self.cast, self.soft))
        meeting = Meeting.objects.get()
        self.assertRedirects(response, meeting.get_absolute_url())
        self.assertEqual(meeting.agenda, ["传达文件", "研究部署"])
        self.assertEqual(meeting.conclusions, ["修订流程", "开展自查"])
        self.assertEqual(meeting.attendees.count(), 2)
        page = self.client.get(meeting.get_absolute_url())
        self.assertContains(page, self.user("soft-staff").display_name)
        self.assertContains(page, "另有 2 人")

    def test_a_chair_from_another_association_is_refused_with_a_clear_message(self):
        self.login("soft-editor")
        response = self.client.post(self.url(), form_data(
            self.cast, self.soft, title="保留我输入的标题", chair=self.user("logi-principal").pk))
        self.assertContains(response, "请从本协会成员中选择主持人", status_code=400)
        self.assertContains(response, "保留我输入的标题", status_code=400)
        self.assertFalse(Meeting.objects.exists())

    def test_an_attendee_from_another_association_is_refused_with_a_clear_message(self):
        self.login("soft-editor")
        response = self.client.post(self.url(), form_data(
            self.cast, self.soft, attendees=[self.user("chem-staff").pk]))
        self.assertContains(response, "请从本协会成员中选择参会人员", status_code=400)
        self.assertFalse(Meeting.objects.exists())

    def test_a_script_tag_is_escaped(self):
        self.login("soft-editor")
        self.client.post(self.url(), form_data(self.cast, self.soft, title="<script>alert(1)</script>",
                                               conclusions="<img src=x onerror=alert(1)>"))
        page = self.client.get(Meeting.objects.get().get_absolute_url())
        self.assertNotContains(page, "<script>alert(1)</script>")
        self.assertNotContains(page, "<img src=x")

    def test_a_staff_member_may_not_record_and_an_outsider_gets_404(self):
        self.login("soft-staff")
        self.assertEqual(self.client.get(self.url()).status_code, 403)
        self.login("logi-editor")
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        self.assertEqual(self.client.post(self.url(), form_data(self.cast, self.soft)).status_code, 404)
        self.login("sup-admin")
        self.assertEqual(self.client.get(self.url()).status_code, 403)

    def test_the_wrong_method_is_refused(self):
        self.login("soft-editor")
        self.assertEqual(self.client.delete(self.url()).status_code, 405)


class MeetingPageTest(GuildhallTestCase):
    def setUp(self):
        self.meeting = make_meeting(self.cast, self.soft)

    def url(self, name, meeting=None):
        meeting = meeting or self.meeting
        return reverse(f"meetings:{name}", args=[meeting.organization_id, meeting.pk])

    def test_the_editor_records_it_as_held_and_makes_a_conclusion_a_task(self):
        self.login("soft-editor")
        self.assertRedirects(self.client.post(self.url("meeting_record")), self.meeting.get_absolute_url())
        self.assertEqual(Meeting.objects.get(pk=self.meeting.pk).status, Status.HELD)
        due = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
        with plan_slot() as calls:
            response = self.client.post(self.url("meeting_follow_up"), {
                "prefix": "c1", "c1-title": "网站内容自查", "c1-owner": self.user("soft-staff").pk,
                "c1-due_date": due})
            self.assertRedirects(response, self.meeting.get_absolute_url())
            page = self.client.get(self.meeting.get_absolute_url())
        self.assertEqual([c["title"] for c in calls], ["网站内容自查"])
        self.assertContains(page, "网站内容自查")
        self.assertContains(page, "已生成后续任务")  # the timeline

    def test_a_follow_up_owner_from_elsewhere_is_refused_beside_the_field(self):
        held = make_meeting(self.cast, self.soft, state="held")
        self.login("soft-editor")
        with plan_slot() as calls:
            response = self.client.post(self.url("meeting_follow_up", held), {
                "prefix": "c0", "c0-owner": self.user("logi-staff").pk,
                "c0-due_date": timezone.localdate().isoformat()})
        self.assertContains(response, "请从本协会成员中选择负责人", status_code=400)
        self.assertEqual(calls, [])

    def test_an_unavailable_plan_is_refused_with_a_clear_message(self):
        held = make_meeting(self.cast, self.soft, state="held")
        self.login("soft-editor")
        with plan_slot(None):
            response = self.client.post(self.url("meeting_follow_up", held), {
                "prefix": "c0", "c0-owner": self.user("soft-staff").pk,
                "c0-due_date": timezone.localdate().isoformat()})
            self.assertContains(response, "本站点暂不提供此步骤", status_code=409)
            self.assertContains(self.client.get(held.get_absolute_url()), "年度工作要点尚未启用")

    def test_recording_too_early_says_why(self):
        future = make_meeting(self.cast, self.soft, held_at=timezone.now() + dt.timedelta(days=3))
        self.login("soft-editor")
        response = self.client.post(self.url("meeting_record", future))
        self.assertContains(response, "会议召开后才能登记为已召开", status_code=400)

    def test_the_supervisor_reads_but_never_edits(self):
        self.login("sup-viewer")
        page = self.client.get(self.meeting.get_absolute_url())
        self.assertContains(page, self.meeting.title)
        self.assertNotContains(page, 'id="edit-meeting"')
        self.assertEqual(self.client.get(self.url("meeting_edit")).status_code, 403)
        self.assertEqual(self.client.post(self.url("meeting_record")).status_code, 403)
        self.assertEqual(Meeting.objects.get(pk=self.meeting.pk).status, Status.DRAFT)

    def test_another_organizations_meeting_is_a_404(self):
        for username in ("logi-principal", "sup2-admin", "chem-editor"):
            self.login(username)
            for name in ("meeting_detail", "meeting_edit", "meeting_minutes"):
                self.assertEqual(self.client.get(self.url(name)).status_code, 404, (username, name))
            self.assertEqual(self.client.post(self.url("meeting_record")).status_code, 404)
        self.login("soft-editor")
        wrong_org = reverse("meetings:meeting_detail", args=[self.logi.pk, self.meeting.pk])
        self.assertEqual(self.client.get(wrong_org).status_code, 404)

    def test_the_edit_keeps_a_revision_and_a_stale_form_is_refused(self):
        self.login("soft-editor")
        data = form_data(self.cast, self.soft, title="改过的主题", revision="1")
        self.assertEqual(self.client.post(self.url("meeting_edit"), data).status_code, 302)
        response = self.client.post(self.url("meeting_edit"), {**data, "title": "又改了"})
        self.assertContains(response, "请刷新页面", status_code=400)
        self.assertEqual(Meeting.objects.get(pk=self.meeting.pk).title, "改过的主题")

    def test_the_minutes_download_as_a_word_document(self):
        self.login("sup-approver")
        response = self.client.get(self.url("meeting_minutes"))
        self.assertEqual(response.status_code, 200)
        self.assertIn(".docx", response["Content-Disposition"])
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
        self.assertIn("修订活动报备流程", text)
        self.assertIn("会议纪要", text)


class YearAndOverviewTest(GuildhallTestCase):
    def test_the_list_shows_held_against_the_minimum_with_flat_queries(self):
        make_meeting(self.cast, self.soft, state="held")
        self.login("soft-staff")
        url = reverse("meetings:meeting_list", args=[self.soft.pk])
        with self.assertQueryCountAtMost(30) as few:
            page = self.client.get(url)
        self.assertContains(page, "已召开 1 次，至少 2 次")
        self.assertContains(page, "低于最低次数")
        for n in range(10):
            make_meeting(self.cast, self.soft, state="held", title=f"第{n}次")
        with self.assertQueryCountAtMost(len(few.captured_queries)):
            page = self.client.get(url)
        self.assertNotContains(page, "低于最低次数")
        last_year = reverse("meetings:meeting_list", args=[self.soft.pk]) + f"?year={timezone.localdate().year - 1}"
        self.assertContains(self.client.get(last_year), "已召开 0 次")

    def test_the_supervisor_sees_each_association_below_fewest_first(self):
        make_meeting(self.cast, self.soft, state="held")
        make_meeting(self.cast, self.soft, state="held")
        make_meeting(self.cast, self.chem, state="held")
        self.login("sup-admin")
        url = reverse("meetings:meeting_overview", args=[self.sup.pk])
        with self.assertQueryCountAtMost(30) as few:
            page = self.client.get(url)
        text = page.content.decode()
        self.assertIn(self.soft.name, text)
        self.assertNotIn(self.chem.name, text)
        self.assertLess(text.index(self.logi.name), text.index(self.soft.name))
        self.assertContains(page, "已召开 2 次，至少 2 次")
        make_meeting(self.cast, self.logi, state="held")
        with self.assertQueryCountAtMost(len(few.captured_queries)):
            self.client.get(url)
        self.login("sup2-admin")
        self.assertEqual(self.client.get(url).status_code, 404)
        self.login("soft-principal")
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_the_supervisor_admin_sets_the_minimum_and_others_may_not(self):
        url = reverse("meetings:meeting_rules", args=[self.sup.pk])
        self.login("sup-approver")
        self.assertEqual(self.client.get(url).status_code, 403)
        self.login("sup-admin")
        response = self.client.post(url, {"minimum_per_year": "3", "held_by_month": "6", "held_by_day": "31"})
        self.assertContains(response, "该月没有这一天", status_code=400)
        self.assertFalse(MeetingRules.objects.exists())
        self.assertEqual(self.client.post(url, {"minimum_per_year": "3", "held_by_month": "6",
                                                "held_by_day": "30"}).status_code, 302)
        self.assertEqual(MeetingRules.for_association(self.soft).minimum_per_year, 3)
        self.login("soft-editor")
        self.assertContains(self.client.get(reverse("meetings:meeting_list", args=[self.soft.pk])),
                            "已召开 0 次，至少 3 次")


class DiffTest(GuildhallTestCase):
    def test_two_revisions_are_compared_with_people_by_name(self):
        meeting = make_meeting(self.cast, self.soft)
        services.meeting_update(actor=self.user("soft-editor"), meeting=meeting, data={
            "attendees": [self.user("soft-staff")], "conclusions": ["新的结论"]})
        self.login("sup-viewer")
        page = self.client.get(reverse("meetings:meeting_diff", args=[self.soft.pk, meeting.pk]))
        self.assertContains(page, "新的结论")
        self.assertContains(page, self.user("soft-staff").display_name)
        self.assertEqual(page.content.decode().count('<tr class="replace">'), 2)  # only what changed
        self.assertEqual(self.client.get(reverse("meetings:meeting_diff", args=[self.soft.pk, meeting.pk]),
                                         {"a": "x", "b": "99"}).status_code, 200)


class DetailQueriesAndFilesTest(GuildhallTestCase):
    def test_the_meeting_page_keeps_a_flat_query_count_with_more_conclusions_and_tasks(self):
        meeting = make_meeting(self.cast, self.soft, state="held")
        editor = self.user("soft-editor")
        self.login("soft-editor")
        url = meeting.get_absolute_url()
        with plan_slot():
            services.meeting_follow_up(actor=editor, meeting=meeting, conclusion=0, owner=editor,
                                       due_date=timezone.localdate())
            with self.assertQueryCountAtMost(40) as few:
                self.client.get(url)
            meeting = services.meeting_update(actor=editor, meeting=meeting, data={
                "conclusions": [f"结论{n}" for n in range(12)]})
            for n in range(4):
                services.meeting_follow_up(actor=editor, meeting=meeting, conclusion=n, owner=editor,
                                           due_date=timezone.localdate())
            with self.assertQueryCountAtMost(len(few.captured_queries)):
                page = self.client.get(url)
        self.assertContains(page, 'id="make-task-11"')
        self.assertEqual(len(page.context["follow_ups"]), 5)

    def test_a_stale_follow_up_is_refused(self):
        meeting = make_meeting(self.cast, self.soft, state="held")
        self.login("soft-editor")
        services.meeting_update(actor=self.user("soft-editor"), meeting=meeting,
                                data={"conclusions": ["另一条结论"]})
        with plan_slot() as calls:
            response = self.client.post(reverse("meetings:meeting_follow_up", args=[self.soft.pk, meeting.pk]), {
                "prefix": "c0", "c0-owner": self.user("soft-staff").pk, "c0-revision": "1",
                "c0-due_date": timezone.localdate().isoformat()})
        self.assertContains(response, "请刷新页面", status_code=409)
        self.assertEqual(calls, [])

    @override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="guildhall-test-media-"))
    def test_a_file_of_the_wrong_kind_is_refused_clearly(self):
        meeting = make_meeting(self.cast, self.soft, state="held")
        self.login("soft-editor")
        response = self.client.post(
            reverse("meetings:attachment_upload", args=[self.soft.pk, meeting.pk]),
            {"file": SimpleUploadedFile("run.exe", b"MZ\x90\x00binary",
                                        content_type="application/x-msdownload")})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "PowerPoint", status_code=400)
        self.assertFalse(meeting.attachments.exists())
