"""What the other modules may reach of this one without importing it (see `kit.links`):
held meetings, as the evidence of a plan item."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guildhall.kit import links
from guildhall.meetings.models import Meeting, Status

links.register(links.LinkKind(
    key="meetings.meeting", label=_("Special meeting"),
    linkable=lambda org: Meeting.objects.filter(organization=org, status=Status.HELD),
    name=lambda m: f"{m.title}（{timezone.localtime(m.held_at):%Y-%m-%d}）",
    details=lambda m: [(label, value) for label, value in (
        (_("chair"), m.chair.display_name if m.chair_id else ""),
        (_("conclusions"), "；".join(m.conclusions or []))) if value]))
