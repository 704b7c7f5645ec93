"""Finding a subject's records: the subject was fetched through its module's scoping
helper, so the records are looked up only among its own (the same 404 as for a missing
one)."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from guildhall.records.models import Attachment, Finding


def get_attachment_of(subject: Any, pk: int, *, live: bool = False) -> Attachment:
    """Return the subject's file `pk` (only a file still attached when `live`), or 404."""
    qs = subject.attachments.all()
    if live:
        qs = qs.filter(removed_at=None)
    attachment = qs.filter(pk=pk).first()
    if attachment is None:
        raise Http404("No such attachment")
    return attachment


def get_finding_of(subject: Any, pk: int) -> Finding:
    finding = subject.findings.select_related("attachment").filter(pk=pk).first()
    if finding is None:
        raise Http404("No such finding")
    return finding
