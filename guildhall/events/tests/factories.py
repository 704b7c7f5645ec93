"""Filings in a given state for tests and the isolation matrix."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from guildhall.core.errors import DomainError
from guildhall.events import services
from guildhall.events.models import Filing

FOREIGN_TEXT = "交流议程\n联系人：张先生，手机 13912345678\n".encode()


def at(days: int, hour: int = 9) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, 0))


def filing_data(**extra: Any) -> dict[str, Any]:
    data = {"title": "行业发展研讨会", "type": "seminar", "starts_at": at(40), "ends_at": at(40, 12),
            "venue": "协会会议室", "organizer": "", "expected_attendance": 50,
            "speakers": [{"name": "李老师", "affiliation": "南京大学", "topic": "行业趋势"}]}
    data.update(extra)
    return data


def txt(name: str = "notes.txt", content: bytes = "会议材料".encode()) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/plain")


def make_filing(cast: Any, org: Any, state: str = "draft", **extra: Any) -> Filing:
    """Create a filing of `org` by its editor and walk it to `state`."""
    code = org.code
    user = cast.user
    if state == "foreign_findings":
        extra.setdefault("type", "foreign_exchange")
        extra.setdefault("co_organizers", [{"name": "Foreign Partner", "foreign": True}])
        extra.setdefault("onsite_person", user(f"{code}-staff"))
        extra.setdefault("onsite_phone", "025-83001234")
        extra.setdefault("halt_procedure", "宣布暂停")
        extra.setdefault("notify_list", "主要负责人")
    extra.setdefault("onsite_person", user(f"{code}-staff"))
    filing = services.filing_create(actor=user(f"{code}-editor"), org=org, data=filing_data(**extra))
    if state == "draft":
        return filing
    if state == "with_attachment":
        services.attachment_add(actor=user(f"{code}-editor"), filing=filing, upload=txt())
        return Filing.objects.get(pk=filing.pk)
    if state == "foreign_findings":
        services.attachment_add(actor=user(f"{code}-editor"), filing=filing,
                                upload=txt("agenda.txt", FOREIGN_TEXT), for_foreign_party=True)
        try:
            services.filing_submit(actor=user(f"{code}-editor"), filing=filing)
        except DomainError:
            pass
        return Filing.objects.get(pk=filing.pk)
    filing = services.filing_submit(actor=user(f"{code}-editor"), filing=filing)
    if state == "signoff":
        return filing
    filing = services.filing_sign_off(actor=user(f"{code}-principal"), filing=filing,
                                      revision=filing.revision)
    if state == "submitted":
        return filing
    approver = user(f"{org.parent.code}-approver")
    filing = services.filing_approve(actor=approver, filing=filing, revision=filing.revision)
    if state == "approved":
        return filing
    if state == "underway":  # approved and started an hour ago: it can be halted
        return started(filing)
    start = timezone.now() - dt.timedelta(days=2)
    Filing.objects.filter(pk=filing.pk).update(starts_at=start, ends_at=start + dt.timedelta(hours=3))
    filing.refresh_from_db()
    if state == "ended":
        return filing
    services.filing_summarize(actor=user(f"{code}-editor"), filing=filing,
                              what_happened="按计划举行", attendance=40)
    return Filing.objects.get(pk=filing.pk)


def started(filing: Filing, hours_ago: int = 1) -> Filing:
    """The filing's event began `hours_ago` hours ago and lasts four hours."""
    start = timezone.now() - dt.timedelta(hours=hours_ago)
    Filing.objects.filter(pk=filing.pk).update(starts_at=start, ends_at=start + dt.timedelta(hours=4))
    filing.refresh_from_db()
    return filing
