"""Province-scale data for the page benchmarks: thousands of associations, years of records."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from guildhall.audit.models import GENESIS, AuditRecord
from guildhall.core.discovery import app_modules
from guildhall.orgs.demo import credit_code
from guildhall.orgs.models import Membership, Organization
from guildhall.site.demo import seed

ROLES = ("principal", "admin", "editor", "reviewer", "staff")


def _code17(n: int) -> str:
    return f"5132{n:06d}MJ{n % 100000:05d}"[:17]


def seed_scale(*, associations: int = 2000, years: int = 5, audit_per_org_year: int = 12,
               supervisors: int = 20, log: Any = print) -> None:
    """Add `associations` associations under `supervisors` bodies below `sup`, with their
    people and `years` of audit records; then each module's `scale.py` adds its records."""
    cast = seed()
    rnd = random.Random(2026)
    User = get_user_model()
    password = make_password("guildhall-demo")
    if Organization.objects.filter(code__startswith="scale-").exists():
        log("scale data already present")
        return
    with transaction.atomic():
        parents = []
        for i in range(supervisors):
            org = Organization(kind="supervisor", parent=cast.orgs["sup"], code=f"scale-sup{i}",
                               name=f"规模测试主管单位{i}", credit_code=credit_code(_code17(900000 + i)))
            org.save()
            org.path = f"{cast.orgs['sup'].path}{org.pk}/"
            org.save(update_fields=["path"])
            parents.append(org)
        batch = [Organization(kind="association", parent=parents[i % supervisors], code=f"scale-a{i}",
                              name=f"规模测试协会{i}", short_name=f"协会{i}", region="江苏省",
                              credit_code=credit_code(_code17(i)))
                 for i in range(associations)]
        Organization.objects.bulk_create(batch, batch_size=500)
        created = list(Organization.objects.filter(code__startswith="scale-a").select_related("parent"))
        for org in created:
            org.path = f"{org.parent.path}{org.pk}/"
        Organization.objects.bulk_update(created, ["path"], batch_size=500)
        users, memberships = [], []
        for org in created:
            for role in ROLES:
                users.append(User(username=f"{org.code}-{role}", email=f"{org.code}-{role}@scale.cn",
                                  password=password))
        User.objects.bulk_create(users, batch_size=1000)
        by_name = dict(User.objects.filter(username__startswith="scale-a").values_list("username", "pk"))
        for org in created:
            for role in ROLES:
                memberships.append(Membership(user_id=by_name[f"{org.code}-{role}"],
                                              organization=org, role=role))
        Membership.objects.bulk_create(memberships, batch_size=2000)
        log(f"{len(created)} associations, {len(users)} people")
        _audit_history(created, years, audit_per_org_year, rnd)
    for module in app_modules("scale", exclude=("site",)):
        module.seed_scale(created, years=years, rnd=rnd, log=log)


def _audit_history(orgs: list[Organization], years: int, per_year: int, rnd: random.Random) -> None:
    """Append a valid chain of past audit records (hashes computed here, inserted in bulk)."""
    last = AuditRecord.objects.order_by("-seq").first()
    seq, prev = (last.seq, last.hash) if last else (0, GENESIS)
    start = timezone.now() - dt.timedelta(days=365 * years)
    events = sorted(
        (start + dt.timedelta(seconds=rnd.randrange(365 * years * 86400)), org.pk)
        for org in orgs for _ in range(years * per_year))
    heads: dict[int, tuple[int, str]] = {}
    batch = []
    for when, org_id in events:
        org_seq, org_prev = heads.get(org_id, (0, GENESIS))
        seq += 1
        entry = AuditRecord(seq=seq, prev_hash=prev, org_seq=org_seq + 1, org_prev_hash=org_prev,
                            created_at=when, actor_name="scale-bot", organization_id=org_id,
                            action=rnd.choice(["member.add", "org.update", "token.create"]),
                            after={"n": seq})
        entry.seal()
        heads[org_id] = (entry.org_seq, entry.org_hash)
        prev = entry.hash
        batch.append(entry)
        if len(batch) >= 5000:
            AuditRecord.objects.bulk_create(batch)
            batch = []
    AuditRecord.objects.bulk_create(batch)
