import datetime as dt

from django.utils import timezone

from guildhall.meetings import services
from guildhall.meetings.models import Meeting
from guildhall.meetings.tests.factories import make_meeting
from guildhall.notifications.models import Notification
from guildhall.notifications.services import tick
from guildhall.testing import GuildhallTestCase


def at(year, month, day, hour=10):
    return timezone.make_aware(dt.datetime(year, month, day, hour))


class MinimumDeadlineTest(GuildhallTestCase):
    """The clock is frozen by handing `tick` its time: late 2025, the default day being
    30 November."""

    def setUp(self):
        for _ in range(2):
            make_meeting(self.cast, self.soft, state="held", held_at=at(2025, 3, 1))
        make_meeting(self.cast, self.logi, state="held", held_at=at(2025, 4, 1))
        make_meeting(self.cast, self.logi, held_at=at(2025, 5, 1))  # a draft does not count

    def sent(self, kind):
        return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))

    def test_the_principals_below_the_minimum_are_reminded_once_ahead_of_the_day(self):
        self.assertEqual(tick(at(2025, 11, 3)), 0)  # too early: more than ten working days ahead
        self.assertGreater(tick(at(2025, 11, 20)), 0)
        self.assertEqual(self.sent("meetings.minimum_due"),
                         {"logi-principal", "tour-principal", "chem-principal"})
        note = Notification.objects.get(recipient=self.user("logi-principal"))
        self.assertIn("2025-11-30", note.body)
        self.assertEqual(note.url, f"/o/{self.logi.pk}/meetings/")
        self.assertEqual(tick(at(2025, 11, 21)), 0)  # a second run sends nothing again

    def test_after_the_day_the_principal_is_told_once_and_a_new_year_starts_afresh(self):
        self.assertGreater(tick(at(2025, 12, 2)), 0)
        self.assertEqual(self.sent("meetings.minimum_missed"),
                         {"logi-principal", "tour-principal", "chem-principal"})
        self.assertEqual(tick(at(2025, 12, 3)), 0)
        self.assertEqual(self.sent("meetings.minimum_due"), set())
        # In 2026 nobody has held anything yet: soft is reminded too.
        tick(at(2026, 11, 20))
        self.assertIn("soft-principal", self.sent("meetings.minimum_due"))

    def test_the_supervisor_admins_rules_decide_the_day_and_the_minimum(self):
        services.rules_update(actor=self.user("sup-admin"), supervisor=self.sup,
                              data={"minimum_per_year": 1, "held_by_month": 6, "held_by_day": 30})
        self.assertGreater(tick(at(2025, 7, 1)), 0)
        self.assertEqual(self.sent("meetings.minimum_missed"), {"tour-principal"})  # chem: 30 Nov
        services.rules_update(actor=self.user("sup-admin"), supervisor=self.sup,
                              data={"minimum_per_year": 0})
        Notification.objects.all().delete()
        tick(at(2025, 12, 2))
        self.assertEqual(self.sent("meetings.minimum_missed"), {"chem-principal"})

    def test_a_held_meeting_stops_the_reminders(self):
        Meeting.objects.filter(organization=self.logi, status="draft").update(status="held")
        make_meeting(self.cast, self.tour, state="held", held_at=at(2025, 2, 1))
        make_meeting(self.cast, self.tour, state="held", held_at=at(2025, 2, 2))
        tick(at(2025, 11, 20))
        self.assertEqual(self.sent("meetings.minimum_due"), {"chem-principal"})
