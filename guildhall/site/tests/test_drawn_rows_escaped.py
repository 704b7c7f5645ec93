"""The lists drawn in Python instead of by a template loop (the filing list and queue, the
incident board, the work plan, the study overview, the associations list, the homes) escape
what people typed: an association's name and a record's title that hold markup show as
text, never as markup."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from guildhall.events.models import Filing
from guildhall.incidents.models import Incident
from guildhall.orgs.models import Organization
from guildhall.plans.models import PlanItem
from guildhall.testing import ALL_DEMO, GuildhallTestCase

NAME = '<b onclick="x()">软件协会</b> & “引号”'
TITLE = "<script>alert(1)</script>标题"


class DrawnRowsEscapeTest(GuildhallTestCase):
    demo_modules = ALL_DEMO

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        Organization.objects.filter(pk=cls.soft.pk).update(name=NAME, short_name=NAME[:60])
        Filing.objects.filter(organization=cls.soft).update(title=TITLE)
        Incident.objects.filter(organization=cls.soft).update(title=TITLE)
        PlanItem.objects.filter(plan__organization=cls.soft).update(title=TITLE)

    def page(self, username, name, org, query=""):
        self.login(username)
        response = self.client.get(reverse(name, args=[org.pk]) + query)
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertNotIn("<script>alert(1)", html)
        self.assertNotIn('<b onclick="x()">', html)
        return html

    def test_the_association_name_is_text_on_every_list_of_the_body_above(self):
        for username, name, query in [
                ("sup-approver", "events:filing_queue", "?status="),
                ("sup-approver", "incidents:incident_board", ""),
                ("sup-viewer", "study:overview", ""),
                ("sup-admin", "orgs:associations", ""),
                ("sup-admin", "site:org_home", "")]:
            with self.subTest(name):
                self.assertIn(escape(NAME), self.page(username, name, self.sup, query))

    def test_titles_are_text_on_the_association_lists(self):
        self.assertIn(escape(TITLE), self.page("soft-editor", "events:filing_list", self.soft))
        self.assertIn(escape(TITLE), self.page("sup-approver", "events:filing_queue", self.sup,
                                               "?status="))
        self.assertIn(escape(TITLE), self.page("sup-approver", "incidents:incident_board",
                                               self.sup))
        year = timezone.localdate().year
        if PlanItem.objects.filter(plan__organization=self.soft, plan__year=year).exists():
            self.login("soft-editor")
            response = self.client.get(reverse("plans:plan_detail", args=[self.soft.pk, year]))
            self.assertNotContains(response, "<script>alert(1)")
            self.assertContains(response, escape(TITLE))
