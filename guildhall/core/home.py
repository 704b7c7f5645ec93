"""The organization home page lists each module's open work; modules add a section each."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class HomeSection:
    title: Any
    items: list[dict[str, Any]] = field(default_factory=list)  # {"label", "url", "note"}
    empty: Any = ""
    url: str = ""


SectionSource = Callable[[Any, Any], "HomeSection | None"]
_SOURCES: list[SectionSource] = []


def home_section(fn: SectionSource) -> SectionSource:
    """Register `fn(user, org) -> HomeSection | None` for the organization home page."""
    _SOURCES.append(fn)
    return fn


def remove_home_section(fn: SectionSource) -> None:
    """Take a registered source off the home page again (for a test's own section)."""
    _SOURCES.remove(fn)


def home_sections(user: Any, org: Any) -> list[HomeSection]:
    return [s for s in (source(user, org) for source in _SOURCES) if s is not None]
