"""What the other modules may reach of this one without importing it (see `kit.links`):
approved filings as evidence."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from guildhall.events.models import APPROVED_STATES, Filing
from guildhall.kit import links

links.register(links.LinkKind(
    key="events.filing", label=_("Approved event filing"),
    linkable=lambda org: Filing.objects.filter(organization=org, status__in=APPROVED_STATES),
    name=lambda f: f.title))
