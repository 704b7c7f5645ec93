"""Province-scale meetings for the page benchmark (`guildhall seed_scale`)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from guildhall.kit.scale import bulk_insert, numbered, people_of
from guildhall.meetings import counts
from guildhall.meetings.models import Meeting, Status

#: Between none and four a year (most associations hold the minimum of two).
PER_YEAR = 3
STATES = [Status.HELD] * 8 + [Status.DRAFT, Status.CANCELLED]


def seed_scale(orgs: list[Any], *, years: int, rnd: random.Random, log: Any) -> None:
    editors = people_of(orgs, "editor")
    principals = people_of(orgs, "principal")
    now = timezone.now()

    def rows():
        for org, n in numbered(orgs, years * PER_YEAR):
            held_at = now - dt.timedelta(days=rnd.randrange(0, 365 * years), hours=rnd.randrange(8))
            status = rnd.choice(STATES)
            yield Meeting(
                organization=org, title=f"{org.short_name}第{n + 1}次专题研究会", held_at=held_at,
                venue="协会会议室", chair_id=principals[org.code], other_attendees=rnd.randrange(5),
                agenda=["传达学习上级文件", "研究部署工作"], conclusions=["按计划落实各项工作"],
                status=status, recorded_at=held_at if status == Status.HELD else None,
                created_by_id=editors[org.code])
    bulk_insert(Meeting, rows())
    counts.refresh_all()  # the rows were inserted past the services
    log(f"{Meeting.objects.count()} special meetings")
