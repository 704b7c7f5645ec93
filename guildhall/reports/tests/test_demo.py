from unittest import mock

from django.test import override_settings
from django.utils import timezone

from guildhall.reports import demo
from guildhall.reports.models import PdfState, Report, Status
from guildhall.testing import GuildhallTestCase


class DemoTest(GuildhallTestCase):
    def test_soft_s_last_report_is_acknowledged_and_logi_s_waits(self):
        demo.seed(self.cast, "")
        demo.seed(self.cast, "")  # idempotent
        year = timezone.localdate().year
        soft = Report.objects.get(organization=self.soft, year=year - 1)
        self.assertEqual((soft.status, soft.versions.count()), (Status.ACKNOWLEDGED, 1))
        logi = Report.objects.get(organization=self.logi, year=year)
        self.assertEqual((logi.status, logi.revision), (Status.SUBMITTED, 1))
        self.assertFalse(Report.objects.filter(organization=self.soft, year=year).exists())
        self.assertEqual(Report.objects.count(), 2)
        # the suite's queue runs at once: the demo leaves the PDFs to be made
        self.assertEqual(set(logi.versions.values_list("pdf_state", flat=True)), {PdfState.PENDING})

    @override_settings(REPORTS_DEMO_PDF=True)
    def test_with_pdfs_on_the_conversion_goes_to_the_job_queue_after_commit(self):
        with mock.patch("guildhall.reports.tasks.convert_version") as convert, \
                self.captureOnCommitCallbacks(execute=True):
            demo.seed(self.cast, "")
        self.assertEqual(convert.call_count, 2)


class DashboardHookTest(GuildhallTestCase):
    """The supervisor's dashboard counts last year's reports through `queries.status_by_organization`."""

    def test_last_years_reports_fill_the_dashboards_column(self):
        from guildhall.dashboard.models import Row
        from guildhall.dashboard.services import refresh
        from guildhall.reports import queries, services

        demo.seed(self.cast, "")  # soft's last-year report acknowledged, logi's this year's
        last = timezone.localdate().year - 1
        tour = services.report_create(actor=self.user("tour-principal"), org=self.tour, year=last)
        services.report_submit(actor=self.user("tour-principal"), report=tour)
        services.report_return(actor=self.user("sup-approver"), report=tour, revision=1,
                               comment="请补充。")
        self.assertEqual(queries.status_by_organization([self.soft.pk, self.logi.pk, self.tour.pk], last),
                         {self.soft.pk: "acknowledged", self.tour.pk: "draft"})
        refresh([self.soft.pk, self.logi.pk, self.tour.pk])
        self.assertEqual({r.organization_id: r.report_status for r in Row.objects.all()},
                         {self.soft.pk: "acknowledged", self.logi.pk: "none", self.tour.pk: "draft"})


class AuditTrailTest(GuildhallTestCase):
    def test_the_trail_names_every_part_of_the_narrative_and_the_checksum(self):
        from guildhall.audit.actions import ACTIONS, FIELDS
        from guildhall.audit.models import AuditRecord
        from guildhall.reports import services

        principal = self.user("soft-principal")
        report = services.report_create(actor=principal, org=self.soft, year=2026)
        parts = {key: f"{key} 文字" for key, _label in services.narrative_parts()}
        services.report_edit(actor=principal, report=report, narratives=parts)
        services.report_edit(actor=principal, report=report, narratives={**parts, "plans": "改"})
        services.report_submit(actor=principal, report=report)
        records = list(AuditRecord.objects.filter(action__startswith="reports.").order_by("pk"))
        self.assertEqual([r.action for r in records],
                         ["reports.create", "reports.edit", "reports.edit", "reports.submit"])
        self.assertEqual(records[2].after, {"narrative_plans": "改"})  # only what changed
        for r in records:
            self.assertIn(r.action, ACTIONS)
            for key in {**(r.before or {}), **(r.after or {})}:
                self.assertIn(key, FIELDS)
