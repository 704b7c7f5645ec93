"""The home page's publications waiting for a person (`first_waiting_for`, its SQL built
once) are the first five of `waiting_for`, for every person in every organization of the
demo, as reviews move on."""

from guildhall.orgs.models import Membership
from guildhall.publications import queries
from guildhall.publications.models import Publication, Status
from guildhall.testing import GuildhallTestCase


class FirstWaitingTest(GuildhallTestCase):
    demo_modules = ("publications",)

    def assert_same_for_everyone(self):
        for m in Membership.objects.filter(is_active=True).select_related("user", "organization"):
            expected = [p.pk for p in queries.waiting_for(m.user, m.organization)[:5]]
            found = queries.first_waiting_for(m.user, m.organization)
            self.assertEqual([p.pk for p in found], expected, (m.user.username, m.organization))
            for p in found:
                self.assertEqual(p.organization.name, Publication.objects.get(pk=p.pk).organization.name)

    def test_the_same_as_waiting_for_for_every_member(self):
        self.assertTrue(queries.waiting_for(self.user("soft-reviewer"), self.soft).exists())
        self.assert_same_for_everyone()
        # With the author among the reviewers and the order changed, still the same.
        Publication.objects.filter(status=Status.IN_REVIEW).update(
            created_by=self.user("soft-reviewer"))
        self.assert_same_for_everyone()
