"""The filing's approval form (活动报备审批表) as a .docx, with the `documents` machinery:
the event's particulars, its contingency plan and every review decision so far."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from guildhall.documents.numbers import document_date
from guildhall.documents.pdf import stand_in_note
from guildhall.documents.writer import OfficialDocument
from guildhall.events.models import Filing
from guildhall.reviews.services import decisions_for


def _when(value) -> str:
    local = timezone.localtime(value)
    return f"{document_date(local.date())} {local:%H:%M}"


def approval_form_docx(filing: Filing) -> bytes:
    """Return the approval form of `filing` as the bytes of a .docx file."""
    doc = OfficialDocument(title=filing.title, author=filing.organization.name,
                           note=stand_in_note())
    doc.title(_("Event filing and approval form"))
    co = "、".join(c.get("name", "") for c in filing.co_organizers or []) or "—"
    speakers = "；".join(" ".join(p for p in (s.get("name"), s.get("affiliation"), s.get("topic"))
                                  if p) for s in filing.speakers or []) or "—"
    rows = [
        [_("Association"), filing.organization.name],
        [_("Event"), filing.title],
        [_("Type"), str(filing.get_type_display())],
        [_("Time"), f"{_when(filing.starts_at)} — {_when(filing.ends_at)}"],
        [_("Venue or online platform"), "；".join(p for p in (filing.venue, filing.online_platform) if p) or "—"],
        [_("Organizer"), filing.organizer],
        [_("Co-organizers"), co],
        [_("Expected attendance"), str(filing.expected_attendance)],
        [_("Livestreamed"), _("Yes") if filing.livestream else _("No")],
        [_("Speakers"), speakers],
        [_("On-site responsible person"), filing.onsite_person.display_name if filing.onsite_person else "—"],
        [_("How the event is halted"), filing.halt_procedure or "—"],
        [_("Who is told"), filing.notify_list or "—"],
        [_("State"), str(filing.get_status_display())],
    ]
    doc.table(_("Particulars of the event"), [_("Item"), _("Content")], rows, widths=[2, 5])
    decisions = [[d.step_name, d.reviewer.display_name, str(d.get_verdict_display()),
                  d.comment or "—", _when(d.decided_at)] for d in decisions_for(filing)]
    doc.table(_("Review decisions"), [_("Step"), _("Reviewer"), _("Verdict"), _("Comment"), _("Time")],
              decisions or [["—", "—", "—", "—", "—"]], widths=[2, 2, 2, 4, 3])
    doc.imprint(issuer=filing.organization.name, day=timezone.localdate())
    return doc.bytes()
