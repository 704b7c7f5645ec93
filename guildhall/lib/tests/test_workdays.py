"""The working-day calendar on the real 2025 and 2026 schedules (no database needed)."""

import datetime as dt

from guildhall.lib.workdays import (
    Schedule,
    add_working_days,
    is_known_year,
    is_working_day,
    working_days_between,
)

D = dt.date


def test_statutory_holidays_are_not_working_days():
    assert not is_working_day(D(2026, 2, 17))  # Spring Festival
    assert not is_working_day(D(2026, 10, 5))  # National Day
    assert not is_working_day(D(2025, 10, 8))  # National Day + Mid-Autumn 2025


def test_adjusted_weekend_days_are_working_days():
    assert D(2026, 2, 14).weekday() == 5 and is_working_day(D(2026, 2, 14))
    assert D(2026, 2, 28).weekday() == 5 and is_working_day(D(2026, 2, 28))
    assert D(2025, 9, 28).weekday() == 6 and is_working_day(D(2025, 9, 28))
    assert D(2026, 10, 10).weekday() == 5 and is_working_day(D(2026, 10, 10))


def test_one_working_day_after_friday_is_monday():
    assert add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 9)


def test_add_skips_the_spring_festival_2026():
    # Fri 13 Feb → Sat 14 (adjusted working day) → holiday 15–23 → Tue 24.
    assert add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert add_working_days(D(2026, 2, 13), 2) == D(2026, 2, 24)
    assert add_working_days(D(2026, 2, 12), 5) == D(2026, 2, 26)


def test_add_skips_national_day_and_counts_adjusted_saturday_2026():
    # Wed 30 Sep → holiday 1–7 Oct → Thu 8, Fri 9, Sat 10 (adjusted), Mon 12.
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)
    assert add_working_days(D(2026, 9, 30), 4) == D(2026, 10, 12)


def test_add_national_day_2025():
    # Sun 28 Sep 2025 is an adjusted working day; 1–8 Oct holidays; Sat 11 Oct works.
    assert add_working_days(D(2025, 9, 26), 1) == D(2025, 9, 28)
    assert add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert add_working_days(D(2025, 9, 30), 3) == D(2025, 10, 11)


def test_negative_days_go_back():
    assert add_working_days(D(2026, 2, 24), -1) == D(2026, 2, 14)


def test_working_days_between_counts_after_start_up_to_end():
    assert working_days_between(D(2026, 2, 13), D(2026, 2, 24)) == 2
    assert working_days_between(D(2026, 9, 30), D(2026, 10, 12)) == 4
    assert working_days_between(D(2026, 3, 2), D(2026, 3, 2)) == 0
    assert working_days_between(D(2026, 2, 24), D(2026, 2, 13)) == -2


def test_between_and_add_agree():
    start = D(2025, 12, 20)
    for n in range(0, 80, 7):
        assert working_days_between(start, add_working_days(start, n)) == n


def test_unknown_years_fall_back_to_weekends_and_say_so():
    assert not is_known_year(2031)
    assert is_working_day(D(2031, 10, 1))  # a Wednesday: unknown, so treated as working
    assert not is_working_day(D(2031, 10, 4))  # Saturday


def test_an_entered_schedule_is_used_for_its_year():
    schedule = {2031: Schedule(holidays=frozenset({D(2031, 10, 1), D(2031, 10, 2)}),
                               workdays=frozenset({D(2031, 9, 27)}))}
    assert is_known_year(2031, schedule)
    assert not is_working_day(D(2031, 10, 1), schedule)
    assert is_working_day(D(2031, 9, 27), schedule)  # a Saturday made a working day
    assert add_working_days(D(2031, 9, 30), 1, schedule) == D(2031, 10, 3)
