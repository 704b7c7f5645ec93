"""The minutes of a meeting as a Word document, in a plain layout: title, time, place, chair,
attendees, agenda, conclusions and follow-up tasks, written with the `documents`
machinery in the layout of GB/T 9704-2012."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from guildhall.documents.numbers import document_date
from guildhall.documents.pdf import stand_in_note
from guildhall.documents.writer import OfficialDocument
from guildhall.kit import attendees as kit_attendees
from guildhall.meetings.models import Meeting
from guildhall.meetings.services import follow_ups


def _place(meeting: Meeting) -> str:
    return "；".join(p for p in (meeting.venue, meeting.online_platform and
                                  _("online: %(platform)s") % {"platform": meeting.online_platform}) if p)


def attendee_line(meeting: Meeting) -> str:
    names = "、".join(u.display_name for u in kit_attendees.by_name(meeting))
    if meeting.other_attendees:
        others = _("and %(n)d others") % {"n": meeting.other_attendees}
        names = f"{names}，{others}" if names else others
    return names or "—"


def task_line(item: Any) -> str:
    """A follow-up task as the minutes name it: its title, owner and due date when the plan
    item has them."""
    parts = [str(getattr(item, "title", item))]
    owner = getattr(item, "owner", None)
    if owner is not None:
        parts.append(getattr(owner, "display_name", str(owner)))
    due = getattr(item, "due_date", None)
    if due:
        parts.append(_("due %(date)s") % {"date": due.isoformat()})
    return " · ".join(parts)


def minutes_docx(meeting: Meeting) -> bytes:
    """Return the minutes of `meeting` as the bytes of a .docx file, in the layout of
    official documents (the `documents` machinery)."""
    held = timezone.localtime(meeting.held_at)
    doc = OfficialDocument(title=meeting.title, author=meeting.organization.name,
                           note=stand_in_note())
    heading = _("Minutes of the special meeting")
    doc.title(f"{heading}：{meeting.title}")
    for label, value in (
            (_("Association"), meeting.organization.name),
            (_("Time"), f"{document_date(held.date())} {held:%H:%M}"),
            (_("Place"), _place(meeting) or "—"),
            (_("Chair"), meeting.chair.display_name),
            (_("Attendees"), attendee_line(meeting))):
        doc.text(f"{label}：{value}")
    parts = [(_("Agenda"), meeting.agenda or []), (_("Conclusions"), meeting.conclusions or []),
             (_("Follow-up tasks"), [task_line(i) for i in follow_ups(meeting)])]
    notes = [line.strip() for line in (meeting.notes or "").splitlines() if line.strip()]
    if notes:
        parts.append((_("Discussion"), notes))
    for heading, lines in parts:
        doc.heading(1, str(heading))
        if not lines:
            doc.text("—")
        for line in lines:
            doc.heading(3, line)
    doc.imprint(issuer=meeting.organization.name, day=held.date())
    return doc.bytes()
