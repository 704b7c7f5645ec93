"""The annual report: generated from the records, every figure recomputed from them, frozen
on submission, acknowledged or returned through the review mechanism."""

import hashlib
import io
import zipfile

from django.urls import reverse
from django.utils import translation

from guildhall.core.errors import DomainError
from guildhall.events.models import Filing
from guildhall.incidents.models import Incident
from guildhall.kit import report as sections
from guildhall.plans.models import ItemStatus, Plan
from guildhall.publications.models import Publication
from guildhall.reports import services
from guildhall.reports.models import PdfState, Report, Status
from guildhall.reviews.models import Decision, Verdict
from guildhall.study.models import SessionStatus, StudySession
from guildhall.testing import ALL_DEMO, GuildhallTestCase

YEAR = 2026


def figure(figures, section, key):
    found = next(s for s in figures if s["key"] == section)
    return next(f for f in found["figures"] if f["key"] == key)


class RecomputeTest(GuildhallTestCase):
    """Every figure of soft's 2026 report, recomputed here straight from the records."""

    demo_modules = ALL_DEMO

    def test_every_figure_matches_the_records(self):
        self.assertTrue(Filing.objects.filter(organization=self.soft).exists())
        figures = [s.as_dict() for s in sections.build(self.soft, YEAR)]
        self.assertEqual([s["key"] for s in figures],
                         ["plans", "meetings", "events", "publications", "incidents", "study"])
        checked = 0
        plan = Plan.objects.filter(organization=self.soft, year=YEAR).first()
        items = list(plan.items.all()) if plan else []
        for status in ItemStatus:
            expected = sorted(str(i.pk) for i in items if i.status == status)
            found = figure(figures, "plans", f"items_{status}")
            self.assertEqual(sorted(r["id"] for r in found["records"]), expected)
            self.assertEqual(found["number"], len(expected))
            checked += 1
        filings = Filing.objects.filter(organization=self.soft, starts_at__year=YEAR,
                                        first_submitted_on__isnull=False)
        returned = set(Decision.objects.filter(subject_type="events.filing",
                                               verdict=Verdict.RETURN).values_list("subject_id", flat=True))
        for key, expected in (
                ("filed", filings),
                ("approved", filings.filter(approved_revision__isnull=False)),
                ("rejected", filings.filter(status="rejected")),
                ("halted", filings.filter(halts__isnull=False).distinct()),
                ("late", filings.filter(is_late=True)),
                ("summaries", filings.filter(summary__isnull=False)),
                ("returned", filings.filter(pk__in=returned))):
            found = figure(figures, "events", key)
            self.assertEqual(sorted(r["id"] for r in found["records"]),
                             sorted(str(pk) for pk in expected.values_list("pk", flat=True)), key)
            self.assertEqual(found["value"], str(expected.count()))
            checked += 1
        pubs = Publication.objects.filter(organization=self.soft, submitted_at__year=YEAR)
        self.assertEqual(figure(figures, "publications", "reviewed")["value"], str(pubs.count()))
        incidents = Incident.objects.filter(organization=self.soft, discovered_at__year=YEAR)
        self.assertEqual(figure(figures, "incidents", "total")["number"], incidents.count())
        minutes = [i.minutes_to_first_report for i in incidents if i.minutes_to_first_report is not None]
        shown = figure(figures, "incidents", "to_first")
        self.assertEqual(shown["number"], round(sum(minutes) / len(minutes)) if minutes else None)
        for severity in ("extraordinary", "major", "significant", "general", "tbd"):
            self.assertEqual(figure(figures, "incidents", f"severity_{severity}")["number"],
                             incidents.filter(severity=severity).count())
            checked += 1
        sessions = StudySession.objects.filter(organization=self.soft, held_at__year=YEAR,
                                               status=SessionStatus.CONFIRMED)
        self.assertEqual(figure(figures, "study", "sessions")["number"], sessions.count())
        self.assertEqual(figure(figures, "study", "hours")["number"],
                         float(sum(s.hours for s in sessions)))
        self.assertGreater(checked, 10)
        # The demo gives the sections something to count.
        self.assertGreater(figure(figures, "events", "filed")["number"], 0)

    def test_a_missing_module_is_said_plainly(self):
        saved = dict(sections._sections)
        try:
            sections._sections.pop("incidents")
            with translation.override("zh-hans"):  # whatever language an earlier test left
                built = sections.build(self.soft, YEAR)
        finally:
            sections._sections.update(saved)
        missing = next(s for s in built if s.key == "incidents")
        self.assertEqual(missing.figures, [])
        self.assertIn("尚未", missing.note)
        self.assertTrue(next(s for s in built if s.key == "events").figures)


class WorkflowTest(GuildhallTestCase):
    demo_modules = ALL_DEMO

    def setUp(self):
        self.principal = self.user("soft-principal")
        self.approver = self.user("sup-approver")
        self.report = services.report_create(actor=self.principal, org=self.soft, year=YEAR)

    def test_submission_freezes_the_docx_with_its_hash(self):
        version = services.report_submit(actor=self.principal, report=self.report)
        with version.docx.open("rb") as f:
            stored = f.read()
        self.assertEqual(hashlib.sha256(stored).hexdigest(), version.docx_sha256)
        self.assertEqual(Report.objects.get(pk=self.report.pk).status, Status.SUBMITTED)

    def test_a_record_changed_after_submission_leaves_the_report_byte_identical(self):
        version = services.report_submit(actor=self.principal, report=self.report)
        before = (version.docx_sha256, version.figures)
        filing = Filing.objects.filter(organization=self.soft, starts_at__year=YEAR,
                                       first_submitted_on__isnull=False).first()
        Filing.objects.filter(pk=filing.pk).update(first_submitted_on=None, title="改过的标题")
        live = services.live_figures(Report.objects.get(pk=self.report.pk))
        self.assertNotEqual(figure(live, "events", "filed")["value"],
                            figure(version.figures, "events", "filed")["value"])
        version.refresh_from_db()
        with version.docx.open("rb") as f:
            self.assertEqual(hashlib.sha256(f.read()).hexdigest(), before[0])
        self.assertEqual(version.figures, before[1])
        page = self.as_("soft-principal").get(reverse("reports:report_detail",
                                                        args=[self.soft.pk, YEAR]))
        self.assertContains(page, before[0])

    def test_return_then_resubmit_keeps_both_versions(self):
        services.report_edit(actor=self.principal, report=self.report,
                             narratives={"plans": "完成了年度要点。"})
        services.report_submit(actor=self.principal, report=self.report)
        with self.assertRaises(DomainError):
            services.report_return(actor=self.approver, report=self.report, revision=1, comment="")
        services.report_return(actor=self.approver, report=self.report, revision=1,
                               comment="请补充问题分析。")
        report = Report.objects.get(pk=self.report.pk)
        self.assertEqual(report.status, Status.RETURNED)
        services.report_edit(actor=self.principal, report=report,
                             narratives={"problems": "学习参与率仍需提高。"})
        services.report_submit(actor=self.principal, report=report)
        services.report_acknowledge(actor=self.approver, report=report, revision=2)
        report.refresh_from_db()
        self.assertEqual(report.status, Status.ACKNOWLEDGED)
        first, second = report.versions.order_by("number")
        self.assertEqual((first.outcome, second.outcome), (Status.RETURNED, Status.ACKNOWLEDGED))
        self.assertNotEqual(first.docx_sha256, second.docx_sha256)
        self.assertEqual(first.document_number, "〔2026〕1号")
        client = self.as_("sup-approver")
        for v in (1, 2):
            answer = client.get(reverse("reports:version_docx", args=[self.soft.pk, YEAR, v]))
            self.assertEqual(answer.status_code, 200)
            self.assertEqual(hashlib.sha256(answer.content).hexdigest(),
                             report.versions.get(number=v).docx_sha256)

    def test_the_principal_alone_submits_and_only_the_approver_decides(self):
        from django.core.exceptions import PermissionDenied

        with self.assertRaises(PermissionDenied):
            from guildhall.kit.actions import audited

            audited(self.user("soft-admin"), self.report, "submit", lambda: None)
        services.report_submit(actor=self.principal, report=self.report)
        with self.assertRaises(DomainError):
            services.report_acknowledge(actor=self.user("sup-viewer"), report=self.report, revision=1)
        with self.assertRaises(DomainError):
            services.report_acknowledge(actor=self.user("sup2-approver"), report=self.report,
                                        revision=1)

    def test_the_narrative_cannot_change_once_submitted(self):
        services.report_submit(actor=self.principal, report=self.report)
        with self.assertRaises(DomainError):
            services.report_edit(actor=self.principal, report=self.report, narratives={"plans": "x"})

    def test_logi_and_sup2_cannot_download_softs_report(self):
        services.report_submit(actor=self.principal, report=self.report)
        url = reverse("reports:version_docx", args=[self.soft.pk, YEAR, 1])
        for name in ("logi-principal", "logi-admin", "sup2-approver", "sup2-admin", "chem-principal"):
            answer = self.as_(name).get(url)
            self.assertEqual(answer.status_code, 404, name)
            self.assertNotIn(self.soft.name, answer.content.decode())
        self.assertEqual(self.as_("soft-staff").get(url).status_code, 403)
        self.assertEqual(self.as_("sup-viewer").get(url).status_code, 200)

    def test_the_supervisor_downloads_every_report_below_as_a_zip(self):
        version = services.report_submit(actor=self.principal, report=self.report)
        answer = self.as_("sup-viewer").get(reverse("reports:overview_zip", args=[self.sup.pk, YEAR]))
        self.assertEqual(answer.status_code, 200)
        # streamed from a file, not built in memory
        self.assertTrue(answer.streaming)
        archive = zipfile.ZipFile(io.BytesIO(b"".join(answer.streaming_content)))
        self.assertIn(f"{self.soft.name}-{YEAR}-第1版.docx", archive.namelist())
        data = archive.read(f"{self.soft.name}-{YEAR}-第1版.docx")
        self.assertEqual(hashlib.sha256(data).hexdigest(), version.docx_sha256)
        page = self.as_("sup-viewer").get(reverse("reports:overview", args=[self.sup.pk]) + "?year=2026")
        self.assertContains(page, "已提交")
        self.assertEqual(self.as_("sup2-viewer").get(
            reverse("reports:overview_zip", args=[self.sup.pk, YEAR])).status_code, 404)

    def test_the_pdf_is_made_in_the_job_queue_with_its_hash(self):
        version = services.report_submit(actor=self.principal, report=self.report)
        self.run_on_commit()
        version.refresh_from_db()
        self.assertEqual(version.pdf_state, PdfState.DONE, version.pdf_error)
        with version.pdf.open("rb") as f:
            pdf = f.read()
        self.assertTrue(pdf.startswith(b"%PDF"))
        self.assertEqual(hashlib.sha256(pdf).hexdigest(), version.pdf_sha256)

    def test_a_missing_converter_keeps_the_docx_and_says_so(self):
        import os
        from unittest import mock

        with mock.patch.dict(os.environ, {"SOFFICE": "/nonexistent/soffice"}):
            version = services.report_submit(actor=self.principal, report=self.report)
            self.run_on_commit()
        version.refresh_from_db()
        self.assertEqual((version.pdf_state, version.pdf_error), (PdfState.FAILED, "missing"))
        page = self.as_("soft-principal").get(reverse("reports:report_detail", args=[self.soft.pk, YEAR]))
        self.assertContains(page, "转换失败")
        self.assertContains(page, reverse("reports:version_docx", args=[self.soft.pk, YEAR, 1]))

    def as_(self, username):
        self.login(username)
        return self.client

    def run_on_commit(self):
        """TestCase never commits: run the callbacks the services queued."""
        from django.db import connection

        for _sp, callback, _robust in list(connection.run_on_commit):
            callback()
        connection.run_on_commit = []
