import datetime as dt
import io
import tempfile

import docx
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from guildhall.audit.models import AuditRecord
from guildhall.core.errors import DomainError
from guildhall.kit import links
from guildhall.meetings import queries, services
from guildhall.meetings.minutes import minutes_docx
from guildhall.meetings.models import (
    ATTENDEE_NOT_MEMBER,
    CHAIR_NOT_MEMBER,
    Meeting,
    MeetingRules,
    Status,
)
from guildhall.meetings.tests.factories import make_meeting, meeting_data, plan_slot
from guildhall.records.services import linked_subjects
from guildhall.testing import GuildhallTestCase

MEDIA = tempfile.mkdtemp(prefix="guildhall-test-media-")


class RecordingTest(GuildhallTestCase):
    def test_a_meeting_is_recorded_with_its_attendees_and_a_first_revision(self):
        meeting = make_meeting(self.cast, self.soft)
        self.assertEqual(meeting.status, Status.DRAFT)
        self.assertEqual(set(meeting.attendees.values_list("username", flat=True)),
                         {"soft-principal", "soft-editor"})
        self.assertEqual(meeting.revisions.count(), 1)
        self.assertTrue(AuditRecord.objects.filter(action="meetings.meeting.create",
                                                   object_id=str(meeting.pk)).exists())

    def test_a_chair_who_is_not_a_member_is_refused_clearly(self):
        with self.assertRaises(Exception) as caught:
            services.meeting_create(actor=self.user("soft-editor"), org=self.soft,
                                    data=meeting_data(self.cast, self.soft,
                                                      chair=self.user("logi-principal")))
        self.assertIn("chair", caught.exception.message_dict)
        self.assertEqual(caught.exception.message_dict["chair"], [str(CHAIR_NOT_MEMBER)])
        self.assertFalse(Meeting.objects.exists())

    def test_an_attendee_who_is_not_a_member_is_refused_clearly(self):
        with self.assertRaises(DomainError) as caught:
            services.meeting_create(actor=self.user("soft-editor"), org=self.soft,
                                    data=meeting_data(self.cast, self.soft, attendees=[
                                        self.user("soft-staff"), self.user("chem-editor")]))
        self.assertEqual((caught.exception.field, caught.exception.code), ("attendees", "not_member"))
        self.assertEqual(str(caught.exception), str(ATTENDEE_NOT_MEMBER))
        self.assertFalse(Meeting.objects.exists())

    def test_a_place_or_an_online_platform_is_required(self):
        with self.assertRaises(Exception) as caught:
            make_meeting(self.cast, self.soft, venue="", online_platform="")
        self.assertIn("venue", caught.exception.message_dict)
        self.assertEqual(make_meeting(self.cast, self.soft, venue="", online_platform="腾讯会议")
                         .online_platform, "腾讯会议")

    def test_a_meeting_is_recorded_as_held_only_after_it_took_place_and_with_a_conclusion(self):
        future = make_meeting(self.cast, self.soft, held_at=timezone.now() + dt.timedelta(days=2))
        with self.assertRaises(DomainError) as caught:
            services.meeting_record(actor=self.user("soft-editor"), meeting=future)
        self.assertEqual(caught.exception.code, "not_ready")
        empty = make_meeting(self.cast, self.soft, conclusions=[])
        with self.assertRaises(DomainError):
            services.meeting_record(actor=self.user("soft-editor"), meeting=empty)
        held = services.meeting_record(actor=self.user("soft-editor"),
                                       meeting=make_meeting(self.cast, self.soft))
        self.assertEqual(held.status, Status.HELD)
        self.assertEqual([e.kind for e in held.entries.all()], ["recorded"])

    def test_an_edit_is_a_new_revision_and_a_stale_one_is_refused(self):
        meeting = make_meeting(self.cast, self.soft, state="held")
        editor = self.user("soft-editor")
        meeting = services.meeting_update(actor=editor, meeting=meeting, revision=1,
                                          data={"conclusions": ["修订活动报备流程", "开展内容自查", "新增一条"]})
        self.assertEqual(meeting.revision, 2)
        self.assertEqual(meeting.revisions.get(number=2).changed_fields, ["conclusions"])
        with self.assertRaises(DomainError) as caught:
            services.meeting_update(actor=editor, meeting=meeting, revision=1, data={"title": "旧"})
        self.assertEqual(caught.exception.code, "stale_revision")

    def test_a_held_meeting_keeps_a_conclusion_and_a_past_time(self):
        meeting = make_meeting(self.cast, self.soft, state="held")
        with self.assertRaises(DomainError):
            services.meeting_update(actor=self.user("soft-editor"), meeting=meeting,
                                    data={"conclusions": []})
        self.assertEqual(Meeting.objects.get(pk=meeting.pk).conclusions, ["修订活动报备流程", "开展内容自查"])

    def test_a_cancelled_meeting_cannot_be_recorded_or_edited(self):
        meeting = make_meeting(self.cast, self.soft, state="cancelled")
        for run in (lambda: services.meeting_record(actor=self.user("soft-editor"), meeting=meeting),
                    lambda: services.meeting_update(actor=self.user("soft-editor"), meeting=meeting,
                                                    data={"title": "x"})):
            with self.assertRaises(DomainError) as caught:
                run()
            self.assertEqual(caught.exception.status, 409)

    @override_settings(MEDIA_ROOT=MEDIA)
    def test_minutes_attached_make_a_revision(self):
        meeting = make_meeting(self.cast, self.soft, state="held")
        services.attachment_add(actor=self.user("soft-editor"), meeting=meeting, upload=SimpleUploadedFile(
            "纪要.txt", "会议纪要".encode(), content_type="text/plain"))
        meeting.refresh_from_db()
        self.assertEqual(meeting.revision, 2)
        self.assertEqual(meeting.revisions.get(number=2).changed_fields, ["attachments"])


class FollowUpTest(GuildhallTestCase):
    def setUp(self):
        self.meeting = make_meeting(self.cast, self.soft, state="held")
        self.editor = self.user("soft-editor")

    def follow_up(self, **extra):
        args = {"actor": self.editor, "meeting": self.meeting, "conclusion": 1, "title": "",
                "owner": self.user("soft-staff"), "due_date": timezone.localdate() + dt.timedelta(days=30)}
        args.update(extra)
        return services.meeting_follow_up(**args)

    def test_a_conclusion_becomes_a_plan_item_in_one_step(self):
        with plan_slot() as calls:
            item = self.follow_up(title="")
        [call] = calls
        self.assertEqual(call["title"], "开展内容自查")  # the conclusion, when no title is given
        self.assertEqual((call["organization"], call["owner"], call["source"], call["source_kind"]),
                         (self.soft, self.user("soft-staff"), self.meeting, "meetings.meeting"))
        self.assertIn("开展内容自查", call["description"])
        self.assertEqual(services.follow_ups(self.meeting), [item])
        self.assertEqual(linked_subjects(self.meeting, role="origin").count(), 1)
        self.assertEqual([e.kind for e in self.meeting.entries.all()], ["recorded", "follow_up"])
        self.assertTrue(AuditRecord.objects.filter(action="meetings.meeting.follow_up").exists())

    def test_an_unavailable_plan_is_refused_clearly_and_nothing_is_kept(self):
        with plan_slot(None), self.assertRaises(DomainError) as caught:
            self.follow_up()
        self.assertEqual((caught.exception.code, caught.exception.status), ("not_available", 409))
        self.assertFalse(self.meeting.entries.filter(kind="follow_up").exists())
        self.assertFalse(AuditRecord.objects.filter(action="meetings.meeting.follow_up").exists())

    def test_the_owner_must_be_a_member_and_the_conclusion_must_exist(self):
        with plan_slot() as calls:
            for extra, field in (({"owner": self.user("logi-editor")}, "owner"),
                                 ({"owner": None}, "owner"), ({"conclusion": 5}, "conclusion"),
                                 ({"conclusion": "x"}, "conclusion"), ({"due_date": None}, "due_date"),
                                 ({"due_date": dt.date(2001, 1, 1)}, "due_date")):
                with self.assertRaises(DomainError) as caught:
                    self.follow_up(**extra)
                self.assertEqual(caught.exception.field, field, extra)
        self.assertEqual(calls, [])

    def test_a_draft_meeting_has_no_follow_up_tasks_yet(self):
        draft = make_meeting(self.cast, self.soft)
        with plan_slot() as calls, self.assertRaises(DomainError) as caught:
            self.follow_up(meeting=draft)
        self.assertEqual(caught.exception.status, 409)
        self.assertEqual(calls, [])

    def test_the_minutes_export_opens_and_holds_the_conclusions_and_tasks(self):
        with plan_slot():
            self.follow_up(title="对网站开展自查")
        document = docx.Document(io.BytesIO(minutes_docx(self.meeting)))
        text = "\n".join(p.text for p in document.paragraphs)
        for expected in ("专题研究会", "修订活动报备流程", "开展内容自查", "对网站开展自查", "传达文件",
                         self.user("soft-principal").display_name, "协会会议室"):
            self.assertIn(expected, text)


class LinkKindTest(GuildhallTestCase):
    def test_only_held_meetings_of_the_association_may_be_linked(self):
        held = make_meeting(self.cast, self.soft, state="held")
        draft = make_meeting(self.cast, self.soft)
        other = make_meeting(self.cast, self.logi, state="held")
        self.assertEqual(links.find(self.soft, "meetings.meeting", held.pk), held)
        for pk in (draft.pk, other.pk):
            with self.assertRaises(DomainError):
                links.find(self.soft, "meetings.meeting", pk)
        self.assertIn("meetings.meeting", {k.key for k in links.kinds()})


class MinimumTest(GuildhallTestCase):
    def test_the_count_is_of_held_meetings_of_the_year_against_the_parents_minimum(self):
        make_meeting(self.cast, self.soft, state="held")
        make_meeting(self.cast, self.soft)  # a draft does not count
        make_meeting(self.cast, self.soft, state="held",
                     held_at=timezone.now() - dt.timedelta(days=400))  # nor last year's
        year = timezone.localdate().year
        self.assertEqual(queries.held_count(self.soft, year), 1)
        self.assertEqual(MeetingRules.for_association(self.soft).minimum_per_year, 2)
        services.rules_update(actor=self.user("sup-admin"), supervisor=self.sup,
                              data={"minimum_per_year": 4, "held_by_month": 2, "held_by_day": 29})
        rules = MeetingRules.for_association(self.soft)
        self.assertEqual(rules.minimum_per_year, 4)
        self.assertEqual(rules.held_by(2027), dt.date(2027, 2, 28))
        self.assertEqual(MeetingRules.for_association(self.chem).minimum_per_year, 2)
        rows = {o.code: o.held for o in queries.associations_below(self.sup, year)}
        self.assertEqual(rows, {"soft": 1, "logi": 0, "tour": 0})

    def test_rules_refuse_an_impossible_day(self):
        with self.assertRaises(Exception) as caught:
            services.rules_update(actor=self.user("sup-admin"), supervisor=self.sup,
                                  data={"held_by_month": 4, "held_by_day": 31})
        self.assertIn("held_by_day", caught.exception.message_dict)
        self.assertFalse(MeetingRules.objects.exists())
