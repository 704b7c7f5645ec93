"""What the board reads stored: each incident's place in its order and each association's
figures stay what the incidents say after every service that changes them."""

import datetime as dt

from django.db.models import Case, F, IntegerField, Value, When
from django.utils import timezone

from guildhall.core.errors import DomainError
from guildhall.incidents import figures, queries, services
from guildhall.incidents.models import RANK, AssociationFigures, Incident, Status
from guildhall.incidents.tests.factories import make_incident, register
from guildhall.testing import GuildhallTestCase

# The order as the board computed it before it was stored: the severity's rank, then the
# earliest deadline still running (none last).
LEVEL = Case(*[When(severity=s, then=Value(r)) for s, r in RANK.items()],
             output_field=IntegerField())
PENDING_DUE = Case(
    When(first_reported_at__isnull=True, then=F("first_report_due")),
    When(written_due__isnull=False, written_reported_at__isnull=True,
         first_reported_at__isnull=False, then=F("written_due")),
    When(status=Status.REPORTED, then=F("followup_due")),
    default=None)


class BoardOrderTest(GuildhallTestCase):
    def assertStored(self, incident: Incident, step: str) -> None:
        row = Incident.objects.annotate(level=LEVEL, pending_due=PENDING_DUE).get(pk=incident.pk)
        self.assertEqual((row.board_rank, row.board_undated, row.board_due),
                         (row.level, row.pending_due is None, row.pending_due), step)

    def test_every_service_keeps_the_stored_order(self):
        editor, principal = self.user("soft-editor"), self.user("soft-principal")
        incident = register(self.cast, self.soft, send=False, severity="significant")
        self.assertStored(incident, "registered")
        incident = services.change_severity(actor=principal, incident=incident, severity="major")
        self.assertStored(incident, "change_severity")
        services.report_phone(actor=editor, incident=incident, reported_at=timezone.now(),
                              told="主管单位值班室", caller="张三")
        self.assertStored(incident, "report_phone")
        services.report_written(actor=editor, incident=incident, text="书面报告")
        self.assertStored(incident, "report_written")
        services.follow_up(actor=editor, incident=incident, text="续报")
        self.assertStored(incident, "follow_up")
        services.incident_update(actor=editor, incident=incident, data={"location": "会议室"})
        self.assertStored(incident, "incident_update")
        report = incident.reports.first()
        services.report_acknowledge(actor=self.user("sup-approver"), incident=incident,
                                    report_id=report.pk)
        self.assertStored(incident, "report_acknowledge")
        services.mark_stable(actor=principal, incident=incident)
        self.assertStored(incident, "mark_stable")
        services.incident_close(actor=principal, incident=incident, cause="c", actions="a",
                                results="r", lessons="l")
        self.assertStored(incident, "incident_close")
        services.incident_reopen(actor=principal, incident=incident, reason="又出现了")
        self.assertStored(incident, "incident_reopen")
        quick = register(self.cast, self.soft, send=True, severity="general")
        self.assertStored(quick, "quick report")

    def test_the_board_lists_in_the_order_it_computed_before(self):
        principal = self.user("soft-principal")
        for state, severity in (("open", "general"), ("reported", "major"), ("stable", "major"),
                                ("open", "tbd"), ("reported", "general"), ("closed", "major")):
            make_incident(self.cast, self.soft, state, severity=severity)
        services.change_severity(actor=principal, incident=Incident.objects.filter(
            status=Status.REPORTED).first(), severity="extraordinary")
        expected = list(Incident.objects.exclude(status=Status.CLOSED).annotate(
            level=LEVEL, pending_due=PENDING_DUE).order_by(
            "level", F("pending_due").asc(nulls_last=True), "discovered_at", "pk")
            .values_list("pk", flat=True))
        self.assertEqual(len(expected), 5)
        self.assertEqual(list(queries.board_incidents(self.sup).values_list("pk", flat=True)),
                         expected)
        self.assertEqual(queries.board_count(self.sup), 5)
        self.assertEqual(queries.board_count(self.sup, "closed"), 1)


class StoredFiguresTest(GuildhallTestCase):
    """The figures stored per association are the ones counted from the incidents, after
    every service that changes an incident or a report."""

    def assertFigures(self, step: str, now: dt.datetime | None = None) -> None:
        counted = services.figures(queries.below(self.sup), now)
        stored = figures.finished(figures.below(self.sup, now))
        self.assertEqual(stored, counted, step)
        self.assertEqual(figures.count_below(self.sup), len(counted), step)
        for row in AssociationFigures.objects.all():
            unreported = Incident.objects.filter(
                organization_id=row.organization_id, first_reported_at=None)
            dues = sorted(unreported.values_list("first_report_due", flat=True))
            self.assertEqual(
                (row.unreported, row.unreported_due_first, row.unreported_due_last),
                (len(dues), dues[0] if dues else None, dues[-1] if dues else None), step)

    def test_every_service_keeps_the_stored_figures(self):
        editor, principal = self.user("soft-editor"), self.user("soft-principal")
        self.assertFigures("nothing yet")
        incident = register(self.cast, self.soft, send=False, severity="significant",
                            discovered_at=timezone.now() - dt.timedelta(hours=5))
        self.assertFigures("registered, first report overdue")
        incident = services.change_severity(actor=principal, incident=incident, severity="major")
        self.assertFigures("change_severity")
        services.report_phone(actor=editor, incident=incident,
                              reported_at=timezone.now() - dt.timedelta(minutes=50),
                              told="主管单位值班室", caller="张三")
        self.assertFigures("report_phone (late)")
        services.report_written(actor=editor, incident=incident, text="书面报告")
        services.follow_up(actor=editor, incident=incident, text="续报")
        self.assertFigures("report_written, follow_up")
        for report in incident.reports.all():
            services.report_acknowledge(actor=self.user("sup-approver"), incident=incident,
                                        report_id=report.pk)
            self.assertFigures("report_acknowledge")
        services.mark_stable(actor=principal, incident=incident)
        services.incident_close(actor=principal, incident=incident, cause="c", actions="a",
                                results="r", lessons="l")
        self.assertFigures("incident_close")
        services.incident_reopen(actor=principal, incident=incident, reason="又出现了")
        self.assertFigures("incident_reopen")
        make_incident(self.cast, self.logi, "closed", severity="general")
        register(self.cast, self.logi, send=True, severity="general")
        self.assertFigures("a second association")
        self.assertEqual(AssociationFigures.objects.get(organization=self.soft).total, 1)

    def test_the_overdue_first_reports_follow_the_clock(self):
        now = timezone.now()
        for hours in (30, 20, 10):
            register(self.cast, self.soft, send=False, severity="general",
                     discovered_at=now - dt.timedelta(hours=hours))
        register(self.cast, self.logi, send=False, severity="general", discovered_at=now)
        make_incident(self.cast, self.logi, "reported", severity="general")
        dues = sorted(Incident.objects.filter(organization=self.soft).values_list(
            "first_report_due", flat=True))
        second = dt.timedelta(seconds=1)
        moments = [dues[0] - second, dues[0], dues[1] + second, dues[2] - second, dues[2],
                   dues[2] + dt.timedelta(days=3)]
        missed = []
        for moment in moments:
            self.assertFigures(f"at {moment}", now=moment)
            rows = {r["organization_id"]: r for r in figures.below(self.sup, moment)}
            missed.append(rows[self.soft.pk]["missed"])
        # Before, at, between and after the deadlines: every way the count is made.
        self.assertEqual(missed, [0, 1, 2, 2, 3, 3])
        self.assertEqual(rows[self.logi.pk]["missed"], 1)

    def test_a_change_rolled_back_leaves_the_figures(self):
        incident = make_incident(self.cast, self.soft, "reported")
        with self.assertRaises(DomainError):
            services.incident_close(actor=self.user("soft-principal"), incident=incident,
                                    cause="", actions="", results="", lessons="")
        self.assertFigures("refused")
