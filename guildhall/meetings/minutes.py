"""The minutes of a meeting as a Word document, in a plain layout: title, time, place, chair,
attendees, agenda, conclusions and follow-up tasks. (The official-document layout of
GB/T 9704-2012 comes with the document module.)"""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from guildhall.meetings.models import Meeting
from guildhall.meetings.services import follow_ups


def _place(meeting: Meeting) -> str:
    return "；".join(p for p in (meeting.venue, meeting.online_platform and
                                  _("online: %(platform)s") % {"platform": meeting.online_platform}) if p)


def attendee_line(meeting: Meeting) -> str:
    names = "、".join(u.display_name for u in meeting.attendees.order_by("full_name", "username"))
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
    """Return the minutes of `meeting` as the bytes of a .docx file."""
    from docx import Document

    doc = Document()
    doc.core_properties.title = meeting.title
    doc.add_heading(_("Minutes of the special meeting"), level=0)
    doc.add_heading(meeting.title, level=1)
    for label, value in (
            (_("Association"), meeting.organization.name),
            (_("Time"), f"{timezone.localtime(meeting.held_at):%Y-%m-%d %H:%M}"),
            (_("Place"), _place(meeting) or "—"),
            (_("Chair"), meeting.chair.display_name),
            (_("Attendees"), attendee_line(meeting))):
        paragraph = doc.add_paragraph()
        paragraph.add_run(f"{label}：").bold = True
        paragraph.add_run(value)
    for heading, lines in ((_("Agenda"), meeting.agenda or []),
                           (_("Conclusions"), meeting.conclusions or []),
                           (_("Follow-up tasks"), [task_line(i) for i in follow_ups(meeting)])):
        doc.add_heading(heading, level=2)
        if not lines:
            doc.add_paragraph("—")
        for number, line in enumerate(lines, start=1):
            # Numbered by hand: Word's list numbering would run on from one list to the next.
            doc.add_paragraph(f"{number}. {line}")
    if meeting.notes:
        doc.add_heading(_("Discussion"), level=2)
        for line in meeting.notes.splitlines():
            if line.strip():
                doc.add_paragraph(line.strip())
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
