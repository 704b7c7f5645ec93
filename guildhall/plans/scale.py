"""Province-scale plans for the page benchmark and the dashboard (`guildhall seed_scale`):
every association has a plan of ~30 items for every year, assessed for past years."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from guildhall.kit.scale import bulk_insert, people_of
from guildhall.plans.models import Duty, ItemStatus, Plan, PlanItem, PlanStatus

ITEMS = 30
PAST = [ItemStatus.DONE] * 8 + [ItemStatus.DROPPED]
CURRENT = [ItemStatus.DONE] * 3 + [ItemStatus.IN_PROGRESS] * 3 + [
    ItemStatus.NOT_STARTED, ItemStatus.RETURNED]


def seed_scale(orgs: list[Any], *, years: int, rnd: random.Random, log: Any) -> None:
    owners = people_of(orgs, "editor")
    this_year = timezone.localdate().year
    bulk_insert(Plan, (
        Plan(organization=org, year=year,
             status=PlanStatus.ASSESSED if year < this_year else PlanStatus.ACKNOWLEDGED,
             score=rnd.randrange(55, 99) if year < this_year else None,
             grade=rnd.choice(["优秀", "良好", "合格"]) if year < this_year else "")
        for org in orgs for year in range(this_year - years + 1, this_year + 1)))
    plans = Plan.objects.filter(organization__in=orgs).values_list("pk", "organization_id",
                                                                   "organization__code", "year")

    def rows():
        for plan_id, org_id, code, year in plans:
            for n in range(ITEMS):
                status = rnd.choice(PAST if year < this_year else CURRENT)
                yield PlanItem(
                    plan_id=plan_id, organization_id=org_id, title=f"{year}年第{n + 1}项工作",
                    duty=rnd.choice(Duty.values), owner_id=owners.get(code),
                    due_date=dt.date(year, rnd.randrange(1, 13), rnd.randrange(1, 29)),
                    status=status, progress=100 if status == ItemStatus.DONE else rnd.randrange(0, 90),
                    score=rnd.randrange(60, 100) if status == ItemStatus.DONE and year < this_year
                    else None)
    bulk_insert(PlanItem, rows())
    log(f"{Plan.objects.count()} work plans, {PlanItem.objects.count()} plan items")
