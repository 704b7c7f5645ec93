"""Study sessions and codes in a given state."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from guildhall.study import services
from guildhall.study.models import Code, CodeVersion, Form, StudySession


def session_data(cast: Any, org: Any, **extra: Any) -> dict[str, Any]:
    code = org.code
    data = {"topic": "学习会", "form": Form.GROUP,
            "held_at": timezone.now() - dt.timedelta(hours=3), "hours": Decimal("2"),
            "venue": "协会会议室", "leader": "秘书长",
            "attendees": [cast.user(f"{code}-principal"), cast.user(f"{code}-editor")],
            "other_attendees": 1, "minutes": "传达学习文件。"}
    data.update(extra)
    return data


def make_session(cast: Any, org: Any, state: str = "draft", **extra: Any) -> StudySession:
    session = services.session_create(actor=cast.user(f"{org.code}-editor"), org=org,
                                      data=session_data(cast, org, **extra))
    if state == "confirmed":
        session = services.session_confirm(actor=cast.user(f"{org.code}-principal"),
                                           session=session)
    return session


def make_code(cast: Any, org: Any, state: str = "draft", title: str = "自律规约") -> Code:
    """A code whose version 1 is in `state` (draft, in_review, adopted or published)."""
    code = services.code_create(actor=cast.user(f"{org.code}-admin"), org=org, data={
        "title": title, "kind": "self_discipline", "body": "第一条 遵守法律。",
        "effective_date": dt.date(2026, 1, 1)})
    version = code.versions.get(number=1)
    if state in ("in_review", "adopted", "published"):
        version = services.version_submit(actor=cast.user(f"{org.code}-admin"), version=version)
    if state in ("adopted", "published"):
        version = services.version_adopt(actor=cast.user(f"{org.code}-principal"), version=version)
    if state == "published":
        services.version_publish(actor=cast.user(f"{org.code}-admin"), version=version)
    return code


def version_of(code: Code, number: int = 1) -> CodeVersion:
    return code.versions.get(number=number)


def make_topic(cast: Any, org: Any, year: int = 2026, month: int = 3, **extra: Any) -> Any:
    return services.topic_create(actor=cast.user(f"{org.code}-editor"), org=org, data={
        "year": year, "month": month, "topic": extra.pop("topic", "学习条例"), "form": "group",
        "responsible": cast.user(f"{org.code}-editor"), **extra})
