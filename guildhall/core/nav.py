"""The module navigation: each app adds its entries in its AppConfig.ready()."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class NavItem:
    label: Any
    url_name: str
    action: str | None = None  # permission checked against the current organization
    order: int = 100


_ITEMS: list[NavItem] = []


def register_nav(item: NavItem) -> None:
    _ITEMS.append(item)
    _ITEMS.sort(key=lambda i: i.order)


def nav_items() -> list[NavItem]:
    return list(_ITEMS)
