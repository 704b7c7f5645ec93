import datetime as dt
import tempfile
from io import StringIO

from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from guildhall.events.models import Filing
from guildhall.events.tests.factories import make_filing
from guildhall.notifications import services
from guildhall.notifications.calendar import add_working_days, is_known_year
from guildhall.notifications.models import Notification
from guildhall.notifications.services import Deadline, Message, Notice, notify
from guildhall.testing import GuildhallTestCase


class NotifyTest(GuildhallTestCase):
    def test_notifications_go_out_only_after_commit(self):
        editor = self.user("soft-editor")
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            notify([editor], Message(kind="test", subject="您有一条待办", organization=self.soft))
        self.assertFalse(Notification.objects.exists())
        for callback in callbacks:
            callback()
        note = Notification.objects.get()
        self.assertEqual((note.recipient, note.subject), (editor, "您有一条待办"))
        self.assertEqual(len(mail.outbox), 1)
        self.assertIsNotNone(note.emailed_at)

    def test_a_rolled_back_change_sends_nothing(self):
        try:
            with transaction.atomic():
                notify([self.user("soft-editor")], Message(kind="test", subject="x"))
                raise RuntimeError
        except RuntimeError:
            pass
        self.assertFalse(Notification.objects.exists())

    def test_subjects_are_rendered_in_each_recipients_language(self):
        from django.utils.translation import gettext

        english = self.user("soft-reviewer")
        english.language = "en"
        english.save()
        services.deliver([self.user("soft-editor"), english],
                         Message(kind="test", subject=lambda: gettext("Inbox")))
        subjects = dict(Notification.objects.values_list("recipient__username", "subject"))
        self.assertEqual(subjects, {"soft-editor": "消息", "soft-reviewer": "Inbox"})

    def test_the_inbox_shows_the_unread_count_and_marks_read(self):
        editor = self.login("soft-editor")
        services.deliver([editor], Message(kind="test", subject="请审阅", url="/inbox/"))
        page = self.client.get("/inbox/")
        self.assertContains(page, "请审阅")
        self.assertContains(page, '<span class="badge">1</span>', html=False)
        note = Notification.objects.get()
        self.client.post(f"/inbox/{note.pk}/read")
        note.refresh_from_db()
        self.assertIsNotNone(note.read_at)

    def test_the_home_lists_the_latest_unread_and_the_header_counts_them_all_in_one_query(self):
        editor = self.login("soft-editor")
        for i in range(7):
            services.deliver([editor], Message(kind="test", subject=f"第{i}条通知"))
        Notification.objects.filter(subject="第0条通知").update(read_at=timezone.now())
        with CaptureQueriesContext(connection) as queries:
            page = self.client.get(f"/o/{self.soft.pk}/")
        self.assertContains(page, '<span class="badge">6</span>', html=False)
        for i in range(2, 7):
            self.assertContains(page, f"第{i}条通知")
        self.assertNotContains(page, "第1条通知")  # the sixth unread: not among the latest five
        self.assertNotContains(page, "第0条通知")
        counted = [q["sql"] for q in queries.captured_queries if "notifications_notification" in q["sql"]]
        self.assertEqual(len(counted), 1, counted)
        # A page without the list counts them on its own.
        self.assertContains(self.client.get("/inbox/"), '<span class="badge">6</span>', html=False)

    def test_someone_elses_notification_is_404(self):
        note = services.deliver([self.user("logi-editor")], Message(kind="t", subject="x"))[0]
        self.login("soft-editor")
        self.assertEqual(self.client.post(f"/inbox/{note.pk}/read").status_code, 404)


@override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="guildhall-test-media-"))
class TickTest(GuildhallTestCase):
    def setUp(self):
        self.deadlines = list(services._DEADLINES)
        self.filing = make_filing(self.cast, self.soft, "submitted")
        self.set_due(dt.date(2026, 1, 5))
        self.recipients = [self.user("soft-principal")]
        services._DEADLINES[:] = [self.declare()]
        mail.outbox.clear()

    def tearDown(self):
        services._DEADLINES[:] = self.deadlines

    def declare(self, **kw):
        pk = self.filing.pk
        return Deadline(**{
            "items": lambda now: Filing.objects.filter(pk=pk).select_related("organization"),
            "due": "decision_due", "key": lambda f: f"test:{f.pk}", "url": lambda f: "/",
            "escalate": Notice(kind="test.overdue", to=lambda f: self.recipients,
                               subject="逾期提醒", key=":overdue"),
            **kw})

    def set_due(self, day):
        Filing.objects.filter(pk=self.filing.pk).update(decision_due=day)

    def test_running_tick_twice_sends_a_reminder_once(self):
        out = StringIO()
        call_command("tick", stdout=out)
        call_command("tick", stdout=out)
        self.assertEqual(Notification.objects.filter(kind="test.overdue").count(), 1)
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn("1 notifications sent", out.getvalue())
        self.assertIn("0 notifications sent", out.getvalue())

    def test_the_huey_task_runs_the_same_tick(self):
        from guildhall.notifications.tasks import periodic_tick

        periodic_tick.call_local()
        self.assertEqual(Notification.objects.filter(kind="test.overdue").count(), 1)

    def test_the_second_run_finds_everything_sent_with_one_query_and_inserts_nothing(self):
        self.recipients = [self.user("soft-principal"), self.user("soft-admin"),
                           self.user("soft-editor")]
        self.assertEqual(services.tick(), 3)
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(services.tick(), 0)
        on_inbox = [q["sql"] for q in queries if "notifications_notification" in q["sql"]]
        self.assertEqual(len(on_inbox), 1, on_inbox)
        self.assertTrue(on_inbox[0].startswith("SELECT"), on_inbox)
        self.assertFalse([q for q in queries if q["sql"].startswith("INSERT")])
        self.assertEqual(len(mail.outbox), 3)

    def test_someone_added_later_is_told_and_the_others_are_not_told_again(self):
        services.tick()
        self.recipients = [*self.recipients, self.user("soft-admin")]
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(services.tick(), 1)
        inserts = [q["sql"] for q in queries
                   if q["sql"].startswith('INSERT INTO "notifications_notification"')]
        self.assertEqual(len(inserts), 1)
        self.assertEqual(sorted(Notification.objects.filter(kind="test.overdue")
                                .values_list("recipient__username", flat=True)),
                         ["soft-admin", "soft-principal"])

    def test_a_reminder_goes_out_from_the_declared_working_days_before_the_due_date(self):
        services._DEADLINES[:] = [self.declare(
            escalate=None, before=2,
            remind=Notice(kind="test.due", to=lambda f: self.recipients, subject="即将到期",
                          key=":due", body="请于 %(date)s 前处理"))]
        today = dt.date(2026, 1, 5)  # a Monday
        now = timezone.make_aware(dt.datetime(2026, 1, 5, 10))
        self.set_due(add_working_days(today, 3))
        self.assertEqual(services.tick(now), 0)
        self.set_due(add_working_days(today, 2))
        self.assertEqual(services.tick(now), 1)
        self.assertEqual(Notification.objects.get(kind="test.due").body, "请于 2026-01-07 前处理")
        self.set_due(today - dt.timedelta(days=1))
        self.assertEqual(services.tick(now), 0)  # past due: a reminder is no longer sent

    def test_an_inactive_person_is_not_told(self):
        principal = self.user("soft-principal")
        principal.is_active = False
        principal.save()
        self.assertEqual(services.tick(), 0)


class WorkdayScheduleTest(GuildhallTestCase):
    def test_a_supervisor_admin_enters_a_later_years_schedule(self):
        self.login("sup-admin")
        self.assertFalse(is_known_year(2030))
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post("/calendar/", {
                "holidays": "2030-10-01 2030-10-02, 2030-10-03", "workdays": "2030-09-28"})
        self.assertRedirects(response, "/calendar/")
        self.assertTrue(is_known_year(2030))
        self.assertEqual(add_working_days(dt.date(2030, 9, 30), 1), dt.date(2030, 10, 4))

    def test_bad_dates_are_refused_and_kept(self):
        self.login("sup-admin")
        response = self.client.post("/calendar/", {"holidays": "2030-10-01 2030-02-30",
                                                   "workdays": ""})
        self.assertEqual(response.status_code, 400)
        # The refusal names the date that is wrong, not only the format.
        self.assertContains(response, "“2030-02-30”不是日历上的日期", status_code=400)
        self.assertContains(response, "YYYY-MM-DD", status_code=400)
        self.assertContains(response, "2030-10-01 2030-02-30", status_code=400)  # kept

    def test_a_known_year_cannot_be_overwritten(self):
        self.login("sup-admin")
        response = self.client.post("/calendar/", {"holidays": "2026-03-02", "workdays": ""})
        self.assertEqual(response.status_code, 400)

    def test_others_may_read_but_not_enter(self):
        self.login("soft-admin")
        self.assertContains(self.client.get("/calendar/"), "工作日历")
        self.assertEqual(self.client.post("/calendar/", {"holidays": "2030-10-01"}).status_code, 403)


class SubjectLineTest(GuildhallTestCase):
    """Security finding 7 (issue 15): a title with a line break must not suppress e-mail."""

    def test_a_subject_with_line_breaks_is_sent_on_one_line(self):
        from django.core import mail

        from guildhall.notifications.services import Message, deliver

        user = self.user("sup-approver")
        deliver([user], Message(kind="test", organization=self.sup, url="/",
                                subject="活动熔断：研讨会\r\nBcc: someone@example.cn",
                                dedupe_key="subject-line-test"))
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].subject, "活动熔断：研讨会 Bcc: someone@example.cn")
        self.assertEqual(user.notifications.get(dedupe_key="subject-line-test").subject,
                         "活动熔断：研讨会 Bcc: someone@example.cn")


class HomeCardTest(GuildhallTestCase):
    """Issue 9: the supervisor's home said "no unread notifications" while the header
    showed them: the card counted only notices tied to the body itself."""

    def test_the_home_card_lists_the_notices_the_header_counts_and_opens_their_object(self):
        from guildhall.notifications.services import Message, deliver

        approver = self.user("sup-approver")
        deliver([approver], Message(kind="test", organization=self.soft,
                                    url=f"/o/{self.soft.pk}/events/", subject="有报备待您审批",
                                    dedupe_key="home-card-test"))
        self.login("sup-approver")
        page = self.client.get(f"/o/{self.sup.pk}/").content.decode()
        self.assertIn("有报备待您审批", page)
        self.assertIn(f'href="/o/{self.soft.pk}/events/"', page)
        self.assertNotIn("没有未读通知", page)
