"""The content calendar, pure: a `Plan` → dated `SlotSpec`s. No database, no clock.

`build_calendar(plan, cadence=…, holidays=…, channels_configured=…)` decides, over the plan's
span (its period; else its whole `year`; a plan with neither gets only its task dates):

**Publish slots** (kind `publish`), one per theme × channel × date:
- Channels are the publishable kinds the plan names (`plan.channels` and every form's channels):
  portal, zalo, telegram, radio, hotline, and `social`, which means the unit's own Telegram/Zalo:
  it becomes `telegram` and `zalo` — those of the two configured in `[channels]`, or both when
  neither is. press, notice_board, print, event and internal publish nothing, so give no slots.
- Cadence (`Settings.cadence`): a channel with a positive `per_week` count gets that many slots a
  week, else one with a positive `per_month` count gets that many a month, else none. A
  channel that `social` expanded to and that has no count of its own takes the `social` one.
- Days are working days (Monday–Friday, not a holiday). Weekly slots sit on fixed weekdays
  (`WEEKDAYS_FOR`: 1 → Monday, 2 → Monday and Thursday, 3 → Mon/Wed/Fri, …); a nominal day that
  is a holiday or outside the span moves to the next free working day of the same ISO week, and
  a week with no working day left (Tết) has fewer slots. More than five a week put several
  slots on one day. Monthly slots: the month is cut into n equal parts and each part's first
  working day within the span gets one (n = 1: the first working day of the month; a plan
  starting mid-month gets that month's slot on its first working day).
- Themes rotate round-robin per channel in date order, all channels starting from the first
  theme, so over the span each theme's count on a channel differs by at most one — and the
  weekly channels, which share Monday, carry the same theme that day (one item, written once,
  fills them all).

**Events** (publish nothing): `task_deadline` on a deadline task's `due`; `task_window` from
`start` to `end` (`day`, `end_day`); a recurring task gets a `task_deadline` on the last working
day of each week/month/quarter/half-year/year of the span; ongoing and external tasks get none
(they appear in reports, not as dates). `report_due` for each reporting period that overlaps
the span: a duty without a fixed date is due, by default, on the last day of its period — the
rule `schedules.reports.period.due_date` uses, so the calendar, the reminders and `loa report`
agree; a due date on a weekend or holiday moves to the working day before; reports due the same
day whose periods end together are one event, the longest period's ("Hạn báo cáo năm 2024 (gồm
cả báo cáo 6 tháng cuối năm 2024)"); `report_due_day=15` instead makes it the 15th of the period's last month (some provinces
ask for that). A duty with a fixed "MM-DD" is due on that date every year for a yearly duty, and
on that day of the period's last month otherwise. `holiday` for every holiday given that falls
in the span.

Slot keys are stable, so rebuilding updates rows instead of duplicating them:
"publish:2024-03-04:radio" (":2", ":3"… for a second slot on the same day), "task:01:deadline",
"task:01:window", "task:05:2024-03" (recurring; the period key), "report:quarter:2024-Q1",
"holiday:2024-09-02".
"""

from __future__ import annotations

import calendar as _cal
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable, Mapping, Protocol

from content.calendar.holidays import is_working_day
from content.kinds import PLAN_PUBLISHABLE, PUBLISHABLE, SOCIAL
from content.plan.parse import Plan, Task
from content.config import Holiday

WEEKDAYS_FOR = {1: (0,), 2: (0, 3), 3: (0, 2, 4), 4: (0, 1, 3, 4), 5: (0, 1, 2, 3, 4)}
ROMAN = ("I", "II", "III", "IV")


class CadenceLike(Protocol):
    per_week: Mapping[str, int]
    per_month: Mapping[str, int]


@dataclass(frozen=True)
class SlotSpec:
    """One slot as the plan and the configuration define it (what `slots` rows are built from)."""

    key: str
    day: date
    kind: str
    label: str
    channel: str = ""
    theme_id: str = ""
    end_day: date | None = None


def plan_span(plan: Plan) -> tuple[date, date] | None:
    """The days the plan covers: its period, else its whole year, else None."""
    if plan.period and plan.period.start and plan.period.end:
        return plan.period.start, plan.period.end
    if plan.year:
        return date(plan.year, 1, 1), date(plan.year, 12, 31)
    return None


def publish_channels(plan: Plan, channels_configured: Iterable[str]) -> list[str]:
    """The channels the plan's publishable kinds become (rules in the module docstring)."""
    named = set(plan.channels) | {c for f in plan.forms for c in f.channels}
    out = {c for c in named if c in PLAN_PUBLISHABLE and c != "social"}
    if "social" in named:
        configured = set(channels_configured) & set(SOCIAL)
        out |= configured or set(SOCIAL)
    return [c for c in PUBLISHABLE if c in out]


def build_calendar(plan: Plan, *, cadence: CadenceLike, holidays: Iterable[Holiday],
                   channels_configured: Iterable[str], report_due_day: int | None = None) -> list[SlotSpec]:
    """Every slot of the plan, sorted by day then key. See the module docstring for the rules."""
    holidays = list(holidays)
    off = {h.date for h in holidays}
    span = plan_span(plan)
    specs: list[SlotSpec] = []
    if span:
        start, end = span
        named = set(plan.channels) | {c for f in plan.forms for c in f.channels}
        for channel in publish_channels(plan, channels_configured):
            fallback = "social" if channel in SOCIAL and channel not in named else None
            specs += _publish(plan, channel, _count(cadence, channel, fallback), start, end, off)
        specs += [SlotSpec(f"holiday:{h.date.isoformat()}", h.date, "holiday", _holiday_label(h.name))
                  for h in holidays if start <= h.date <= end]
        specs += _reports(plan, start, end, report_due_day, off)
    specs += _tasks(plan.tasks, span, off)
    return sorted(_unique(specs), key=lambda s: (s.day, s.key))


def _holiday_label(name: str) -> str:
    return name if name.lower().startswith("nghỉ") else f"Nghỉ lễ: {name}"


def _count(cadence: CadenceLike, channel: str, fallback: str | None) -> tuple[str, int]:
    for name in (channel, fallback):
        if name is None:
            continue
        if cadence.per_week.get(name, 0) > 0:
            return "week", int(cadence.per_week[name])
        if cadence.per_month.get(name, 0) > 0:
            return "month", int(cadence.per_month[name])
    return "week", 0


def _publish(plan: Plan, channel: str, count: tuple[str, int], start: date, end: date,
             off: set[date]) -> list[SlotSpec]:
    unit, n = count
    if n <= 0 or not plan.themes:
        return []
    days = _weekly_days(n, start, end, off) if unit == "week" else _monthly_days(n, start, end, off)
    out = []
    seen: dict[date, int] = {}
    for i, day in enumerate(days):
        seen[day] = seen.get(day, 0) + 1
        suffix = f":{seen[day]}" if seen[day] > 1 else ""
        theme = plan.themes[i % len(plan.themes)]
        out.append(SlotSpec(f"publish:{day.isoformat()}:{channel}{suffix}", day, "publish", theme.text,
                            channel=channel, theme_id=theme.id))
    return out


def _free(day: date, start: date, end: date, off: set[date]) -> bool:
    return start <= day <= end and is_working_day(day, off)


def _weekly_days(n: int, start: date, end: date, off: set[date]) -> list[date]:
    per_day, extra = divmod(n, 5) if n > 5 else (0, n)
    pattern = list(WEEKDAYS_FOR[extra]) if extra else []
    days: list[date] = []
    monday = start - timedelta(days=start.weekday())
    while monday <= end:
        week = [monday + timedelta(days=i) for i in range(5)]
        free = [d for d in week if _free(d, start, end, off)]
        used: list[date] = []
        for wd in pattern:
            nominal = week[wd]
            pick = next((d for d in free if d >= nominal and d not in used), None)
            if pick is not None:
                used.append(pick)
        if per_day:
            used += [d for d in free for _ in range(per_day)]
        days += sorted(used)
        monday += timedelta(days=7)
    return days


def _monthly_days(n: int, start: date, end: date, off: set[date]) -> list[date]:
    days: list[date] = []
    y, m = start.year, start.month
    while date(y, m, 1) <= end:
        length = _cal.monthrange(y, m)[1]
        for part in range(n):
            first = date(y, m, 1 + (part * length) // n)
            last = date(y, m, ((part + 1) * length) // n)
            pick = next((first + timedelta(days=i) for i in range((last - first).days + 1)
                         if _free(first + timedelta(days=i), start, end, off)), None)
            if pick is not None:
                days.append(pick)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return days


# --- periods (reports, recurring tasks) -----------------------------------------------------

def _month_end(y: int, m: int) -> date:
    return date(y, m, _cal.monthrange(y, m)[1])


def periods(every: str, start: date, end: date) -> list[tuple[str, str, date, date]]:
    """(key, Vietnamese name, first day, last day) of each `every` period overlapping start..end.

    `every` is week, month, quarter, half_year or year; keys are 2024-W10, 2024-03, 2024-Q1,
    2024-H1, 2024; names "tuần 10/2024", "tháng 3/2024", "quý I/2024", "6 tháng đầu năm 2024",
    "năm 2024"."""
    out = []
    if every == "week":
        d = start - timedelta(days=start.weekday())
        while d <= end:
            y, w, _ = d.isocalendar()
            out.append((f"{y}-W{w:02d}", f"tuần {w}/{y}", d, d + timedelta(days=6)))
            d += timedelta(days=7)
        return out
    months = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}.get(every)
    if months is None:
        return []
    for y in range(start.year, end.year + 1):
        for i in range(12 // months):
            m0 = i * months + 1
            first, last = date(y, m0, 1), _month_end(y, m0 + months - 1)
            if last < start or first > end:
                continue
            if every == "month":
                key, name = f"{y}-{m0:02d}", f"tháng {m0}/{y}"
            elif every == "quarter":
                key, name = f"{y}-Q{i + 1}", f"quý {ROMAN[i]}/{y}"
            elif every == "half_year":
                key, name = f"{y}-H{i + 1}", f"6 tháng {'đầu' if i == 0 else 'cuối'} năm {y}"
            else:
                key, name = str(y), f"năm {y}"
            out.append((key, name, first, last))
    return out


def report_due_date(every: str, first: date, last: date, fixed: str | None,
                    report_due_day: int | None = None, off: set[date] | None = None) -> date:
    """When the report on the period first..last is due (rules in the module docstring); with
    `off` (the holidays), a due date on a weekend or holiday moves to the working day before."""
    if fixed:
        mm, dd = (int(x) for x in fixed.split("-"))
        if every == "year":
            due = date(first.year, mm, min(dd, _cal.monthrange(first.year, mm)[1]))
        else:
            due = date(last.year, last.month, min(dd, _cal.monthrange(last.year, last.month)[1]))
    elif report_due_day:
        due = date(last.year, last.month, min(report_due_day, _cal.monthrange(last.year, last.month)[1]))
    else:
        due = last
    if off is not None:
        while due.weekday() >= 5 or due in off:
            due -= timedelta(days=1)
    return due


def _reports(plan: Plan, start: date, end: date, report_due_day: int | None, off: set[date]) -> list[SlotSpec]:
    """One `report_due` slot per duty and period; a period absorbed by a longer one due the same
    day (the year's report covers its second half) is named in the longer one's label instead."""
    found = []
    for duty in plan.reports:
        for key, name, first, last in periods(duty.every, start, end):
            due = report_due_date(duty.every, first, last, duty.due, report_due_day, off)
            found.append((f"report:{duty.every}:{key}", due, name, first, last))
    out = []
    for key, due, name, first, last in found:
        if any(k != key and d == due and l == last and f < first for k, d, _, f, l in found):
            continue
        inner = list(dict.fromkeys(n for k, d, n, f, l in found
                                   if k != key and d == due and l == last and f > first))
        label = f"Hạn báo cáo {name}" + (f" (gồm cả báo cáo {', '.join(inner)})" if inner else "")
        out.append(SlotSpec(key, due, "report_due", label))
    return out


def _tasks(tasks: list[Task], span: tuple[date, date] | None, off: set[date]) -> list[SlotSpec]:
    out = []
    for task in tasks:
        t = task.timing
        what = f"nhiệm vụ {task.no}: {task.content}"
        if t.kind == "deadline" and t.due:
            out.append(SlotSpec(f"task:{task.no}:deadline", t.due, "task_deadline", f"Hạn {what}"))
        elif t.kind == "window" and t.start and t.end:
            out.append(SlotSpec(f"task:{task.no}:window", t.start, "task_window", f"Nhiệm vụ {task.no}: "
                                f"{task.content}", end_day=t.end))
        elif t.kind == "recurring" and t.every and span:
            for key, name, first, last in periods(t.every, *span):
                first, day = max(first, span[0]), min(last, span[1])
                while day >= first and not is_working_day(day, off):
                    day -= timedelta(days=1)
                if day < first:
                    continue  # no working day left in this period (e.g. a week of Tết)
                out.append(SlotSpec(f"task:{task.no}:{key}", day, "task_deadline",
                                    f"Hạn nhiệm vụ {task.no} ({name}): {task.content}"))
    return out


def _unique(specs: list[SlotSpec]) -> list[SlotSpec]:
    """Keys must be unique per plan; a plan that repeats a task number gets "#2", "#3"…"""
    seen: dict[str, int] = {}
    out = []
    for s in specs:
        n = seen.get(s.key, 0) + 1
        seen[s.key] = n
        if n > 1:
            s = SlotSpec(f"{s.key}#{n}", s.day, s.kind, s.label, s.channel, s.theme_id, s.end_day)
        out.append(s)
    return out
