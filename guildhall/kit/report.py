"""The sections of the annual report, which each module writes about its own records.

Modules never import each other, and the report (a module too) imports none of them: each
module registers a `Section` in a `report.py` imported by its `AppConfig.ready()`. A
section's `build(organization, year)` returns its figures, each carrying the records
behind it (type, title, date, page or id), so that every number of the report can be
traced and recomputed, and its tables. Figures are per organization, never per person.

A section the report expects whose module is not installed is shown as such (`EXPECTED`),
and the rest of the report still works.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass
class Record:
    """One record behind a figure, as the appendix lists it."""

    type: str
    title: str
    date: str = ""  # ISO date, "" when the record has none
    url: str = ""
    id: str = ""


@dataclass
class Figure:
    key: str
    label: str
    value: str  # as shown: "12", "83.3%", "—"
    records: list[Record] = field(default_factory=list)
    #: the number itself (None when the figure is not a count or has no value)
    number: float | None = None


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list[str]]


@dataclass
class SectionData:
    key: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    #: a plain sentence when the section has nothing to report (or its module is missing)
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Section:
    key: str
    title: Any  # lazy translated
    order: int
    build: Callable[[Any, int], SectionData]


#: The sections the report is made of, in order, whether or not their module is installed.
EXPECTED: list[tuple[str, Any]] = [
    ("plans", _("Responsibility system and annual work plan")),
    ("meetings", _("Special meetings")),
    ("events", _("Event filing and approval")),
    ("publications", _("Channels and publication review")),
    ("incidents", _("Incidents and important situations")),
    ("study", _("Study, education and codes of conduct")),
]

_sections: dict[str, Section] = {}


def register(section: Section) -> Section:
    _sections[section.key] = section
    return section


def sections() -> list[Section]:
    return sorted(_sections.values(), key=lambda s: s.order)


def build(organization: Any, year: int) -> list[SectionData]:
    """Every section of the report of `organization` for `year`, the missing ones said so."""
    out = [s.build(organization, year) for s in sections()]
    present = {s.key for s in out}
    for key, title in EXPECTED:
        if key not in present:
            out.append(SectionData(key=key, title=str(title), note=str(
                _("This part of the report needs a module that is not installed yet."))))
    order = {key: n for n, (key, _title) in enumerate(EXPECTED)}
    return sorted(out, key=lambda s: order.get(s.key, len(order)))


# ---- helpers for the modules' sections ------------------------------------------------------

def day(value: Any) -> str:
    """A date or a moment as the ISO date of the record (local time for moments)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date().isoformat()
    return value.isoformat()


def records_of(objects: Iterable[Any], type_label: Any, *, date: Callable[[Any], Any],
               title: Callable[[Any], str] = str) -> list[Record]:
    """The records behind a figure, each with its page when it has one."""
    out = []
    for obj in objects:
        url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
        out.append(Record(type=str(type_label), title=title(obj), date=day(date(obj)), url=url,
                          id=str(obj.pk)))
    return out


def count(key: str, label: Any, records: list[Record]) -> Figure:
    """A figure that counts its records."""
    return Figure(key=key, label=str(label), value=str(len(records)), records=records,
                  number=len(records))


def percent(key: str, label: Any, value: float | None, records: list[Record]) -> Figure:
    """A rate shown as a percentage, with the records it was computed from."""
    shown = "—" if value is None else f"{value * 100:.1f}%"
    return Figure(key=key, label=str(label), value=shown, records=records,
                  number=None if value is None else round(value * 100, 1))


def average(key: str, label: Any, values: list[float], records: list[Record],
            unit: Any = "") -> Figure:
    """A mean over the records (minutes, days), or "—" without any."""
    if not values:
        return Figure(key=key, label=str(label), value="—", records=records)
    mean = round(sum(values) / len(values))
    return Figure(key=key, label=str(label), value=f"{mean}{unit}", records=records, number=mean)
