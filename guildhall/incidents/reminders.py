"""The clocks of incidents, to the minute: a first report not made in time escalates to the
association's principal and to the supervising body's admin; a written report or a
follow-up not sent in time to the principal; a report not acknowledged in time to the
supervising body's admin. Each notice goes to each person once per clock."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from guildhall.incidents import services
from guildhall.incidents.models import Incident, Report, Status
from guildhall.notifications.services import Deadline, Notice, deadline


def _url(incident: Incident) -> str:
    return incident.get_absolute_url()


def _unreported(now):
    return Incident.objects.filter(status=Status.OPEN, first_reported_at=None).select_related(
        "organization")


first_to_principal = deadline(Deadline(
    items=_unreported, due="first_report_due", precise=True, url=_url,
    key=lambda i: f"incidents:{i.pk}:c{i.clock}:first",
    escalate=Notice(kind="incidents.first_report_overdue", to=services.principals_of,
                    subject=_("The first report of an incident is overdue"), key=":principal",
                    body=_("It was due at %(date)s. Report to the supervising body now.")),
))

first_to_supervisor = deadline(Deadline(
    items=_unreported, due="first_report_due", precise=True, url=_url,
    key=lambda i: f"incidents:{i.pk}:c{i.clock}:first",
    escalate=Notice(kind="incidents.first_report_missed", to=services.supervisor_admins_of,
                    subject=_("An association has not reported an incident in time"),
                    key=":supervisor", body=_("The first report was due at %(date)s.")),
))

written = deadline(Deadline(
    items=lambda now: Incident.objects.exclude(status=Status.CLOSED).filter(
        written_reported_at=None, written_due__isnull=False, first_reported_at__isnull=False,
    ).select_related("organization"),
    due="written_due", precise=True, url=_url,
    key=lambda i: f"incidents:{i.pk}:c{i.clock}:written",
    escalate=Notice(kind="incidents.written_report_overdue", to=services.principals_of,
                    subject=_("The written report of an incident is overdue"), key=":principal",
                    body=_("It was due at %(date)s.")),
))

followup = deadline(Deadline(
    items=lambda now: Incident.objects.filter(
        status=Status.REPORTED, followup_due__isnull=False).select_related("organization"),
    due="followup_due", precise=True, url=_url,
    key=lambda i: f"incidents:{i.pk}:c{i.clock}:f{i.followups}",
    escalate=Notice(kind="incidents.follow_up_overdue", to=services.principals_of,
                    subject=_("A follow-up report is overdue"), key=":principal",
                    body=_("It was due at %(date)s.")),
))

acknowledgement = deadline(Deadline(
    # A week back is enough for the job that runs every minute, and keeps each run small
    # however many old reports were never acknowledged.
    items=lambda now: Report.objects.filter(
        acknowledged_at=None, ack_due__gte=now - dt.timedelta(days=7)).select_related(
        "incident__organization"),
    due="ack_due", precise=True, url=lambda r: _url(r.incident),
    key=lambda r: f"incidents:report:{r.pk}:ack",
    escalate=Notice(kind="incidents.acknowledgement_overdue",
                    to=lambda r: services.supervisor_admins_of(r.incident),
                    subject=_("An incident report has not been acknowledged in time"),
                    key=":supervisor", body=_("It was to be acknowledged by %(date)s.")),
))
