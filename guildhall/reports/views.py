"""The report pages: short views over the services, the same rules as the API."""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from guildhall.core.errors import DomainError
from guildhall.core.uploads import stored_file_response
from guildhall.kit.actions import beside_field, run_page_action
from guildhall.kit.decisions import acknowledgement
from guildhall.orgs.models import Organization
from guildhall.orgs.permissions import can, require
from guildhall.orgs.scoping import get_org_for_user
from guildhall.reports import queries, services
from guildhall.reports.forms import DecisionForm, NarrativeForm
from guildhall.reports.models import PdfState, Report, Status, Version
from guildhall.reports.render import appendix_numbers

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _org(request: HttpRequest, org_id: int) -> Organization:
    return queries.get_org_for_reports(request.user, org_id)


def _report(request: HttpRequest, org_id: int, year: int) -> tuple[Organization, Report]:
    return queries.get_report_for_user(request.user, org_id, year)


def _years() -> list[int]:
    year = timezone.localdate().year
    return list(range(year, year - 5, -1))


@login_required
@require_GET
def report_current(request: HttpRequest, org_id: int) -> HttpResponse:
    _org(request, org_id)
    return redirect("reports:report_detail", org_id, timezone.localdate().year)


def _page(request: HttpRequest, org: Organization, year: int, *, status: int = 200,
          error: str = "", **forms: Any) -> HttpResponse:
    report = Report.objects.filter(organization=org, year=year).first()
    versions = list(report.versions.select_related("submitted_by").order_by("-number")) \
        if report else []
    actions = report.available_actions(request.user) if report else set()
    figures, frozen = queries.shown_figures(report, versions) if report else ([], None)
    refs = appendix_numbers(figures)
    for section in figures:
        for figure in section["figures"]:
            figure["ref"] = refs.get((section["key"], figure["key"]))
    parts = services.narrative_parts()
    narratives = (frozen.narratives if frozen else report.narratives) if report else {}
    if "edit" in actions and "narrative_form" not in forms:
        forms["narrative_form"] = NarrativeForm(parts=parts, initial=narratives)
    decision = acknowledgement(
        actions, "report", url=reverse("reports:report_acknowledge", args=(org.pk, year)),
        return_url=reverse("reports:report_return", args=(org.pk, year)),
        form=forms.pop("decision_form", None) or DecisionForm(
            initial={"revision": report.revision if report else 1}),
        title=_("Acknowledge the report"),
        note=_("version %(n)s") % {"n": report.revision if report else 1}, in_page=False)
    return render(request, "reports/report.html", {
        "org": org, "year": year, "years": _years(), "report": report, "versions": versions,
        "frozen": frozen, "figures": figures, "actions": actions, "error": error,
        "narrative_parts": [(key, label, narratives.get(key, "")) for key, label in parts],
        "may_create": report is None and can(request.user, "reports.create", org),
        "decision": decision, **forms,
    }, status=status)


@login_required
@require_GET
def report_detail(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    return _page(request, _org(request, org_id), year)


@login_required
@require_POST
def report_create(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    org = _org(request, org_id)
    require(request.user, "reports.create", org)
    try:
        services.report_create(actor=request.user, org=org, year=year)
    except DomainError as exc:
        return _page(request, org, year, status=exc.status, error=str(exc))
    messages.success(request, _("The report was generated from the year's records. Write its "
                                "narrative, then submit it."))
    return redirect("reports:report_detail", org_id, year)


def _act(request: HttpRequest, org_id: int, year: int, action: str, run: Any, done: str,
         form_name: str = "", form: Any = None) -> HttpResponse:
    org, report = _report(request, org_id, year)

    def refused(exc: DomainError) -> HttpResponse:
        kept = {form_name: form} if form_name else {}
        return _page(request, org, year, status=exc.status, error=beside_field(kept, exc), **kept)

    return run_page_action(request, report, action, run, done=done, refused=refused)


@login_required
@require_POST
def report_edit(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    form = NarrativeForm(request.POST, parts=services.narrative_parts())
    form.is_valid()
    data = {k: request.POST.get(k, "") for k, _label in services.narrative_parts()
            if k in request.POST}
    return _act(request, org_id, year, "edit", lambda r: services.report_edit(
        actor=request.user, report=r, narratives=data), _("The narrative was saved."),
        "narrative_form", form)


@login_required
@require_POST
def report_submit(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    return _act(request, org_id, year, "submit", lambda r: services.report_submit(
        actor=request.user, report=r),
        _("The report was submitted and frozen. Its PDF is being made."))


def _decision(request: HttpRequest) -> tuple[DecisionForm, str, int]:
    form = DecisionForm(request.POST)
    form.is_valid()
    return form, form.cleaned_data.get("comment", ""), form.cleaned_data.get("revision") or -1


@login_required
@require_POST
def report_acknowledge(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    form, comment, revision = _decision(request)
    return _act(request, org_id, year, "acknowledge", lambda r: services.report_acknowledge(
        actor=request.user, report=r, revision=revision, comment=comment),
        _("You acknowledged the report."), "decision_form", form)


@login_required
@require_POST
def report_return(request: HttpRequest, org_id: int, year: int) -> HttpResponse:
    form, comment, revision = _decision(request)
    return _act(request, org_id, year, "return", lambda r: services.report_return(
        actor=request.user, report=r, revision=revision, comment=comment),
        _("You returned the report."), "decision_form", form)


def _version(request: HttpRequest, org_id: int, year: int, number: int) -> Version:
    return queries.get_version_for_user(request.user, org_id, year, number)


@login_required
@require_GET
def figure_records(request: HttpRequest, org_id: int, year: int, section: str,
                   figure: str) -> HttpResponse:
    org, report = _report(request, org_id, year)
    number = request.GET.get("v", "")
    version = report.versions.filter(number=int(number)).first() if number.isdigit() \
        and int(number) < 2**31 else None
    figures = version.figures if version else services.live_figures(report)
    found = next((f for s in figures if s["key"] == section for f in s["figures"]
                  if f["key"] == figure), None)
    if found is None:
        raise Http404("No such figure")
    title = next(s["title"] for s in figures if s["key"] == section)
    page = Paginator(found["records"], 50).get_page(request.GET.get("page"))
    return render(request, "reports/figure.html", {
        "org": org, "report": report, "version": version, "section_title": title,
        "figure": found, "page": page})


@login_required
@require_GET
def version_docx(request: HttpRequest, org_id: int, year: int, number: int) -> HttpResponse:
    version = _version(request, org_id, year, number)
    return stored_file_response(version.docx, content_type=DOCX,
                                disposition=queries.content_disposition(version, ".docx"))


@login_required
@require_GET
def version_pdf(request: HttpRequest, org_id: int, year: int, number: int) -> HttpResponse:
    version = _version(request, org_id, year, number)
    if version.pdf_state != PdfState.DONE:
        raise Http404("No PDF yet")
    return stored_file_response(version.pdf, content_type="application/pdf",
                                disposition=queries.content_disposition(version, ".pdf"))


def _year(request: HttpRequest) -> int:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 \
        else timezone.localdate().year


@login_required
@require_GET
def overview(request: HttpRequest, org_id: int) -> HttpResponse:
    org = get_org_for_user(request.user, org_id)
    require(request.user, "reports.oversee", org)
    year = _year(request)
    page = Paginator(queries.associations_below(org), 50).get_page(request.GET.get("page"))
    rows = queries.submissions(list(page), year)
    counts = {s: n for s, n in _count_by_status(org, year)}
    return render(request, "reports/overview.html", {
        "org": org, "year": year, "years": _years(), "page": page, "rows": rows,
        "counts": counts, "total": page.paginator.count,
        "submitted": sum(counts.get(s, 0) for s in (Status.SUBMITTED, Status.ACKNOWLEDGED))})


def _count_by_status(org: Organization, year: int):
    return Report.objects.filter(organization__in=queries.associations_below(org),
                                 year=year).values_list("status").annotate(
        n=Count("pk")).order_by()


@login_required
@require_GET
def overview_zip(request: HttpRequest, org_id: int, year: int) -> FileResponse:
    """Every association's latest submitted version of `year`, .docx and PDF, in one .zip,
    written to a temporary file and streamed from it (a province's reports do not fit in
    memory)."""
    org = get_org_for_user(request.user, org_id)
    require(request.user, "reports.oversee", org)
    out = tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for version in queries.latest_versions(org, year).iterator(chunk_size=200):
            base = f"{version.report.organization.name}-{year}-第{version.number}版"
            _add(z, f"{base}.docx", version.docx)
            if version.pdf_state == PdfState.DONE and version.pdf:
                _add(z, f"{base}.pdf", version.pdf)
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=f"reports-{year}.zip",
                        content_type="application/zip")


def _add(z: zipfile.ZipFile, name: str, stored: Any) -> None:
    """Copy a stored file into the archive a block at a time."""
    with stored.open("rb") as source, z.open(name, "w") as target:
        shutil.copyfileobj(source, target, 1 << 20)
