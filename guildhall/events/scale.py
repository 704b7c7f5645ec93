"""Province-scale filings for the page benchmark (`guildhall seed_scale`)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from guildhall.events.models import EventType, Filing, Status

PER_YEAR = 8
# Most filings of past years are closed; a few of every state stay open.
STATES = [Status.CLOSED] * 10 + [Status.APPROVED, Status.SUBMITTED, Status.SIGNOFF, Status.DRAFT,
                                  Status.RETURNED, Status.REJECTED, Status.CANCELLED, Status.HALTED]


def seed_scale(orgs: list[Any], *, years: int, rnd: random.Random, log: Any) -> None:
    editors = dict(get_user_model().objects.filter(
        username__in=[f"{o.code}-editor" for o in orgs]).values_list("username", "pk"))
    now = timezone.now()
    batch = []
    for org in orgs:
        for n in range(years * PER_YEAR):
            starts = now - dt.timedelta(days=rnd.randrange(-60, 365 * years), hours=rnd.randrange(8))
            status = rnd.choice(STATES)
            batch.append(Filing(
                organization=org, title=f"{org.short_name}第{n + 1}次活动", type=rnd.choice(EventType.values),
                starts_at=starts, ends_at=starts + dt.timedelta(hours=3), venue="会议中心",
                organizer=org.name, expected_attendance=rnd.randrange(20, 400), status=status,
                created_by_id=editors[f"{org.code}-editor"],
                decision_due=(starts - dt.timedelta(days=3)).date()
                if status == Status.SUBMITTED else None))
        if len(batch) >= 5000:
            Filing.objects.bulk_create(batch)
            batch = []
    Filing.objects.bulk_create(batch)
    log(f"{Filing.objects.count()} event filings")
