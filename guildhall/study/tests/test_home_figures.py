"""The home page's study figures (`sessions_figures`, their SQL built once) are the
association's `figures` without the study plan, for every association and year of the
demo."""

from django.utils import timezone

from guildhall.orgs.models import Organization
from guildhall.study import queries
from guildhall.study.models import StudySession
from guildhall.testing import GuildhallTestCase


class SessionsFiguresTest(GuildhallTestCase):
    demo_modules = ("study",)

    def test_the_same_as_figures_for_every_association_and_year(self):
        this_year = timezone.localdate().year
        self.assertTrue(StudySession.objects.filter(held_at__year=this_year).exists())
        for org in Organization.objects.filter(kind=Organization.Kind.ASSOCIATION):
            for year in range(this_year - 2, this_year + 2):
                self.assertEqual(queries.sessions_figures(org, year),
                                 queries.figures(org, year, plan=False), (org, year))
