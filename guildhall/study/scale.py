"""Province-scale study sessions and codes for the page benchmark (`guildhall seed_scale`)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from guildhall.kit.scale import bulk_insert, numbered, people_of
from guildhall.study.models import (
    Code,
    CodeKind,
    CodeVersion,
    Form,
    SessionStatus,
    StudySession,
    VersionStatus,
)

#: Study sessions a year of each association.
PER_YEAR = 6
FORMS = list(Form.values)


def seed_scale(orgs: list[Any], *, years: int, rnd: random.Random, log: Any) -> None:
    editors = people_of(orgs, "editor")
    principals = people_of(orgs, "principal")
    now = timezone.now()

    def sessions():
        for org, n in numbered(orgs, years * PER_YEAR):
            held_at = now - dt.timedelta(days=rnd.randrange(1, 365 * years), hours=rnd.randrange(8))
            confirmed = rnd.random() < 0.85
            yield StudySession(
                organization=org, topic=f"{org.short_name}第{n + 1}次学习", form=rnd.choice(FORMS),
                held_at=held_at, venue="协会会议室", leader="秘书长",
                hours=Decimal(rnd.choice(["1", "1.5", "2", "3"])), other_attendees=rnd.randrange(5),
                members_then=rnd.randrange(5, 30) if confirmed else None,
                status=SessionStatus.CONFIRMED if confirmed else SessionStatus.DRAFT,
                confirmed_at=held_at if confirmed else None,
                confirmed_by_id=principals[org.code] if confirmed else None,
                created_by_id=editors[org.code])
    bulk_insert(StudySession, sessions())

    bulk_insert(Code, (Code(organization=org, title="协会自律规约", kind=CodeKind.SELF_DISCIPLINE,
                            revision=1, created_by_id=editors[org.code]) for org in orgs))
    codes = Code.objects.filter(organization__in=orgs).values_list("pk", "organization_id")
    by_org = {o.pk: o for o in orgs}
    bulk_insert(CodeVersion, (CodeVersion(
        code_id=pk, organization_id=org_id, number=1, body="<p>第一条 遵守法律法规。</p>",
        effective_date=dt.date(now.year, 1, 1), status=VersionStatus.PUBLISHED, published_at=now,
        created_by_id=editors[by_org[org_id].code]) for pk, org_id in codes))
    log(f"{StudySession.objects.count()} study sessions, {Code.objects.count()} codes of conduct")
