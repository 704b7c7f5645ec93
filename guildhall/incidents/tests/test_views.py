import datetime as dt
import json

from django.urls import reverse
from django.utils import timezone

from guildhall.incidents.models import Incident, Report, Status
from guildhall.incidents.tests.factories import make_incident, register
from guildhall.publications.models import ChannelStatus
from guildhall.publications.tests.factories import make_channel
from guildhall.testing import GuildhallTestCase


def detail(incident):
    return reverse("incidents:incident_detail", args=[incident.organization_id, incident.pk])


class QuickReportPageTest(GuildhallTestCase):
    def test_a_member_sends_a_quick_report_and_pauses_the_channel(self):
        channel = make_channel(self.cast, self.soft, name="软件协会公众号")
        self.login("soft-principal")
        url = reverse("incidents:incident_quick", args=[self.soft.pk])
        page = self.client.get(url)
        self.assertContains(page, "软件协会公众号")
        response = self.client.post(url, {
            "title": "公众号被盗用", "category": "account_compromise", "severity": "major",
            "report": "公众号发布了非本会内容。", "channel": str(channel.pk), "pause_channel": "on"})
        incident = Incident.objects.get()
        self.assertRedirects(response, detail(incident))
        channel.refresh_from_db()
        self.assertEqual(channel.status, ChannelStatus.PAUSED)
        page = self.client.get(detail(incident))
        self.assertContains(page, "公众号被盗用")
        self.assertContains(page, 'data-clock="followup"')
        self.assertEqual(incident.status, Status.REPORTED)

    def test_a_missing_sentence_is_refused_and_keeps_what_was_typed(self):
        self.login("soft-staff")
        response = self.client.post(reverse("incidents:incident_quick", args=[self.soft.pk]), {
            "title": "网站被篡改", "category": "account_compromise", "severity": "major"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "网站被篡改", status_code=400)
        self.assertFalse(Incident.objects.exists())

    def test_a_refused_pause_keeps_the_form_and_loses_nothing(self):
        channel = make_channel(self.cast, self.soft)
        self.login("soft-staff")
        response = self.client.post(reverse("incidents:incident_quick", args=[self.soft.pk]), {
            "title": "公众号被盗用", "category": "account_compromise", "severity": "major",
            "report": "被盗用。", "channel": str(channel.pk), "pause_channel": "on"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "公众号被盗用", status_code=400)
        self.assertFalse(Incident.objects.exists())

    def test_only_the_associations_own_members_report(self):
        for username in ("sup-approver", "logi-principal"):
            self.login(username)
            response = self.client.post(reverse("incidents:incident_quick", args=[self.soft.pk]), {
                "title": "t", "category": "other", "severity": "general", "report": "一句话"})
            self.assertIn(response.status_code, (403, 404), username)
        self.login("chem-principal")
        self.assertEqual(self.client.get(
            reverse("incidents:incident_quick", args=[self.soft.pk])).status_code, 404)
        self.assertFalse(Incident.objects.exists())


class TenancyTest(GuildhallTestCase):
    def test_logi_and_sup2_cannot_see_softs_incidents(self):
        incident = register(self.cast, self.soft, title="软件协会的事件")
        for username in ("logi-principal", "logi-staff", "sup2-admin", "sup2-approver", "chem-principal"):
            self.login(username)
            response = self.client.get(detail(incident))
            self.assertEqual(response.status_code, 404, username)
            self.assertNotContains(response, "软件协会的事件", status_code=404)
            api = self.api_client(username).get(f"/api/v1/incidents/{incident.pk}")
            self.assertEqual(api.status_code, 404, username)
            listed = self.api_client(username).get("/api/v1/incidents/").json()["items"]
            self.assertEqual(listed, [])
        self.login("sup2-approver")
        self.assertEqual(self.client.get(
            reverse("incidents:incident_board", args=[self.sup.pk])).status_code, 404)

    def test_only_the_supervisors_approvers_acknowledge(self):
        incident = register(self.cast, self.soft)
        report = incident.reports.get()
        url = reverse("incidents:incident_acknowledge", args=[self.soft.pk, incident.pk])
        for username in ("soft-principal", "sup-viewer", "sup-admin"):
            self.login(username)
            response = self.client.post(url, {"report": report.pk, "instruction": "x"})
            self.assertEqual(response.status_code, 403, username)
        self.login("sup2-approver")
        self.assertEqual(self.client.post(url, {"report": report.pk}).status_code, 404)
        report.refresh_from_db()
        self.assertIsNone(report.acknowledged_at)
        self.login("sup-approver")
        page = self.client.get(detail(incident))
        self.assertContains(page, 'class="ack-button"')
        response = self.client.post(url, {"report": report.pk, "instruction": "立即澄清。"})
        self.assertRedirects(response, detail(incident))
        self.login("soft-editor")
        page = self.client.get(detail(incident))
        self.assertContains(page, "立即澄清。")
        self.assertNotContains(page, 'class="ack-button"')

    def test_the_wrong_method_is_refused(self):
        incident = register(self.cast, self.soft)
        self.login("soft-principal")
        self.assertEqual(self.client.get(reverse(
            "incidents:incident_stable", args=[self.soft.pk, incident.pk])).status_code, 405)


class ClosingPageTest(GuildhallTestCase):
    def test_closing_without_a_closing_report_is_refused_with_a_clear_message(self):
        incident = make_incident(self.cast, self.soft, "stable")
        self.login("soft-principal")
        url = reverse("incidents:incident_close", args=[self.soft.pk, incident.pk])
        response = self.client.post(url, {"cause": "", "lessons": "要规范"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "终报", status_code=400)
        self.assertContains(response, "要规范", status_code=400)  # kept what was typed
        incident.refresh_from_db()
        self.assertEqual(incident.status, Status.STABLE)

    def test_the_api_refuses_it_too_with_detail_and_code(self):
        incident = make_incident(self.cast, self.soft, "stable")
        response = self.api_client("soft-principal").post(
            f"/api/v1/incidents/{incident.pk}/close", json.dumps({"cause": "x"}),
            content_type="application/json")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["code"], "closing_report_required")


class ApiTest(GuildhallTestCase):
    def test_a_quick_report_through_the_api_then_acknowledged(self):
        response = self.api_client("soft-staff").post("/api/v1/incidents/", json.dumps({
            "organization": self.soft.pk, "title": "网站被篡改", "category": "account_compromise",
            "severity": "major", "send": True, "report": "首页被篡改。"}),
            content_type="application/json")
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(body["status"], "reported")
        [report] = body["reports"]
        self.assertEqual([c["kind"] for c in body["clocks"]], ["followup"])
        acked = self.api_client("sup-approver").post(
            f"/api/v1/incidents/{body['id']}/acknowledge",
            json.dumps({"report": report["id"], "instruction": "立即澄清"}),
            content_type="application/json")
        self.assertEqual(acked.status_code, 200, acked.content)
        self.assertEqual(acked.json()["reports"][0]["instruction"], "立即澄清")
        figures = self.api_client("sup-viewer").get(f"/api/v1/incidents/figures/{self.sup.pk}")
        [row] = figures.json()["items"]
        self.assertEqual((row["organization"], row["total"], row["to_ack"]), (self.soft.pk, 1, 0))

    def test_the_operations_are_in_the_openapi_description(self):
        paths = self.client.get("/api/v1/openapi.json").json()["paths"]
        for action in ("phone", "written", "follow_up", "severity", "stable", "close", "reopen",
                       "acknowledge"):
            self.assertIn("requestBody", paths[f"/api/v1/incidents/{{incident_id}}/{action}"]["post"])
        self.assertIn("post", paths["/api/v1/incidents/"])
        self.assertIn("put", paths["/api/v1/incidents/rules/{org_id}"])


class BoardTest(GuildhallTestCase):
    def test_the_board_lists_the_most_serious_and_most_overdue_first(self):
        now = timezone.now()
        general = register(self.cast, self.soft, send=False, title="一般事件", severity="general",
                           discovered_at=now - dt.timedelta(hours=1))
        late = register(self.cast, self.logi, send=False, title="重大迟报", severity="major",
                        discovered_at=now - dt.timedelta(hours=1))
        soon = register(self.cast, self.soft, send=False, title="重大未到期", severity="major",
                        discovered_at=now - dt.timedelta(minutes=5))
        make_incident(self.cast, self.soft, "closed", title="已结案")
        register(self.cast, self.chem, title="别的主管单位的")
        self.login("sup-viewer")
        response = self.client.get(reverse("incidents:incident_board", args=[self.sup.pk]))
        titles = [row["incident"].title for row in response.context["rows"]]
        self.assertEqual(titles, [late.title, soon.title, general.title])
        closed = self.client.get(reverse("incidents:incident_board", args=[self.sup.pk]),
                                 {"state": "closed"})
        self.assertEqual([r["incident"].title for r in closed.context["rows"]], ["已结案"])
        self.assertContains(closed, "2 份报告待签收")  # the first and the closing report

    def make_many(self, n):
        for i in range(n):
            incident = register(self.cast, self.soft, title=f"事件{i}")
            Report.objects.filter(incident=incident).update(instruction="")

    def count(self, username, url):
        self.login(username)
        self.client.get(url)
        with self.assertQueryCountAtMost(1000) as ctx:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return len(ctx.captured_queries)

    def test_list_and_board_stay_flat_as_data_grows(self):
        pages = [("soft-editor", reverse("incidents:incident_list", args=[self.soft.pk])),
                 ("sup-approver", reverse("incidents:incident_board", args=[self.sup.pk]))]
        self.make_many(2)
        small = [self.count(u, url) for u, url in pages]
        self.make_many(8)
        large = [self.count(u, url) for u, url in pages]
        self.assertEqual(small, large)
        self.assertLessEqual(max(large), 14)


class DetailsTest(GuildhallTestCase):
    demo_modules = ("events",)

    def test_the_details_follow_and_a_linked_filing_shows_its_contingency_plan(self):
        from guildhall.events.models import APPROVED_STATES, Filing

        filing = Filing.objects.filter(organization=self.soft, status__in=APPROVED_STATES).exclude(
            halt_procedure="").first()
        incident = register(self.cast, self.soft, category="event_disruption", severity="general")
        self.login("soft-staff")
        url = reverse("incidents:incident_edit", args=[self.soft.pk, incident.pk])
        response = self.client.post(url, {"location": "南京国际博览中心", "known": "会场有人闹事。",
                                           "people_affected": "40", "filing": str(filing.pk)})
        self.assertRedirects(response, detail(incident))
        page = self.client.get(detail(incident))
        self.assertContains(page, "南京国际博览中心")
        self.assertContains(page, filing.title)
        self.assertContains(page, filing.halt_procedure)  # the contingency plan of the filing
        self.assertContains(page, "已补充情况")

    def test_another_associations_filing_is_refused_as_missing(self):
        from guildhall.events.models import Filing

        theirs = Filing.objects.filter(organization=self.logi).first()
        incident = register(self.cast, self.soft)
        self.login("soft-staff")
        response = self.client.post(reverse("incidents:incident_edit", args=[self.soft.pk, incident.pk]),
                                    {"known": "x", "filing": str(theirs.pk)})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(incident.links.exists())


class ChinesePagesTest(GuildhallTestCase):
    """Every page of the module speaks Chinese: no English words, codes or ids in the text."""

    demo_modules = ("publications", "events", "incidents")

    def text_of(self, username, url):
        import html
        import re

        self.login(username)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        body = response.content.decode()
        main = body[body.index("<main"):body.index("</main>")]
        main = re.sub(r"<(script|style)\b.*?</\1>", " ", main, flags=re.S)
        return html.unescape(re.sub(r"<[^>]+>", " ", main))

    def test_no_english_on_any_page(self):
        import re

        open_one = Incident.objects.get(organization=self.soft, severity="significant")
        closed = Incident.objects.get(organization=self.soft, status=Status.CLOSED)
        unreported = register(self.cast, self.soft, send=False)
        soft, sup = self.soft.pk, self.sup.pk
        pages = [
            ("soft-editor", reverse("incidents:incident_list", args=[soft])),
            ("soft-editor", reverse("incidents:incident_quick", args=[soft])),
            ("soft-editor", reverse("incidents:incident_new", args=[soft])),
            ("soft-principal", detail(open_one)),
            ("soft-principal", detail(closed)),
            ("soft-principal", detail(unreported)),
            ("soft-editor", reverse("incidents:incident_edit", args=[soft, open_one.pk])),
            ("soft-editor", reverse("incidents:incident_phone", args=[soft, unreported.pk])),
            ("soft-editor", reverse("incidents:incident_written", args=[soft, unreported.pk])),
            ("soft-editor", reverse("incidents:incident_follow_up", args=[soft, open_one.pk])),
            ("soft-principal", reverse("incidents:incident_close", args=[soft, open_one.pk])),
            ("sup-approver", reverse("incidents:incident_board", args=[sup])),
            ("sup-approver", reverse("incidents:incident_board", args=[sup]) + "?state=closed"),
            ("sup-approver", detail(open_one)),
            ("sup-admin", reverse("incidents:incident_rules", args=[sup])),
            ("sup-admin", reverse("site:org_home", args=[sup])),
            ("soft-principal", reverse("site:org_home", args=[soft])),
        ]
        for username, url in pages:
            words = re.findall(r"\b[A-Za-z_]{3,}\b", self.text_of(username, url))
            self.assertEqual(words, [], url)
        # The check sees English when there is some: the same page in English.
        self.client.cookies["django_language"] = "en"
        self.assertIn("Quick", re.findall(r"\b[A-Za-z_]{3,}\b", self.text_of(
            "soft-editor", reverse("incidents:incident_list", args=[soft]))))


class PlanItemsPageTest(GuildhallTestCase):
    def test_the_plan_items_the_lessons_became_are_listed_on_the_incident(self):
        from guildhall.incidents import services
        from guildhall.kit import links
        from guildhall.records.services import add_link

        def make_plan_item(*, actor, organization, title, source, source_kind, **kwargs):
            # Stands in for the annual plan's item: any record of the organization with a
            # title and a page, linked back to the incident as the plans module links it.
            item = register(self.cast, organization, send=False, title=title, severity="general")
            add_link(item, source, kind=source_kind, role="origin", actor=actor)
            return item

        saved = links.make_plan_item.function
        links.make_plan_item.function = make_plan_item
        try:
            incident = make_incident(self.cast, self.soft, "stable")
            services.incident_close(actor=self.user("soft-principal"), incident=incident,
                                    cause="c", actions="a", results="r", lessons="l",
                                    plan_items=["建立账号密码管理制度"])
        finally:
            links.make_plan_item.function = saved
        self.login("soft-editor")
        page = self.client.get(detail(incident))
        item = Incident.objects.get(title="建立账号密码管理制度")
        self.assertContains(page, 'id="plan-items"')
        self.assertContains(page, f'href="{item.get_absolute_url()}"')
