"""The responsibility list, the plan, its items, templates and assessment: what they allow
and what they refuse."""

import datetime as dt
import json

from django.core import mail
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from guildhall.core.errors import DomainError
from guildhall.events.tests.factories import make_filing
from guildhall.kit import links
from guildhall.notifications.models import Notification
from guildhall.notifications.services import tick
from guildhall.plans import queries, services
from guildhall.plans.models import (
    Duty,
    ItemStatus,
    ListStatus,
    Plan,
    PlanItem,
    PlanRules,
    PlanStatus,
)
from guildhall.plans.tests.factories import (
    YEAR,
    first_item,
    make_plan,
    make_template,
    open_window,
    txt,
)
from guildhall.records.models import Link
from guildhall.testing import GuildhallTestCase


class ResponsibilityListTest(GuildhallTestCase):
    def save(self, **kw):
        return services.responsibility_save(
            actor=self.user("soft-admin"), org=self.soft, year=YEAR,
            principal=kw.pop("principal", self.user("soft-principal")),
            holders=kw.pop("holders", [(Duty.EVENTS, self.user("soft-editor"), "")]), **kw)

    def test_the_first_responsible_person_must_be_an_active_principal(self):
        with self.assertRaises(DomainError) as caught:
            self.save(principal=self.user("soft-editor"))
        self.assertEqual(caught.exception.field, "principal")

    def test_holders_must_be_members_of_the_association(self):
        with self.assertRaises(DomainError) as caught:
            self.save(holders=[(Duty.EVENTS, self.user("logi-editor"), "")])
        self.assertEqual(caught.exception.code, "not_a_member")

    def test_a_change_after_signing_needs_a_reason_makes_a_revision_and_a_new_signature(self):
        rlist = services.responsibility_sign(actor=self.user("soft-principal"), rlist=self.save())
        self.assertEqual(rlist.status, ListStatus.SIGNED)
        with self.assertRaises(DomainError) as caught:
            self.save(holders=[(Duty.EVENTS, self.user("soft-staff"), "")])
        self.assertEqual(caught.exception.code, "reason_required")
        changed = self.save(holders=[(Duty.EVENTS, self.user("soft-staff"), "")], reason="人员调整")
        self.assertEqual((changed.revision, changed.status), (2, ListStatus.DRAFT))
        self.assertEqual(changed.entries.get(kind="changed").note, "人员调整")

    def test_only_the_principal_signs(self):
        self.login("soft-admin")
        self.save()
        response = self.client.post(f"/o/{self.soft.pk}/responsibility/{YEAR}/sign")
        self.assertEqual(response.status_code, 403)


class TemplateAndAdoptionTest(GuildhallTestCase):
    def test_issuing_puts_the_key_tasks_in_every_plan_below_and_late_adoption_is_flagged(self):
        template = make_template(self.cast, self.sup, tasks=3)
        today = timezone.localdate()
        services.template_issue(actor=self.user("sup-approver"), template=template,
                                today=today - dt.timedelta(days=30))
        plans = Plan.objects.filter(year=YEAR)
        self.assertEqual({p.organization.code for p in plans}, {"soft", "logi", "tour"})
        self.assertFalse(Plan.objects.filter(organization=self.chem).exists())
        plan = plans.get(organization=self.soft)
        self.assertEqual(plan.items.count(), 3)
        self.assertTrue(plan.is_adoption_late())
        with self.assertRaises(DomainError) as caught:
            services.plan_adopt(actor=self.user("soft-principal"), plan=plan)
        self.assertEqual(caught.exception.code, "unassigned")
        for item in plan.items.all():
            services.item_update(actor=self.user("soft-principal"), item=item, data={
                "owner": self.user("soft-editor"), "due_date": dt.date(YEAR, 5, 1)})
        plan = services.plan_adopt(actor=self.user("soft-principal"), plan=plan)
        self.assertTrue(plan.adopted_late)

    def test_a_template_is_issued_only_below_the_body(self):
        template = make_template(self.cast, self.sup)
        with self.assertRaises(DomainError):
            services.template_issue(actor=self.user("sup-admin"), template=template,
                                    recipients=[self.chem])


class PlanFlowTest(GuildhallTestCase):
    demo_modules = ("events",)

    def test_the_plan_under_assessment_changes_only_by_a_new_revision(self):
        plan = make_plan(self.cast, self.soft, "acknowledged")
        item = first_item(plan)
        with self.assertRaises(DomainError) as caught:
            services.item_update(actor=self.user("soft-principal"), item=item,
                                 data={"title": "换个说法"}, revision=plan.revision)
        self.assertEqual(caught.exception.code, "reason_required")
        with self.assertRaises(DomainError) as caught:
            services.item_update(actor=self.user("soft-principal"), item=item,
                                 data={"title": "换个说法"}, reason="调整", revision=plan.revision - 1)
        self.assertEqual(caught.exception.code, "stale_revision")
        services.item_update(actor=self.user("soft-principal"), item=item,
                             data={"title": "换个说法"}, reason="调整", revision=plan.revision)
        plan.refresh_from_db()
        self.assertEqual(plan.revision, 2)
        self.assertEqual(plan.revisions.count(), 2)
        self.assertEqual(plan.revisions.last().snapshot["items"][0]["title"], "换个说法")
        self.login("sup-approver")
        page = self.client.get(f"/o/{self.soft.pk}/plan/{YEAR}/diff").content.decode()
        self.assertIn("<del>工作1", page)
        self.assertIn("<ins>换个说法", page)

    def test_evidence_links_only_to_the_associations_own_records(self):
        plan = make_plan(self.cast, self.soft, "acknowledged")
        item = first_item(plan)
        own = make_filing(self.cast, self.soft, "approved")
        other = make_filing(self.cast, self.logi, "approved", title="物流协会年会")
        services.item_report(actor=self.user("soft-editor"), item=item, text="已报备",
                             link_kind="events.filing", link_id=own.pk)
        self.assertEqual(links.described(item)[0]["name"], own.title)
        for pk in (other.pk, 10**12):
            with self.assertRaises(DomainError) as caught:
                services.item_report(actor=self.user("soft-editor"), item=item, text="别人的",
                                     link_kind="events.filing", link_id=pk)
            self.assertEqual(caught.exception.code, "not_own_record")
            self.assertNotIn(other.title, str(caught.exception))
        # Through the page: the refusal is beside the field and names nothing of logi's.
        self.login("soft-editor")
        response = self.client.post(f"/o/{self.soft.pk}/plan-items/{item.pk}/report", {
            "text": "别人的", "evidence": f"events.filing:{other.pk}"})
        self.assertEqual(response.status_code, 422)
        self.assertContains(response, "只能选择本协会自己的记录", status_code=422)
        self.assertNotContains(response, other.title, status_code=422)
        self.assertEqual(item.links.count(), 1)

    def test_completion_needs_evidence(self):
        item = first_item(make_plan(self.cast, self.soft, "acknowledged"))
        with self.assertRaises(DomainError) as caught:
            services.item_claim_done(actor=self.user("soft-editor"), item=item)
        self.assertEqual(caught.exception.code, "no_evidence")
        services.item_attach(actor=self.user("soft-editor"), item=item, upload=txt())
        self.assertEqual(services.item_claim_done(actor=self.user("soft-editor"), item=item).status,
                         ItemStatus.DONE)


class OverdueRuleTest(GuildhallTestCase):
    def test_the_plan_page_the_overview_and_the_assessment_queue_count_overdue_alike(self):
        plan = make_plan(self.cast, self.soft, "acknowledged", items=4)
        today = timezone.localdate()
        past, future = today - dt.timedelta(days=3), today + dt.timedelta(days=3)
        items = list(plan.items.order_by("pk"))
        # Returned for rectification: late only once the rectification is late, whatever
        # the item's own date.
        for item, status, due, fix_by in zip(items, (
                ItemStatus.RETURNED, ItemStatus.RETURNED, ItemStatus.IN_PROGRESS,
                ItemStatus.DONE), (past, past, past, past), (future, past, None, None),
                strict=True):
            PlanItem.objects.filter(pk=item.pk).update(status=status, due_date=due,
                                                       rectification_due=fix_by)
        items = list(plan.items.order_by("pk"))
        self.assertEqual([i.is_overdue() for i in items], [False, True, True, False])
        self.assertEqual(queries.item_figures([plan])[plan.pk]["overdue"], 2)
        self.assertEqual(queries.with_item_figures([plan])[0].overdue, 2)


class AssessmentTest(GuildhallTestCase):
    def setUp(self):
        self.plan = make_plan(self.cast, self.soft, "done_item")
        self.item = first_item(self.plan)

    def test_assessment_is_refused_outside_its_window_with_the_dates(self):
        for call in (
            lambda: services.item_assess(actor=self.user("sup-approver"), item=self.item, score=90),
            lambda: services.plan_grade(actor=self.user("sup-approver"), plan=self.plan, score=90,
                                        comment="好"),
        ):
            with self.assertRaises(DomainError) as caught:
                call()
            self.assertEqual(caught.exception.code, "window_closed")
        self.login("sup-approver")
        response = self.client.post(f"/o/{self.soft.pk}/plan/{YEAR}/grade",
                                    {"score": "90", "comment": "好"})
        self.assertContains(response, "考核时间", status_code=409)

    def test_only_the_supervisors_approvers_assess(self):
        open_window(self.sup, self.user("sup-admin"))
        for username in ("sup-admin", "sup-viewer", "soft-principal", "sup2-approver"):
            self.login(username)
            response = self.client.post(f"/o/{self.soft.pk}/plan/{YEAR}/grade",
                                        {"score": "90", "comment": "好"})
            self.assertIn(response.status_code, (403, 404), username)
            api = self.api_client(username)
            response = api.post(f"/api/v1/plan-items/{self.item.pk}/assess",
                                json.dumps({"score": 90}), content_type="application/json")
            self.assertIn(response.status_code, (403, 404), username)
        self.item.refresh_from_db()
        self.assertIsNone(self.item.score)

    def test_return_for_rectification_then_answer_then_grade_by_the_scale(self):
        open_window(self.sup, self.user("sup-admin"))
        services.item_return(actor=self.user("sup-approver"), item=self.item, comment="补充材料",
                             due=timezone.localdate() + dt.timedelta(days=5))
        item = PlanItem.objects.get(pk=self.item.pk)
        self.assertEqual(item.status, ItemStatus.RETURNED)
        services.item_report(actor=self.user("soft-editor"), item=item, text="已补充")
        services.item_attach(actor=self.user("soft-editor"), item=item, upload=txt("补充.txt"))
        services.item_claim_done(actor=self.user("soft-editor"), item=item)
        services.item_assess(actor=self.user("sup-approver"), item=item, score=85)
        plan = services.plan_grade(actor=self.user("sup-approver"), plan=self.plan,
                                   score=services.suggested_score(self.plan), comment="良好")
        self.assertEqual((plan.status, plan.grade, str(plan.score)),
                         (PlanStatus.ASSESSED, "良好", "85.0"))


class FollowUpSlotTest(GuildhallTestCase):
    demo_modules = ("events",)

    def test_another_modules_follow_up_becomes_a_plan_item_linked_to_its_source(self):
        source = make_filing(self.cast, self.soft, "approved")
        item = links.make_plan_item(actor=self.user("soft-editor"), organization=self.soft,
                                    title="根据会议结论修订制度", owner=self.user("soft-staff"),
                                    due_date=dt.date(YEAR, 3, 1), source=source,
                                    source_kind="events.filing")
        self.assertEqual((item.plan.year, item.owner.username), (YEAR, "soft-staff"))
        self.assertEqual(item.links.get(role=Link.Role.ORIGIN).target, source)
        with self.assertRaises(DomainError) as caught:
            links.make_plan_item(actor=self.user("soft-staff"), organization=self.soft, title="x")
        self.assertEqual(caught.exception.status, 403)


class PageTest(GuildhallTestCase):
    def test_other_associations_and_hierarchies_see_nothing_of_softs_plan(self):
        plan = make_plan(self.cast, self.soft, "acknowledged")
        item = first_item(plan)
        services.responsibility_save(actor=self.user("soft-principal"), org=self.soft, year=YEAR,
                                     principal=self.user("soft-principal"),
                                     holders=[(Duty.EVENTS, self.user("soft-editor"), "")])
        urls = [f"/o/{self.soft.pk}/plan/{YEAR}/", f"/o/{self.soft.pk}/plan-items/{item.pk}/",
                f"/o/{self.soft.pk}/responsibility/{YEAR}/"]
        for username in ("logi-principal", "logi-staff", "sup2-admin", "sup2-approver"):
            self.login(username)
            for url in urls:
                self.assertEqual(self.client.get(url).status_code, 404, (username, url))
            api = self.api_client(username)
            for url in (f"/api/v1/orgs/{self.soft.pk}/plans/{YEAR}",
                        f"/api/v1/plan-items/{item.pk}"):
                self.assertEqual(api.get(url).status_code, 404, (username, url))
        self.login("sup2-admin")
        page = self.client.get(f"/o/{self.chem.parent_id}/plans/overview/").content.decode()
        self.assertNotIn(self.soft.name, page)

    def test_the_plan_page_shows_names_and_translated_states(self):
        make_plan(self.cast, self.soft, "acknowledged")
        self.login("soft-editor")
        page = self.client.get(f"/o/{self.soft.pk}/plan/{YEAR}/").content.decode()
        self.assertIn("执行中", page)
        self.assertIn("未开始", page)
        self.assertIn(self.user("soft-editor").display_name, page)
        for english in ("Not started", "Being carried out", "Events: filing", "Work plan"):
            self.assertNotIn(english, page)

    def test_the_plan_page_and_the_queue_keep_a_flat_query_count(self):
        plan = make_plan(self.cast, self.soft, "acknowledged", items=10)
        self.login("soft-editor")
        url = f"/o/{self.soft.pk}/plan/{YEAR}/"
        self.client.get(url)  # caches warmed: content types, the session
        with CaptureQueriesContext(connection) as few:
            self.client.get(url)
        PlanItem.objects.bulk_create([PlanItem(
            plan=plan, organization=self.soft, title=f"工作{n}", duty=Duty.EVENTS,
            owner=self.user("soft-editor"), due_date=dt.date(YEAR, 6, 1)) for n in range(200)])
        with CaptureQueriesContext(connection) as many:
            self.client.get(url)
        self.assertEqual(len(few), len(many))
        self.login("sup-approver")
        queue = f"/o/{self.sup.pk}/plans/assessment/"
        self.client.get(queue)
        with CaptureQueriesContext(connection) as few:
            self.client.get(queue)
        PlanItem.objects.filter(plan=plan).update(status=ItemStatus.DONE)
        with CaptureQueriesContext(connection) as many:
            self.client.get(queue)
        self.assertEqual(len(few), len(many))


class DeadlineTest(GuildhallTestCase):
    @override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
    def test_late_adoption_reminds_then_escalates_once(self):
        template = make_template(self.cast, self.sup)
        services.template_issue(actor=self.user("sup-admin"), template=template,
                                recipients=[self.soft], today=dt.date(YEAR - 1, 12, 1))
        due = Plan.objects.get(organization=self.soft).adoption_due
        after = timezone.make_aware(dt.datetime.combine(due + dt.timedelta(days=1),
                                                        dt.time(10)))
        tick(after)
        sent = Notification.objects.filter(kind="plans.adoption_overdue")
        self.assertEqual({n.recipient.username for n in sent}, {"soft-principal", "sup-admin"})
        mail.outbox.clear()
        self.assertEqual(tick(after), 0)

    def test_the_window_opening_tells_the_approvers_once(self):
        PlanRules.objects.create(supervisor=self.sup, window_opens=timezone.localdate(),
                                 window_closes=timezone.localdate() + dt.timedelta(days=9))
        tick()
        self.assertEqual(set(Notification.objects.filter(kind="plans.window_open").values_list(
            "recipient__username", flat=True)), {"sup-approver"})
        self.assertEqual(tick(), 0)
