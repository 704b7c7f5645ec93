"""Province-scale publications for the page benchmark (`guildhall seed_scale`)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from guildhall.kit.scale import bulk_insert, numbered, people_of
from guildhall.publications.models import Publication, Status
from guildhall.publications.search import publication_text

PER_YEAR = 12
STATES = [Status.PUBLISHED] * 8 + [Status.APPROVED, Status.IN_REVIEW, Status.IN_REVIEW,
                                    Status.DRAFT, Status.RETURNED, Status.REJECTED,
                                    Status.WITHDRAWN]


def seed_scale(orgs: list[Any], *, years: int, rnd: random.Random, log: Any) -> None:
    editors = people_of(orgs, "editor")
    now = timezone.now()

    def rows():
        for org, n in numbered(orgs, years * PER_YEAR):
            status = rnd.choice(STATES)
            in_review = status == Status.IN_REVIEW
            step = rnd.randrange(1, 4) if in_review else 0
            publication = Publication(
                organization=org, title=f"{org.short_name}动态第{n + 1}期", status=status,
                planned_at=now - dt.timedelta(days=rnd.randrange(-30, 365 * years)),
                review_roles=["reviewer", "reviewer", "principal"],
                review_round=1 if status != Status.DRAFT else 0, current_step=step,
                current_step_level="own" if in_review else "",
                current_step_role=("reviewer", "reviewer", "principal")[step - 1] if in_review else "",
                step_since=now - dt.timedelta(days=rnd.randrange(5)) if in_review else None,
                created_by_id=editors[org.code])
            publication.search_text = publication_text(publication, "")  # no revisions here
            yield publication
    bulk_insert(Publication, rows())
    log(f"{Publication.objects.count()} publications")
