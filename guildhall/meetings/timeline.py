"""The meeting's history for its page: revisions, recording, cancelling, follow-up tasks."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from guildhall.meetings.models import SNAPSHOT_FIELDS, Meeting
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


def _show(name: str, value: Any, people: dict[int, str]) -> str:
    if value in (None, "", []):
        return "—"
    if name == "chair":
        return people.get(value, "—")
    if name == "attendees":
        return "、".join(people.get(pk, "—") for pk in value)
    if name in ("agenda", "conclusions"):
        return "\n".join(f"{n}. {line}" for n, line in enumerate(value, start=1))
    if name == "attachments":
        return "\n".join(a["name"] for a in value)
    return str(value)


def diff_rows(a: dict[str, Any], b: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the fields that differ between two snapshots, people by name, both values shown."""
    from django.contrib.auth import get_user_model

    names = [n for n in (*SNAPSHOT_FIELDS, "attachments") if a.get(n) != b.get(n)]
    ids = {pk for snap in (a, b) for pk in [snap.get("chair"), *(snap.get("attendees") or [])] if pk}
    people = {u.pk: u.display_name for u in get_user_model().objects.filter(pk__in=ids)} if ids else {}
    return [{"label": field_label(n), "old": _show(n, a.get(n), people),
             "new": _show(n, b.get(n), people)} for n in names]
