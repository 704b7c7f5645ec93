import datetime as dt
from unittest import mock

from django.core.management import call_command
from django.utils import timezone

from guildhall.audit.models import AuditRecord
from guildhall.core.errors import DomainError
from guildhall.incidents import services
from guildhall.incidents.models import Incident, IncidentRules, Report, Status
from guildhall.incidents.tests.factories import FakePlans, make_incident, register
from guildhall.kit import links
from guildhall.notifications.models import Notification
from guildhall.publications.models import ChannelStatus
from guildhall.publications.tests.factories import make_channel
from guildhall.records.models import Entry
from guildhall.testing import GuildhallTestCase


def at(hour: int, minute: int = 0, day: int = 1) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, 12, day, hour, minute))


class frozen:
    """The clock stands still at `moment` (services and the tick read timezone.now)."""

    def __init__(self, moment: dt.datetime) -> None:
        self.patch = mock.patch("django.utils.timezone.now", return_value=moment)

    def __enter__(self):
        return self.patch.__enter__()

    def __exit__(self, *exc):
        return self.patch.__exit__(*exc)


def tick() -> None:
    call_command("tick", stdout=open("/dev/null", "w"))


class ClockTest(GuildhallTestCase):
    def test_the_first_report_is_due_by_severity_from_discovery(self):
        with frozen(at(10, 5)):
            for severity, minutes in (("extraordinary", 30), ("major", 30), ("significant", 120),
                                      ("general", 1440), ("tbd", 120)):
                incident = register(self.cast, self.soft, send=False, severity=severity,
                                    discovered_at=at(10))
                self.assertEqual(incident.first_report_due, at(10) + dt.timedelta(minutes=minutes),
                                 severity)
                self.assertEqual(incident.status, Status.OPEN)

    def test_the_page_clock_says_minutes_left_and_minutes_late(self):
        with frozen(at(10)):
            incident = register(self.cast, self.soft, send=False, discovered_at=at(10))
        [clock] = incident.clocks(at(10, 12))
        self.assertEqual((clock["kind"], clock["minutes"], clock["late"]), ("first", 18, False))
        [clock] = incident.clocks(at(10, 47))
        self.assertEqual((clock["minutes"], clock["late"]), (-17, True))
        with self.settings(LANGUAGE_CODE="en"):
            self.assertEqual(services.clock_text(-17), "17 min late")
            self.assertEqual(services.clock_text(65), "1 h 5 min left")

    def test_the_supervisors_rules_set_the_deadlines(self):
        services.rules_update(actor=self.user("sup-admin"), supervisor=self.sup,
                              minutes={"first": {"major": 15}, "followup": {"major": None}})
        with frozen(at(10)):
            incident = register(self.cast, self.soft, discovered_at=at(10))
        self.assertEqual(incident.first_report_due, at(10, 15))
        self.assertIsNone(incident.followup_due)
        other = IncidentRules.for_association(self.chem)  # another supervisor: the defaults
        self.assertEqual(other.minutes_for("first", "major"), 30)

    def test_rules_refuse_no_deadline_for_the_first_report(self):
        with self.assertRaises(DomainError):
            services.rules_update(actor=self.user("sup-admin"), supervisor=self.sup,
                                  minutes={"first": {"major": None}})


class QuickReportTest(GuildhallTestCase):
    def test_a_quick_report_is_the_first_report_and_tells_the_approvers(self):
        with frozen(at(10, 10)), self.captureOnCommitCallbacks(execute=True):
            incident = services.incident_register(
                actor=self.user("soft-staff"), org=self.soft, send=True, report="网站首页被篡改。",
                data={"title": "网站被篡改", "category": "account_compromise", "severity": "major"})
        self.assertEqual(incident.status, Status.REPORTED)
        self.assertEqual(incident.first_reported_at, at(10, 10))
        self.assertFalse(incident.first_report_late)
        self.assertEqual(incident.minutes_to_first_report, 0)
        self.assertEqual(incident.followup_due, at(12, 10))
        note = Notification.objects.get(recipient=self.user("sup-approver"))
        self.assertIn("网站被篡改", note.subject)
        self.assertIn("重大", note.subject)  # the severity, in the approver's language
        self.assertIn("10:40", note.body)  # acknowledge by
        self.assertIsNotNone(note.emailed_at)
        self.assertFalse(Notification.objects.filter(recipient=self.user("sup2-approver")).exists())
        self.assertEqual(list(AuditRecord.objects.filter(object_id=str(incident.pk), action__startswith=
                                                         "incidents.").order_by("seq").values_list("action", flat=True)),
                         ["incidents.incident.register", "incidents.incident.report_written"])

    def test_a_quick_report_needs_its_sentence(self):
        with self.assertRaises(DomainError) as refused:
            services.incident_register(actor=self.user("soft-staff"), org=self.soft, send=True,
                                       report="  ", data={"title": "t", "category": "other",
                                                          "severity": "general"})
        self.assertEqual(refused.exception.field, "report")
        self.assertFalse(Incident.objects.exists())

    def test_a_supervisor_cannot_register_an_incident(self):
        with self.assertRaises(DomainError):
            services.incident_register(actor=self.user("sup-admin"), org=self.sup, data={
                "title": "t", "category": "other", "severity": "general"})

    def test_it_pauses_the_channel_in_the_same_action(self):
        channel = make_channel(self.cast, self.soft, name="软件协会公众号")
        incident = services.incident_register(
            actor=self.user("soft-principal"), org=self.soft, send=True, report="被盗用。",
            channel_id=channel.pk, pause_channel=True,
            data={"title": "公众号被盗用", "category": "account_compromise", "severity": "major"})
        channel.refresh_from_db()
        self.assertEqual(channel.status, ChannelStatus.PAUSED)
        self.assertIn("公众号被盗用", channel.pause_reason)
        self.assertEqual(incident.channel_name, "软件协会公众号")
        self.assertTrue(Entry.objects.filter(kind=Incident.EntryKind.CHANNEL_PAUSED,
                                             subject_id=incident.pk, note="软件协会公众号").exists())
        self.assertTrue(AuditRecord.objects.filter(action="publications.channel.pause").exists())

    def test_a_refused_pause_leaves_nothing_half_done(self):
        channel = make_channel(self.cast, self.soft)
        with self.assertRaises(DomainError) as refused:
            services.incident_register(
                actor=self.user("soft-staff"), org=self.soft, send=True, report="被盗用。",
                channel_id=channel.pk, pause_channel=True,
                data={"title": "公众号被盗用", "category": "account_compromise", "severity": "major"})
        self.assertEqual(refused.exception.status, 403)
        self.assertFalse(Incident.objects.exists())
        refusal = AuditRecord.objects.filter(action="permission.refused").last()
        self.assertEqual(refusal.after, {"action": "channels.pause"})
        channel.refresh_from_db()
        self.assertEqual(channel.status, ChannelStatus.ACTIVE)

    def test_another_associations_channel_is_refused_as_missing(self):
        theirs = make_channel(self.cast, self.logi)
        with self.assertRaises(DomainError) as refused:
            services.incident_register(
                actor=self.user("soft-principal"), org=self.soft, channel_id=theirs.pk,
                data={"title": "t", "category": "account_compromise", "severity": "major"})
        self.assertEqual(refused.exception.code, "not_own_record")


class ReportsTest(GuildhallTestCase):
    def test_a_phone_report_counts_as_first_at_the_top_levels_and_the_written_one_follows(self):
        with frozen(at(10, 40)):
            incident = register(self.cast, self.soft, send=False, discovered_at=at(10))
            services.report_phone(actor=self.user("soft-editor"), incident=incident,
                                  reported_at=at(10, 20), told="主管单位值班员赵立新",
                                  caller="张晓燕")
        incident.refresh_from_db()
        self.assertEqual(incident.status, Status.REPORTED)
        self.assertEqual(incident.first_reported_at, at(10, 20))
        self.assertFalse(incident.first_report_late)
        self.assertEqual(incident.minutes_to_first_report, 20)
        self.assertEqual(incident.written_due, at(11))
        self.assertEqual([c["kind"] for c in incident.clocks(at(10, 41))], ["written", "followup"])
        with frozen(at(11, 5)):
            services.report_written(actor=self.user("soft-editor"), incident=incident, text="书面报告")
        incident.refresh_from_db()
        self.assertTrue(incident.written_late)
        self.assertFalse(incident.first_report_late)
        self.assertTrue(Report.objects.get(kind="written").late)

    def test_a_phone_report_does_not_count_where_no_written_report_is_set(self):
        with frozen(at(10, 40)):
            incident = register(self.cast, self.soft, send=False, severity="general",
                                discovered_at=at(10))
            services.report_phone(actor=self.user("soft-editor"), incident=incident,
                                  reported_at=at(10, 20), told="值班员", caller="张晓燕")
        incident.refresh_from_db()
        self.assertEqual(incident.status, Status.OPEN)
        self.assertIsNone(incident.first_reported_at)

    def test_a_phone_report_cannot_be_in_the_future_or_before_discovery(self):
        with frozen(at(10, 40)):
            incident = register(self.cast, self.soft, send=False, discovered_at=at(10))
            for when in (at(11), at(9, 59)):
                with self.assertRaises(DomainError):
                    services.report_phone(actor=self.user("soft-editor"), incident=incident,
                                          reported_at=when, told="值班员", caller="张晓燕")

    def test_a_late_first_report_is_flagged_and_counted(self):
        with frozen(at(11, 15)):
            incident = register(self.cast, self.soft, discovered_at=at(10))
        self.assertTrue(incident.first_report_late)
        self.assertEqual(incident.minutes_to_first_report, 75)
        [row] = services.figures(Incident.objects.filter(organization=self.soft))
        self.assertEqual((row["late"], row["to_first"], row["total"]), (1, 75, 1))

    def test_follow_ups_come_on_the_cadence_until_stable(self):
        with frozen(at(10)):
            incident = register(self.cast, self.soft, discovered_at=at(10))
        self.assertEqual(incident.followup_due, at(12))
        with frozen(at(11, 30)):
            services.follow_up(actor=self.user("soft-editor"), incident=incident, text="续报一")
        incident.refresh_from_db()
        self.assertEqual((incident.followups, incident.followup_due), (1, at(13, 30)))
        with frozen(at(14)):
            report = services.follow_up(actor=self.user("soft-editor"), incident=incident,
                                        text="续报二")
        self.assertTrue(report.late)
        services.mark_stable(actor=self.user("soft-principal"), incident=incident)
        incident.refresh_from_db()
        self.assertEqual(incident.status, Status.STABLE)
        self.assertIsNone(incident.followup_due)
        self.assertEqual(incident.clocks(), [])

    def test_a_change_of_severity_is_on_the_timeline_and_restarts_the_clocks(self):
        with frozen(at(10)):
            incident = register(self.cast, self.soft, send=False, severity="general",
                                discovered_at=at(10))
        with frozen(at(12)):
            services.change_severity(actor=self.user("soft-principal"), incident=incident,
                                     severity="major", note="涉及面扩大")
        incident.refresh_from_db()
        self.assertEqual(incident.first_report_due, at(12, 30))
        self.assertEqual(incident.clock, 2)
        entry = Entry.objects.get(kind=Incident.EntryKind.SEVERITY_CHANGED)
        self.assertIn("涉及面扩大", entry.note)

    def test_only_the_principal_or_admin_change_severity(self):
        incident = register(self.cast, self.soft)
        from guildhall.orgs.permissions import can
        self.assertTrue(can(self.user("soft-principal"), "incidents.change_severity", incident))
        self.assertFalse(can(self.user("soft-staff"), "incidents.change_severity", incident))
        self.assertTrue(can(self.user("soft-staff"), "incidents.follow_up", incident))


class ClosingTest(GuildhallTestCase):
    def setUp(self):
        self.saved = links.make_plan_item.function
        self.plans = FakePlans()
        links.make_plan_item.function = self.plans

    def tearDown(self):
        links.make_plan_item.function = self.saved

    def test_closing_without_a_closing_report_is_refused_with_a_clear_message(self):
        incident = make_incident(self.cast, self.soft, "stable")
        with self.settings(LANGUAGE_CODE="en"), self.assertRaises(DomainError) as refused:
            services.incident_close(actor=self.user("soft-principal"), incident=incident, cause="",
                                    actions="", results="", lessons="")
        self.assertEqual(refused.exception.code, "closing_report_required")
        self.assertIn("closing report", str(refused.exception))
        self.assertIn("lessons", str(refused.exception))
        incident.refresh_from_db()
        self.assertEqual(incident.status, Status.STABLE)

    def test_the_lessons_become_plan_items_in_one_step(self):
        incident = make_incident(self.cast, self.soft, "stable")
        with self.captureOnCommitCallbacks(execute=True):
            services.incident_close(
                actor=self.user("soft-principal"), incident=incident, cause="弱密码",
                actions="改密码", results="已恢复", lessons="账号管理要规范",
                plan_items=["建立账号双重验证制度", "", "每季度检查账号权限"],
                due_date=dt.date(2027, 3, 31))
        incident.refresh_from_db()
        self.assertEqual(incident.status, Status.CLOSED)
        self.assertEqual([m["title"] for m in self.plans.made],
                         ["建立账号双重验证制度", "每季度检查账号权限"])
        made = self.plans.made[0]
        self.assertEqual((made["source"], made["source_kind"], made["organization"]),
                         (incident, "incidents.incident", self.soft))
        self.assertEqual(made["due_date"], dt.date(2027, 3, 31))
        self.assertIn("账号管理要规范", made["description"])
        self.assertEqual(Entry.objects.filter(kind=Incident.EntryKind.PLAN_ITEM).count(), 2)
        closing = Report.objects.get(kind="closing")
        self.assertEqual((closing.cause, closing.lessons), ("弱密码", "账号管理要规范"))

    def test_a_plan_item_refused_leaves_the_incident_open(self):
        incident = make_incident(self.cast, self.soft, "stable")
        links.make_plan_item.function = None
        with self.assertRaises(DomainError):
            services.incident_close(actor=self.user("soft-principal"), incident=incident,
                                    cause="c", actions="a", results="r", lessons="l",
                                    plan_items=["x"])
        incident.refresh_from_db()
        self.assertEqual(incident.status, Status.STABLE)
        self.assertFalse(Report.objects.filter(kind="closing").exists())

    def test_reopening_takes_a_reason(self):
        incident = make_incident(self.cast, self.soft, "closed")
        with self.assertRaises(DomainError):
            services.incident_reopen(actor=self.user("soft-principal"), incident=incident, reason=" ")
        services.incident_reopen(actor=self.user("soft-principal"), incident=incident,
                                 reason="又发现新的非本会内容")
        incident.refresh_from_db()
        self.assertEqual(incident.status, Status.REPORTED)
        self.assertIsNone(incident.closed_at)
        self.assertIsNotNone(incident.reopened_at)


class AcknowledgementTest(GuildhallTestCase):
    def test_an_approver_acknowledges_with_an_instruction_the_association_sees(self):
        with frozen(at(10)):
            incident = register(self.cast, self.soft, discovered_at=at(10))
        report = incident.reports.get()
        with frozen(at(10, 12)), self.captureOnCommitCallbacks(execute=True):
            services.report_acknowledge(actor=self.user("sup-approver"), incident=incident,
                                        report_id=report.pk, instruction="立即发布澄清声明。")
        report.refresh_from_db()
        self.assertEqual((report.minutes_to_ack, report.ack_late), (12, False))
        self.assertEqual(report.instruction, "立即发布澄清声明。")
        entry = Entry.objects.get(kind=Incident.EntryKind.ACKNOWLEDGED)
        self.assertEqual(entry.note, "立即发布澄清声明。")
        self.assertTrue(Notification.objects.filter(recipient=self.user("soft-principal"),
                                                    kind="incidents.acknowledged").exists())
        with self.assertRaises(DomainError) as again:
            services.report_acknowledge(actor=self.user("sup-approver"), incident=incident,
                                        report_id=report.pk)
        self.assertEqual(again.exception.status, 409)

    def test_a_report_of_another_incident_is_refused_as_missing(self):
        mine = register(self.cast, self.soft)
        other = register(self.cast, self.logi)
        with self.assertRaises(DomainError):
            services.report_acknowledge(actor=self.user("sup-approver"), incident=mine,
                                        report_id=other.reports.get().pk)


class EscalationTest(GuildhallTestCase):
    """With a frozen clock: a 重大 incident discovered at 10:00 and not reported by 10:30."""

    def test_an_unreported_incident_escalates_once_to_the_principal_and_the_supervisor_admin(self):
        with frozen(at(10, 5)):
            register(self.cast, self.soft, send=False, discovered_at=at(10))
        with frozen(at(10, 29)):
            tick()
        self.assertFalse(Notification.objects.filter(kind__startswith="incidents.first").exists())
        with frozen(at(10, 30)):
            tick()
            tick()  # a second run sends nothing new
        with frozen(at(10, 45)):
            tick()
        sent = Notification.objects.filter(kind__startswith="incidents.first")
        self.assertEqual(sorted((n.recipient.username, n.kind) for n in sent), [
            ("soft-principal", "incidents.first_report_overdue"),
            ("sup-admin", "incidents.first_report_missed")])
        self.assertIn("10:30", sent.get(recipient__username="soft-principal").body)

    def test_a_report_made_in_time_escalates_nothing(self):
        with frozen(at(10, 5)):
            incident = register(self.cast, self.soft, send=False, discovered_at=at(10))
        with frozen(at(10, 25)):
            services.report_written(actor=self.user("soft-editor"), incident=incident, text="首报")
        with frozen(at(10, 31)):
            tick()
        self.assertFalse(Notification.objects.filter(kind__startswith="incidents.first").exists())

    def test_a_change_of_severity_is_a_new_clock_told_afresh(self):
        with frozen(at(10, 5)):
            incident = register(self.cast, self.soft, send=False, discovered_at=at(10))
        with frozen(at(10, 31)):
            tick()
            services.change_severity(actor=self.user("soft-principal"), incident=incident,
                                     severity="extraordinary")
        with frozen(at(11, 1)):
            tick()
        self.assertEqual(Notification.objects.filter(
            kind="incidents.first_report_overdue", recipient__username="soft-principal").count(), 2)

    def test_an_unacknowledged_report_escalates_to_the_supervisor_admin_at_its_time(self):
        with frozen(at(10)):
            register(self.cast, self.soft, discovered_at=at(10))
        with frozen(at(10, 29)):
            tick()
        self.assertFalse(Notification.objects.filter(kind="incidents.acknowledgement_overdue").exists())
        with frozen(at(10, 30)):
            tick()
            tick()
        [note] = Notification.objects.filter(kind="incidents.acknowledgement_overdue")
        self.assertEqual(note.recipient.username, "sup-admin")

    def test_reports_left_unacknowledged_for_over_a_week_are_no_longer_examined(self):
        with frozen(at(10)):
            register(self.cast, self.soft, discovered_at=at(10))
        with frozen(at(10, 31, day=7)):  # late, but within the week
            tick()
        self.assertEqual(Notification.objects.filter(kind="incidents.acknowledgement_overdue").count(), 1)
        with frozen(at(10, 31, day=9)):
            self.assertEqual(Report.objects.filter(acknowledged_at=None).count(), 1)
            from guildhall.incidents.reminders import acknowledgement
            self.assertFalse(acknowledgement.items(timezone.now()).exists())

    def test_a_general_report_has_four_hours_to_be_acknowledged(self):
        with frozen(at(10)):
            incident = register(self.cast, self.soft, severity="general", discovered_at=at(10))
        self.assertEqual(incident.reports.get().ack_due, at(14))

    def test_a_missed_follow_up_escalates_to_the_principal(self):
        with frozen(at(10)):
            register(self.cast, self.soft, discovered_at=at(10))
        with frozen(at(12)):
            tick()
            tick()
        self.assertEqual(Notification.objects.filter(kind="incidents.follow_up_overdue").count(), 1)
