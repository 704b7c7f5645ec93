import datetime as dt
import tempfile
from io import StringIO

from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from guildhall.audit.models import AuditRecord
from guildhall.core.errors import DomainError
from guildhall.events import services
from guildhall.events.models import (
    Filing,
    FilingRules,
    Status,
)
from guildhall.events.tests.factories import FOREIGN_TEXT, make_filing, started, txt
from guildhall.kit.workflow import authorize
from guildhall.notifications.calendar import add_working_days, working_days_between
from guildhall.notifications.models import Notification
from guildhall.notifications.services import tick
from guildhall.orgs.permissions import can
from guildhall.records.models import Finding, Revision
from guildhall.reviews.models import Decision
from guildhall.testing import GuildhallTestCase

MEDIA = tempfile.mkdtemp(prefix="guildhall-test-media-")


def local(y, m, d, h=9):
    return timezone.make_aware(dt.datetime(y, m, d, h))


@override_settings(MEDIA_ROOT=MEDIA)
class LeadTimeTest(GuildhallTestCase):
    """Lead times count Chinese working days (chinese_calendar): holidays skipped, adjusted
    Saturdays counted. The event's start day must be on or after the earliest allowed date."""

    def submit_on(self, today, start, type_="seminar", **kw):
        filing = make_filing(self.cast, self.soft, "draft", starts_at=start,
                             ends_at=start + dt.timedelta(hours=3), type=type_, **kw)
        return services.filing_submit(actor=self.user("soft-editor"), filing=filing, today=today)

    def assertRefusedWith(self, today, start, earliest, type_="seminar", **kw):
        with self.assertRaises(DomainError) as ctx:
            self.submit_on(today, start, type_, **kw)
        self.assertEqual(ctx.exception.code, "lead_time")
        self.assertIn(earliest, str(ctx.exception))

    def test_the_calendar_skips_the_2026_spring_festival_and_counts_the_adjusted_saturday(self):
        # Sat 14 Feb 2026 is an adjusted working day; 15–23 Feb are the holiday.
        self.assertEqual(working_days_between(dt.date(2026, 2, 13), dt.date(2026, 2, 24)), 2)
        self.assertEqual(add_working_days(dt.date(2026, 2, 13), 5), dt.date(2026, 2, 27))

    def test_a_seminar_two_working_days_ahead_is_refused_with_the_earliest_allowed_date(self):
        self.assertRefusedWith(dt.date(2026, 2, 13), local(2026, 2, 24), "2026-02-27")
        self.assertFalse(Filing.objects.filter(status=Status.SIGNOFF, title="行业发展研讨会",
                                               starts_at=local(2026, 2, 24)).exists())

    def test_the_earliest_allowed_date_itself_is_accepted(self):
        filing = self.submit_on(dt.date(2026, 2, 13), local(2026, 2, 27))
        self.assertEqual(filing.status, Status.SIGNOFF)
        self.assertFalse(filing.is_late)

    def test_the_adjusted_saturday_after_the_festival_counts(self):
        # Filing on Tue 24 Feb: 25, 26, 27, Sat 28 (adjusted), Mon 2 Mar.
        self.assertRefusedWith(dt.date(2026, 2, 24), local(2026, 2, 28), "2026-03-02")

    def test_national_day_2025_and_2026_are_skipped(self):
        # 2025: Sun 28 Sep is a working day; 1–8 Oct off; Sat 11 Oct a working day.
        self.assertEqual(add_working_days(dt.date(2025, 9, 26), 5), dt.date(2025, 10, 10))
        self.assertRefusedWith(dt.date(2025, 9, 26), local(2025, 10, 9), "2025-10-10")
        # 2026: 1–7 Oct off; Sat 10 Oct a working day.
        self.assertEqual(add_working_days(dt.date(2026, 9, 29), 5), dt.date(2026, 10, 12))
        self.assertRefusedWith(dt.date(2026, 9, 29), local(2026, 10, 10), "2026-10-12")

    def test_a_foreign_exchange_needs_ten_working_days(self):
        self.assertRefusedWith(dt.date(2026, 2, 13), local(2026, 3, 2), "2026-03-05",
                               type_="foreign_exchange",
                               co_organizers=[{"name": "Partner", "foreign": True}],
                               onsite_phone="1", halt_procedure="x", notify_list="y")

    def test_a_late_filing_with_a_reason_is_accepted_and_flagged_when_the_rules_allow_it(self):
        FilingRules.objects.update_or_create(supervisor=self.sup, defaults={"allow_late": True})
        self.assertRefusedWith(dt.date(2026, 2, 13), local(2026, 2, 24), "2026-02-27")
        filing = make_filing(self.cast, self.soft, "draft", starts_at=local(2026, 2, 24),
                             ends_at=local(2026, 2, 24, 12))
        filing = services.filing_submit(actor=self.user("soft-editor"), filing=filing,
                                        today=dt.date(2026, 2, 13), late_reason="政策刚发布")
        self.assertTrue(filing.is_late)
        self.assertEqual(filing.late_reason, "政策刚发布")

    def test_a_returned_filing_with_the_same_start_is_measured_from_the_first_submission(self):
        filing = self.submit_on(dt.date(2026, 2, 2), local(2026, 2, 27))
        filing = services.filing_return(actor=self.user("soft-principal"), filing=filing,
                                        revision=filing.revision, comment="补充说明")
        services.filing_update(actor=self.user("soft-editor"), filing=filing,
                               data={"description": "补充"})
        # From 20 Feb the earliest start would be 28 Feb; the first submission (2 Feb) counts.
        filing = services.filing_submit(actor=self.user("soft-editor"), filing=filing,
                                        today=dt.date(2026, 2, 20))
        self.assertFalse(filing.is_late)
        self.assertEqual(filing.first_submitted_on, dt.date(2026, 2, 2))

    def test_a_new_start_is_measured_from_the_day_it_is_submitted(self):
        filing = self.submit_on(dt.date(2026, 2, 2), local(2026, 2, 27))
        filing = services.filing_return(actor=self.user("soft-principal"), filing=filing,
                                        revision=filing.revision, comment="改时间")
        services.filing_update(actor=self.user("soft-editor"), filing=filing, data={
            "starts_at": local(2026, 2, 26), "ends_at": local(2026, 2, 26, 12)})
        with self.assertRaises(DomainError) as ctx:
            services.filing_submit(actor=self.user("soft-editor"), filing=filing,
                                   today=dt.date(2026, 2, 20))
        self.assertEqual(ctx.exception.code, "lead_time")
        self.assertIn("2026-02-28", str(ctx.exception))  # 5 working days after 20 Feb


@override_settings(MEDIA_ROOT=MEDIA)
class LifeCycleTest(GuildhallTestCase):
    def test_the_editor_files_the_principal_signs_off_and_the_approver_is_told(self):
        filing = make_filing(self.cast, self.soft, "draft")
        with self.captureOnCommitCallbacks(execute=True):
            filing = services.filing_submit(actor=self.user("soft-editor"), filing=filing)
        self.assertEqual(filing.status, Status.SIGNOFF)
        self.assertTrue(Notification.objects.filter(recipient=self.user("soft-principal"),
                                                    kind="events.signoff").exists())
        with self.captureOnCommitCallbacks(execute=True):
            filing = services.filing_sign_off(actor=self.user("soft-principal"), filing=filing,
                                              revision=filing.revision)
        self.assertEqual(filing.status, Status.SUBMITTED)
        self.assertIsNotNone(filing.decision_due)
        self.assertTrue(Notification.objects.filter(recipient=self.user("sup-approver"),
                                                    kind="events.submitted").exists())
        self.assertFalse(Notification.objects.filter(recipient=self.user("sup2-approver")).exists())

    def test_a_filing_by_the_principal_needs_no_separate_sign_off(self):
        filing = services.filing_create(actor=self.user("soft-principal"), org=self.soft,
                                        data={
                                            "title": "t", "type": "forum",
                                            "starts_at": timezone.now() + dt.timedelta(days=40),
                                            "ends_at": timezone.now() + dt.timedelta(days=40, hours=2),
                                            "venue": "v"})
        filing = services.filing_submit(actor=self.user("soft-principal"), filing=filing)
        self.assertEqual(filing.status, Status.SUBMITTED)
        self.assertEqual([s.level for s in filing.review_steps()], ["supervisor"])

    def test_approval_tells_the_filer_and_the_principal_and_sets_the_summary_deadline(self):
        filing = make_filing(self.cast, self.soft, "submitted")
        with self.captureOnCommitCallbacks(execute=True):
            filing = services.filing_approve(actor=self.user("sup-approver"), filing=filing,
                                             revision=filing.revision)
        self.assertEqual((filing.status, filing.approved_revision), (Status.APPROVED, filing.revision))
        self.assertEqual(filing.summary_due, add_working_days(filing.end_date, 5))
        for name in ("soft-editor", "soft-principal"):
            self.assertTrue(Notification.objects.filter(recipient=self.user(name),
                                                        kind="events.decided.approved").exists())

    def test_a_returned_filing_is_fixed_and_resubmitted_as_a_new_revision(self):
        filing = make_filing(self.cast, self.soft, "submitted")
        old = filing.revision
        filing = services.filing_return(actor=self.user("sup-approver"), filing=filing,
                                        revision=filing.revision, comment="请补充讲者单位")
        self.assertTrue(can(self.user("soft-editor"), "events.edit", filing))
        filing = services.filing_update(actor=self.user("soft-editor"), filing=filing,
                                        data={"title": "修改后的研讨会"}, revision=old)
        self.assertEqual(filing.revision, old + 1)
        filing = services.filing_submit(actor=self.user("soft-editor"), filing=filing)
        filing = services.filing_sign_off(actor=self.user("soft-principal"), filing=filing,
                                          revision=filing.revision)
        with self.assertRaises(DomainError) as ctx:
            services.filing_approve(actor=self.user("sup-approver"), filing=filing, revision=old)
        self.assertEqual((ctx.exception.code, ctx.exception.status), ("stale_revision", 409))
        filing = services.filing_approve(actor=self.user("sup-approver"), filing=filing,
                                         revision=filing.revision)
        self.assertEqual(filing.approved_revision, old + 1)

    def test_a_stale_edit_is_refused_not_lost(self):
        filing = make_filing(self.cast, self.soft, "draft")
        services.filing_update(actor=self.user("soft-editor"), filing=filing, data={"title": "A"},
                               revision=1)
        with self.assertRaises(DomainError) as ctx:
            services.filing_update(actor=self.user("soft-principal"), filing=filing,
                                   data={"title": "B"}, revision=1)
        self.assertEqual(ctx.exception.code, "stale_revision")
        self.assertEqual(Filing.objects.get(pk=filing.pk).title, "A")

    def test_a_material_change_after_approval_needs_approval_again(self):
        filing = make_filing(self.cast, self.soft, "approved")
        filing = services.filing_update(actor=self.user("soft-editor"), filing=filing,
                                        data={"description": "补充说明"})
        self.assertEqual(filing.status, Status.APPROVED)
        filing = services.filing_update(actor=self.user("soft-editor"), filing=filing,
                                        data={"venue": "另一个会场"})
        self.assertEqual(filing.status, Status.DRAFT)
        self.assertTrue(filing.amended_after_approval)
        latest = Revision.objects.filter(events_filing=filing).last()
        self.assertTrue(latest.material)
        self.assertEqual(latest.changed_fields, ["venue"])

    def test_withdraw_reject_and_cancel(self):
        filing = make_filing(self.cast, self.soft, "submitted")
        self.assertEqual(services.filing_withdraw(actor=self.user("soft-editor"),
                                                  filing=filing).status, Status.WITHDRAWN)
        filing = make_filing(self.cast, self.soft, "submitted")
        self.assertEqual(services.filing_reject(actor=self.user("sup-approver"), filing=filing,
                                                revision=filing.revision, comment="不符").status,
                         Status.REJECTED)
        with self.assertRaises(DomainError) as ctx:
            services.filing_submit(actor=self.user("soft-editor"), filing=filing)
        self.assertEqual((ctx.exception.code, ctx.exception.status), ("wrong_state", 409))
        filing = make_filing(self.cast, self.soft, "approved")
        with self.assertRaises(DomainError) as ctx:
            services.filing_cancel(actor=self.user("soft-editor"), filing=filing)
        self.assertEqual(ctx.exception.code, "reason_required")
        self.assertEqual(services.filing_cancel(actor=self.user("soft-editor"), filing=filing,
                                                reason="场地取消").status, Status.CANCELLED)

    def test_a_contingency_plan_is_required_for_a_livestream(self):
        from django.utils import translation

        filing = make_filing(self.cast, self.soft, "draft", livestream=True)
        with translation.override("zh-hans"), self.assertRaises(DomainError) as ctx:
            services.filing_submit(actor=self.user("soft-editor"), filing=filing)
        self.assertEqual(ctx.exception.code, "incomplete")
        self.assertIn("现场联系电话", str(ctx.exception))

    def test_attendance_above_the_threshold_needs_a_plan_but_not_below(self):
        filing = make_filing(self.cast, self.soft, "draft", expected_attendance=201)
        with self.assertRaises(DomainError):
            services.filing_submit(actor=self.user("soft-editor"), filing=filing)
        filing = make_filing(self.cast, self.soft, "draft", expected_attendance=200)
        services.filing_submit(actor=self.user("soft-editor"), filing=filing)


@override_settings(MEDIA_ROOT=MEDIA)
class CircuitBreakerTest(GuildhallTestCase):
    def test_the_on_site_person_halts_and_the_approvers_are_told_at_once(self):
        filing = make_filing(self.cast, self.soft, "approved")  # on-site person: soft-staff
        self.assertFalse(can(self.user("soft-staff"), "events.halt", filing))  # weeks ahead
        with self.assertRaises(DomainError) as ctx:
            services.filing_halt(actor=self.user("soft-staff"), filing=filing, reason="r",
                                 actions_taken="a")
        self.assertEqual((ctx.exception.code, ctx.exception.status), ("halt_time", 409))
        filing = started(filing)
        self.assertTrue(can(self.user("soft-staff"), "events.halt", filing))
        self.assertFalse(can(self.user("soft-editor"), "events.halt", filing))
        self.assertFalse(can(self.user("sup-approver"), "events.halt", filing))
        with self.captureOnCommitCallbacks(execute=True):
            halt = services.filing_halt(actor=self.user("soft-staff"), filing=filing,
                                        reason="现场秩序混乱", actions_taken="宣布暂停并疏散")
        self.assertEqual(Filing.objects.get(pk=filing.pk).status, Status.HALTED)
        self.assertEqual(halt.recorded_by, self.user("soft-staff"))
        note = Notification.objects.get(recipient=self.user("sup-approver"), kind="events.halted")
        self.assertIn(filing.title, note.subject)
        self.assertTrue(AuditRecord.objects.filter(action="events.filing.halt",
                                                   object_id=str(filing.pk)).exists())

    def test_the_summary_of_a_halted_event_must_address_the_halt(self):
        filing = started(make_filing(self.cast, self.soft, "approved"))
        services.filing_halt(actor=self.user("soft-principal"), filing=filing, reason="停电",
                             actions_taken="疏散")
        with self.assertRaises(DomainError) as ctx:
            services.filing_summarize(actor=self.user("soft-editor"), filing=filing,
                                      what_happened="中途暂停", attendance=30)
        self.assertEqual(ctx.exception.code, "halt_not_addressed")
        services.filing_summarize(actor=self.user("soft-editor"), filing=filing,
                                  what_happened="中途暂停", attendance=30, halt_response="已恢复供电")
        filing = services.filing_acknowledge_summary(actor=self.user("sup-approver"), filing=filing)
        self.assertEqual(filing.status, Status.CLOSED)

    def test_a_summary_waits_for_the_end_of_the_event(self):
        filing = make_filing(self.cast, self.soft, "approved")
        self.assertFalse(can(self.user("soft-editor"), "events.summarize", filing))
        with self.assertRaises(DomainError):
            services.filing_summarize(actor=self.user("soft-editor"), filing=filing,
                                      what_happened="x", attendance=1)

    def test_a_halt_needs_a_reason_and_what_was_done(self):
        filing = make_filing(self.cast, self.soft, "approved")
        with self.assertRaises(DomainError) as ctx:
            services.filing_halt(actor=self.user("soft-principal"), filing=filing, reason="",
                                 actions_taken="x")
        self.assertEqual(ctx.exception.code, "reason_required")

    def test_authorize_refuses_the_wrong_state_with_409_and_the_wrong_role_with_403(self):
        filing = make_filing(self.cast, self.soft, "draft")
        with self.assertRaises(DomainError) as ctx:
            authorize(self.user("soft-principal"), "halt", filing)
        self.assertEqual(ctx.exception.status, 409)
        with self.assertRaises(PermissionDenied):
            authorize(self.user("soft-staff"), "submit", filing)


@override_settings(MEDIA_ROOT=MEDIA)
class ForeignExchangeTest(GuildhallTestCase):
    def test_findings_are_stored_masked_and_must_be_acknowledged_before_filing(self):
        filing = make_filing(self.cast, self.soft, "foreign_findings")
        self.assertIn(filing.status, (Status.DRAFT,))
        findings = Finding.objects.filter(events_filing=filing)
        self.assertIn("CN_MOBILE", {f.type for f in findings})
        for f in findings:
            self.assertNotIn("13912345678", f"{f.masked}{f.detail}{f.location}")
        with self.assertRaises(DomainError) as ctx:
            services.filing_submit(actor=self.user("soft-editor"), filing=filing)
        self.assertEqual(ctx.exception.code, "findings")
        with self.assertRaises(DomainError) as ctx:
            services.finding_acknowledge(actor=self.user("soft-editor"), finding=findings[0],
                                         reason="需要")
        self.assertEqual(ctx.exception.code, "not_principal")
        for f in findings:
            services.finding_acknowledge(actor=self.user("soft-principal"), finding=f,
                                         reason="对方联络需要")
        filing = services.filing_submit(actor=self.user("soft-editor"), filing=filing)
        self.assertEqual(filing.status, Status.SIGNOFF)

    def test_replacing_the_attachment_removes_its_findings(self):
        filing = make_filing(self.cast, self.soft, "foreign_findings")
        attachment = filing.attachments.get()
        services.attachment_remove(actor=self.user("soft-editor"), filing=filing,
                                   attachment=attachment)
        services.attachment_add(actor=self.user("soft-editor"), filing=filing,
                                upload=txt("agenda.txt", "交流议程\n".encode()),
                                for_foreign_party=True)
        filing = services.filing_submit(actor=self.user("soft-editor"), filing=filing)
        self.assertEqual(filing.status, Status.SIGNOFF)
        self.assertFalse(services.open_findings(filing).exists())
        self.assertTrue(FOREIGN_TEXT)


@override_settings(MEDIA_ROOT=MEDIA)
class RemindersTest(GuildhallTestCase):
    def test_overdue_decisions_escalate_once_to_the_supervisor_admin(self):
        filing = make_filing(self.cast, self.soft, "submitted")
        Filing.objects.filter(pk=filing.pk).update(decision_due=dt.date(2026, 1, 5))
        now = timezone.make_aware(dt.datetime(2026, 1, 8, 10))
        self.assertGreater(tick(now), 0)
        self.assertTrue(Notification.objects.filter(recipient=self.user("sup-admin"),
                                                    kind="events.decision_overdue").exists())
        self.assertEqual(tick(now), 0)

    def test_the_summary_is_due_after_the_event_and_overdue_later(self):
        filing = make_filing(self.cast, self.soft, "ended")
        tick()
        self.assertTrue(Notification.objects.filter(recipient=self.user("soft-editor"),
                                                    kind="events.summary_due").exists())
        Filing.objects.filter(pk=filing.pk).update(summary_due=dt.date(2020, 1, 1))
        tick()
        self.assertTrue(Notification.objects.filter(recipient=self.user("soft-principal"),
                                                    kind="events.summary_overdue").exists())

    def test_guildhall_tick_twice_sends_each_reminder_once_and_the_second_run_inserts_nothing(self):
        overdue = make_filing(self.cast, self.soft, "submitted")
        Filing.objects.filter(pk=overdue.pk).update(decision_due=dt.date(2020, 1, 6))
        make_filing(self.cast, self.logi, "ended")
        before, out = Notification.objects.count(), StringIO()
        call_command("tick", stdout=out)
        sent = sorted(Notification.objects.filter(kind__in=[
            "events.decision_overdue", "events.summary_due"]).values_list("kind", "recipient__username"))
        self.assertIn(("events.decision_overdue", "sup-admin"), sent)
        self.assertIn(("events.summary_due", "logi-editor"), sent)
        count = Notification.objects.count()
        with CaptureQueriesContext(connection) as queries:
            call_command("tick", stdout=out)
        self.assertEqual(Notification.objects.count(), count)
        self.assertEqual([q["sql"] for q in queries if q["sql"].startswith("INSERT")], [])
        self.assertIn(f"{count - before} notifications sent", out.getvalue())
        self.assertIn("0 notifications sent", out.getvalue())


class DecisionCountTest(GuildhallTestCase):
    demo_modules = ("events",)

    def test_the_demo_has_filings_in_every_state(self):
        states = set(Filing.objects.values_list("status", flat=True))
        self.assertTrue({Status.DRAFT, Status.SIGNOFF, Status.SUBMITTED, Status.RETURNED,
                         Status.APPROVED, Status.HALTED, Status.CLOSED, Status.REJECTED,
                         Status.WITHDRAWN, Status.CANCELLED} <= states, states)
        self.assertTrue(Filing.objects.filter(is_late=True).exists())
        self.assertTrue(Finding.objects.exclude(acknowledged_at=None).exists())
        returned = Filing.objects.get(status=Status.RETURNED)
        self.assertTrue(Decision.objects.filter(subject_id=returned.pk, verdict="return")
                        .exclude(comment="").exists())


class SettledNoticesTest(GuildhallTestCase):
    """A notice that asks for work is read once the work is done, for everyone it asked."""

    def unread(self, username, filing, kind="events.submitted"):
        return Notification.objects.filter(recipient=self.user(username), kind=kind,
                                           url__endswith=f"/events/{filing.pk}/",
                                           read_at__isnull=True).count()

    def test_the_waiting_notice_is_read_once_the_filing_is_decided(self):
        with self.captureOnCommitCallbacks(execute=True):
            filing = make_filing(self.cast, self.soft, "submitted")
        self.assertEqual(self.unread("sup-approver", filing), 1)
        with self.captureOnCommitCallbacks(execute=True):
            services.filing_return(actor=self.user("sup-approver"), filing=filing,
                                   revision=filing.revision, comment="请补充")
        self.assertEqual(self.unread("sup-approver", filing), 0)
        # The author's own notice of the return is a new one, unread.
        self.assertEqual(self.unread("soft-editor", filing, "events.decided.returned"), 1)

    def test_a_refused_decision_settles_nothing(self):
        with self.captureOnCommitCallbacks(execute=True):
            filing = make_filing(self.cast, self.soft, "submitted")
        with self.assertRaises(DomainError):
            services.filing_return(actor=self.user("sup-approver"), filing=filing,
                                   revision=filing.revision + 5, comment="过期的版本")
        self.assertEqual(self.unread("sup-approver", filing), 1)

    def test_the_waiting_notice_is_read_once_the_filing_is_withdrawn(self):
        with self.captureOnCommitCallbacks(execute=True):
            filing = make_filing(self.cast, self.soft, "submitted")
        services.filing_withdraw(actor=self.user("soft-editor"), filing=filing)
        self.assertEqual(self.unread("sup-approver", filing), 0)
