"""The rows of the province-scale data, once every module has added its records."""

from typing import Any


def seed_scale(orgs: list, *, years: int, rnd: Any, log: Any) -> None:
    from guildhall.dashboard.services import refresh_all

    log(f"{refresh_all()} dashboard rows")
