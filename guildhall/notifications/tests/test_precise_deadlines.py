"""A deadline kept to the minute (`Deadline(precise=True)`): wall-clock moments, not days."""

import datetime as dt

from django.utils import timezone

from guildhall.notifications.models import Notification
from guildhall.notifications.services import Deadline, Notice
from guildhall.testing import GuildhallTestCase


class PreciseDeadlineTest(GuildhallTestCase):
    def test_the_escalation_window_opens_at_the_minute_and_the_reminder_closes(self):
        due = timezone.make_aware(dt.datetime(2026, 12, 1, 10, 30))
        note = Notification.objects.create(recipient=self.user("soft-staff"), kind="x",
                                           subject="s", created_at=due)
        declared = Deadline(
            items=lambda now: Notification.objects.all(), due="created_at", precise=True,
            key=lambda n: f"n:{n.pk}", url=lambda n: "",
            remind=Notice(kind="r", to=lambda n: [], subject="r", key=":r"),
            escalate=Notice(kind="e", to=lambda n: [], subject="e", key=":e"))

        def open_windows(now):
            return [notice.kind for notice, when in declared.windows(timezone.localdate(now), now)
                    if Notification.objects.filter(when, pk=note.pk).exists()]

        self.assertEqual(open_windows(due - dt.timedelta(minutes=1)), ["r"])
        self.assertEqual(open_windows(due), ["e"])
        self.assertEqual(open_windows(due + dt.timedelta(hours=5)), ["e"])

    def test_a_day_deadline_is_unchanged(self):
        declared = Deadline(items=lambda now: Notification.objects.none(), due="created_at",
                            key=str, url=str,
                            escalate=Notice(kind="e", to=lambda n: [], subject="e", key=":e"))
        [(notice, when)] = declared.windows(dt.date(2026, 12, 1))
        self.assertEqual(when.children, [("created_at__lt", dt.date(2026, 12, 1))])
