"""The job queue's work for reports: PDF conversion, one at a time across all workers."""

from __future__ import annotations

from huey.contrib.djhuey import HUEY, db_task

#: LibreOffice conversions share the machine's two cores with the site: one at a time.
PDF_LOCK = "reports-pdf"


@db_task(retries=60, retry_delay=5)
def convert_version(version_id: int) -> None:
    """Convert one frozen version's .docx to PDF (retried while another conversion runs)."""
    from guildhall.reports.models import PdfState, Version
    from guildhall.reports.services import version_convert

    version = Version.objects.filter(pk=version_id, pdf_state=PdfState.PENDING).first()
    if version is None:
        return
    # While another conversion holds the lock this raises TaskLockedException, and huey
    # runs the task again after retry_delay.
    with HUEY.lock_task(PDF_LOCK):
        version_convert(version)
