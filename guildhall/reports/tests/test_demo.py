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
