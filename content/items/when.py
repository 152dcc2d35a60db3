"""Dates and times as Vietnamese staff type them — the one parser every command and the web
console use.

Accepted (any order of date and time, case and diacritics as typed, NFC or not):
- dates: 05/03/2024, 5/3/2024, 5/3/24, 05-03-2024, 5.3.2024, 5/3 (no year: this year, or next
  year when that date is more than six months gone), 2024-03-05 (ISO), "ngày 5 tháng 3 năm
  2024", "hôm nay", "ngày mai"/"mai", "ngày kia"/"ngày mốt"/"mốt", "hôm qua", "hôm kia", weekdays "thứ Hai" … "thứ
  Bảy", "thứ 2" … "thứ 7", "T2" … "T7", "Chủ nhật"/"CN", optionally "tuần này", "tuần sau" /
  "tuần tới"; a bare weekday is the next one (today included);
- times: 8h, 8h30, 08h30, 8h 30, 8g30, 8 giờ, 8 giờ 30, 8 giờ 30 phút, 14:00, 8:30, with "sáng",
  "trưa", "chiều", "tối", "đêm" (or am/pm): "2 giờ chiều" is 14:00; a part of the day alone
  ("sáng mai") takes that part's usual hour;
- full ISO 8601 with an offset ("2024-03-05T08:00+07:00").
Filler words "lúc", "vào", "ngày", commas are ignored. Anything else left over is refused,
never guessed: the message quotes the part not understood and shows examples.

A date without a time takes `default_hour` (the channel's, from config) and `When.hour_assumed`
says so; a time without a date is today, or tomorrow when that time has passed. `When.past`
marks a moment before `now`: callers ask for confirmation (or `--yes`) before using it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from content.errors import LoaError
from content.text import UTC, now_utc
from content.kinds import CHANNEL_NAMES

VN = ZoneInfo("Asia/Ho_Chi_Minh")
EXAMPLES = "ví dụ: 05/03/2024 08:00, 5/3/2024 8h30, 8h30 thứ Hai tuần sau, ngày mai 14h"


class WhenError(LoaError, ValueError):
    """A date or time staff typed that Loa does not understand (or that does not exist)."""


class PastTimeError(LoaError):
    """A publication time in the past, not confirmed."""


@dataclass(frozen=True)
class When:
    at: datetime            # aware, UTC
    local: datetime         # the same moment in the unit's zone
    hour_assumed: bool      # no time was typed: `default_hour` was used
    past: bool              # before `now`
    text: str               # what was typed

    def shown(self) -> str:
        return self.local.strftime("%d/%m/%Y %H:%M")

    def notes(self, hour_source: str = "") -> list[str]:
        """What staff should be told about how the input was read (Vietnamese)."""
        out = []
        if self.hour_assumed:
            src = f" ({hour_source})" if hour_source else ""
            out.append(f"Không ghi giờ: dùng giờ mặc định {self.local:%H:%M}{src}.")
        if self.past:
            out.append(f"Thời điểm {self.shown()} đã qua.")
        return out


_WEEKDAYS = {"hai": 0, "2": 0, "ba": 1, "3": 1, "tu": 2, "4": 2, "nam": 3, "5": 3, "sau": 4, "6": 4,
             "bay": 5, "7": 5}
WEEKDAY_NAMES = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
_PARTS = {"sang": (8, "am"), "trua": (12, "noon"), "chieu": (14, "pm"), "toi": (19, "pm"),
          "dem": (21, "night"), "am": (8, "am"), "pm": (14, "pm")}
_FILLERS = {"luc", "vao", "ngay", "hoi", "gio", "khoang", "", "-", ",", ".", "va"}

_ISO_FULL = re.compile(r"^\s*\d{4}-\d{2}-\d{2}[t ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(z|[+-]\d{2}:?\d{2})\s*$")
_ISO_DATE = re.compile(r"(?<![\d/.-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\d/.-])")
_DMY = re.compile(r"(?<![\d/.:-])(\d{1,2})([/.-])(\d{1,2})(?:\2(\d{4}|\d{2}))?(?![\d/.:-])")
_WORDY = re.compile(r"\bngay\s+(\d{1,2})\s+thang\s+(\d{1,2})(?:\s+nam\s+(\d{4}))?\b"
                    r"|\bmung\s+(\d{1,2})(?:\s+thang\s+(\d{1,2}))?(?:\s+nam\s+(\d{4}))?\b")
_ISO_T = re.compile(r"(?<=\d)t(?=\d{1,2}:\d{2})")
_TIME_H = re.compile(r"(?<![\d:/.-])(\d{1,2})\s*(?:h|g|gio)(?![a-z])(?:\s*(\d{1,2})(?!\d|[/.-]\d)(?:\s*(?:phut|p|')(?![a-z]))?)?")
_TIME_COLON = re.compile(r"(?<![\d:/.-])(\d{1,2}):(\d{2})(?::(\d{2}))?(?![\d:])")
_TIME_AMPM = re.compile(r"(?<![\d:/.-])(\d{1,2})\s*(am|pm)\b")
_PART = re.compile(r"\b(sang|trua|chieu|toi|dem)\b")
_RELATIVE = re.compile(r"\b(hom\s+nay|ngay\s+mai|ngay\s+kia|ngay\s+mot|hom\s+sau|hom\s+qua|hom\s+kia|mai|mot|kia|nay)\b")
_WEEKDAY = re.compile(r"\b(?:thu\s+(hai|ba|tu|nam|sau|bay|[2-7])|t([2-7])|(chu\s+nhat|cn))\b"
                      r"(?:\s+(tuan\s+(?:nay|sau|toi)))?")
_RELATIVE_DAYS = {"hom nay": 0, "ngay mai": 1, "mai": 1, "hom sau": 1, "ngay kia": 2, "ngay mot": 2,
                  "mot": 2, "kia": 2, "nay": 0,
                  "hom qua": -1, "hom kia": -2}


def fold(text: str) -> str:
    """Lower case without diacritics (đ → d), one character for each character of `text`, so
    a position in the folded text is the same position in what was typed."""
    out = []
    for c in text:
        low = c.lower()
        base = unicodedata.normalize("NFD", low if len(low) == 1 else c)[0]
        out.append("d" if base in "đĐ" else base if not base.isspace() else " ")
    return "".join(out)


def parse_when(text: str, now: datetime, default_hour: int | str | time = 8, *, tz: ZoneInfo | None = None) -> When:
    """Read a date/time typed by staff. `now` is aware; the result's `local` is in `tz` (default
    `now`'s zone when it is a ZoneInfo, else Asia/Ho_Chi_Minh). Raises `WhenError`."""
    zone = tz or (now.tzinfo if isinstance(now.tzinfo, ZoneInfo) else VN)
    local_now = now.astimezone(zone)
    raw = unicodedata.normalize("NFC", text or "").strip()
    if not raw:
        raise WhenError(f"Chưa ghi thời điểm ({EXAMPLES}).")
    s = fold(raw)

    if _ISO_FULL.match(s):
        try:
            dt = datetime.fromisoformat(raw.strip().replace("z", "Z"))
        except ValueError:
            raise WhenError(f"Không hiểu thời điểm “{raw}” ({EXAMPLES}).") from None
        return _when(dt.astimezone(zone), False, now, raw)

    s = _ISO_T.sub(" ", s)
    rest = f" {s} "
    day: date | None = None
    clock: time | None = None
    part: str | None = None

    def take(m: re.Match[str]) -> None:
        nonlocal rest
        rest = rest[:m.start()] + " " * (m.end() - m.start()) + rest[m.end():]

    # -- weekday first ("tuần tới" must not be read as "tối") --------------------------
    weekday: tuple[int, str | None, str] | None = None
    found = _WEEKDAY.search(rest)
    if found:
        word = found.group(1) or found.group(2)
        weekday = (6 if found.group(3) else _WEEKDAYS[word], (found.group(4) or "").split()[-1:][0] if found.group(4) else None,
                   found.group(0))
        take(found)
    # -- time ------------------------------------------------------------------------------
    found = _TIME_COLON.search(rest)
    if found:
        clock = _clock(raw, int(found.group(1)), int(found.group(2)), int(found.group(3) or 0))
        take(found)
    else:
        found = _TIME_AMPM.search(rest)
        if found:
            h = int(found.group(1))
            if not 1 <= h <= 12:
                raise WhenError(f"Giờ “{found.group(0)}” không có thật: am/pm đi với giờ 1–12.")
            clock = _clock(raw, h % 12 + (12 if found.group(2) == "pm" else 0), 0)
            take(found)
        else:
            found = _TIME_H.search(rest)
            if found:
                clock = _clock(raw, int(found.group(1)), int(found.group(2) or 0))
                take(found)
    found_part = _PART.search(rest)
    if found_part:
        part = found_part.group(1)
        take(found_part)
    if clock is not None and part is not None:
        clock = _apply_part(raw, clock, part)

    # -- date ------------------------------------------------------------------------------
    found = _ISO_DATE.search(rest)
    if found:
        day = _date(raw, int(found.group(1)), int(found.group(2)), int(found.group(3)))
        take(found)
    if day is None:
        found = _WORDY.search(rest)
        if found:
            g = found.groups()
            d, m, y = (g[0], g[1], g[2]) if g[0] else (g[3], g[4], g[5])
            day = _dmy(raw, int(d), int(m) if m else local_now.month, int(y) if y else None, local_now.date(),
                       month_given=bool(m))
            take(found)
    if day is None:
        found = _DMY.search(rest)
        if found:
            y = found.group(4)
            if found.group(2) == "." and not y:
                raise WhenError(f"“{found.group(0)}” trong “{raw}”: ngày có dấu chấm cần ghi cả năm "
                                f"(ví dụ 5.3.2024), hoặc viết giờ là {found.group(1)}h{found.group(3)}.")
            year = (2000 + int(y) if len(y) == 2 else int(y)) if y else None
            day = _dmy(raw, int(found.group(1)), int(found.group(3)), year, local_now.date())
            take(found)
    if day is None:
        found = _RELATIVE.search(rest)
        if found:
            day = local_now.date() + timedelta(days=_RELATIVE_DAYS[" ".join(found.group(1).split())])
            take(found)

    if weekday is not None:
        wd, which, said = weekday
        if day is None:
            day = _weekday(local_now.date(), wd, which)
        elif day.weekday() != wd or which:
            raise WhenError(f"“{raw}”: ngày {day:%d/%m/%Y} là {WEEKDAY_NAMES[day.weekday()]}, "
                            f"không khớp với “{said}”.")

    leftover = [m for m in re.finditer(r"[^\s,]+", rest) if m.group(0) not in _FILLERS]
    if leftover:
        bad = " ".join(f" {raw} "[m.start():m.end()] for m in leftover)
        raise WhenError(f"Không hiểu “{bad}” trong thời điểm “{raw}” ({EXAMPLES}).")
    if day is None and clock is None and part is None:
        raise WhenError(f"Không hiểu thời điểm “{raw}” ({EXAMPLES}).")

    assumed = False
    if clock is None:
        if part is not None:
            clock = time(_PARTS[part][0], 0)
        else:
            clock = _default_time(default_hour)
        assumed = True
    if day is None:
        day = local_now.date()
        if datetime.combine(day, clock, tzinfo=zone) <= local_now:
            day += timedelta(days=1)
    return _when(datetime.combine(day, clock, tzinfo=zone), assumed, now, raw)


def _when(local: datetime, assumed: bool, now: datetime, raw: str) -> When:
    at = local.astimezone(UTC)
    return When(at=at, local=local, hour_assumed=assumed, past=at < now.astimezone(UTC), text=raw)


def _clock(raw: str, h: int, m: int, sec: int = 0) -> time:
    if h > 23 or m > 59 or sec > 59:
        raise WhenError(f"Giờ trong “{raw}” không có thật ({h}:{m:02d}); giờ từ 0 đến 23, phút từ 0 đến 59.")
    return time(h, m, sec)


def _apply_part(raw: str, clock: time, part: str) -> time:
    h = clock.hour
    if part == "sang":
        if h > 12:
            raise WhenError(f"“{raw}”: {h} giờ không phải buổi sáng.")
        h = 0 if h == 12 else h
    elif part == "trua":
        if h in (1, 2):
            h += 12
        elif not 10 <= h <= 14:
            raise WhenError(f"“{raw}”: {h} giờ không phải buổi trưa.")
    elif part in ("chieu", "toi"):
        if h < 12:
            h += 12
        elif part == "chieu" and h > 19 or part == "toi" and h < 17:
            raise WhenError(f"“{raw}”: {h} giờ không phải buổi {'chiều' if part == 'chieu' else 'tối'}.")
    elif part == "dem":
        if 8 <= h < 12:
            h += 12
    return time(h, clock.minute, clock.second)


def _date(raw: str, y: int, m: int, d: int) -> date:
    try:
        return date(y, m, d)
    except ValueError:
        raise WhenError(f"Ngày {d:02d}/{m:02d}/{y} trong “{raw}” không có thật.") from None


def _dmy(raw: str, d: int, m: int, year: int | None, today: date, month_given: bool = True) -> date:
    if year is not None:
        return _date(raw, year, m, d)
    got = _date(raw, today.year, m, d) if (m, d) != (2, 29) else _leap(raw, today.year, d, m)
    if not month_given and got < today:            # "mùng 5": the next 5th
        nm = today.month % 12 + 1
        return _date(raw, today.year + (nm == 1), nm, d)
    if (today - got).days > 183:                   # long gone this year: next year's
        return _date(raw, today.year + 1, m, d) if (m, d) != (2, 29) else _leap(raw, today.year + 1, d, m)
    return got


def _leap(raw: str, year: int, d: int, m: int) -> date:
    for y in range(year, year + 4):
        try:
            return date(y, m, d)
        except ValueError:
            continue
    raise WhenError(f"Ngày {d:02d}/{m:02d} trong “{raw}” không có thật.")  # pragma: no cover


def _weekday(today: date, wd: int, which: str | None) -> date:
    monday = today - timedelta(days=today.weekday())
    if which in ("sau", "toi"):
        return monday + timedelta(days=7 + wd)
    if which == "nay":
        return monday + timedelta(days=wd)
    return today + timedelta(days=(wd - today.weekday()) % 7)


def _default_time(value: int | str | time) -> time:
    if isinstance(value, time):
        return value
    if isinstance(value, int):
        return time(value, 0)
    h, _, m = str(value).partition(":")
    return time(int(h), int(m or 0))


def default_hour_for(settings, channels: tuple[str, ...] | list[str]) -> tuple[time, str]:  # noqa: ANN001
    """The default publication time for an item on these channels, and where it came from
    (Vietnamese): `[channels.<name>] default_hour` (the earliest of the item's channels), else
    `[schedule] default_hour`, else 08:00."""
    found: list[tuple[time, str]] = []
    for name in channels:
        value = settings.channel(name).default_hour
        if value not in (None, ""):
            found.append((_checked_default(value, f"[channels.{name}] default_hour"),
                          f"giờ mặc định của kênh {CHANNEL_NAMES.get(name, name)}"))
    if found:
        return min(found)
    value = settings.schedule.default_hour
    if value not in (None, ""):
        return _checked_default(value, "[schedule] default_hour"), "giờ mặc định trong cấu hình ([schedule] default_hour)"
    return time(8, 0), "giờ mặc định của Loa"


def _checked_default(value, key: str) -> time:  # noqa: ANN001
    try:
        t = _default_time(value)
    except (ValueError, TypeError):
        raise WhenError(f"Cấu hình {key} = “{value}” không hợp lệ (ví dụ: 8 hoặc \"07:30\").") from None
    return t


def confirm_past(when: When, yes: bool) -> None:
    """Refuse a past moment unless the person confirmed it."""
    if when.past and not yes:
        raise PastTimeError(f"Thời điểm {when.shown()} đã qua: bài sẽ được đăng ngay khi duyệt. "
                            "Nếu đúng ý, hãy xác nhận (thêm --yes); nếu nhầm, hãy sửa lại ngày giờ.")


def parse_local(text: str, tz: ZoneInfo, default_hour: int = 0) -> datetime:
    """Staff input such as "04/03/2024 08:00", "2024-03-04T08:00", "5/3 8h30", "thứ Hai tuần
    sau" in the configured zone, as an aware UTC datetime; a date alone is its midnight (or
    `default_hour`). `WhenError` is a ValueError too."""
    return parse_when(text, now_utc(), default_hour, tz=tz).at
