from django.urls import reverse

from guildhall.meetings.tests.factories import make_meeting
from guildhall.testing import GuildhallTestCase


class HomeSectionTest(GuildhallTestCase):
    def test_the_association_home_shows_this_years_count(self):
        make_meeting(self.cast, self.soft, state="held")
        self.login("soft-staff")
        page = self.client.get(reverse("site:org_home", args=[self.soft.pk]))
        self.assertContains(page, "本年度专题研究")
        self.assertContains(page, "已召开 1 次，至少 2 次")

    def test_the_supervisor_home_names_the_associations_below_the_minimum(self):
        for _ in range(2):
            make_meeting(self.cast, self.soft, state="held")
        self.login("sup-viewer")
        page = self.client.get(reverse("site:org_home", args=[self.sup.pk]))
        section = page.content.decode().split("专题研究未达最低次数的协会商会")[1].split("</article>")[0]
        self.assertIn(self.logi.name, section)
        self.assertNotIn(self.soft.name, section)
        self.assertNotIn(self.chem.name, page.content.decode())
