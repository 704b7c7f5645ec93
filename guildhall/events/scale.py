"""Province-scale filings for the page benchmark (`guildhall seed_scale`)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from guildhall.events.models import EventType, Filing, FilingGram, Status
from guildhall.events.search import filing_text, grams_of
from guildhall.kit.scale import bulk_insert, numbered, people_of

PER_YEAR = 8
# Most filings of past years are closed; a few of every state stay open.
STATES = [Status.CLOSED] * 10 + [Status.APPROVED, Status.SUBMITTED, Status.SIGNOFF, Status.DRAFT,
                                  Status.RETURNED, Status.REJECTED, Status.CANCELLED, Status.HALTED]


def seed_scale(orgs: list[Any], *, years: int, rnd: random.Random, log: Any) -> None:
    editors = people_of(orgs, "editor")
    now = timezone.now()

    def rows():
        for org, n in numbered(orgs, years * PER_YEAR):
            starts = now - dt.timedelta(days=rnd.randrange(-60, 365 * years), hours=rnd.randrange(8))
            status = rnd.choice(STATES)
            filing = Filing(
                organization=org, title=f"{org.short_name}第{n + 1}次活动", type=rnd.choice(EventType.values),
                starts_at=starts, ends_at=starts + dt.timedelta(hours=3), venue="会议中心",
                organizer=org.name, expected_attendance=rnd.randrange(20, 400), status=status,
                created_by_id=editors[org.code],
                decision_due=(starts - dt.timedelta(days=3)).date()
                if status == Status.SUBMITTED else None,
                description=f"{org.short_name}组织会员开展第{n + 1}次专题活动，邀请业内专家作报告并交流"
                            f"经验，会后形成纪要报主管单位。")
            filing.search_text = filing_text(filing)
            yield filing
    bulk_insert(Filing, rows())
    bulk_insert(FilingGram, (gram for filing in Filing.objects.only("pk", "search_text").iterator(
        chunk_size=2000) for gram in grams_of(filing)))
    log(f"{Filing.objects.count()} event filings, {FilingGram.objects.count()} grams")
