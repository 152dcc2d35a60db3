"""The calendar in words and files: Vietnamese names and titles of slots, iCalendar and CSV.

- `slot_title(slot)`: "Đài truyền thanh – Chủ đề 3: …", "Hạn nhiệm vụ 01: …",
  "Hạn báo cáo quý I/2024", "Nghỉ lễ: Quốc khánh".
- `to_ics(slots, …)`: RFC 5545 text built with the `icalendar` library (it folds lines and
  escapes text). One all-day VEVENT per slot: DTSTART;VALUE=DATE, DTEND the day *after* the
  last day (exclusive, as the RFC says), a UID stable across rebuilds and exports
  ("<plan id>-<slot key>@loa"; "<slot key>@loa" for holidays, see `uid`), CATEGORIES the
  slot's kind in Vietnamese (plus the channel for publish slots), DTSTAMP the export time
  passed in. Summaries are cut at 200 characters; the full text is then in DESCRIPTION.
- `to_csv(slots, …)`: UTF-8 with a BOM (so Excel detects the encoding), comma-separated
  (RFC 4180; Excel set to a Vietnamese locale, whose list separator is ";", can open it with
  Data → From Text/CSV, or pass `delimiter=";"`), Vietnamese headers, dates dd/mm/yyyy. A cell
  that begins with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'` (OWASP's
  CSV-injection rule), so a spreadsheet shows it as text instead of running it as a formula.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta
from typing import Iterable, Mapping

from icalendar import Calendar, Event

from content.calendar.store import SlotView
from content.text import UTC, fmt_date, nfc
from content.kinds import CHANNEL_NAMES

KIND_NAMES = {"publish": "Đăng bài", "task_deadline": "Hạn nhiệm vụ", "task_window": "Nhiệm vụ",
              "report_due": "Hạn báo cáo", "holiday": "Nghỉ lễ"}
WEEKDAY_NAMES = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
CSV_HEADERS = ("Mã ô lịch", "Kế hoạch", "Ngày", "Đến ngày", "Thứ", "Kênh", "Loại", "Chủ đề", "Nội dung",
               "Đã có bài")
SUMMARY_MAX = 200


def theme_number(theme_id: str) -> str:
    """"t3" → "3"; any other id is shown as it is."""
    m = re.fullmatch(r"t(\d+)", theme_id or "")
    return m[1] if m else theme_id


def channel_name(channel: str) -> str:
    return CHANNEL_NAMES.get(channel, channel)


def weekday_name(d: date) -> str:
    return WEEKDAY_NAMES[d.weekday()]


def slot_title(slot: SlotView) -> str:
    """What the slot is, in one Vietnamese line."""
    if slot.kind == "publish":
        return nfc(f"{channel_name(slot.channel)} – Chủ đề {theme_number(slot.theme_id)}: {slot.label}")
    return nfc(slot.label)


def one_holiday_per_day(slots: Iterable[SlotView]) -> list[SlotView]:
    """Every plan stores its own holiday slots; shown or exported together, a holiday appears once."""
    seen: set[str] = set()
    out = []
    for s in slots:
        if s.kind == "holiday":
            if s.key in seen:
                continue
            seen.add(s.key)
        out.append(s)
    return out


def uid(slot: SlotView) -> str:
    """Stable across rebuilds and exports. A holiday's UID names no plan, so the same day off
    exported with several plans is one event in the staff's calendar app."""
    return f"{slot.key}@loa" if slot.kind == "holiday" else f"{slot.plan_id}-{slot.key}@loa"


def _short(text: str, limit: int = SUMMARY_MAX) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def to_ics(slots: Iterable[SlotView], *, now: datetime, calendar_name: str = "Lịch tuyên truyền cải cách hành chính",
           plan_names: Mapping[int, str] | None = None) -> bytes:
    """An iCalendar file with one all-day event per slot. `now` (aware) becomes DTSTAMP."""
    plan_names = plan_names or {}
    cal = Calendar()
    cal.add("prodid", "-//Loa//Lịch nội dung//VI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", nfc(calendar_name))
    stamp = now.astimezone(UTC)
    for slot in slots:
        title = slot_title(slot)
        ev = Event()
        ev.add("uid", uid(slot))
        ev.add("dtstamp", stamp)
        ev.add("dtstart", slot.day)
        ev.add("dtend", (slot.end_day or slot.day) + timedelta(days=1))
        ev.add("summary", _short(title))
        lines = [title] if len(title) > SUMMARY_MAX else []
        if slot.plan_id in plan_names and slot.kind != "holiday":
            lines.append(f"Kế hoạch: {plan_names[slot.plan_id]}")
        if slot.kind == "publish":
            lines.append(f"Đã có bài: {', '.join(f'số {i}' for i in slot.item_ids)}" if slot.filled
                         else "Chưa có bài")
            lines.append(f"Mã ô lịch: {slot.id}")
        if lines:
            ev.add("description", nfc("\n".join(lines)))
        categories = [KIND_NAMES.get(slot.kind, slot.kind)]
        if slot.channel:
            categories.append(channel_name(slot.channel))
        ev.add("categories", categories)
        ev.add("transp", "TRANSPARENT")
        cal.add_component(ev)
    return cal.to_ical()


def csv_rows(slots: Iterable[SlotView], plan_names: Mapping[int, str] | None = None) -> list[list[str]]:
    """The CSV rows (without the header), as strings."""
    plan_names = plan_names or {}
    rows = []
    for s in slots:
        rows.append([
            str(s.id),
            plan_names.get(s.plan_id, str(s.plan_id)),
            fmt_date(s.day),
            fmt_date(s.end_day) if s.end_day else "",
            weekday_name(s.day),
            channel_name(s.channel) if s.channel else "",
            KIND_NAMES.get(s.kind, s.kind),
            theme_number(s.theme_id) if s.theme_id else "",
            nfc(s.label),
            ("Có" if s.filled else "Chưa") if s.kind == "publish" else "",
        ])
    return rows


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(cell: str) -> str:
    """A cell a spreadsheet will not run as a formula (OWASP CSV injection)."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def to_csv(slots: Iterable[SlotView], *, plan_names: Mapping[int, str] | None = None,
           delimiter: str = ",") -> bytes:
    """UTF-8 CSV with BOM and Vietnamese headers (see the module docstring)."""
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    w.writerow(CSV_HEADERS)
    w.writerows([csv_safe(c) for c in row] for row in csv_rows(slots, plan_names))
    return buf.getvalue().encode("utf-8-sig")
