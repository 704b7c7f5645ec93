"""Demo organizations and people: the cast every test and the demo server share. Idempotent."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model

from guildhall.orgs.models import Membership, Organization, Role

DEFAULT_PASSWORD = "guildhall-demo"

# code, kind, parent code, name, short name, 17 characters before the check character, region
ORGANIZATIONS = [
    ("sup", "supervisor", None, "省社会组织综合委员会（演示）", "省社会组织综合委员会", "11320000MB1234567", "江苏省"),
    ("soft", "association", "sup", "省软件行业协会（演示）", "软件行业协会", "51320000MJ5432101", "南京市"),
    ("logi", "association", "sup", "省物流与供应链商会（演示）", "物流与供应链商会", "51320000MJ5432102", "苏州市"),
    ("tour", "association", "sup", "省旅游行业协会（演示）", "旅游行业协会", "51320000MJ5432103", "无锡市"),
    ("sup2", "supervisor", None, "省工商业联合会（演示）", "省工商业联合会", "11320000MB7654321", "江苏省"),
    ("chem", "association", "sup2", "省化工行业协会（演示）", "化工行业协会", "51320000MJ5432104", "南通市"),
]

PEOPLE_NAMES = {
    "principal": "王建国", "admin": "李敏", "editor": "张晓燕", "reviewer": "陈志强",
    "staff": "刘洋", "approver": "赵立新", "viewer": "孙悦", "reviewer2": "周婷",
}


@dataclass
class Cast:
    orgs: dict[str, Organization] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)

    def user(self, username: str) -> Any:
        return self.users[username]


def credit_code(first17: str) -> str:
    from guildhall.checker.validators import uscc_check_char

    return first17 + uscc_check_char(first17)


def _org(code: str, kind: str, parent: Organization | None, name: str, short: str, first17: str,
         region: str) -> Organization:
    org = Organization.objects.filter(code=code).first()
    if org is None:
        org = Organization(code=code, kind=kind, parent=parent, name=name, short_name=short,
                           credit_code=credit_code(first17), region=region, contact_name="办公室",
                           contact_phone="025-83001234", contact_email=f"office@{code}.example.cn")
        org.full_clean()
        org.save()
        org.path = f"{parent.path if parent else '/'}{org.pk}/"
        org.save(update_fields=["path"])
    return org


def ensure_member(cast: Cast, org_code: str, role: str, password_hash: str,
                  username: str | None = None, name_key: str | None = None) -> Any:
    """Create the demo person `<org>-<role>` (or `username`) with that role."""
    User = get_user_model()
    username = username or f"{org_code}-{role}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create(
            username=username, email=f"{username}@demo.guildhall.cn",
            full_name=PEOPLE_NAMES.get(name_key or role, username), password=password_hash)
    Membership.objects.get_or_create(user=user, organization=cast.orgs[org_code],
                                     defaults={"role": role})
    cast.users[username] = user
    return user


def seed_cast(password_hash: str) -> Cast:
    """Create (or complete) the demo organizations and one person per role in each."""
    cast = Cast()
    for code, kind, parent, name, short, first17, region in ORGANIZATIONS:
        cast.orgs[code] = _org(code, kind, cast.orgs.get(parent), name, short, first17, region)
    for code, org in cast.orgs.items():
        for role in Organization.ROLES_BY_KIND[Organization.Kind(org.kind)]:
            ensure_member(cast, code, Role(role).value, password_hash)
    return cast
