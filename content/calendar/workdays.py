"""Working-day arithmetic for answer deadlines: Monday to Friday, minus the built-in fixed
holidays (content.calendar.holidays: Tết Dương lịch, 30/04, 01/05, Quốc khánh and its extra day,
compensatory days) and the holidays listed in the configuration (lunar Tết, Giỗ Tổ…).

Pure functions of dates; the configured holidays are passed in (Settings.holidays).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from typing import Iterable

from content.calendar.holidays import holidays_between
from content.calendar.holidays import is_working_day as _is_working_day
from content.config import Holiday

MAX_SPAN_DAYS = 3660  # a guard against endless loops on absurd inputs


@lru_cache(maxsize=256)
def _year_days(year: int, configured: tuple[Holiday, ...]) -> frozenset[date]:
    return frozenset(h.date for h in holidays_between(date(year, 1, 1), date(year, 12, 31), configured))


def holiday_dates(year: int, configured: Iterable[Holiday] = ()) -> frozenset[date]:
    """Every day off (not counting weekends) of `year`, built-in and configured."""
    return _year_days(year, tuple(configured))


def is_working_day(day: date, configured: Iterable[Holiday] = ()) -> bool:
    """Monday to Friday and not a holiday (built-in or configured)."""
    return _is_working_day(day, holiday_dates(day.year, configured))


def add_working_days(start: date, n: int, configured: Iterable[Holiday] = ()) -> date:
    """The date `n` working days after `start` (the start day itself does not count).
    `n = 0` gives `start` when it is a working day, else the next working day."""
    if n < 0:
        raise ValueError("n must not be negative")
    configured = tuple(configured)
    day = start
    if n == 0:
        while not is_working_day(day, configured):
            day += timedelta(days=1)
        return day
    left = n
    for _ in range(MAX_SPAN_DAYS):
        day += timedelta(days=1)
        if is_working_day(day, configured):
            left -= 1
            if left == 0:
                return day
    raise ValueError("working-day span too long")


def working_days_between(start: date, end: date, configured: Iterable[Holiday] = ()) -> int:
    """Working days in (start, end]: how many working days are left from `start` until `end`.
    Negative when `end` is before `start` (working days overdue)."""
    configured = tuple(configured)
    if end == start:
        return 0
    sign, a, b = (1, start, end) if end > start else (-1, end, start)
    count, day = 0, a
    while day < b:
        day += timedelta(days=1)
        if is_working_day(day, configured):
            count += 1
    return sign * count


def next_working_day(day: date, configured: Iterable[Holiday] = ()) -> date:
    return add_working_days(day, 1, configured)
