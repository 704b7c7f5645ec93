"""What the other modules may reach of this one without importing it (see `kit.links`):
approved filings as evidence."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from guildhall.events.models import APPROVED_STATES, Filing
from guildhall.kit import links

links.register(links.LinkKind(
    key="events.filing", label=_("Approved event filing"),
    linkable=lambda org: Filing.objects.filter(organization=org, status__in=APPROVED_STATES),
    name=lambda f: f.title,
    details=lambda f: [(label, value) for label, value in (
        (_("on-site responsible person"),
         (f.onsite_person.get_full_name() or f.onsite_person.username) if f.onsite_person else ""),
        (_("on-site phone"), f.onsite_phone),
        (_("how the event is halted"), f.halt_procedure),
        (_("who is told"), f.notify_list),
        (_("fallback arrangements"), f.fallback)) if value]))
