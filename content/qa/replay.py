"""Replay protection for what citizens send: a delivery the platform repeats makes nothing twice.

Horizons (DESIGN.md, "Facts for this round"; community sources for Zalo — change them here):
- Telegram keeps an unconfirmed update for up to 24 hours and delivers it again (after a crash,
  a lost confirmation, or to a second poller); `update_id` identifies the repeat.
- Zalo retries an event it did not see acknowledged, by one report for up to 12 hours; it
  documents no replay window, so its `message.msg_id` identifies the repeat.

Decided:
- A Zalo event is accepted only when its own timestamp (milliseconds, in the body, covered by
  the signature) is at most `ZALO_MAX_AGE` = 24 hours old — twice the longest retry horizon
  reported, for clock skew and the uncertainty of the sources — and at most `ZALO_MAX_AHEAD` =
  5 minutes in the future. A missing or malformed timestamp is refused.
- Handled ids are remembered for `KEEP` = 48 hours: longer than Telegram's 24 hours, and longer
  than the Zalo acceptance window plus its future margin, so every delivery that could still be
  accepted is still recognised. Older rows are pruned (hourly, with the retention purge).

`claim` records a delivery in its own transaction before anything is sent; the platforms
confirm a delivery as soon as Loa has it (Telegram: the next getUpdates; Zalo: the 200), so a
crash in between loses what it would have lost anyway, and a repeat never makes a second question.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from content.qa.models import SeenDelivery
from content.text import as_utc

TELEGRAM_REDELIVERY = timedelta(hours=24)
ZALO_RETRY_HORIZON = timedelta(hours=12)
ZALO_MAX_AGE = timedelta(hours=24)
ZALO_MAX_AHEAD = timedelta(minutes=5)
KEEP = timedelta(hours=48)
assert KEEP > TELEGRAM_REDELIVERY and KEEP > ZALO_MAX_AGE + ZALO_MAX_AHEAD


def claim(session: Session, source: str, key: str, now: datetime) -> bool:
    """Record the delivery (`source`, `key`); False when it was handled before (a repeat)."""
    try:
        with session.begin_nested():
            session.add(SeenDelivery(source=source[:60], key=str(key)[:120], seen_at=now))
            session.flush()
        return True
    except IntegrityError:
        return False


def prune(session: Session, now: datetime) -> int:
    """Forget deliveries older than KEEP; returns how many."""
    res = session.execute(delete(SeenDelivery).where(SeenDelivery.seen_at < now - KEEP))
    return res.rowcount or 0


def zalo_time(value: object) -> datetime | None:
    """An event's timestamp (milliseconds since the epoch, a string or a number) as UTC; None
    when it is missing or not a whole number."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    text = str(value).strip()
    if not text.isdigit() or len(text) > 15:
        return None
    return datetime.fromtimestamp(int(text) / 1000, tz=timezone.utc)


def zalo_time_problem(value: object, now: datetime) -> str | None:
    """Why an event's timestamp is refused ("missing", "too_old", "future"), or None."""
    at = zalo_time(value)
    if at is None:
        return "missing"
    now = as_utc(now)
    if at < now - ZALO_MAX_AGE:
        return "too_old"
    if at > now + ZALO_MAX_AHEAD:
        return "future"
    return None


__all__ = ["KEEP", "ZALO_MAX_AGE", "ZALO_MAX_AHEAD", "claim", "prune", "zalo_time", "zalo_time_problem"]
