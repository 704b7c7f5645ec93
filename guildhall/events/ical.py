"""The iCal feed of an organization's approved events."""

from __future__ import annotations

import datetime as dt
from typing import Any

import icalendar
from django.urls import reverse
from django.utils import timezone

from guildhall.events.models import Status
from guildhall.events.queries import approved_filings

#: A feed holds the approved events that ended within this many days, and all later ones.
HISTORY_DAYS = 366


def feed(org: Any, base_url: str) -> bytes:
    """Return the iCalendar file of the approved, not cancelled events of `org`."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Guildhall//events//")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", str(org))
    since = timezone.now() - dt.timedelta(days=HISTORY_DAYS)
    for filing in approved_filings(org).filter(ends_at__gte=since).order_by("starts_at")[:5000]:
        event = icalendar.Event()
        event.add("uid", f"filing-{filing.pk}@guildhall")
        title = filing.title if filing.status != Status.HALTED else f"[{Status.HALTED.label}] {filing.title}"
        event.add("summary", title)
        event.add("dtstart", filing.starts_at)
        event.add("dtend", filing.ends_at)
        event.add("dtstamp", filing.updated_at)
        event.add("location", filing.venue or filing.online_platform)
        event.add("description", f"{filing.organization} · {filing.get_type_display()}")
        event.add("url", base_url + reverse("events:filing_detail", args=[filing.organization_id, filing.pk]))
        cal.add_component(event)
    return cal.to_ical()
