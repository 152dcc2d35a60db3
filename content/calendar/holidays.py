"""Vietnamese public holidays (ngày nghỉ lễ, Tết), pure: no clock, no database.

Built in are the solar-calendar holidays of the Labour Code 2019 (Bộ luật Lao động
45/2019/QH14, Article 112), for every year:

- 01/01 Tết Dương lịch; 30/04 Ngày Chiến thắng; 01/05 Ngày Quốc tế Lao động; 02/09 Quốc khánh.
- One day next to 02/09 ("01 ngày liền kề trước hoặc sau"), which the Prime Minister picks each
  year. Loa's rule joins the break to a weekend, as the government has done since the rule
  took effect (2021: Fri 03/09; 2022: Thu 01/09; 2023: Fri 01/09; 2024: Tue 03/09;
  2025: Mon 01/09): **the day before when 02/09 is a Tuesday, Friday or Saturday, otherwise
  the day after.** When the configuration lists a holiday on 01/09 or 03/09 of a year, that
  year's notice is taken as the truth and the built-in adjacent day is not added.
- Compensatory days off (nghỉ bù, Article 111(3)): a built-in holiday falling on a Saturday or
  Sunday gives the next working day that is not already a holiday.

The lunar holidays (Tết Nguyên đán, Giỗ Tổ Hùng Vương 10/3 âm lịch) move every year and the
government announces their exact days (often with swapped working days), so they come from
the configuration (`[[holidays]] date = "2024-02-08" name = "Tết Nguyên đán"`), one entry per
day off. A configured day wins over a built-in one on the same date.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Iterable

from content.config import Holiday

FIXED = ((1, 1, "Tết Dương lịch"), (4, 30, "Ngày Chiến thắng"), (5, 1, "Ngày Quốc tế Lao động"),
         (9, 2, "Quốc khánh"))
NATIONAL_DAY_ADJACENT_BEFORE = (1, 4, 5)  # Tue, Fri, Sat → 01/09; other weekdays → 03/09


def national_day_adjacent(year: int) -> date:
    """The extra Quốc khánh day Loa assumes for `year` (rule in the module docstring)."""
    sep2 = date(year, 9, 2)
    return sep2 - timedelta(days=1) if sep2.weekday() in NATIONAL_DAY_ADJACENT_BEFORE else sep2 + timedelta(days=1)


def builtin_holidays(year: int, configured: Iterable[Holiday] = ()) -> list[Holiday]:
    """The built-in holidays of one year, with compensatory days, in date order."""
    configured_days = {h.date for h in configured}
    days: dict[date, str] = {date(year, m, d): name for m, d, name in FIXED}
    if not configured_days & {date(year, 9, 1), date(year, 9, 3)}:
        days[national_day_adjacent(year)] = "Quốc khánh"
    off = set(days) | configured_days
    for day, name in sorted(days.items()):
        if day.weekday() >= 5:
            extra = day
            while extra.weekday() >= 5 or extra in off:
                extra += timedelta(days=1)
            days[extra] = f"Nghỉ bù {name}"
            off.add(extra)
    return [Holiday(d, n) for d, n in sorted(days.items())]


def holidays_between(start: date, end: date, configured: Iterable[Holiday] = ()) -> list[Holiday]:
    """Every holiday from `start` to `end` inclusive: built-in and configured, one per date
    (the configured name wins), in date order."""
    configured = list(configured)
    by_day: dict[date, Holiday] = {}
    for year in range(start.year, end.year + 1):
        for h in builtin_holidays(year, configured):
            by_day[h.date] = h
    for h in configured:
        by_day[h.date] = h
    return [by_day[d] for d in sorted(by_day) if start <= d <= end]


def is_working_day(day: date, holidays: set[date]) -> bool:
    """Monday to Friday and not a holiday."""
    return day.weekday() < 5 and day not in holidays
