"""Weekly edition timing: fire times in Asia/Ho_Chi_Minh whatever the host's TZ, catch-up once."""

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from schedules.timing import Weekly, edition_due, latest_fire, next_fire, parse_iso_week, week_start

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
MON7 = Weekly.parse("mon 07:00")


def at(y, mo, d, h=0, mi=0):
    return datetime(y, mo, d, h, mi, tzinfo=HCM)


def test_parse_weekly():
    assert Weekly.parse("Thu 16:30") == Weekly(3, time(16, 30))
    assert MON7.cron_kwargs() == {"day_of_week": "mon", "hour": 7, "minute": 0}
    for bad in ("monday", "mon 7", "xyz 07:00", "mon 25:00"):
        with pytest.raises(ValueError):
            Weekly.parse(bad)


def test_iso_week():
    assert parse_iso_week("2024-W10") == date(2024, 3, 4)
    assert parse_iso_week("2020-W53") == date(2020, 12, 28)
    assert week_start(date(2024, 3, 10)) == date(2024, 3, 4)
    for bad in ("2024-W54", "2023-W53", "10/2024", ""):
        with pytest.raises(ValueError, match="không hợp lệ"):
            parse_iso_week(bad)


def test_fire_times_are_local_not_utc():
    # Monday 07:00 in Hà Nội is Monday 00:00 UTC; Sunday 23:30 UTC is already Monday 06:30 there.
    now = datetime(2024, 3, 3, 23, 30, tzinfo=timezone.utc)
    assert latest_fire(MON7, HCM, now) == at(2024, 2, 26, 7)
    assert next_fire(MON7, HCM, now) == at(2024, 3, 4, 7)
    assert latest_fire(MON7, HCM, at(2024, 3, 4, 7)) == at(2024, 3, 4, 7)
    assert next_fire(MON7, HCM, at(2024, 3, 4, 7)) == at(2024, 3, 4, 7)


def test_edition_made_once_at_fire_time():
    grace = timedelta(hours=36)
    # A minute before the fire time, last week's fire is days old: nothing to make.
    assert edition_due(MON7, HCM, at(2024, 3, 4, 6, 59), made_for=set(), grace=grace) is None
    assert edition_due(MON7, HCM, at(2024, 3, 4, 7), made_for={date(2024, 2, 26)}, grace=grace) == (date(2024, 3, 4), False)
    assert edition_due(MON7, HCM, at(2024, 3, 4, 7, 1), made_for={date(2024, 3, 4)}, grace=grace) is None


def test_missed_edition_caught_up_once_within_grace():
    grace = timedelta(hours=36)
    # Machine off on Monday morning, back at 10:00 on Tuesday: one catch-up for this week.
    assert edition_due(MON7, HCM, at(2024, 3, 5, 10), made_for=set(), grace=grace) == (date(2024, 3, 4), True)
    # Back on Thursday: past the grace period, nothing is made (the caller logs the skip).
    assert edition_due(MON7, HCM, at(2024, 3, 7, 10), made_for=set(), grace=grace) is None
    # Off for three weeks: only the latest fire counts, never one per missed week.
    assert edition_due(MON7, HCM, at(2024, 3, 25, 9), made_for={date(2024, 3, 4)}, grace=grace) == (date(2024, 3, 25), True)
