"""Writes on channels and publications: every change audited, notifications after commit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guildhall.audit.services import record
from guildhall.core.errors import DomainError
from guildhall.core.lines import labelled
from guildhall.kit.actions import auditor
from guildhall.kit.richtext import clean_rich_text
from guildhall.lib import richtext
from guildhall.notifications import calendar
from guildhall.notifications.services import Message, notify, settle
from guildhall.orgs.models import Role
from guildhall.orgs.permissions import can
from guildhall.publications.models import (
    Channel,
    ChannelPause,
    ChannelStatus,
    ConfidentialTerm,
    Placement,
    Publication,
    PublicationSettings,
    Status,
)
from guildhall.publications.search import publication_text
from guildhall.records import services as records
from guildhall.records.models import Attachment, Finding, Revision
from guildhall.reviews import services as reviews
from guildhall.reviews.models import Verdict
from guildhall.reviews.services import OWN, Step

#: The API's and the page's words for a verdict, and the review mechanism's.
VERDICTS = {"pass": Verdict.APPROVE, "return": Verdict.RETURN, "reject": Verdict.REJECT}

MAX_UPLOAD = getattr(settings, "PUBLICATIONS_MAX_UPLOAD", 20 * 1024 * 1024)
MAX_TERMS = 500
#: The kinds of file a publication may carry (see guildhall.lib.uploads).
KINDS = {"pdf", "docx", "xlsx", "png", "jpeg", "txt"}
CHANNEL_FIELDS = ("type", "name", "account", "icp_number", "operator", "responsible_person",
                  "review_roles")


# ---- people to tell -------------------------------------------------------------

def _members(org_id: int | None, roles: set[str]):
    return get_user_model().objects.filter(
        memberships__organization_id=org_id, memberships__role__in=roles,
        memberships__is_active=True, is_active=True).distinct()


def supervisor_approvers(org: Any):
    return _members(org.parent_id, {Role.APPROVER})


def step_reviewers(publication: Publication, step: Step) -> list[Any]:
    """Return the people who may decide `step`, without the publication's authors."""
    org_id = publication.organization_id if step.level == OWN else publication.organization.parent_id
    authors = publication.review_author_ids()
    return [u for u in _members(org_id, set(step.roles)) if u.pk not in authors]


def _authors(publication: Publication) -> list[Any]:
    """Return the publication's authors who are still active members of its organization
    (a former member is told nothing more about it)."""
    users = get_user_model().objects.filter(
        pk__in=publication.review_author_ids(), is_active=True,
        memberships__organization_id=publication.organization_id,
        memberships__is_active=True).distinct()
    return list(users)


def _url(publication: Publication) -> str:
    return reverse("publications:publication_detail", args=[publication.organization_id, publication.pk])


def _tell(recipients: Any, publication: Publication, kind: str, subject: Any,
          body: Any = "") -> None:
    title = publication.title
    notify(recipients, Message(
        kind=f"publications.{kind}", subject=lambda: labelled(subject, title), body=body,
        url=_url(publication), organization=publication.organization))


def _tell_channel(channel: Channel, kind: str, subject: Any, body: str) -> None:
    name = channel.name
    org = channel.organization
    notify(supervisor_approvers(org), Message(
        kind=f"publications.{kind}", subject=lambda: labelled(subject, f"{org} · {name}"), body=body,
        url=reverse("publications:channel_detail", args=[org.pk, channel.pk]), organization=org))


# ---- channels ----------------------------------------------------------------------

_audit_channel = auditor("publications.channel")


def channel_create(*, actor: Any, org: Any, data: dict[str, Any]) -> Channel:
    """Add a channel to the association's register."""
    with transaction.atomic():
        channel = Channel(organization=org, created_by=actor,
                          **{k: v for k, v in data.items() if k in CHANNEL_FIELDS})
        channel.full_clean()
        channel.save()
        _audit_channel(actor, "create", channel, after=channel.snapshot())
        return channel


def _lock_channel(channel: Channel) -> Channel:
    return Channel.objects.select_for_update().select_related("organization").get(pk=channel.pk)


def channel_update(*, actor: Any, channel: Channel, data: dict[str, Any]) -> Channel:
    """Change a channel's details or review steps; close or reopen it (not pause it)."""
    with transaction.atomic():
        channel = _lock_channel(channel)
        before = channel.snapshot()
        for name, value in data.items():
            if name in CHANNEL_FIELDS:
                setattr(channel, name, value)
        status = data.get("status")
        if status and status != channel.status:
            if channel.status == ChannelStatus.PAUSED or status == ChannelStatus.PAUSED:
                raise DomainError(_("Pause and resume a channel with its own buttons, with a "
                                    "reason."), "use_pause", status=409, field="status")
            channel.status = status
        channel.full_clean()
        channel.updated_at = timezone.now()
        channel.save()
        after = channel.snapshot()
        changed = {k for k in after if after[k] != before[k]}
        if changed:
            _audit_channel(actor, "update", channel, before={k: before[k] for k in changed},
                           after={k: after[k] for k in changed})
        return channel


def channel_pause(*, actor: Any, channel: Channel, reason: str) -> Channel:
    """Pause the channel at once (熔断): nothing on it is approved or published until resumed."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the channel is paused."), "reason_required", field="reason")
    with transaction.atomic():
        channel = _lock_channel(channel)
        if channel.status != ChannelStatus.ACTIVE:
            raise DomainError(_("Only an active channel can be paused."), "wrong_state",
                              status=409)
        now = timezone.now()
        ChannelPause.objects.create(channel=channel, reason=reason, paused_by=actor, paused_at=now)
        channel.status, channel.pause_reason, channel.paused_at = ChannelStatus.PAUSED, reason, now
        channel.updated_at = now
        channel.save(update_fields=["status", "pause_reason", "paused_at", "updated_at"])
        _audit_channel(actor, "pause", channel, before={"status": ChannelStatus.ACTIVE},
                       after={"status": channel.status, "reason": reason})
        _tell_channel(channel, "channel_paused", _("A channel was paused"), reason)
        return channel


def channel_resume(*, actor: Any, channel: Channel, note: str = "") -> Channel:
    """Resume a paused channel; the resumption is recorded with the pause."""
    note = (note or "").strip()
    with transaction.atomic():
        channel = _lock_channel(channel)
        if channel.status != ChannelStatus.PAUSED:
            raise DomainError(_("The channel is not paused."), "wrong_state", status=409)
        now = timezone.now()
        ChannelPause.objects.filter(channel=channel, resumed_at=None).update(
            resumed_by=actor, resumed_at=now, resume_note=note)
        channel.status, channel.pause_reason, channel.paused_at = ChannelStatus.ACTIVE, "", None
        channel.updated_at = now
        channel.save(update_fields=["status", "pause_reason", "paused_at", "updated_at"])
        _audit_channel(actor, "resume", channel, before={"status": ChannelStatus.PAUSED},
                       after={"status": channel.status, "note": note})
        _tell_channel(channel, "channel_resumed", _("A channel was resumed"), note)
        return channel


# ---- the association's settings and confidential terms -----------------------------------

def terms_update(*, actor: Any, org: Any, terms: list[str],
                 review_days: int | None = None) -> list[str]:
    """Replace the organization's confidential terms (and its review deadline when given)."""
    cleaned = sorted({t.strip() for t in terms if t and t.strip()})
    too_long = [t for t in cleaned if len(t) > 100]
    if too_long:
        raise DomainError(_("A term may have at most 100 characters: %(term)s") % {
            "term": too_long[0][:30] + "…"}, "term_too_long", field="terms")
    if len(cleaned) > MAX_TERMS:
        raise DomainError(_("Keep the list to %(n)d terms.") % {"n": MAX_TERMS}, "too_many_terms",
                          field="terms")
    with transaction.atomic():
        existing = set(ConfidentialTerm.objects.filter(organization=org)
                       .values_list("term", flat=True))
        added, removed = set(cleaned) - existing, existing - set(cleaned)
        ConfidentialTerm.objects.filter(organization=org, term__in=removed).delete()
        ConfidentialTerm.objects.bulk_create(
            [ConfidentialTerm(organization=org, term=t, created_by=actor) for t in sorted(added)])
        after: dict[str, Any] = {"terms_added": len(added), "terms_removed": len(removed)}
        if review_days is not None:
            conf = PublicationSettings.objects.select_for_update().filter(organization=org).first() \
                or PublicationSettings(organization=org)
            before_days = conf.review_days
            conf.review_days, conf.updated_by, conf.updated_at = review_days, actor, timezone.now()
            conf.full_clean()
            conf.save()
            if before_days != review_days:
                after["review_days"] = review_days
        # The terms themselves are confidential: the audit records how many, not which.
        record(actor=actor, action="publications.settings.update", organization=org, obj=None,
               after=after)
        return cleaned


def org_terms(org_id: int) -> list[str]:
    return list(ConfidentialTerm.objects.filter(organization_id=org_id)
                .values_list("term", flat=True))


def reveals_found_values(publication: Publication, user: Any) -> bool:
    """Whether `user` reads the values the checker found as they are: only the author,
    who must see a value to change it; everyone else reads them masked (the page, the
    comparison and the API alike)."""
    return user.pk == publication.created_by_id


def masked_for_readers(text: str, terms: list[str]) -> str:
    """Return `text` with every value the checker finds in it (with the organization's
    confidential `terms`) replaced by its masked form."""
    from guildhall.checker import scan_text

    found = sorted(scan_text(text, terms=terms), key=lambda f: f.start, reverse=True)
    for f in found:
        text = text[:f.start] + f.masked + text[f.end:]
    return text


# ---- publications: creating and revising ------------------------------------------------

def _lock(publication: Publication) -> Publication:
    return Publication.objects.select_for_update().select_related("organization").get(
        pk=publication.pk)


def _save(publication: Publication, *fields: str) -> None:
    publication.updated_at = timezone.now()
    publication.save(update_fields=[*fields, "updated_at"])


_audit = auditor("publications.publication")


def _check_channels(org: Any, channels: list[Channel]) -> list[Channel]:
    if not channels:
        raise DomainError(_("Choose at least one channel."), "channels_required", field="channels")
    for channel in channels:
        if channel.organization_id != org.pk:
            raise DomainError(_("Choose channels of your association."), "bad_channel",
                              field="channels")
        if channel.status == ChannelStatus.CLOSED:
            raise DomainError(_("The channel “%(name)s” is closed.") % {"name": channel.name},
                              "channel_closed", field="channels")
    return sorted(set(channels), key=lambda c: c.pk)


def _content(data: dict[str, Any], *, with_body: bool = True) -> dict[str, Any]:
    title = (data.get("title") or "").strip()
    if not title:
        raise DomainError(_("Give the publication a title."), "title_required", field="title")
    fields = {"title": title[:200], "planned_at": data.get("planned_at"),
              "needs_supervisor": bool(data.get("needs_supervisor"))}
    if with_body:
        fields["body"] = clean_rich_text(
            data.get("body"), empty=_("Write the text of the publication: it is empty."))
    return fields


def _snapshot(publication: Publication) -> dict[str, Any]:
    """Return what a revision holds, to tell whether an edit changed anything: the live
    files count, so attaching or removing one is a change of the publication."""
    latest = publication.revisions.order_by("-number").first()
    return {
        "title": publication.title,
        "body": latest.snapshot["body"] if latest else "",
        # The same instant from the form (local time) and the database (UTC) compares equal.
        "planned_at": publication.planned_at.astimezone(dt.UTC).isoformat()
        if publication.planned_at else None,
        "needs_supervisor": publication.needs_supervisor,
        "channels": sorted(publication.channels.values_list("pk", flat=True)),
        "attachments": [a["id"] for a in records.attachment_snapshot(publication)],
    }


def _write_revision(publication: Publication, actor: Any, body: str,
                    changed: list[str] | None = None) -> Revision:
    planned = timezone.localtime(publication.planned_at) if publication.planned_at else None
    publication.search_text = publication_text(publication, body)
    publication.save(update_fields=["search_text"])
    return records.add_revision(publication, actor=actor, changed=changed, snapshot={
        "title": publication.title, "body": body,
        "planned_at": planned.strftime("%Y-%m-%d %H:%M") if planned else "",
        "needs_supervisor": publication.needs_supervisor,
        "channel_names": [c.name for c in publication.channels.order_by("pk")],
        "attachments": records.attachment_snapshot(publication)})


def publication_create(*, actor: Any, org: Any, data: dict[str, Any]) -> Publication:
    """Create a draft publication (revision 1) of `org` for the given channels."""
    fields = _content(data)
    channels = _check_channels(org, list(data.get("channels") or []))
    with transaction.atomic():
        publication = Publication(organization=org, created_by=actor, title=fields["title"],
                                  planned_at=fields["planned_at"],
                                  needs_supervisor=fields["needs_supervisor"])
        publication.full_clean()
        publication.save()
        publication.channels.set(channels)
        revision = _write_revision(publication, actor, fields["body"])
        _audit(actor, "create", publication, after={
            "revision": 1, "title": revision.snapshot["title"], "channels": [c.pk for c in channels],
            "needs_supervisor": publication.needs_supervisor})
        return publication


def _restart_review(publication: Publication, actor: Any) -> None:
    """A change under review or after approval: the review of the old revision ends."""
    publication.status = Status.DRAFT
    _clear_step(publication)
    records.add_entry(publication, Publication.EntryKind.RESTARTED, actor)


def _after_change(publication: Publication, actor: Any, before: dict[str, Any],
                  body: str) -> Revision | None:
    """Write a new revision when the content changed; restart a running or finished review."""
    after = _snapshot(publication)
    after["body"] = body
    changed = sorted(k for k in after if after[k] != before[k])
    if not changed:
        return None
    was = publication.status
    publication.revision += 1
    publication.finding_count = publication.open_finding_count = 0
    if publication.is_read_only:
        _restart_review(publication, actor)
    _save(publication, "revision", "title", "planned_at", "needs_supervisor", "status",
          "finding_count", "open_finding_count", "current_step", "current_step_level",
          "current_step_role", "step_since", "review_due")
    revision = _write_revision(publication, actor, body, changed)
    _audit(actor, "revise", publication, before={"revision": publication.revision - 1,
                                                 "status": was},
           after={"revision": publication.revision, "changed": changed,
                  "status": publication.status})
    return revision


def publication_revise(*, actor: Any, publication: Publication, data: dict[str, Any],
                       revision: int | None = None) -> Publication:
    """Change the publication: a new revision. Under review or approved, the review restarts."""
    with transaction.atomic():
        publication = _lock(publication)
        publication.guard("edit")
        records.refuse_stale(publication, revision)
        before = _snapshot(publication)
        merged = {"title": publication.title, "body": before["body"],
                  "planned_at": publication.planned_at,
                  "needs_supervisor": publication.needs_supervisor, **data}
        fields = _content(merged, with_body="body" in data)
        if "body" not in data:
            fields["body"] = before["body"]  # already sanitized; keep it byte for byte
        publication.title = fields["title"]
        publication.planned_at = fields["planned_at"]
        publication.needs_supervisor = fields["needs_supervisor"]
        publication.full_clean()
        if "channels" in data:
            channels = _check_channels(publication.organization, list(data["channels"] or []))
            publication.channels.set(channels)
        _after_change(publication, actor, before, fields["body"])
        return publication


# ---- attachments ------------------------------------------------------------------------

def attachment_add(*, actor: Any, publication: Publication, upload: Any) -> Attachment:
    """Attach a file or an image: a new revision (under review, the review restarts)."""
    with transaction.atomic():
        publication = _lock(publication)
        publication.guard("attach")
        before = _snapshot(publication)
        return records.attach(
            publication, upload, actor=actor, kinds=KINDS, max_size=MAX_UPLOAD,
            then=lambda attachment: _after_change(publication, actor, before, before["body"]),
            type_message=_("Attach PDF, Word (.docx), Excel (.xlsx), PNG, JPEG or plain-text "
                           "files."))


def attachment_remove(*, actor: Any, publication: Publication, attachment: Attachment) -> None:
    """Take a file out of the publication. The file stays: earlier revisions refer to it."""
    with transaction.atomic():
        publication = _lock(publication)
        publication.guard("attach")
        before = _snapshot(publication)
        records.detach(publication, attachment)
        _after_change(publication, actor, before, before["body"])


# ---- the checker ---------------------------------------------------------------------

def _paragraph_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def scan_revision(publication: Publication, revision: Revision) -> list[Finding]:
    """Run the checker on the revision's title, body and files; return unsaved findings."""
    from guildhall.checker import scan_text

    terms = org_terms(publication.organization_id)
    number = revision.number
    found = [records.scan_text_finding(publication, number, Finding.Source.TITLE, f)
             for f in scan_text(revision.snapshot["title"], terms=terms)]
    body = richtext.plain_text(revision.snapshot["body"])
    found += [records.scan_text_finding(publication, number, Finding.Source.BODY, f,
                                        str(_paragraph_of(body, f.start)))
              for f in scan_text(body, terms=terms)]
    ids = [a["id"] for a in revision.snapshot["attachments"]]
    for attachment in Attachment.objects.filter(pk__in=ids).order_by("pk"):
        if attachment.is_image:
            continue  # the checker reads text; images are for the reviewers' eyes
        found += records.scan_attachment(publication, number, attachment, terms)
    return found


def _store_findings(publication: Publication, found: list[Finding]) -> None:
    """Save the current revision's findings (acknowledgements of the identical value
    carry over) and count them."""
    records.store_findings(publication, publication.revision, found)
    publication.scanned_revision = publication.revision
    _count_findings(publication)


def _count_findings(publication: Publication) -> None:
    current = publication.findings.filter(revision=publication.revision)
    publication.finding_count = current.count()
    publication.open_finding_count = current.filter(acknowledged_at=None).count()


# ---- submission and review ------------------------------------------------------------

def _merge_steps(a: list[str], b: list[str]) -> list[str]:
    """Return the shortest list of roles that contains both `a` and `b` in their order
    (a shortest common supersequence; on a choice, `a`'s step comes first)."""
    n, m = len(a), len(b)
    # length[i][j]: the length of the shortest merge of a[i:] and b[j:]
    length = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n, -1, -1):
        for j in range(m, -1, -1):
            if i == n or j == m:
                length[i][j] = (n - i) + (m - j)
            elif a[i] == b[j]:
                length[i][j] = 1 + length[i + 1][j + 1]
            else:
                length[i][j] = 1 + min(length[i + 1][j], length[i][j + 1])
    merged: list[str] = []
    i = j = 0
    while i < n or j < m:
        if j == m or (i < n and a[i] != b[j] and length[i + 1][j] <= length[i][j + 1]):
            merged.append(a[i])
            i += 1
        elif i == n or a[i] != b[j]:
            merged.append(b[j])
            j += 1
        else:
            merged.append(a[i])
            i, j = i + 1, j + 1
    return merged


def steps_for(channels: list[Channel]) -> list[str]:
    """Return the roles of the own steps for a publication on these channels.

    Every target channel's steps must all be taken, in their order, so that the review is
    at least as strict as each channel's own: the result is a shortest list of roles that
    contains every channel's list as an ordered subsequence (channels taken by id). The
    same lists give that list; a list contained in another ([reviewer, principal] in
    [reviewer, reviewer, principal]) gives the longer; lists that differ are merged
    ([admin] and [principal] give [admin, principal]; [reviewer, principal] and
    [reviewer, admin] give [reviewer, principal, admin]). The result may be longer than
    a single channel's limit of steps; that is the price of publishing on channels with
    different reviews at once (publish separately to avoid it).
    """
    merged: list[str] = []
    for channel in sorted(channels, key=lambda c: c.pk):
        merged = _merge_steps(merged, list(channel.review_roles or []))
    return merged


def _clear_step(publication: Publication) -> None:
    publication.current_step, publication.current_step_level = 0, ""
    publication.current_step_role, publication.step_since, publication.review_due = "", None, None


def _set_step(publication: Publication, step: Step) -> None:
    now = timezone.now()
    days = PublicationSettings.of(publication.organization).review_days
    publication.current_step = step.position
    publication.current_step_level = step.level
    publication.current_step_role = sorted(step.roles)[0]
    publication.step_since = now
    publication.review_due = calendar.add_working_days(timezone.localdate(now), days)


STEP_FIELDS = ("current_step", "current_step_level", "current_step_role", "step_since",
               "review_due")


def publication_submit(*, actor: Any, publication: Publication) -> Publication:
    """Send the current revision to the first review step; the checker reads it first."""
    publication.guard("submit")
    revision = publication.revisions.get(number=publication.revision)
    found = scan_revision(publication, revision)  # outside the lock: files take a moment
    with transaction.atomic():
        publication = _lock(publication)
        publication.guard("submit")
        records.refuse_stale(publication, revision.number)
        channels = list(publication.channels.all())
        if not channels:
            raise DomainError(_("Choose at least one channel."), "channels_required",
                              field="channels")
        publication.review_roles = steps_for(channels)
        publication.review_supervisor = publication.needs_supervisor
        publication.review_round += 1
        publication.status = Status.IN_REVIEW
        publication.submitted_at = timezone.now()
        _store_findings(publication, found)
        first = publication.review_steps()[0]
        _set_step(publication, first)
        _save(publication, "review_roles", "review_supervisor", "review_round", "status",
              "submitted_at", "scanned_revision", "finding_count", "open_finding_count",
              *STEP_FIELDS)
        records.add_entry(publication, Publication.EntryKind.SUBMITTED, actor)
        _audit(actor, "submit", publication, after={
            "status": publication.status, "revision": publication.revision,
            "round": publication.review_round, "steps": publication.review_roles,
            "supervisor": publication.review_supervisor,
            "findings": publication.finding_count, "open_findings": publication.open_finding_count})
        _tell(step_reviewers(publication, first), publication, "submitted",
              _("A publication awaits your review"),
              lambda: str(_("Step: %(step)s") % {"step": first.name}))
        return publication


def paused_channels(publication: Publication) -> list[Channel]:
    return list(publication.channels.filter(status=ChannelStatus.PAUSED))


def _refuse_paused(publication: Publication, what: Any) -> None:
    paused = paused_channels(publication)
    if paused:
        raise DomainError(
            _("The channel “%(name)s” is paused: %(what)s until it is resumed.") % {
                "name": paused[0].name, "what": what}, "channel_paused", status=409)


def publication_review(*, actor: Any, publication: Publication, verdict: str, comment: str,
                       revision: int) -> Publication:
    """Decide the current step: pass, return (to the author) or reject, always with a comment."""
    if verdict not in VERDICTS:
        raise DomainError(_("The verdict is pass, return or reject."), "bad_verdict",
                          field="verdict")

    def apply(item: Publication, result: reviews.Result) -> dict[str, Any]:
        # The decision is made: the notices asking for it are done.
        settle(_url(item), ["publications.submitted", "publications.review_overdue"])
        if result.decision.verdict == Verdict.APPROVE:
            _refuse_paused(item, _("nothing on it can be approved"))
        if result.outcome == reviews.APPROVED:
            _count_findings(item)
            if item.open_finding_count or item.scanned_revision != item.revision:
                raise DomainError(
                    _("%(n)d checker finding(s) of this revision are unresolved: remove them in "
                      "a new revision or acknowledge each one with a reason before the final "
                      "approval.") % {"n": item.open_finding_count},
                    "unresolved_findings", status=409)
        if result.outcome == reviews.NEXT_STEP:
            _set_step(item, result.next_step)
            step = result.next_step
            _tell(reviews.not_yet_decided(item, step_reviewers(item, step), result), item,
                  "submitted",
                  _("A publication awaits your review"),
                  lambda: str(_("Step: %(step)s") % {"step": step.name}))
        else:
            item.status = {reviews.APPROVED: Status.APPROVED, reviews.RETURNED: Status.RETURNED,
                           reviews.REJECTED: Status.REJECTED}[result.outcome]
            item.decided_at = timezone.now()
            if result.outcome == reviews.APPROVED:
                item.approved_revision = item.revision
            _clear_step(item)
            subject = {reviews.APPROVED: _("Your publication was approved"),
                       reviews.RETURNED: _("Your publication was returned for revision"),
                       reviews.REJECTED: _("Your publication was rejected")}[result.outcome]
            _tell(_authors(item), item, f"decided.{result.outcome}", subject,
                  result.decision.comment)
        _save(item, "status", "decided_at", "approved_revision", *STEP_FIELDS)
        return {"status": item.status}

    with transaction.atomic():
        locked = _lock(publication)
        locked.guard("review")
        result = reviews.decide(
            actor=actor, subject=locked, revision=revision, verdict=VERDICTS[verdict],
            comment=comment, steps=locked.review_steps(), distinct_reviewers=True,
            comment_always=True, on_outcome=apply, audit_prefix="publications.publication.review",
            locked=True)
        return result.subject


def publication_acknowledge_finding(*, actor: Any, publication: Publication, finding: Finding,
                                    reason: str) -> Finding:
    """A reviewer accepts a finding of the current revision, with a reason."""
    with transaction.atomic():
        publication = _lock(publication)
        publication.guard("acknowledge_finding")
        finding = publication.findings.select_for_update().get(pk=finding.pk)
        if finding.revision != publication.revision:
            raise DomainError(_("This finding belongs to an earlier revision."), "stale_revision",
                              status=409)
        if actor.pk in publication.review_author_ids():
            raise DomainError(_("You wrote this publication, so a reviewer must acknowledge "
                                "its findings."), "own_item", status=403)
        if not can(actor, "publications.acknowledge_finding", publication):  # on the locked row
            raise DomainError(_("Only the association's reviewers and principal acknowledge "
                                "findings."), "not_reviewer", status=403)
        finding = records.acknowledge_finding(publication, finding, actor=actor, reason=reason)
        _count_findings(publication)
        _save(publication, "finding_count", "open_finding_count")
        records.add_entry(publication, Publication.EntryKind.FINDING_ACKNOWLEDGED, actor,
                          labelled(f"{finding.type_label} {finding.masked}", finding.acknowledged_reason))
        _audit(actor, "finding_acknowledged", publication, after={
            "finding": finding.pk, "type": finding.type, "masked": finding.masked,
            "reason": finding.acknowledged_reason, "revision": publication.revision})
        return finding


# ---- after approval ---------------------------------------------------------------------

def publication_record_published(*, actor: Any, publication: Publication, channel: Channel,
                                 url: str, published_at: dt.datetime | None = None) -> Placement:
    """Record where and when the approved revision went out on one of its channels."""
    with transaction.atomic():
        publication = _lock(publication)
        publication.guard("record_published")
        channel = Channel.objects.filter(pk=getattr(channel, "pk", channel),
                                         publications=publication).first()
        if channel is None:
            raise DomainError(_("Choose one of the publication's channels."), "bad_channel",
                              field="channel")
        if channel.status == ChannelStatus.PAUSED:
            raise DomainError(_("The channel “%(name)s” is paused: nothing can be recorded as "
                                "published on it until it is resumed.") % {"name": channel.name},
                              "channel_paused", status=409)
        if channel.status == ChannelStatus.CLOSED:
            raise DomainError(_("The channel “%(name)s” is closed.") % {"name": channel.name},
                              "channel_closed", status=409)
        placement = Placement(publication=publication, channel=channel,
                              revision=publication.approved_revision or publication.revision,
                              url=(url or "").strip(), published_at=published_at or timezone.now(),
                              recorded_by=actor)
        try:
            placement.full_clean(exclude=["publication", "channel", "recorded_by"])
        except ValidationError as exc:
            raise DomainError(" ".join(exc.messages) if "url" not in exc.message_dict else
                              _("Give the full address where it was published, starting with "
                                "https://."), "bad_url", field="url")
        try:
            with transaction.atomic():
                placement.save()
        except IntegrityError:
            raise DomainError(_("It was already recorded as published on “%(name)s”.") % {
                "name": channel.name}, "already_published", status=409)
        was = publication.status
        publication.status = Status.PUBLISHED
        publication.published_at = publication.published_at or placement.published_at
        _save(publication, "status", "published_at")
        records.add_entry(publication, Publication.EntryKind.PUBLISHED, actor, labelled(channel.name, placement.url))
        _audit(actor, "published", publication, before={"status": was}, after={
            "status": publication.status, "channel": channel.pk, "url": placement.url,
            "published_at": placement.published_at.isoformat(), "revision": placement.revision})
        return placement


def publication_withdraw(*, actor: Any, publication: Publication, reason: str) -> Publication:
    """Record that the published content was taken down, and why."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why it is withdrawn."), "reason_required", field="reason")
    with transaction.atomic():
        publication = _lock(publication)
        publication.guard("withdraw")
        now = timezone.now()
        publication.status, publication.withdrawn_at = Status.WITHDRAWN, now
        publication.withdraw_reason = reason
        _save(publication, "status", "withdrawn_at", "withdraw_reason")
        publication.placements.filter(withdrawn_at=None).update(withdrawn_at=now)
        records.add_entry(publication, Publication.EntryKind.WITHDRAWN, actor, reason)
        _audit(actor, "withdraw", publication, before={"status": Status.PUBLISHED},
               after={"status": publication.status, "reason": reason})
        _tell([*_authors(publication), *_members(publication.organization_id, {Role.PRINCIPAL})],
              publication, "withdrawn", _("A publication was withdrawn"), reason)
        return publication
