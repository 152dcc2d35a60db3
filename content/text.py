"""Small text and time helpers shared by every layer: NFC normalisation, Vietnamese date
formatting (dd/mm/yyyy) and timezone-aware conversions that never depend on the host's TZ."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

UTC = timezone.utc

# How staff name each channel, everywhere Loa shows one.
CHANNEL_NAMES = {"portal": "Cổng TTĐT", "telegram": "Telegram", "zalo": "Zalo",
                 "radio": "Đài truyền thanh", "hotline": "Đường dây nóng"}


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


def parse_local(text: str, tz: ZoneInfo) -> datetime:
    """Parse staff input such as "2024-03-04 08:00", "2024-03-04T08:00" or "04/03/2024 08:00"
    in the configured zone; returns an aware UTC datetime. Raises ValueError (Vietnamese)."""
    s = nfc(text).strip()
    for fmt in ("%d/%m/%Y %H:%M", "%d/%m/%Y"):
        try:
            return datetime.strptime(s, fmt).replace(tzinfo=tz).astimezone(UTC)
        except ValueError:
            pass
    try:
        dt = datetime.fromisoformat(s)
    except ValueError:
        raise ValueError(f"Không hiểu thời điểm “{text}”. Hãy viết dạng 2024-03-04 08:00 "
                         f"hoặc 04/03/2024 08:00.") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=tz)
    return dt.astimezone(UTC)


def now_utc() -> datetime:
    return datetime.now(UTC)
