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

from content.plan.model import Period, ReportDuty, Timing

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
#
# A clause (sentence, or list item) that mentions "báo cáo" is read for cadences and fixed days:
# - cadences are lists after "định kỳ", "hằng/hàng/mỗi" or "báo cáo (kết quả) (thực hiện)":
#   "định kỳ hằng quý, 6 tháng, năm", "báo cáo kết quả thực hiện 6 tháng, năm";
# - fixed days: "trước ngày 10/6", "trước ngày 01 tháng 10", "15/6 và 15/12", and "trước ngày 20
#   của tháng cuối quý/kỳ" (the day in the last month of each period);
# - a day in brackets right after a cadence is that cadence's ("6 tháng (trước ngày 10/6) và năm
#   (trước ngày 10/12)"); as many days as cadences pair in order ("6 tháng, năm … trước ngày
#   15/6 và 15/12"); two or four days "hằng năm" with no other cadence are half-yearly or
#   quarterly reports.
# `due` is "MM-DD": for a yearly report the date itself; for shorter periods the day counts, in
# the last month of each period (the month written is that of the first period).

_TERM = r"(?:(?:hằng|hàng|mỗi)\s+)?(?:quý|(?:6|sáu)\s+tháng(?!\s+(?:đầu|cuối))|tháng(?!\s*\d)|(?:một|01|1)\s+năm|năm(?!\s*\d))"
_SEP = r"\s*(?:,|và|hoặc|/|;)\s*"
_ANCHOR = (r"(?:định kỳ|hằng|hàng|mỗi|báo cáo(?:\s+(?:kết quả|tình hình|sơ kết|tổng kết|định kỳ))*"
           r"(?:\s+(?:thực hiện|triển khai))?(?:\s+(?:công tác|kế hoạch|nhiệm vụ)\s+(?:này|trên))?)")
_DAY = r"(\d{1,2})\s*(?:/|-|\.|\s+tháng\s+)\s*(\d{1,2})(?![\d/])"
_LIST = re.compile(rf"(?<!\w){_ANCHOR}\s*,?\s*((?:{_TERM})(?:\s*\(([^)]*)\))?(?:{_SEP}(?:{_TERM})(?:\s*\([^)]*\))?)*)",
                   re.I)
# "… trong báo cáo công tác cải cách hành chính quý, 6 tháng, năm": a list of two or more
# periods in a clause about reports is a cadence even without "định kỳ".
_BARE_LIST = re.compile(rf"(?<!\w)((?:quý|(?:6|sáu)\s+tháng)(?!\s+(?:đầu|cuối|[IV\d]))(?:{_SEP}(?:{_TERM}))+)", re.I)
_ONE_TERM = re.compile(rf"({_TERM})(?:\s*\(([^)]*)\))?", re.I)
_LOOSE = re.compile(r"(?:hằng|hàng|mỗi)\s+(quý|tháng|năm)(?!\s*\d)", re.I)
_FIXED = re.compile(rf"(?:trước|chậm nhất|không quá|trước hoặc vào)\s+(?:ngày\s+)?{_DAY}"
                    rf"((?:{_SEP}(?:trước\s+)?(?:ngày\s+)?{_DAY})*)", re.I)
_MORE = re.compile(_DAY)
_LAST_MONTH = re.compile(r"(?:trước|chậm nhất)\s+ngày\s+(\d{1,2})\s+(?:của\s+|hằng\s+|hàng\s+)?tháng\s+cuối\s+"
                         r"(quý|kỳ|năm|(?:6|sáu)\s+tháng)", re.I)
_BARE_DAY = re.compile(r"(?:trước|chậm nhất)\s+ngày\s+(\d{1,2})(?!\s*(?:/|-|\.|tháng|\d))", re.I)
_CLAUSES = re.compile(r"(?<=[.;])\s+(?=\S)|\n")
_FIRST_LAST_MONTH = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}
_ORDER = ("month", "quarter", "half_year", "year")


def _every(term: str) -> str:
    term = term.lower()
    if "quý" in term:
        return "quarter"
    if re.search(r"(?:6|sáu)\s+tháng", term):
        return "half_year"
    if "tháng" in term:
        return "month"
    return "year"


def _mmdd(month: int, day: int) -> str | None:
    return f"{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else None


def _days(text: str) -> list[tuple[int, int]]:
    out = []
    for m in _FIXED.finditer(text):
        out.append((int(m[1]), int(m[2])))
        out += [(int(d), int(mo)) for d, mo in _MORE.findall(m[3] or "")]
    return out


def _clause_duties(clause: str) -> dict[str, str | None]:
    terms: list[str] = []
    own_day: dict[str, str | None] = {}
    for m in (*_LIST.finditer(clause), *_BARE_LIST.finditer(clause)):
        for t in _ONE_TERM.finditer(m[1]):
            every = _every(t[1])
            if every not in terms:
                terms.append(every)
            if t[2]:
                days = _days(t[2])
                if days:
                    own_day[every] = _mmdd(days[0][1], days[0][0])
                elif _LAST_MONTH.search(t[2]):
                    last = _LAST_MONTH.search(t[2])
                    if last[2].lower() != "kỳ":   # "tháng cuối kỳ" is every cadence's, read below
                        own_day[every] = _mmdd(_FIRST_LAST_MONTH[every], int(last[1]))
                elif _BARE_DAY.search(t[2]):
                    own_day[every] = _mmdd(_FIRST_LAST_MONTH[every], int(_BARE_DAY.search(t[2])[1]))
    loose = [_every(m[1]) for m in _LOOSE.finditer(clause)]
    days = _days(clause)
    if set(terms) <= {"year"} and set(loose) <= {"year"} and len({mo for _, mo in days}) in (2, 4) \
            and len(days) in (2, 4):
        terms = ["half_year" if len(days) == 2 else "quarter"]
        return {terms[0]: _mmdd(days[0][1], days[0][0])}
    for every in loose:
        if every not in terms and not (every == "year" and days and terms):
            terms.append(every)
    found: dict[str, str | None] = {t: own_day.get(t) for t in terms}
    last = _LAST_MONTH.search(clause)
    if last and (not own_day or last[2].lower() == "kỳ"):
        for t in terms:
            if found[t] is None:
                found[t] = _mmdd(_FIRST_LAST_MONTH[t], int(last[1]))
        return found
    if own_day:
        return found
    if days and len(days) == len(terms):
        for t, (d, mo) in zip(sorted(terms, key=_ORDER.index), days):
            found[t] = _mmdd(mo, d)
    elif len(days) == 1 and "year" in terms and len(terms) == 1:
        found["year"] = _mmdd(days[0][1], days[0][0])
    elif not days and len(terms) == 1:
        bare = _BARE_DAY.search(clause)
        if bare:
            found[terms[0]] = _mmdd(_FIRST_LAST_MONTH[terms[0]], int(bare[1]))
    return found


def report_duties(clauses_text: str) -> list[ReportDuty]:
    """Reporting duties from every clause that mentions "báo cáo", in REPORT_EVERY order."""
    found: dict[str, str | None] = {}
    for clause in _CLAUSES.split(clauses_text):
        if "báo cáo" not in clause.lower():
            continue
        for every, due in _clause_duties(clause).items():
            if found.get(every) is None:
                found[every] = due
    return [ReportDuty(every=e, due=found[e]) for e in _ORDER if e in found]
