"""Working days: weekends, built-in holidays (with compensatory days) and configured ones."""

from datetime import date

import pytest

from content.config import Holiday
from content.calendar.workdays import add_working_days, is_working_day, working_days_between

TET_2025 = tuple(Holiday(date(2025, 1, d), "Tết Nguyên đán") for d in range(25, 32)) + \
    tuple(Holiday(date(2025, 2, d), "Tết Nguyên đán") for d in (1, 2))


@pytest.mark.parametrize("start, n, expected", [
    (date(2025, 3, 3), 7, date(2025, 3, 12)),          # Mon + 7 → Wed next week
    (date(2025, 3, 7), 1, date(2025, 3, 10)),          # Fri + 1 → Mon
    (date(2025, 3, 8), 1, date(2025, 3, 10)),          # Sat + 1 → Mon
    (date(2025, 4, 28), 2, date(2025, 5, 2)),          # 30/04 and 01/05 skipped
    (date(2025, 8, 29), 1, date(2025, 9, 3)),          # 01/09 (extra day) and 02/09 skipped
    (date(2026, 12, 31), 1, date(2027, 1, 4)),         # 01/01/2027 is a Friday
    (date(2025, 3, 8), 0, date(2025, 3, 10)),
])
def test_add_working_days(start, n, expected):  # noqa: ANN001
    assert add_working_days(start, n) == expected


def test_configured_lunar_holidays_count():
    assert add_working_days(date(2025, 1, 24), 1, TET_2025) == date(2025, 2, 3)
    assert not is_working_day(date(2025, 1, 29), TET_2025) and is_working_day(date(2025, 1, 29))


def test_compensatory_day_off():
    # 01/01/2028 is a Saturday: Monday 03/01 is the day off in lieu.
    assert not is_working_day(date(2028, 1, 3))
    assert add_working_days(date(2027, 12, 31), 1) == date(2028, 1, 4)


def test_working_days_between_signs():
    assert working_days_between(date(2025, 3, 3), date(2025, 3, 7)) == 4
    assert working_days_between(date(2025, 3, 10), date(2025, 3, 7)) == -1
    assert working_days_between(date(2025, 3, 7), date(2025, 3, 7)) == 0
