"""Small text and time helpers shared by every layer: NFC normalisation, Vietnamese date
formatting (dd/mm/yyyy) and timezone-aware conversions that never depend on the host's TZ."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from content.kinds import CHANNEL_NAMES

UTC = timezone.utc



def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fmt_date(d: date | datetime, tz: ZoneInfo | None = None) -> str:
    """dd/mm/yyyy; an aware datetime is first shown in `tz`."""
    if isinstance(d, datetime) and tz is not None and d.tzinfo is not None:
        d = d.astimezone(tz)
    return d.strftime("%d/%m/%Y")


def fmt_datetime(dt: datetime, tz: ZoneInfo) -> str:
    """dd/mm/yyyy HH:MM in the given zone (naive datetimes are taken as UTC)."""
    return as_utc(dt).astimezone(tz).strftime("%d/%m/%Y %H:%M")


def as_utc(dt: datetime) -> datetime:
    """Aware UTC datetime; a naive one (as SQLite returns) is taken to be UTC already."""
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def now_utc() -> datetime:
    return datetime.now(UTC)


def target_name(target: str) -> str:
    """A post's target as staff read it: "article" → "bài viết", "user:42" → "người dùng 42",
    "notice" → "bản niêm yết", "sms:0912…" → "SMS 0912…"; chat ids as they are."""
    if target == "article":
        return "bài viết"
    if target == "notice":
        return "bản niêm yết"
    if target.startswith("user:"):
        return f"người dùng {target[5:]}"
    if target.startswith("sms:"):
        return f"SMS {target[4:]}"
    return target


def where_name(channel: str, target: str = "") -> str:
    """"Zalo (bài viết)", "Telegram (@xangoclam)", "Cổng TTĐT" — a channel and target for people."""
    name = CHANNEL_NAMES.get(channel, channel)
    return f"{name} ({target_name(target)})" if target else name
