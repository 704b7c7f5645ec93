import random

from django.utils import timezone

from guildhall.meetings import demo, queries, scale
from guildhall.meetings.models import Meeting, Status
from guildhall.meetings.tests.factories import plan_slot
from guildhall.orgs.models import Organization
from guildhall.records.services import linked_subjects
from guildhall.testing import GuildhallTestCase


class DemoTest(GuildhallTestCase):
    def test_soft_held_two_meetings_this_year_whose_conclusions_became_plan_items(self):
        with plan_slot() as calls:
            demo.seed(self.cast, "")
            demo.seed(self.cast, "")  # idempotent
        year = timezone.localdate().year
        self.assertEqual(queries.held_count(self.soft, year), 2)
        self.assertEqual(queries.held_count(self.logi, year), 0)  # below the minimum
        self.assertEqual(len(calls), 2)
        for meeting in Meeting.objects.filter(organization=self.soft, status=Status.HELD):
            self.assertEqual(len(meeting.attendees.all()), 5)
            self.assertTrue(linked_subjects(meeting, role="origin").exists())
        self.assertTrue(Meeting.objects.filter(organization=self.soft, status=Status.DRAFT).exists())

    def test_without_the_annual_plan_the_meetings_stand_without_tasks(self):
        with plan_slot(None):
            demo.seed(self.cast, "")
        self.assertEqual(queries.held_count(self.soft, timezone.localdate().year), 2)


class ScaleTest(GuildhallTestCase):
    def test_scale_meetings_belong_to_each_association_with_its_own_people(self):
        orgs = list(Organization.objects.filter(code__in=["soft", "logi"]))
        for org in orgs:  # the scale people are named `<code>-<role>`, as the demo's are
            self.assertTrue(org.memberships.filter(user__username=f"{org.code}-principal").exists())
        scale.seed_scale(orgs, years=2, rnd=random.Random(1), log=lambda message: None)
        for org in orgs:
            meetings = Meeting.objects.filter(organization=org)
            self.assertEqual(meetings.count(), 2 * scale.PER_YEAR)
            self.assertEqual(set(meetings.values_list("chair__username", flat=True)), {f"{org.code}-principal"})
