"""The demo: organizations and people, then every module's records. Idempotent."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from guildhall.core.discovery import app_modules
from guildhall.orgs.demo import DEFAULT_PASSWORD, Cast, seed_cast

__all__ = ["DEFAULT_PASSWORD", "Cast", "demo_logins", "seed"]


@transaction.atomic
def seed(password: str = DEFAULT_PASSWORD, modules: Iterable[str] = ("*",)) -> Cast:
    """Create (or complete) the demo organizations, people and the records of `modules`
    (app labels such as "events"; "*" for every module's)."""
    # One hash for everyone: Argon2 is deliberately slow, and these are demo accounts.
    password_hash = make_password(password)
    cast = seed_cast(password_hash)
    wanted = set(modules)
    known = {module.__name__.split(".")[1]: module for module in _demo_modules()}
    if unknown := wanted - set(known) - {"*"}:
        raise ValueError(f"no demo data for {sorted(unknown)}; there is for {sorted(known)}")
    for label, module in known.items():
        if "*" in wanted or label in wanted:
            module.seed(cast, password_hash)
    return cast


def _demo_modules() -> list[Any]:
    # orgs/demo.py is the cast itself, seeded first.
    modules = app_modules("demo", exclude=("orgs", "site"))
    return sorted(modules, key=lambda m: getattr(m, "ORDER", 100))


def demo_logins() -> list[tuple[str, str]]:
    """Return (username, what they are) for the README and `make run`."""
    User = get_user_model()
    rows = []
    for user in User.objects.filter(username__contains="-").prefetch_related(
            "memberships__organization").order_by("username"):
        m = user.memberships.first()
        if m:
            rows.append((user.username, f"{m.get_role_display()} · {m.organization.name}"))
    return rows
