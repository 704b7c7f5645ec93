"""The filing's history for its page: revisions, submissions, decisions, halts, summary."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from guildhall.core.lines import labelled
from guildhall.events.models import Filing
from guildhall.records import services as records
from guildhall.reviews import services as reviews


def timeline(filing: Filing) -> list[dict[str, Any]]:
    """Return every event in the filing's life, oldest first."""
    extra: list[dict[str, Any]] = []
    for decision in reviews.decisions_for(filing):
        extra.append({"at": decision.decided_at, "kind": f"decision-{decision.verdict}",
                      "label": labelled(decision.step_name, decision.get_verdict_display()),
                      "actor": decision.reviewer, "revision": decision.revision,
                      "text": decision.comment})
    for halt in filing.halts.select_related("recorded_by"):
        extra.append({"at": halt.halted_at, "kind": "halt", "label": _("Halted"),
                      "actor": halt.recorded_by, "revision": None,
                      "text": f"{halt.reason} — {halt.actions_taken}"})
    summary = getattr(filing, "summary", None) if hasattr(filing, "summary") else None
    if summary is not None:
        extra.append({"at": summary.submitted_at, "kind": "summary", "label": _("Summary"),
                      "actor": summary.submitted_by, "revision": None,
                      "text": summary.what_happened})
    return records.timeline_items(filing, revision_label=_revision_label,
                                  revision_text=_revision_text, extra=extra)


def _revision_label(rev: Any) -> str:
    label = _("Revision %(n)d") % {"n": rev.number}
    if rev.material:
        label += " · " + _("material change")
    return label


def _revision_text(rev: Any) -> str:
    return "、".join(_field_label(f) for f in rev.changed_fields) if rev.number > 1 else ""


def _field_label(name: str) -> str:
    if name == "attachments":
        return str(_("materials"))
    return str(Filing._meta.get_field(name).verbose_name)


def _show(name: str, value: Any) -> str:
    if value in (None, "", []):
        return "—"
    if name == "speakers":
        return "\n".join(" | ".join(filter(None, (s.get("name"), s.get("affiliation"),
                                                   s.get("topic")))) for s in value)
    if name == "co_organizers":
        foreign = _("foreign")
        return "\n".join(c["name"] + (f" ({foreign})" if c.get("foreign") else "")
                         for c in value)
    if name == "attachments":
        return "\n".join(a["name"] for a in value)
    if name == "onsite_person":
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.filter(pk=value).first()
        return user.display_name if user else "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def diff_rows(a: dict[str, Any], b: dict[str, Any], fields: tuple[str, ...]) -> list[dict[str, Any]]:
    """Return the fields that differ between two snapshots, with both values shown."""
    rows = []
    for name in (*fields, "attachments"):
        if a.get(name) != b.get(name):
            rows.append({"label": _field_label(name), "old": _show(name, a.get(name)),
                         "new": _show(name, b.get(name))})
    return rows


__all__ = ["diff_rows", "timeline"]
