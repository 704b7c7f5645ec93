"""Reminders and escalations for decision and summary deadlines (deduplicated per filing)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guildhall.events import services
from guildhall.events.models import Filing, Status
from guildhall.notifications import calendar
from guildhall.notifications.services import Due, Message, reminder_source


def _message(filing: Filing, kind: str, key: str, subject: Any, body: Any = "") -> Message:
    title = filing.title
    return Message(
        kind=f"events.{kind}", subject=lambda: f"{subject}: {title}", body=body,
        url=reverse("events:filing_detail", args=[filing.organization_id, filing.pk]),
        organization=filing.organization, dedupe_key=key)


@reminder_source
def decision_deadlines(now: dt.datetime) -> Iterable[Due]:
    """Remind approvers on the last working day; escalate to the supervisor admin after it."""
    today = timezone.localdate(now)
    tomorrow = calendar.add_working_days(today, 1)
    filings = Filing.objects.filter(status=Status.SUBMITTED, decision_due__lt=tomorrow) \
        .select_related("organization")
    for filing in filings.iterator():
        key = f"events:{filing.pk}:r{filing.review_round}"
        if filing.decision_due >= today:
            yield Due(list(services.approvers_of(filing)), _message(
                filing, "decision_due", f"{key}:decision-due", _("A decision is due today")))
        else:
            recipients = [*services.approvers_of(filing), *services.supervisor_admins_of(filing)]
            yield Due(recipients, _message(
                filing, "decision_overdue", f"{key}:decision-overdue",
                _("A filing decision is overdue")))


@reminder_source
def summary_deadlines(now: dt.datetime) -> Iterable[Due]:
    """Tell the filer and the principal once the summary is due, and again when it is late."""
    today = timezone.localdate(now)
    filings = Filing.objects.filter(
        status__in=[Status.APPROVED, Status.HALTED], ends_at__lte=now,
    ).select_related("organization", "created_by")
    for filing in filings.iterator():
        key = f"events:{filing.pk}:summary"
        recipients = services.filer_and_principal(filing)
        if filing.summary_due and filing.summary_due < today:
            yield Due(recipients, _message(filing, "summary_overdue", f"{key}-overdue",
                                           _("The event summary is overdue")))
        else:
            due = filing.summary_due.isoformat() if filing.summary_due else ""
            yield Due(recipients, _message(
                filing, "summary_due", f"{key}-due", _("The event summary is due"),
                lambda due=due: str(_("Submit it by %(date)s.") % {"date": due})))
