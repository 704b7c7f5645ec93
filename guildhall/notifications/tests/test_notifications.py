import datetime as dt
from io import StringIO

from django.core import mail
from django.core.management import call_command
from django.db import transaction

from guildhall.notifications import services
from guildhall.notifications.calendar import add_working_days, is_known_year
from guildhall.notifications.models import Notification
from guildhall.notifications.services import Due, Message, notify
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

    def test_someone_elses_notification_is_404(self):
        note = services.deliver([self.user("logi-editor")], Message(kind="t", subject="x"))[0]
        self.login("soft-editor")
        self.assertEqual(self.client.post(f"/inbox/{note.pk}/read").status_code, 404)


class TickTest(GuildhallTestCase):
    def setUp(self):
        self.sources = list(services._SOURCES)

        def overdue(now):
            yield Due([self.user("soft-principal")], Message(
                kind="test.overdue", subject="逾期提醒", dedupe_key="test:overdue:1"))

        services._SOURCES[:] = [overdue]

    def tearDown(self):
        services._SOURCES[:] = self.sources

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
        response = self.client.post("/calendar/", {"holidays": "2030-13-01", "workdays": ""})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "2030-13-01", status_code=400)
        self.assertContains(response, "YYYY-MM-DD", status_code=400)

    def test_a_known_year_cannot_be_overwritten(self):
        self.login("sup-admin")
        response = self.client.post("/calendar/", {"holidays": "2026-03-02", "workdays": ""})
        self.assertEqual(response.status_code, 400)

    def test_others_may_read_but_not_enter(self):
        self.login("soft-admin")
        self.assertContains(self.client.get("/calendar/"), "工作日历")
        self.assertEqual(self.client.post("/calendar/", {"holidays": "2030-10-01"}).status_code, 403)
