"""The records mechanisms every module calls: revisions, the timeline, attachments and
checker findings of a subject. Each runs inside the caller's transaction (the caller
holds the subject's row lock) and writes no audit record of its own: the module's
service audits the action it is part of, so one action is one audit record."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from guildhall.core.errors import DomainError, required_text
from guildhall.core.uploads import accept_upload, store
from guildhall.records.models import Attachment, Entry, Finding, Link, Revision


def _keys(subject: Any) -> dict[str, Any]:
    return {"subject_type": ContentType.objects.get_for_model(type(subject)),
            "subject_id": subject.pk, "organization_id": subject.organization_id}


# ---- revisions --------------------------------------------------------------------------

def refuse_stale(subject: Any, revision: int | None) -> None:
    """Refuse an edit made to an earlier revision than the subject's current one."""
    if revision is not None and revision != subject.revision:
        raise DomainError(
            _("Someone changed this %(thing)s while you were editing it (it is now at "
              "revision %(now)d). Reload it and make your change again.") % {
                "thing": type(subject)._meta.verbose_name, "now": subject.revision},
            "stale_revision", status=409)


def changed_fields(before: dict[str, Any] | None, after: dict[str, Any]) -> list[str]:
    """Return the names whose values differ (every name for a first revision)."""
    if before is None:
        return sorted(after)
    return sorted(k for k in after if before.get(k) != after.get(k))


def add_revision(subject: Any, *, actor: Any, snapshot: dict[str, Any],
                 changed: list[str] | None = None, material: bool = False) -> Revision:
    """Keep `snapshot` as the subject's revision number `subject.revision`."""
    return Revision.objects.create(**_keys(subject), number=subject.revision, snapshot=snapshot,
                                   changed_fields=changed if changed is not None else sorted(snapshot),
                                   material=material, created_by=actor)


def revisions_of(subject: Any):
    return subject.revisions.select_related("created_by").order_by("number")


# ---- the timeline -----------------------------------------------------------------------

def add_entry(subject: Any, kind: str, actor: Any, note: str = "") -> Entry:
    """Add a line to the subject's timeline (a kind of its `EntryKind`)."""
    return Entry.objects.create(**_keys(subject), kind=kind, actor=actor,
                                revision=subject.revision, note=note)


def timeline_items(subject: Any, *, revision_label: Callable[[Revision], str],
                   revision_text: Callable[[Revision], str] | None = None,
                   extra: Iterable[dict[str, Any]] = ()) -> list[dict[str, Any]]:
    """Return the subject's revisions and timeline entries with the module's `extra` items
    (its review decisions, halts …: `{"at", "kind", "label", "actor", "revision", "text"}`),
    oldest first."""
    items: list[dict[str, Any]] = []
    for rev in revisions_of(subject):
        # The label names the revision ("第 2 版"), so it is not repeated after the actor.
        label = revision_label(rev) or _("Revision %(n)d") % {"n": rev.number}
        items.append({"at": rev.created_at, "kind": "revision", "label": label,
                      "actor": rev.created_by, "revision": None, "number": rev.number,
                      "text": revision_text(rev) if revision_text else ""})
    model = type(subject)
    for entry in subject.entries.select_related("actor"):
        items.append({"at": entry.at, "kind": entry.kind, "label": entry.label(model),
                      "actor": entry.actor, "revision": entry.revision, "text": entry.note})
    items.extend(extra)
    return sorted(items, key=lambda i: i["at"])


# ---- attachments ------------------------------------------------------------------------

def attach(subject: Any, upload: Any, *, actor: Any, kinds: Collection[str], max_size: int,
           type_message: Any, purpose: str = "",
           then: Callable[[Attachment], None] | None = None) -> Attachment:
    """Store the upload as a file of the subject (checked as `core.uploads` checks every
    upload), then run `then(attachment)` (the new revision, the audit record); if anything
    fails the stored file is deleted again, so nothing is left half-written."""
    fields = accept_upload(upload, kinds=kinds, max_size=max_size, type_message=type_message)
    attachment = Attachment(**_keys(subject), purpose=purpose, uploaded_by=actor, **fields)
    store(attachment.file, "upload", upload)
    try:
        attachment.save()
        if then is not None:
            then(attachment)
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


def live_attachments(subject: Any):
    return subject.attachments.filter(removed_at=None).order_by("pk")


def detach(subject: Any, attachment: Attachment) -> None:
    """Take a file out of the subject. The file stays: earlier revisions refer to it."""
    Attachment.objects.filter(pk=attachment.pk, removed_at=None).update(removed_at=timezone.now())


def attachment_snapshot(subject: Any) -> list[dict[str, Any]]:
    """Return the live files as a revision holds them: any change to them is a change of
    the subject."""
    return [{"id": a.pk, "name": a.original_name, "sha256": a.sha256,
             **({"purpose": a.purpose} if a.purpose else {})}
            for a in live_attachments(subject)]


# ---- checker findings -------------------------------------------------------------------

def value_hash(type: str, value: str) -> str:
    """Return a keyed hash of a finding's full value (never stored itself): HMAC-SHA256
    with settings.SECRET_KEY, so the stored hash cannot be reversed by trying values."""
    return salted_hmac("guildhall.publications.finding", f"{type}\x00{value}",
                       algorithm="sha256").hexdigest()


def unreadable(exc: Exception) -> str:
    return str(_("The checker could not read this file (%(code)s).") % {
        "code": getattr(exc, "code", type(exc).__name__)})


def scan_text_finding(subject: Any, revision: int, source: str, found: Any,
                      location: str = "") -> Finding:
    """Return an unsaved finding of the checker's `found` in the subject's text."""
    return Finding(**_keys(subject), revision=revision, source=source, type=found.type,
                   masked=(found.masked or "")[:200],
                   value_hash=value_hash(found.type, found.value or ""),
                   location=location[:200], start=found.start, end=found.end,
                   detail=(found.detail or "")[:300])


def scan_attachment(subject: Any, revision: int, attachment: Attachment,
                    terms: Collection[str] = ()) -> list[Finding]:
    """Return unsaved findings of the checker in one file; a file the checker cannot read
    is itself a finding (the same stored file is the same finding)."""
    from guildhall.checker import CheckerError, scan_file

    common = {**_keys(subject), "revision": revision, "source": Finding.Source.ATTACHMENT,
              "attachment": attachment, "attachment_name": attachment.original_name[:200]}
    found = []
    with attachment.local_copy() as path:
        try:
            for f in scan_file(path, terms=terms):
                found.append(Finding(**common, type=f.type, masked=(f.masked or "")[:200],
                                     value_hash=value_hash(f.type, f.value or ""),
                                     location=(f.location or "")[:200], start=f.start,
                                     end=f.end, detail=(f.detail or "")[:300]))
        except CheckerError as exc:
            found.append(Finding(**common, type="UNREADABLE",
                                 value_hash=value_hash("UNREADABLE", f"attachment:{attachment.pk}"),
                                 detail=unreadable(exc)))
    return found


def _finding_key(f: Finding) -> tuple[str, str, str, str, str]:
    return (f.type, f.masked, f.value_hash, f.source, f.attachment_name)


def store_findings(subject: Any, revision: int, found: list[Finding], *,
                   replace: bool = True) -> None:
    """Save the findings of a revision. An acknowledgement of the same finding in an
    earlier revision (same type, same value — compared by its keyed hash — and same
    place) still holds; a different value with the same mask is a new finding. Findings
    stored before the hash existed (empty hash) carry nothing over."""
    earlier = {}
    for f in subject.findings.filter(revision__lt=revision, acknowledged_at__isnull=False) \
            .exclude(value_hash="").order_by("revision"):
        earlier[_finding_key(f)] = f
    for f in found:
        previous = earlier.get(_finding_key(f))
        if previous is not None:
            f.acknowledged_by_id = previous.acknowledged_by_id
            f.acknowledged_at = previous.acknowledged_at
            f.acknowledged_reason = previous.acknowledged_reason
            f.acknowledged_revision = previous.acknowledged_revision
    if replace:
        subject.findings.filter(revision=revision).delete()
    Finding.objects.bulk_create(found)


def acknowledge_finding(subject: Any, finding: Finding, *, actor: Any, reason: str) -> Finding:
    """Accept a finding with a written reason (the caller holds the subject's lock and has
    checked the module's rule)."""
    reason = required_text(reason, _("Write why this finding may stay."))
    finding = subject.findings.get(pk=finding.pk)  # as it is now, under the lock
    if finding.acknowledged_at is not None:
        raise DomainError(_("This finding was already acknowledged."), "already_acknowledged",
                          status=409)
    finding.acknowledged_by = actor
    finding.acknowledged_at = timezone.now()
    finding.acknowledged_reason = reason
    finding.acknowledged_revision = subject.revision
    finding.save(update_fields=["acknowledged_by", "acknowledged_at", "acknowledged_reason",
                                "acknowledged_revision"])
    return finding


def current_and_removed_findings(subject: Any, *, scanned: bool) -> tuple[list[Finding], list[Finding]]:
    """Return the current revision's findings, and those of earlier revisions that a later
    revision removed (known only once the current revision was `scanned`)."""
    everything = list(subject.findings.select_related("acknowledged_by"))
    current = [f for f in everything if f.revision == subject.revision]
    if not scanned:
        return current, []
    current_keys = {_finding_key(f) for f in current}
    removed: dict[tuple, Finding] = {}
    for f in everything:
        if f.revision < subject.revision and _finding_key(f) not in current_keys:
            removed[_finding_key(f)] = f
    return current, list(removed.values())


def mark_findings(body_html: str, findings: Iterable[Finding], *, reveal: bool) -> str:
    """Return the sanitized body with each finding in it marked where it stands: the
    value itself when `reveal` (for the author, who must find it to change it), its masked
    form for everyone else. Each mark is `#found-<id>`, where the list of findings links."""
    from guildhall.lib.richtext import Span, mark

    spans = [Span(f.start, f.end, "finding " + ("resolved" if f.is_resolved else "open"),
                  f"found-{f.pk}", None if reveal else f.masked)
             for f in findings if f.source == Finding.Source.BODY and f.end > f.start]
    return mark(body_html, spans) if spans else body_html


def without_anchors(marked_html: str) -> str:
    """Return a body from `mark_findings` without the marks' ids (for a second copy of it
    on the same page, the phone preview)."""
    import re

    return re.sub(r'<mark id="found-\d+"', "<mark", marked_html)


def masked_body(body_html: str, findings: Iterable[Finding]) -> str:
    """Return the sanitized body with each finding's value replaced by its masked form and
    no marks: what the API gives anyone but the author."""
    import re

    return re.sub(r"</?mark\b[^>]*>", "", mark_findings(body_html, findings, reveal=False))


# ---- links to other records -------------------------------------------------------------

def add_link(subject: Any, target: Any, *, kind: str, role: str, actor: Any,
             note: str = "") -> Link:
    """Link the subject to `target`, a record of the same organization (the caller found
    it among that organization's own records: see `kit.links.find`). Linking the same
    record twice in the same role keeps the first link."""
    if target.organization_id != subject.organization_id:
        raise DomainError(_("Only your association's own records can be linked."), "link_not_own",
                          status=422, field="target")
    link, _created = Link.objects.get_or_create(
        **_keys(subject), role=role, target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk, defaults={"kind": kind, "created_by": actor, "note": note[:200]})
    return link


def links_of(subject: Any, role: str | None = None):
    links = subject.links.all() if role is None else subject.links.filter(role=role)
    return links.select_related("target_type").prefetch_related("target")


def linked_subjects(target: Any, role: str | None = None):
    """The links that point at `target` (which plan items a meeting or incident led to)."""
    links = Link.objects.filter(target_type=ContentType.objects.get_for_model(target),
                                target_id=target.pk, organization_id=target.organization_id)
    return links if role is None else links.filter(role=role)
