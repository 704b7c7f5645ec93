"""Annual reports in the API: the same lookups, rules and services as the pages.

A report is addressed by its association and year. Action bodies are read after the report
was found and the action allowed, so someone who may not see it gets 404 whatever they send.
"""

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Path, Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.pagination import paginate

from guildhall.core.pagination import MAX_ID, Pages
from guildhall.core.uploads import stored_file_response
from guildhall.kit.api import PageRows, body_doc, choice_of, run_action
from guildhall.orgs.permissions import require
from guildhall.orgs.scoping import get_org_for_user
from guildhall.reports import queries, services
from guildhall.reports.models import NARRATIVE_MAX, PdfState, Report, Status, Version
from guildhall.reports.services import YEARS

router = Router(tags=["reports"])

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class ReportPath(Schema):
    org_id: int = Field(..., ge=1, le=MAX_ID)
    year: int = Field(..., ge=YEARS[0], le=YEARS[1])


class ReportVersionPath(ReportPath):
    number: int = Field(..., ge=1, le=2**31 - 1)


class ReportNarrativeIn(Schema):
    narratives: dict[str, str] = Field(..., description="Text by part: a section's key "
                                       "(plans, meetings, events, publications, incidents, "
                                       "study) or problems, next_year. Parts left out keep "
                                       "their text.")


class ReportDecisionIn(Schema):
    revision: int = Field(..., ge=0, le=2**31 - 1,
                          description="The version you read; refused when stale.")
    comment: str = Field("", max_length=NARRATIVE_MAX)


class ReportRecordOut(Schema):
    type: str
    title: str
    date: str
    url: str
    id: str


class ReportFigureOut(Schema):
    key: str
    label: str
    value: str
    number: float | None = None
    records: list[ReportRecordOut]


class ReportTableOut(Schema):
    title: str
    headers: list[str]
    rows: list[list[str]]


class ReportSectionOut(Schema):
    key: str
    title: str
    note: str
    figures: list[ReportFigureOut]
    tables: list[ReportTableOut]


class ReportPartOut(Schema):
    key: str
    label: str


class ReportVersionOut(Schema):
    number: int
    document_number: str
    outcome: str
    submitted_by: str
    submitted_at: dt.datetime
    docx_sha256: str
    docx_url: str
    pdf_state: str
    pdf_sha256: str
    pdf_pages: int | None
    pdf_url: str = Field(description="Empty until the PDF is made.")

    @staticmethod
    def resolve_submitted_by(obj: Version) -> str:
        return obj.submitted_by.display_name

    @staticmethod
    def resolve_docx_url(obj: Version) -> str:
        return _file_url("report_version_docx", obj)

    @staticmethod
    def resolve_pdf_url(obj: Version) -> str:
        return _file_url("report_version_pdf", obj) if obj.pdf_state == PdfState.DONE else ""


class AnnualReportOut(Schema):
    organization: int
    organization_name: str
    year: int
    status: str
    revision: int = Field(description="The number of the version under review or last "
                          "submitted (0 before the first submission).")
    submitted_at: dt.datetime | None
    acknowledged_at: dt.datetime | None

    @staticmethod
    def resolve_organization(obj: Report) -> int:
        return obj.organization_id

    @staticmethod
    def resolve_organization_name(obj: Report) -> str:
        return obj.organization.name


class AnnualReportDetailOut(AnnualReportOut):
    actions: list[str]
    frozen_version: int | None = Field(description="The version the figures and narrative "
                                       "come from; null while they are computed now.")
    figures: list[ReportSectionOut]
    narrative_parts: list[ReportPartOut]
    narratives: dict[str, str]
    versions: list[ReportVersionOut]

    # Set on the report by `_detail` (a draft's figures are computed, a submitted one's frozen).
    @staticmethod
    def resolve_figures(obj: Report) -> list[dict[str, Any]]:
        return obj.shown_figures

    @staticmethod
    def resolve_narratives(obj: Report) -> dict[str, str]:
        return obj.shown_narratives

    @staticmethod
    def resolve_versions(obj: Report) -> list[Version]:
        return obj.shown_versions


class ReportSubmissionOut(Schema):
    organization: int
    name: str
    year: int
    status: str = Field(description="The report's state, or none when it is not started.")
    revision: int
    submitted_at: dt.datetime | None
    acknowledged_at: dt.datetime | None


class ReportListFilters(Schema):
    org: int | None = Field(None, ge=1, le=MAX_ID)
    year: int | None = Field(None, ge=YEARS[0], le=YEARS[1])
    status: choice_of(Status) | None = None  # type: ignore[valid-type]


class ReportOrgPath(Schema):
    org_id: int = Field(..., ge=1, le=MAX_ID)


class ReportYearFilter(Schema):
    year: int | None = Field(None, ge=YEARS[0], le=YEARS[1])


def _file_url(name: str, version: Version) -> str:
    report = version.report
    return reverse(f"api:{name}", kwargs={"org_id": report.organization_id, "year": report.year,
                                          "number": version.number})


def _detail(request: HttpRequest, org_id: int, year: int) -> Report:
    _org, report = queries.get_report_for_user(request.user, org_id, year)
    versions = list(report.versions.select_related("submitted_by", "report").order_by("-number"))
    figures, frozen = queries.shown_figures(report, versions)
    report.shown_figures, report.shown_versions = figures, versions
    report.frozen_version = frozen.number if frozen else None
    report.shown_narratives = frozen.narratives if frozen else report.narratives
    report.narrative_parts = [{"key": k, "label": label} for k, label in services.narrative_parts()]
    report.actions = sorted(report.available_actions(request.user))
    return report


def _act(request: HttpRequest, where: ReportPath, action: str, schema: type[Schema] | None,
         run: Any) -> Report:
    _org, report = queries.get_report_for_user(request.user, where.org_id, where.year)
    run_action(request, report, action=action, schema=schema, run=run)
    return _detail(request, where.org_id, where.year)


@router.get("/reports/", response=list[AnnualReportOut], url_name="report_list")
@paginate(Pages, page_size=50)
def report_list(request: HttpRequest, filters: Query[ReportListFilters]):
    """List the annual reports you read, newest year first; filter by association, year, state."""
    qs = queries.visible_reports(request.user).select_related("organization")
    if filters.org is not None:
        qs = qs.filter(organization_id=filters.org)
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs.order_by("-year", "organization__name", "pk")


@router.get("/orgs/{org_id}/reports/{year}", response=AnnualReportDetailOut, url_name="report_detail")
def report_detail(request: HttpRequest, where: Path[ReportPath]):
    """One association's report of a year: its figures (with the records behind each), the
    narrative, every submitted version with its files, and the actions you may take."""
    return _detail(request, where.org_id, where.year)


@router.post("/orgs/{org_id}/reports/{year}", response={201: AnnualReportDetailOut}, url_name="report_detail")
def report_create(request: HttpRequest, where: Path[ReportPath]):
    """Generate the association's report of the year from its records (the principal); the
    one there is when it was already generated."""
    org = get_org_for_user(request.user, where.org_id)
    require(request.user, "reports.create", org)
    services.report_create(actor=request.user, org=org, year=where.year)
    return HttpStatus(201, _detail(request, where.org_id, where.year))


@router.put("/orgs/{org_id}/reports/{year}/narrative", response=AnnualReportDetailOut,
            url_name="report_narrative", openapi_extra=body_doc(ReportNarrativeIn))
def report_narrative(request: HttpRequest, where: Path[ReportPath]):
    """Write the narrative (the figures are computed, never written)."""
    return _act(request, where, "edit", ReportNarrativeIn, lambda r, b: services.report_edit(
        actor=request.user, report=r, narratives=b.narratives))


@router.post("/orgs/{org_id}/reports/{year}/submit", response={201: AnnualReportDetailOut},
             url_name="report_submit")
def report_submit(request: HttpRequest, where: Path[ReportPath]):
    """Submit the report: a new frozen version (.docx with its SHA-256 now, the PDF from the
    job queue)."""
    return HttpStatus(201, _act(request, where, "submit", None, lambda r, b: services.report_submit(
        actor=request.user, report=r)))


@router.post("/orgs/{org_id}/reports/{year}/acknowledge", response=AnnualReportDetailOut,
             url_name="report_acknowledge", openapi_extra=body_doc(ReportDecisionIn))
def report_acknowledge(request: HttpRequest, where: Path[ReportPath]):
    """Acknowledge a submitted report (the supervising body's approvers)."""
    return _act(request, where, "acknowledge", ReportDecisionIn, lambda r, b: services.report_acknowledge(
        actor=request.user, report=r, revision=b.revision, comment=b.comment))


@router.post("/orgs/{org_id}/reports/{year}/return", response=AnnualReportDetailOut,
             url_name="report_return", openapi_extra=body_doc(ReportDecisionIn))
def report_return(request: HttpRequest, where: Path[ReportPath]):
    """Return a submitted report for revision, with a comment (the supervising body's
    approvers)."""
    return _act(request, where, "return", ReportDecisionIn, lambda r, b: services.report_return(
        actor=request.user, report=r, revision=b.revision, comment=b.comment))


def _binary(content_type: str) -> dict[str, Any]:
    return {"responses": {200: {"description": "The file.", "content": {
        content_type: {"schema": {"type": "string", "format": "binary"}}}}}}


@router.get("/orgs/{org_id}/reports/{year}/versions/{number}/docx", url_name="report_version_docx",
            openapi_extra=_binary(DOCX))
def report_version_docx(request: HttpRequest, where: Path[ReportVersionPath]) -> HttpResponse:
    """Download a submitted version's .docx."""
    version = queries.get_version_for_user(request.user, where.org_id, where.year, where.number)
    return stored_file_response(version.docx, content_type=DOCX,
                                disposition=queries.content_disposition(version, ".docx"))


@router.get("/orgs/{org_id}/reports/{year}/versions/{number}/pdf", url_name="report_version_pdf",
            openapi_extra=_binary("application/pdf"))
def report_version_pdf(request: HttpRequest, where: Path[ReportVersionPath]) -> HttpResponse:
    """Download a submitted version's PDF (404 until the job queue has made it)."""
    version = queries.get_version_for_user(request.user, where.org_id, where.year, where.number)
    if version.pdf_state != PdfState.DONE:
        raise Http404("No PDF yet")
    return stored_file_response(version.pdf, content_type="application/pdf",
                                disposition=queries.content_disposition(version, ".pdf"))


@router.get("/orgs/{org_id}/report-submissions", response=list[ReportSubmissionOut],
            url_name="report_submissions")
@paginate(Pages, page_size=50)
def report_submissions(request: HttpRequest, where: Path[ReportOrgPath], filters: Query[ReportYearFilter]):
    """Every association below a supervising body with the state of its report of a year
    (this year by default): who has submitted."""
    org = get_org_for_user(request.user, where.org_id)
    require(request.user, "reports.oversee", org)
    year = filters.year or queries.this_year()
    return PageRows(queries.associations_below(org), lambda orgs: [
        {"organization": o.pk, "name": o.name, "year": year,
         "status": report.status if report else "none", "revision": report.revision if report else 0,
         "submitted_at": report.submitted_at if report else None,
         "acknowledged_at": report.acknowledged_at if report else None}
        for o, report in queries.submissions(orgs, year)])
