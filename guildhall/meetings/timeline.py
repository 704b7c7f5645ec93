"""The meeting's history for its page: revisions, recording, cancelling, follow-up tasks."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from guildhall.meetings.models import Meeting
from guildhall.records import services as records


def timeline(meeting: Meeting) -> list[dict[str, Any]]:
    """Return every event in the meeting's life, oldest first."""
    return records.timeline_items(meeting, revision_label=_revision_label,
                                  revision_text=_revision_text)


def _revision_label(rev: Any) -> str:
    return _("Revision %(n)d") % {"n": rev.number}


def _revision_text(rev: Any) -> str:
    if rev.number == 1:
        return ""
    return _("Changed: %(fields)s") % {"fields": "、".join(field_label(f) for f in rev.changed_fields)}


def field_label(name: str) -> str:
    if name == "attachments":
        return str(_("files"))
    return str(Meeting._meta.get_field(name).verbose_name)
