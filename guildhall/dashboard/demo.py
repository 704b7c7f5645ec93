"""The demo's rows: computed once every module has seeded its records (this app comes after
the modules in INSTALLED_APPS)."""

from typing import Any


def seed(cast: Any, password_hash: str) -> None:
    from guildhall.dashboard.services import refresh_all

    refresh_all()
