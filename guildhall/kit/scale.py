"""What the modules' province-scale data (`<module>/scale.py`) share."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice
from typing import Any

from django.contrib.auth import get_user_model


def people_of(orgs: list[Any], role: str) -> dict[str, int]:
    """Return the id of each organization's scale person `<code>-<role>`, by code."""
    names = {f"{o.code}-{role}": o.code for o in orgs}
    return {names[u]: pk for u, pk in get_user_model().objects.filter(
        username__in=names).values_list("username", "pk")}


def bulk_insert(model: Any, rows: Iterable[Any], batch: int = 5000) -> None:
    """Insert the rows in batches, holding at most one batch in memory."""
    rows = iter(rows)
    while chunk := list(islice(rows, batch)):
        model.objects.bulk_create(chunk)


def numbered(orgs: list[Any], count: int) -> Iterable[tuple[Any, int]]:
    """Yield (organization, n) for n in 0..count-1 of each organization."""
    for org in orgs:
        for n in range(count):
            yield org, n
