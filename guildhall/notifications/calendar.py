"""The working-day calendar with the schedules supervisor admins entered."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache

from guildhall.lib import workdays
from guildhall.lib.workdays import Schedule

_CACHE_KEY = "guildhall:workday-overrides"


def overrides() -> dict[int, Schedule]:
    """Return the entered schedules by year (cached; cleared when a schedule is saved)."""
    cached = cache.get(_CACHE_KEY)
    if cached is not None:
        return cached
    from guildhall.notifications.models import WorkdayOverride

    holidays: dict[int, set[dt.date]] = {}
    working: dict[int, set[dt.date]] = {}
    for day, is_working in WorkdayOverride.objects.values_list("date", "is_working_day"):
        (working if is_working else holidays).setdefault(day.year, set()).add(day)
    result = {
        year: Schedule(frozenset(holidays.get(year, ())), frozenset(working.get(year, ())))
        for year in set(holidays) | set(working)
    }
    cache.set(_CACHE_KEY, result, 300)
    return result


def forget_overrides() -> None:
    cache.delete(_CACHE_KEY)


def add_working_days(start: dt.date, days: int) -> dt.date:
    return workdays.add_working_days(start, days, overrides())


def working_days_between(start: dt.date, end: dt.date) -> int:
    return workdays.working_days_between(start, end, overrides())


def is_working_day(day: dt.date) -> bool:
    return workdays.is_working_day(day, overrides())


def is_known_year(year: int) -> bool:
    return workdays.is_known_year(year, overrides())
