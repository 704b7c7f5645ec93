"""Writing, submitting, freezing and acknowledging annual reports (the page and the API
call the same functions)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guildhall.audit.services import record
from guildhall.core.errors import DomainError
from guildhall.core.lines import labelled
from guildhall.documents.numbers import document_number
from guildhall.kit import report as sections
from guildhall.kit import workflow
from guildhall.notifications.services import Message, notify
from guildhall.orgs.models import Organization, Role
from guildhall.reports.models import CLOSING_PARTS, NARRATIVE_MAX, PdfState, Report, Status, Version
from guildhall.reports.render import report_docx
from guildhall.reviews import services as reviews
from guildhall.reviews.models import Verdict

YEARS = (2000, 2100)


def _members(org_id: int | None, roles: set[str]):
    return get_user_model().objects.filter(memberships__organization_id=org_id,
                                           memberships__role__in=roles,
                                           memberships__is_active=True, is_active=True)


def _tell(recipients: Any, report: Report, kind: str, subject: Any, body: Any = "") -> None:
    title = str(report)
    notify(recipients, Message(kind=f"reports.{kind}", subject=lambda: labelled(subject, title),
                               body=body, url=report.get_absolute_url(),
                               organization=report.organization))


def _audit(actor: Any, action: str, report: Report, **after: Any) -> None:
    record(actor=actor, action=f"reports.{action}", organization=report.organization, obj=report,
           after=after or None)


def check_year(year: int) -> int:
    if not YEARS[0] <= int(year) <= YEARS[1]:
        raise DomainError(_("Give a year between %(low)d and %(high)d.") % {
            "low": YEARS[0], "high": YEARS[1]}, "bad_year", status=422, field="year")
    return int(year)


def narrative_parts() -> list[tuple[str, str]]:
    """The parts of the narrative: one per section, then the closing ones."""
    return [*((key, str(title)) for key, title in sections.EXPECTED),
            *((key, str(label)) for key, label in CLOSING_PARTS)]


def report_create(*, actor: Any, org: Organization, year: int) -> Report:
    """Start the association's report of `year` (or return the one there is)."""
    year = check_year(year)
    if org.kind != Organization.Kind.ASSOCIATION:
        raise DomainError(_("Only associations write annual reports."), "not_association",
                          status=409)
    with transaction.atomic():
        report, created = Report.objects.get_or_create(organization=org, year=year,
                                                       defaults={"created_by": actor})
        if created:
            _audit(actor, "create", report, year=year)
        return report


def report_edit(*, actor: Any, report: Report, narratives: dict[str, str]) -> Report:
    """Save the principal's narrative (the figures are never typed: they are computed)."""
    keys = {key for key, _label in narrative_parts()}
    clean = {}
    for key, text in (narratives or {}).items():
        if key not in keys:
            continue
        text = (text or "").strip()
        if len(text) > NARRATIVE_MAX:
            raise DomainError(_("Keep each part under %(n)d characters.") % {"n": NARRATIVE_MAX},
                              "too_long", status=422, field=key)
        clean[key] = text
    with transaction.atomic():
        report = reviews.lock(report)
        report.guard("edit")
        before = dict(report.narratives)
        report.narratives = {**report.narratives, **clean}
        report.updated_at = timezone.now()
        report.save(update_fields=["narratives", "updated_at"])
        # One field a part, named so the trail can label it (audit.actions.FIELDS).
        changed = [key for key in clean if before.get(key, "") != clean[key]]
        record(actor=actor, action="reports.edit", organization=report.organization, obj=report,
               before={f"narrative_{k}": before.get(k, "") for k in changed},
               after={f"narrative_{k}": clean[k] for k in changed})
        return report


def live_figures(report: Report) -> list[dict[str, Any]]:
    """The figures as the records stand now (what a draft shows)."""
    return [s.as_dict() for s in sections.build(report.organization, report.year)]


def principal_name(org: Organization) -> str:
    person = _members(org.pk, {Role.PRINCIPAL}).order_by("pk").first()
    return person.display_name if person else ""


def report_submit(*, actor: Any, report: Report, convert_pdf: bool = True) -> Version:
    """Submit the report: freeze its figures, narrative and .docx (with its SHA-256) as a new
    version, and convert it to PDF in the job queue once the transaction commits
    (`convert_pdf=False` leaves the PDF pending: the demo's submissions in the test suite)."""
    with transaction.atomic():
        report = reviews.lock(report)
        report.guard("submit")
        org = report.organization
        number = report.versions.count() + 1
        now = timezone.now()
        figures = live_figures(report)
        doc_number = document_number(report.year, number)
        docx = report_docx(org_name=org.name, supervisor_name=org.parent.name if org.parent else "",
                           year=report.year, number=doc_number, signer=principal_name(org),
                           day=timezone.localdate(now), sections=figures,
                           narratives=report.narratives)
        version = Version(report=report, number=number, document_number=doc_number,
                          figures=figures, narratives=dict(report.narratives),
                          docx_sha256=hashlib.sha256(docx).hexdigest(), submitted_by=actor,
                          submitted_at=now)
        version.docx.save(".docx", ContentFile(docx), save=False)
        version.save()
        report.status, report.revision, report.submitted_at = Status.SUBMITTED, number, now
        report.review_round += 1
        report.updated_at = now
        report.save(update_fields=["status", "revision", "submitted_at", "review_round",
                                   "updated_at"])
        _audit(actor, "submit", report, version=number, sha256=version.docx_sha256)
        _tell(_members(org.parent_id, {Role.APPROVER}), report, "submitted",
              _("An annual report awaits acknowledgement"))
        pk = version.pk
        if convert_pdf:
            transaction.on_commit(lambda: _convert_later(pk))
        return version


def _convert_later(version_id: int) -> None:
    from guildhall.reports.tasks import convert_version

    convert_version(version_id)


def _decide(*, actor: Any, report: Report, verdict: str, comment: str, revision: int,
            action: str) -> Report:
    def apply(item: Report, result: reviews.Result) -> dict[str, Any]:
        version = item.versions.get(number=item.revision)
        if result.outcome == reviews.APPROVED:
            item.status, item.acknowledged_at = Status.ACKNOWLEDGED, timezone.now()
            _tell(_members(item.organization_id, {Role.PRINCIPAL}), item, "acknowledged",
                  _("The supervising body acknowledged the annual report"),
                  result.decision.comment)
        else:
            item.status = Status.RETURNED
            _tell(_members(item.organization_id, {Role.PRINCIPAL}), item, "returned",
                  _("The annual report was returned"), result.decision.comment)
        version.outcome = item.status
        version.save(update_fields=["outcome"])
        item.save(update_fields=["status", "acknowledged_at"])
        return {"status": item.status, "version": version.number}

    return workflow.decide(actor=actor, subject=report, action=action, verdict=verdict,
                           comment=comment, revision=revision, audit_action=f"reports.{action}",
                           on_outcome=apply)


def report_acknowledge(*, actor: Any, report: Report, revision: int, comment: str = "") -> Report:
    return _decide(actor=actor, report=report, verdict=Verdict.APPROVE, comment=comment,
                   revision=revision, action="acknowledge")


def report_return(*, actor: Any, report: Report, revision: int, comment: str) -> Report:
    return _decide(actor=actor, report=report, verdict=Verdict.RETURN, comment=comment,
                   revision=revision, action="return")


def version_convert(version: Version) -> Version:
    """Make the version's PDF from its frozen .docx (the job queue calls this, one at a
    time). A failure is kept on the version with its reason; the .docx stays available."""
    from guildhall.documents import pdf

    with version.docx.open("rb") as source:
        docx = source.read()
    try:
        converted = pdf.convert(docx)
    except pdf.ConversionError as exc:
        version.pdf_state, version.pdf_error = PdfState.FAILED, exc.code
        version.save(update_fields=["pdf_state", "pdf_error"])
        return version
    version.pdf.save(".pdf", ContentFile(converted.pdf), save=False)
    version.pdf_sha256 = hashlib.sha256(converted.pdf).hexdigest()
    version.pdf_state, version.pdf_error, version.pdf_pages = PdfState.DONE, "", converted.pages
    version.save(update_fields=["pdf", "pdf_sha256", "pdf_state", "pdf_error", "pdf_pages"])
    return version
