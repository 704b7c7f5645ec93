"""Demo annual reports: `soft`'s report of last year, submitted and acknowledged by the
supervising body; `logi`'s report of this year, submitted and waiting for acknowledgement.
`soft`'s report of this year is left for the principal to generate.

Submitted through the services, like a person would; the PDFs come from the job queue
(`REPORTS_DEMO_PDF`, off in the test suite), so seeding never waits for LibreOffice."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone

from guildhall.reports import services
from guildhall.reports.models import Report

# After every module whose records the report counts.
ORDER = 200

NARRATIVES = {
    "plans": "协会党支部和理事会认真落实意识形态工作责任制，年初制定工作要点并逐项分解到人，"
             "年中、年末两次检查推进情况。",
    "events": "各类活动均按规定提前报备，报备材料齐全，未发生未经审批举办活动的情况。",
    "problems": "部分会员单位参与学习教育的积极性不高，宣传阵地内容审核的时效有待提高。",
    "next_year": "完善活动报备内部审核流程，推动学习教育线上线下结合，按季度开展宣传阵地自查。",
}


def _submitted(cast: Any, code: str, year: int) -> Report | None:
    """The association's report of `year`, submitted by its principal (None when it was
    there already: the demo is seeded once)."""
    org = cast.orgs[code]
    if Report.objects.filter(organization=org, year=year).exists():
        return None
    principal = cast.user(f"{code}-principal")
    report = services.report_create(actor=principal, org=org, year=year)
    report = services.report_edit(actor=principal, report=report, narratives=NARRATIVES)
    services.report_submit(actor=principal, report=report, convert_pdf=settings.REPORTS_DEMO_PDF)
    return report


def seed(cast: Any, password_hash: str) -> None:
    year = timezone.localdate().year
    last_year = _submitted(cast, "soft", year - 1)
    if last_year is not None:
        services.report_acknowledge(actor=cast.user("sup-approver"), report=last_year,
                                    revision=1, comment="报告内容完整，予以签收。")
    _submitted(cast, "logi", year)
