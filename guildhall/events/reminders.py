"""The decision and summary deadlines of filings: reminders and escalations."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from guildhall.events import services
from guildhall.events.models import Filing, Status
from guildhall.notifications.services import Deadline, Notice, deadline


def _url(filing: Filing) -> str:
    return reverse("events:filing_detail", args=[filing.organization_id, filing.pk])


#: The approvers are reminded on the last working day; after it the supervisor admins
#: are told as well.
decision = deadline(Deadline(
    items=lambda now: Filing.objects.filter(status=Status.SUBMITTED).select_related("organization"),
    due="decision_due", key=lambda f: f"events:{f.pk}:r{f.review_round}", url=_url,
    remind=Notice(kind="events.decision_due", to=services.approvers_of,
                  subject=_("A decision is due today"), key=":decision-due"),
    before=0,
    escalate=Notice(kind="events.decision_overdue",
                    to=lambda f: [*services.approvers_of(f), *services.supervisor_admins_of(f)],
                    subject=_("A filing decision is overdue"), key=":decision-overdue"),
))

#: The filer and the principal are told once the event has ended, and again when the
#: summary is late.
summary = deadline(Deadline(
    items=lambda now: Filing.objects.filter(status__in=[Status.APPROVED, Status.HALTED],
                                            ends_at__lte=now).select_related("organization"),
    due="summary_due", key=lambda f: f"events:{f.pk}:summary", url=_url,
    remind=Notice(kind="events.summary_due", to=services.filer_and_principal,
                  subject=_("The event summary is due"), key="-due",
                  body=_("Submit it by %(date)s.")),
    before=None,
    escalate=Notice(kind="events.summary_overdue", to=services.filer_and_principal,
                    subject=_("The event summary is overdue"), key="-overdue"),
))
