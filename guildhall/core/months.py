"""The month filter the lists share ("2026-12")."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def parse_month(value: str | None) -> tuple[int, int] | None:
    """Parse "2026-12" into (2026, 12); None when empty or malformed."""
    try:
        year, month = (int(p) for p in (value or "").split("-"))
        dt.date(year, month, 1)
    except ValueError:
        return None
    if not 1900 <= year <= 2100:  # beyond this nothing is filed, and date arithmetic overflows
        return None
    return year, month


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    """Return the start of the year and of the next one, in the current time zone."""
    return month_bounds(year, 1)[0], month_bounds(year + 1, 1)[0]


def month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    """Return the start of the month and of the next one, in the current time zone."""
    tz = timezone.get_current_timezone()
    start = dt.datetime(year, month, 1, tzinfo=tz)
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    return start, end
