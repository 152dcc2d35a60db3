"""Vietnamese public holidays: the built-in solar ones, the day next to 02/09, compensatory days,
and configured (lunar) ones."""

from __future__ import annotations

from datetime import date

import pytest

from content.calendar.holidays import builtin_holidays, holidays_between, is_working_day, national_day_adjacent
from content.config import Holiday


@pytest.mark.parametrize("year, expected", [
    # The days the government actually gave under the Labour Code 2019.
    (2021, date(2021, 9, 3)), (2022, date(2022, 9, 1)), (2023, date(2023, 9, 1)),
    (2024, date(2024, 9, 3)), (2025, date(2025, 9, 1)),
])
def test_national_day_adjacent_matches_the_years_announced(year, expected):
    assert national_day_adjacent(year) == expected


def test_2024_holidays():
    days = {h.date: h.name for h in builtin_holidays(2024)}
    assert days == {
        date(2024, 1, 1): "Tết Dương lịch", date(2024, 4, 30): "Ngày Chiến thắng",
        date(2024, 5, 1): "Ngày Quốc tế Lao động", date(2024, 9, 2): "Quốc khánh", date(2024, 9, 3): "Quốc khánh",
    }


def test_weekend_holidays_give_compensatory_working_days():
    # 2022: 30/04 Saturday and 01/05 Sunday → Monday 02/05 and Tuesday 03/05 off.
    days = {h.date: h.name for h in builtin_holidays(2022)}
    assert days[date(2022, 5, 2)] == "Nghỉ bù Ngày Chiến thắng"
    assert days[date(2022, 5, 3)] == "Nghỉ bù Ngày Quốc tế Lao động"
    assert days[date(2022, 1, 3)] == "Nghỉ bù Tết Dương lịch"  # 01/01/2022 was a Saturday
    # 2023: 02/09 Saturday (with Friday 01/09) → Monday 04/09.
    days23 = {h.date for h in builtin_holidays(2023)}
    assert {date(2023, 9, 1), date(2023, 9, 2), date(2023, 9, 4)} <= days23
    assert all(d.weekday() < 5 for d in days23 - {date(2023, 1, 1), date(2023, 4, 30), date(2023, 9, 2)})


def test_configured_adjacent_day_replaces_the_built_in_choice():
    configured = [Holiday(date(2026, 9, 1), "Quốc khánh")]
    days = {h.date for h in holidays_between(date(2026, 8, 25), date(2026, 9, 10), configured)}
    assert days == {date(2026, 9, 1), date(2026, 9, 2)}


def test_configured_lunar_holidays_are_added_and_win_on_the_same_day():
    tet = [Holiday(date(2024, 2, d), "Tết Nguyên đán") for d in range(8, 15)]
    configured = tet + [Holiday(date(2024, 4, 18), "Giỗ Tổ Hùng Vương"), Holiday(date(2024, 1, 1), "Tết Tây")]
    got = holidays_between(date(2024, 1, 1), date(2024, 4, 30), configured)
    assert [h.date for h in got] == sorted(h.date for h in got)
    names = {h.date: h.name for h in got}
    assert names[date(2024, 1, 1)] == "Tết Tây"
    assert names[date(2024, 4, 18)] == "Giỗ Tổ Hùng Vương"
    assert names[date(2024, 4, 30)] == "Ngày Chiến thắng"
    assert len([d for d in names if d.month == 2]) == 7
    assert date(2024, 5, 1) not in names  # outside the range


def test_range_across_years_and_working_days():
    got = holidays_between(date(2023, 12, 31), date(2024, 1, 2), [])
    assert [h.date for h in got] == [date(2024, 1, 1)]
    off = {h.date for h in got}
    assert not is_working_day(date(2024, 1, 1), off)
    assert is_working_day(date(2024, 1, 2), off)
    assert not is_working_day(date(2024, 1, 6), off)  # Saturday
