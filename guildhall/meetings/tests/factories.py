"""Meetings in a given state, and a stand-in for the annual plan's "make a plan item"."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from typing import Any

from django.utils import timezone

from guildhall.kit import links
from guildhall.meetings import services
from guildhall.meetings.models import Meeting


def at(days: int, hour: int = 9) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, 0))


def meeting_data(cast: Any, org: Any, **extra: Any) -> dict[str, Any]:
    code = org.code
    data = {"title": "专题研究会", "held_at": timezone.now() - dt.timedelta(hours=2),
            "venue": "协会会议室", "chair": cast.user(f"{code}-principal"),
            "attendees": [cast.user(f"{code}-principal"), cast.user(f"{code}-editor")],
            "other_attendees": 1, "agenda": ["传达文件", "研究部署"],
            "conclusions": ["修订活动报备流程", "开展内容自查"]}
    data.update(extra)
    return data


def make_meeting(cast: Any, org: Any, state: str = "draft", **extra: Any) -> Meeting:
    editor = cast.user(f"{org.code}-editor")
    meeting = services.meeting_create(actor=editor, org=org, data=meeting_data(cast, org, **extra))
    if state in ("held", "cancelled"):
        if state == "held":
            meeting = services.meeting_record(actor=editor, meeting=meeting)
        else:
            meeting = services.meeting_cancel(actor=editor, meeting=meeting, reason="改期")
    return meeting


#: The calls the stand-in received (keyword arguments), newest last.
FAKE_CALLS: list[dict[str, Any]] = []


def fake_make_plan_item(**kwargs: Any) -> Any:
    """Stand in for the annual plan: keep a record with the task's title (a draft event
    filing of the association: any record with a title and a page will do) and link it back
    to the meeting as its origin, as the plan module does."""
    from guildhall.events.models import Filing
    from guildhall.records.services import add_link

    FAKE_CALLS.append(kwargs)
    org, start = kwargs["organization"], timezone.now() + dt.timedelta(days=60)
    item = Filing.objects.create(organization=org, title=kwargs["title"], type="seminar",
                                 starts_at=start, ends_at=start + dt.timedelta(hours=2),
                                 venue="—", organizer=org.name, created_by=kwargs["actor"])
    add_link(item, kwargs["source"], kind=kwargs["source_kind"], role="origin",
             actor=kwargs["actor"])
    return item


@contextmanager
def plan_slot(function: Any = fake_make_plan_item):
    """Fill the plan's slot with `function` (None: empty it) and restore it afterwards."""
    saved = links.make_plan_item.function
    links.make_plan_item.function = function
    FAKE_CALLS.clear()
    try:
        yield FAKE_CALLS
    finally:
        links.make_plan_item.function = saved
