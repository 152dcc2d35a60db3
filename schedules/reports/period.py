"""Reporting periods, pure: parse what staff type ("2024-Q1", "2024-H1", "2024", "2024-03",
"2024-01-01..2024-03-31") into a `Period` with its Vietnamese label, and work out which
periodic reports (`Plan.reports`) fall due within the next N days.

Due dates (decided here, see `due_date`): a duty without a fixed date is due on the last day
of its period (a quarterly report on 31/03, 30/06, …). A yearly duty with a fixed "MM-DD"
("trước ngày 01 tháng 10 hằng năm") is due on that day and covers that calendar year up to
the day it is drafted. A monthly, quarterly or half-yearly duty with a fixed "MM-DD" keeps
only its day of the month, taken in the last month of each period (clamped to the month).
A due date on a day off (weekend or holiday, when `is_off` is given) moves to the working day
before. Reports due on the same day whose periods end together are one duty: the longest period
absorbs the others ("6 tháng, một năm" means the yearly report at the year's end, not a second
half-year report beside it; a quarterly duty's fourth quarter likewise).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Callable, Iterable

from content.errors import LoaError

ROMAN = ("I", "II", "III", "IV")
EVERY_KINDS = ("month", "quarter", "half_year", "year")


class PeriodError(LoaError, ValueError):
    """Text that is not a reporting period; the message is Vietnamese and says what to type."""


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    kind: str    # quarter | half_year | year | month | range
    key: str     # canonical text: 2024-Q1, 2024-H2, 2024, 2024-03, 2024-01-01..2024-03-31
    label: str   # "quý I năm 2024", "6 tháng đầu năm 2024", "năm 2024", …

    def __contains__(self, d: date) -> bool:
        return self.start <= d <= self.end


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def quarter(year: int, q: int) -> Period:
    m = 3 * (q - 1) + 1
    return Period(date(year, m, 1), _month_end(year, m + 2), "quarter", f"{year}-Q{q}",
                  f"quý {ROMAN[q - 1]} năm {year}")


def half_year(year: int, h: int) -> Period:
    start, end = (date(year, 1, 1), date(year, 6, 30)) if h == 1 else (date(year, 7, 1), date(year, 12, 31))
    return Period(start, end, "half_year", f"{year}-H{h}",
                  f"6 tháng {'đầu' if h == 1 else 'cuối'} năm {year}")


def year_period(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31), "year", str(year), f"năm {year}")


def month(year: int, m: int) -> Period:
    return Period(date(year, m, 1), _month_end(year, m), "month", f"{year}-{m:02d}", f"tháng {m} năm {year}")


def date_range(start: date, end: date) -> Period:
    label = f"từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"
    return Period(start, end, "range", f"{start.isoformat()}..{end.isoformat()}", label)


_HELP = ("Hãy viết một trong các dạng: 2024-Q1 (quý), 2024-H1 (6 tháng), 2024 (năm), "
         "2024-03 (tháng) hoặc 2024-01-01..2024-03-31 (khoảng ngày).")


def _year(text: str) -> int:
    y = int(text)
    if not 2000 <= y <= 2100:
        raise PeriodError(f"Năm {y} nằm ngoài khoảng 2000–2100.")
    return y


def parse_period(text: str) -> Period:
    """Parse a period typed by staff. Raises PeriodError (Vietnamese) for anything else."""
    s = (text or "").strip().upper().replace(" ", "")
    if m := re.fullmatch(r"(\d{4})-?Q([1-4])", s):
        return quarter(_year(m[1]), int(m[2]))
    if m := re.fullmatch(r"(\d{4})-?H([12])", s):
        return half_year(_year(m[1]), int(m[2]))
    if m := re.fullmatch(r"(\d{4})", s):
        return year_period(_year(m[1]))
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", s):
        if not 1 <= int(m[2]) <= 12:
            raise PeriodError(f"Tháng “{m[2]}” không hợp lệ trong “{text}”. {_HELP}")
        return month(_year(m[1]), int(m[2]))
    if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})(?:\.\.|/)(\d{4}-\d{2}-\d{2})", s):
        try:
            start, end = date.fromisoformat(m[1]), date.fromisoformat(m[2])
        except ValueError:
            raise PeriodError(f"Ngày trong “{text}” không có thật. {_HELP}") from None
        _year(str(start.year))
        _year(str(end.year))
        if end < start:
            raise PeriodError(f"Ngày kết thúc {end:%d/%m/%Y} đứng trước ngày bắt đầu {start:%d/%m/%Y}.")
        return date_range(start, end)
    raise PeriodError(f"Không hiểu kỳ báo cáo “{text}”. {_HELP}")


def periods_of(every: str, year: int) -> list[Period]:
    """Every period of one kind within a calendar year."""
    if every == "month":
        return [month(year, m) for m in range(1, 13)]
    if every == "quarter":
        return [quarter(year, q) for q in range(1, 5)]
    if every == "half_year":
        return [half_year(year, 1), half_year(year, 2)]
    if every == "year":
        return [year_period(year)]
    raise PeriodError(f"Chu kỳ báo cáo “{every}” không hợp lệ (month, quarter, half_year, year).")


def due_date(period: Period, fixed: str | None, *, is_off: Callable[[date], bool] | None = None) -> date:
    """When the report on `period` is due (rules in the module docstring)."""
    if not fixed:
        due = period.end
    else:
        mm, dd = (int(x) for x in fixed.split("-"))
        if period.kind == "year":
            due = date(period.start.year, mm, min(dd, calendar.monthrange(period.start.year, mm)[1]))
        else:
            last = period.end
            due = date(last.year, last.month, min(dd, calendar.monthrange(last.year, last.month)[1]))
    return working_day_before(due, is_off)


def working_day_before(day: date, is_off: Callable[[date], bool] | None) -> date:
    """`day`, or the last working day before it when it is a day off."""
    if is_off is None:
        return day
    for _ in range(60):
        if not is_off(day):
            return day
        day -= timedelta(days=1)
    return day


def absorb(entries: list[tuple[Period, date]]) -> list[tuple[Period, date]]:
    """Drop each report whose period ends on the day another, longer one due the same day ends
    (the yearly report covers the second half-year and the fourth quarter)."""
    out = []
    for p, due in entries:
        if any(q is not p and d == due and q.end == p.end and q.start < p.start for q, d in entries):
            continue
        out.append((p, due))
    return out


def _duty_fields(duty: Any) -> tuple[str, str | None]:
    if isinstance(duty, dict):
        return duty["every"], duty.get("due")
    return duty.every, duty.due


def due_reports(duties: Iterable[Any], today: date, days_ahead: int, *,
                is_off: Callable[[date], bool] | None = None) -> list[tuple[Period, date]]:
    """The reports falling due from `today` to `today + days_ahead` inclusive, earliest first.

    `duties` are `ReportDuty` objects (or their dicts from `Plan.to_dict()`). Two duties that
    name the same period and day give one entry; a period absorbed by a longer one due the same
    day gives none (see `absorb`)."""
    horizon = today + timedelta(days=days_ahead)
    found: dict[tuple[str, date], Period] = {}
    for duty in duties:
        every, fixed = _duty_fields(duty)
        if every not in EVERY_KINDS:
            continue
        for y in range(today.year - 1, horizon.year + 2):
            for p in periods_of(every, y):
                due = due_date(p, fixed, is_off=is_off)
                if today <= due <= horizon:
                    found.setdefault((p.key, due), p)
    entries = absorb([(p, due) for (_, due), p in found.items()])
    return sorted(entries, key=lambda x: (x[1], x[0].start, x[0].end))
