"""Members who have not acknowledged a published code are reminded after ACK_REMIND_DAYS
working days, and once more after twice as many: at most twice (each notice goes to each
person once per version, see `notifications`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from guildhall.notifications.services import Deadline, Notice, deadline
from guildhall.study import services
from guildhall.study.models import CodeVersion, VersionStatus


def _published(now):
    return CodeVersion.objects.filter(status=VersionStatus.PUBLISHED).select_related(
        "organization", "code")


def _notice(key: str) -> Notice:
    return Notice(kind="study.acknowledge_due", to=services.reminder_recipients,
                  subject=_("Please acknowledge the code of conduct"), key=key,
                  body=_("It was published to you; read it and acknowledge it on its page."))


first_reminder = deadline(Deadline(
    items=_published, due="first_reminder_on", key=lambda v: f"study:ack:{v.pk}",
    url=lambda v: v.get_absolute_url(), escalate=_notice(":first"), remind=None))

second_reminder = deadline(Deadline(
    items=_published, due="second_reminder_on", key=lambda v: f"study:ack:{v.pk}",
    url=lambda v: v.get_absolute_url(), escalate=_notice(":second"), remind=None))
