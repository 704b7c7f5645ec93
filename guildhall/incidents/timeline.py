"""The incident's typed timeline for its page: every report, acknowledgement, change of
severity and state, oldest first."""

from __future__ import annotations

from typing import Any

from guildhall.incidents.models import Incident
from guildhall.records import services as records


def timeline(incident: Incident) -> list[dict[str, Any]]:
    items = records.timeline_items(incident, revision_label=lambda rev: "")
    for item in items:
        item["revision"] = None  # an incident keeps no revisions: the number says nothing
    return items
