"""Browser story (年度工作报告): soft-principal generates this year's report from the year's
records, writes the narrative and submits it; sup-approver returns it with a comment; the
principal resubmits and it is acknowledged; both versions download, and the PDF's first
page and a page of its appendix are rendered as PNG (pdftoppm).
Screenshots: var/screenshots/reports-*.png."""

import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import timezone

from guildhall.reports.models import PdfState, Report, Status
from guildhall.site.demo import seed
from guildhall.testing.browser import SCREENSHOTS, phone_browser, screenshot, sign_in


def pdf_page_pngs(pdf: bytes, name: str) -> list[Path]:
    """The PDF's first page and the first page of its appendix, as PNG screenshots."""
    from pdfminer.high_level import extract_text

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "r.pdf"
        path.write_bytes(pdf)
        pages = [extract_text(str(path), page_numbers=[n]) for n in range(60)]
        appendix = next(n for n, text in enumerate(pages) if "记录清单" in text) + 1
        out = []
        for number, label in ((1, "first-page"), (appendix + 1, "appendix")):
            target = SCREENSHOTS / f"{name}-{label}"
            subprocess.run(["pdftoppm", "-r", "60", "-png", "-singlefile", "-f", str(number),
                            "-l", str(number), str(path), str(target)], check=True)
            out.append(target.with_suffix(".png"))
        return out


@pytest.mark.browser
@pytest.mark.skipif(not shutil.which("soffice") or not shutil.which("pdftoppm"),
                    reason="LibreOffice and poppler come with make office")
@override_settings(MEDIA_ROOT=tempfile.mkdtemp(prefix="guildhall-test-media-"))
def test_the_principal_submits_the_report_it_is_returned_resubmitted_and_acknowledged(
        live_server, transactional_db):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the ORM runs beside Playwright's loop
    cast = seed()
    # The demo leaves this year's report of soft to be generated (last year's is acknowledged).
    year = timezone.localdate().year
    soft = cast.orgs["soft"]
    url = live_server.url
    report_url = f"{url}/o/{soft.pk}/reports/{year}/"
    with phone_browser() as page:
        sign_in(page, url, "soft-principal")
        page.goto(report_url)
        assert "本年度尚未生成年度工作报告" in page.content()
        page.click("#create-report")
        page.wait_for_load_state()
        assert "已根据本年度记录生成报告" in page.content()
        assert "活动报备审批" in page.inner_text("#section-events")
        screenshot(page, "reports-1-draft")
        # A figure opens the list of records behind it.
        page.click("#figure-events-filed")
        page.wait_for_load_state()
        assert "该数据所依据的记录" in page.content()
        screenshot(page, "reports-2-figure-records")
        page.goto(report_url)
        page.fill("#id_plans", "全面落实意识形态工作责任制，年度工作要点按期推进。")
        page.fill("#id_problems", "部分学习活动参与率不高。")
        page.click("#save-narrative")
        page.wait_for_load_state()
        assert "文字说明已保存" in page.content()
        page.click("#submit-report")
        page.wait_for_load_state()
        assert "报告已报送并锁定" in page.content()
        assert f"〔{year}〕1号" in page.inner_text("#versions")
        page.click("#logout")

        sign_in(page, url, "sup-approver")
        page.goto(f"{url}/o/{cast.orgs['sup'].pk}/reports/below/?year={year}")
        assert "已提交" in page.inner_text("#report-overview")
        screenshot(page, "reports-3-supervisor-overview")
        page.goto(report_url)
        page.fill("#id_comment", "请补充存在问题的原因分析。")
        page.click("#return-report")
        page.wait_for_load_state()
        assert "您已退回该报告" in page.content()
        page.click("#logout")

        sign_in(page, url, "soft-principal")
        page.goto(report_url)
        assert "退回修改" in page.inner_text("#report-status")
        page.fill("#id_problems", "部分学习活动参与率不高，原因是会员企业分散；明年改为线上线下结合。")
        page.click("#save-narrative")
        page.wait_for_load_state()
        page.click("#submit-report")
        page.wait_for_load_state()
        page.click("#logout")

        sign_in(page, url, "sup-approver")
        page.goto(report_url)
        page.click("#acknowledge-report")
        page.wait_for_load_state()
        assert "您已签收该报告" in page.content()
        assert "已签收" in page.inner_text("#report-status")
        # Both versions remain and download.
        hashes = []
        for number in (1, 2):
            with page.expect_download() as download:
                page.click(f"#docx-{number}")
            hashes.append(hashlib.sha256(Path(download.value.path()).read_bytes()).hexdigest())
        page.locator("#versions").scroll_into_view_if_needed()
        screenshot(page, "reports-4-acknowledged")

    report = Report.objects.get(organization=soft, year=year)
    assert report.status == Status.ACKNOWLEDGED
    versions = list(report.versions.order_by("number"))
    assert [v.docx_sha256 for v in versions] == hashes
    assert [v.outcome for v in versions] == [Status.RETURNED, Status.ACKNOWLEDGED]
    latest = versions[-1]
    assert latest.pdf_state == PdfState.DONE, latest.pdf_error
    with latest.pdf.open("rb") as f:
        pdf = f.read()
    assert hashlib.sha256(pdf).hexdigest() == latest.pdf_sha256
    for png in pdf_page_pngs(pdf, "reports-5-pdf"):
        assert png.exists() and png.stat().st_size > 1000
