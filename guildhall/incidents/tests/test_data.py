from guildhall.incidents.models import Incident, Report, Status
from guildhall.incidents.tests.factories import FakePlans
from guildhall.kit import links
from guildhall.orgs.models import Organization
from guildhall.site.demo import seed
from guildhall.site.scale import seed_scale
from guildhall.testing import GuildhallTestCase


class DemoTest(GuildhallTestCase):
    def setUp(self):
        self.saved = links.make_plan_item.function
        self.plans = FakePlans()
        links.make_plan_item.function = self.plans

    def tearDown(self):
        links.make_plan_item.function = self.saved

    def test_the_demo_has_the_three_incidents_the_issue_names(self):
        seed(modules=("incidents",))
        seed(modules=("incidents",))  # idempotent
        open_one = Incident.objects.get(organization=self.soft, severity="significant")
        self.assertEqual(open_one.status, Status.REPORTED)
        self.assertEqual(open_one.reports.filter(kind=Report.Kind.FOLLOW_UP).count(), 2)
        self.assertTrue(open_one.reports.exclude(acknowledged_at=None).exists())
        self.assertFalse(open_one.is_overdue())
        ack = open_one.reports.exclude(acknowledged_at=None).get()
        self.assertEqual(ack.minutes_to_ack, 20)
        closed = Incident.objects.get(organization=self.soft, severity="general")
        self.assertEqual(closed.status, Status.CLOSED)
        self.assertEqual(len(self.plans.made), 2)
        late = Incident.objects.get(organization=self.logi)
        self.assertTrue(late.first_report_late)
        self.assertEqual(late.minutes_to_first_report, 75)


class ScaleTest(GuildhallTestCase):
    def test_scale_incidents_are_scoped_and_counted(self):
        seed_scale(associations=4, years=1, supervisors=1, log=lambda message: None)
        scale = Organization.objects.filter(code__startswith="scale-a")
        self.assertEqual(Incident.objects.filter(organization__in=scale).count(), 4 * 2)
        for incident in Incident.objects.filter(organization__in=scale):
            self.assertEqual(incident.status == Status.OPEN, incident.first_reported_at is None)
        self.assertEqual(Report.objects.filter(incident__organization__in=scale).count(),
                         Incident.objects.filter(organization__in=scale).exclude(
                             first_reported_at=None).count())
