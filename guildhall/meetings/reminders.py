"""The yearly minimum of special meetings: the principal of an association that has held
fewer than its supervising body asks for is reminded ahead of the day they should be held
by, and told again once it has passed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Case, Count, DateField, F, IntegerField, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guildhall.meetings import services
from guildhall.meetings.models import AssociationMeetings, MeetingRules
from guildhall.meetings.queries import held_q
from guildhall.notifications.services import Deadline, Notice, deadline
from guildhall.orgs.models import Organization

#: The principal is reminded from this many working days before the day.
REMIND_DAYS = 10


def behind(now: dt.datetime) -> QuerySet[AssociationMeetings]:
    """Return the active associations that have held fewer meetings this year than the
    body directly above them asks for, each with the day (`meetings_due`) they should be
    held by. The rules are few (one per supervising body): they become one CASE each."""
    year = timezone.localdate(now).year
    rules = list(MeetingRules.objects.all())
    default = MeetingRules()
    return AssociationMeetings.objects.filter(
        kind=Organization.Kind.ASSOCIATION, is_active=True,
    ).annotate(
        held=Count("meetings", filter=held_q(year)),
        minimum=Case(*[When(parent_id=r.supervisor_id, then=Value(r.minimum_per_year)) for r in rules],
                     default=Value(default.minimum_per_year), output_field=IntegerField()),
        meetings_due=Case(*[When(parent_id=r.supervisor_id, then=Value(r.held_by(year)))
                            for r in rules],
                          default=Value(default.held_by(year)), output_field=DateField()),
    ).filter(held__lt=F("minimum"))


def _key(org: Any) -> str:
    return f"meetings:minimum:{org.pk}:{org.meetings_due.year}"


def _url(org: Any) -> str:
    return reverse("meetings:meeting_list", args=[org.pk])


minimum = deadline(Deadline(
    items=behind, due="meetings_due", key=_key, url=_url,
    remind=Notice(kind="meetings.minimum_due", to=services.principals_of,
                  subject=_("Special meetings still to be held this year"), key=":due",
                  body=_("Your supervising body asks for a minimum number of special meetings "
                         "each year, held by %(date)s.")),
    before=REMIND_DAYS,
    escalate=Notice(kind="meetings.minimum_missed", to=services.principals_of,
                    subject=_("Fewer special meetings held than required"), key=":missed",
                    body=_("The special meetings your supervising body asks for were due by "
                           "%(date)s.")),
))
