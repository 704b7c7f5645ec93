"""Channels and publications in a given state, made directly (fast) for the matrix and tests.

For a supervising body the objects are made although the services never would: the
matrix then proves that such a body's own people are refused (403) and everybody else
does not even learn it exists (404).
"""

from __future__ import annotations

import itertools
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone

from guildhall.publications.models import (
    Channel,
    ChannelPause,
    ChannelStatus,
    Placement,
    Publication,
    Status,
)
from guildhall.records.models import Attachment, Finding, Revision
from guildhall.reviews.services import OWN

_CACHE: dict[tuple[int, int, str], Any] = {}
_SEQ = itertools.count(1)


def _author(cast: Any, org: Any) -> Any:
    role = "editor" if not org.is_supervisor else "admin"
    return cast.user(f"{org.code}-{role}")


def make_channel(cast: Any, org: Any, *, status: str = ChannelStatus.ACTIVE,
                 name: str = "") -> Channel:
    channel = Channel.objects.create(
        organization=org, type="wechat_official", name=name or f"{org.short_name or org.code}公众号-{next(_SEQ)}",
        account="gh_test", status=status, created_by=_author(cast, org),
        pause_reason="测试暂停" if status == ChannelStatus.PAUSED else "",
        paused_at=timezone.now() if status == ChannelStatus.PAUSED else None)
    if status == ChannelStatus.PAUSED:
        ChannelPause.objects.create(channel=channel, reason="测试暂停", paused_by=_author(cast, org))
    return channel


def make_publication(cast: Any, org: Any, status: str = Status.DRAFT, *,
                     channel: Channel | None = None, finding: bool = False,
                     attachment: bool = False, title: str = "") -> Publication:
    channel = channel or make_channel(cast, org)
    in_review = status == Status.IN_REVIEW
    publication = Publication.objects.create(
        organization=org, title=title or f"{org.name}的文章", planned_at=timezone.now(),
        status=status, created_by=_author(cast, org),
        review_round=1 if status != Status.DRAFT else 0,
        review_roles=["reviewer", "reviewer", "principal"],
        current_step=1 if in_review else 0, current_step_level=OWN if in_review else "",
        current_step_role="reviewer" if in_review else "",
        approved_revision=1 if status in (Status.APPROVED, Status.PUBLISHED) else None,
        scanned_revision=1 if status != Status.DRAFT else None,
        finding_count=1 if finding else 0, open_finding_count=1 if finding else 0)
    publication.channels.set([channel])
    attachments = []
    if attachment:
        a = Attachment(**_subject(publication), original_name="说明.txt",
                       content_type="text/plain", size=6, sha256="0" * 64,
                       uploaded_by=publication.created_by)
        a.file.save("upload", ContentFile("说明".encode()), save=False)
        a.save()
        attachments = [{"id": a.pk, "name": a.original_name, "sha256": a.sha256}]
    Revision.objects.create(**_subject(publication), number=1, created_by=publication.created_by,
                            snapshot={"title": publication.title, "body": "<p>正文</p>",
                                      "planned_at": f"{publication.planned_at:%Y-%m-%d %H:%M}",
                                      "needs_supervisor": False, "channel_names": [channel.name],
                                      "attachments": attachments})
    if finding:
        Finding.objects.create(**_subject(publication), revision=1, source="body",
                               type="CN_MOBILE", masked="139******78", location="1",
                               start=0, end=11)
    if status == Status.PUBLISHED:
        Placement.objects.create(publication=publication, channel=channel, revision=1,
                                 url="https://example.cn/a", published_at=timezone.now(),
                                 recorded_by=publication.created_by)
    return publication


def _subject(publication: Publication) -> dict[str, Any]:
    return {"subject_type": ContentType.objects.get_for_model(Publication),
            "subject_id": publication.pk, "organization": publication.organization}


def cached(cast: Any, org: Any, kind: str, make: Any) -> Any:
    """Build once per test cast, organization and kind (actions in the matrix roll back)."""
    key = (id(cast), org.pk, kind)
    obj = _CACHE.get(key)
    if obj is None or not type(obj).objects.filter(pk=obj.pk).exists():
        obj = make()
        _CACHE[key] = obj
    return obj
