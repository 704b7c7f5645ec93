"""Chinese working-day calendar: statutory holidays and adjusted working days.

A plain module with no Django import. The official schedule comes from the
`chinese-calendar` package; years it does not know yet can be supplied as a
`Schedule` (entered by a supervisor admin); beyond both it falls back to
"Monday to Friday" and says so through `is_known_year`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import chinese_calendar

# The package raises NotImplementedError outside the years it ships.
_PACKAGE_YEARS = frozenset(d.year for d in chinese_calendar.holidays)


@dataclass(frozen=True)
class Schedule:
    """An official schedule entered by hand: holidays and adjusted working days."""

    holidays: frozenset[dt.date] = field(default_factory=frozenset)
    workdays: frozenset[dt.date] = field(default_factory=frozenset)


Overrides = Mapping[int, Schedule]


def package_years() -> frozenset[int]:
    """Return the years whose official schedule ships with the package."""
    return _PACKAGE_YEARS


def is_known_year(year: int, overrides: Overrides | None = None) -> bool:
    """Say whether the official schedule for `year` is known (else weekends only)."""
    return year in _PACKAGE_YEARS or bool(overrides and year in overrides)


def is_working_day(day: dt.date, overrides: Overrides | None = None) -> bool:
    """Return True when `day` is a working day in mainland China."""
    if overrides and day.year in overrides:
        schedule = overrides[day.year]
        if day in schedule.workdays:
            return True
        if day in schedule.holidays:
            return False
        return day.weekday() < 5
    if day.year in _PACKAGE_YEARS:
        return chinese_calendar.is_workday(day)
    return day.weekday() < 5


def add_working_days(start: dt.date, days: int, overrides: Overrides | None = None) -> dt.date:
    """Return the date `days` working days after `start` (before it when negative).

    `start` itself is not counted: one working day after Friday is Monday.
    """
    step = 1 if days >= 0 else -1
    remaining = abs(days)
    current = start
    while remaining:
        current += dt.timedelta(days=step)
        if is_working_day(current, overrides):
            remaining -= 1
    return current


def working_days_between(start: dt.date, end: dt.date, overrides: Overrides | None = None) -> int:
    """Count the working days after `start` up to and including `end`.

    Negative when `end` is before `start`, so that
    `add_working_days(start, working_days_between(start, end))` lands on or before `end`.
    """
    if end < start:
        return -working_days_between(end, start, overrides)
    count = 0
    current = start
    while current < end:
        current += dt.timedelta(days=1)
        if is_working_day(current, overrides):
            count += 1
    return count
