"""When things happen: a task's "Thời gian thực hiện" cell → `Timing`, and the plan's
reporting duties ("định kỳ hàng quý, 6 tháng, năm", "trước ngày 01 tháng 10 hằng năm").

Timing kinds, checked in this order (the first that fits wins, the original text is kept):
deadline ("Trước 31/12/2023", "Hoàn thành trước ngày 15/3/2024"), recurring ("hằng tuần",
"định kỳ hằng quý"), ongoing ("Thường xuyên trong năm 2024" → the plan period or the year
named), window ("Quý I/2025", "Tháng 10/2025", "6 tháng đầu năm 2024", "Năm 2024",
"từ 01/3/2024 đến 30/4/2024") and external ("Theo kế hoạch của tỉnh"). Text that fits none
is `external` too: it has no date Loa could act on.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from content.plan.parse import Period, ReportDuty, Timing

_D = r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})"
_DEADLINE = re.compile(r"(?:trước|chậm nhất|hạn chót|hạn cuối|không quá|hoàn thành)\D{0,20}?(?:ngày\s*)?" + _D, re.I)
_DEADLINE_WORDS = re.compile(
    r"(?:trước|chậm nhất)\s+ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.I)
_RANGE = re.compile(r"từ\s+(?:ngày\s+)?" + _D + r"\s*(?:đến|-|–)\s*(?:ngày\s+)?" + _D, re.I)
_RECUR = (
    (re.compile(r"(?:hằng|hàng|mỗi)\s+tuần", re.I), "week"),
    (re.compile(r"(?:hằng|hàng|mỗi)\s+tháng", re.I), "month"),
    (re.compile(r"(?:hằng|hàng|mỗi)\s+quý", re.I), "quarter"),
    (re.compile(r"(?:định kỳ|hằng|hàng|mỗi)\s+(?:6|sáu)\s+tháng", re.I), "half_year"),
    (re.compile(r"(?:hằng|hàng|mỗi)\s+năm", re.I), "year"),
)
_ONGOING = re.compile(r"thường xuyên|liên tục|cả năm|suốt năm|quanh năm", re.I)
_QUARTER = re.compile(r"quý\s+(I{1,3}|IV|[1-4])\s*(?:/|năm|,)?\s*(\d{4})", re.I)
_MONTH = re.compile(r"tháng\s+(\d{1,2})\s*(?:/|năm|,)?\s*(\d{4})", re.I)
_HALF = re.compile(r"6\s+tháng\s+(đầu|cuối)\s+năm\s+(\d{4})", re.I)
_YEAR = re.compile(r"(?:trong\s+)?năm\s+(\d{4})", re.I)
_EXTERNAL = re.compile(r"theo (?:kế hoạch|chỉ đạo|yêu cầu|hướng dẫn|lịch|thông báo|quy định)|khi có", re.I)
_ROMAN_Q = {"I": 1, "II": 2, "III": 3, "IV": 4}


def _day(y: str | int, m: str | int, d: str | int) -> date | None:
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        return None


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def parse_timing(text: str, period: Period | None) -> Timing:
    t = re.sub(r"\s+", " ", text).strip()
    m = _RANGE.search(t)
    if m:
        start, end = _day(m[3], m[2], m[1]), _day(m[6], m[5], m[4])
        if start and end:
            return Timing("window", t, start=start, end=end)
    m = _DEADLINE.search(t)
    if m and _day(m[3], m[2], m[1]):
        return Timing("deadline", t, due=_day(m[3], m[2], m[1]))
    m = _DEADLINE_WORDS.search(t)
    if m and _day(m[3], m[2], m[1]):
        return Timing("deadline", t, due=_day(m[3], m[2], m[1]))
    for rx, every in _RECUR:
        if rx.search(t):
            return Timing("recurring", t, every=every)
    if _ONGOING.search(t):
        y = _YEAR.search(t)
        if y:
            return Timing("ongoing", t, start=date(int(y[1]), 1, 1), end=date(int(y[1]), 12, 31))
        return Timing("ongoing", t, start=period.start if period else None, end=period.end if period else None)
    m = _QUARTER.search(t)
    if m:
        q = _ROMAN_Q.get(m[1].upper()) or int(m[1])
        y = int(m[2])
        return Timing("window", t, start=date(y, 3 * q - 2, 1), end=_month_end(y, 3 * q))
    m = _HALF.search(t)
    if m:
        y = int(m[2])
        first = m[1].lower() == "đầu"
        return Timing("window", t, start=date(y, 1 if first else 7, 1), end=date(y, 6, 30) if first else date(y, 12, 31))
    m = _MONTH.search(t)
    if m and 1 <= int(m[1]) <= 12:
        y, mo = int(m[2]), int(m[1])
        return Timing("window", t, start=date(y, mo, 1), end=_month_end(y, mo))
    if not _EXTERNAL.search(t):
        y = _YEAR.fullmatch(t.rstrip(". ")) or _YEAR.match(t)
        if y:
            return Timing("window", t, start=date(int(y[1]), 1, 1), end=date(int(y[1]), 12, 31))
    return Timing("external", t)


# --- reporting duties ---------------------------------------------------------------------

_TERM = r"(?:(?:hằng|hàng|mỗi)\s+)?(?:quý|(?:6|sáu)\s+tháng|tháng|(?:một|01|1)\s+năm|năm(?!\s*\d))"
_LIST = re.compile(r"định kỳ\s*,?\s*(" + _TERM + r"(?:\s*(?:,|và|hoặc|/)\s*" + _TERM + r")*)", re.I)
_LOOSE = re.compile(r"(?:hằng|hàng|mỗi)\s+(quý|tháng|năm)(?!\s*\d)", re.I)
_DUE_YEARLY = re.compile(
    r"trước ngày\s+(\d{1,2})\s*(?:tháng\s*|/)\s*(\d{1,2})\s+(?:hằng|hàng|mỗi)\s+năm", re.I)
_CLAUSES = re.compile(r"(?<=[.;])\s+|\n")


def _every(term: str) -> str:
    term = term.lower()
    if "quý" in term:
        return "quarter"
    if re.search(r"(?:6|sáu)\s+tháng", term):
        return "half_year"
    if "tháng" in term:
        return "month"
    return "year"


def report_duties(clauses_text: str) -> list[ReportDuty]:
    """Reporting duties from every clause that mentions "báo cáo", in REPORT_EVERY order."""
    found: dict[str, str | None] = {}
    for clause in _CLAUSES.split(clauses_text):
        if "báo cáo" not in clause.lower():
            continue
        for m in _DUE_YEARLY.finditer(clause):
            found["year"] = f"{int(m[2]):02d}-{int(m[1]):02d}"
        for m in _LIST.finditer(clause):
            for term in re.split(r"\s*(?:,|và|hoặc|/)\s*", m[1]):
                if term.strip():
                    found.setdefault(_every(term), None)
        for m in _LOOSE.finditer(clause):
            found.setdefault(_every(m[1]), None)
    order = ("month", "quarter", "half_year", "year")
    return [ReportDuty(every=e, due=found[e]) for e in order if e in found]
