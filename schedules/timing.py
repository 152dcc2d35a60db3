"""Pure timing decisions: when the weekly edition fires, whether a missed one is caught up,
which ISO week a date belongs to. Every function takes `now`; none reads a clock."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Weekly:
    weekday: int     # 0 = Monday
    at: time

    @classmethod
    def parse(cls, spec: str) -> "Weekly":
        m = re.fullmatch(r"\s*([a-zA-Z]{3})[a-zA-Z]*\s+(\d{1,2}):(\d{2})\s*", spec)
        if not m or m.group(1).lower() not in DAYS:
            raise ValueError(f"Lịch hằng tuần “{spec}” không hợp lệ (ví dụ: \"mon 07:00\").")
        return cls(DAYS.index(m.group(1).lower()), time(int(m.group(2)), int(m.group(3))))

    def cron_kwargs(self) -> dict[str, object]:
        return {"day_of_week": DAYS[self.weekday], "hour": self.at.hour, "minute": self.at.minute}


def week_start(d: date) -> date:
    """The Monday of d's ISO week."""
    return d - timedelta(days=d.weekday())


def parse_iso_week(text: str) -> date:
    """"2024-W10" → Monday 2024-03-04. ValueError (Vietnamese) for anything else."""
    m = re.fullmatch(r"\s*(\d{4})-?W(\d{1,2})\s*", text, re.IGNORECASE)
    if m:
        try:
            return date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
        except ValueError:
            pass
    raise ValueError(f"Tuần “{text}” không hợp lệ. Hãy viết dạng 2024-W10 (năm, tuần ISO 1–53).")


def latest_fire(weekly: Weekly, tz: ZoneInfo, now: datetime) -> datetime:
    """The most recent weekly fire time at or before `now` (aware, in UTC-comparable form)."""
    local = now.astimezone(tz)
    monday = week_start(local.date())
    fire = datetime.combine(monday + timedelta(days=weekly.weekday), weekly.at, tzinfo=tz)
    if fire > local:
        fire -= timedelta(days=7)
    return fire


def next_fire(weekly: Weekly, tz: ZoneInfo, now: datetime) -> datetime:
    fire = latest_fire(weekly, tz, now)
    return fire if fire == now.astimezone(tz) else fire + timedelta(days=7)


def edition_due(weekly: Weekly, tz: ZoneInfo, now: datetime, *, made_for: set[date],
                grace: timedelta) -> tuple[date, bool] | None:
    """Which week's edition to make now, if any: (week start, caught_up).

    Only the latest fire time counts, so a machine that was off for three Mondays makes one
    edition (for this week), not three. A fire time older than `grace` is skipped (too late
    to be useful) — the caller logs it."""
    fire = latest_fire(weekly, tz, now)
    week = week_start(fire.date())
    if week in made_for:
        return None
    late = now.astimezone(tz) - fire
    if late > grace:
        return None
    return week, late > timedelta(minutes=5)


def local_day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=tz)
    return start, start + timedelta(days=1)
