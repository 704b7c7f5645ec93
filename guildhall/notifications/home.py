from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from guildhall.core.home import HomeSection, home_section
from guildhall.notifications.services import latest_unread


@home_section
def unread_notifications(user: Any, org: Any) -> HomeSection:
    # The person's own unread notices, as the header counts them: a supervisor's are mostly
    # about the associations below, not the body itself. Each opens what it is about.
    notes = latest_unread(user, 5)  # the header's count from the same query
    return HomeSection(
        title=_("Unread notifications"),
        items=[{"label": n.subject, "url": n.url or reverse("notifications:inbox"),
                "note": n.created_at.strftime("%Y-%m-%d")} for n in notes],
        empty=_("No unread notifications."),
        url=reverse("notifications:inbox"),
    )
