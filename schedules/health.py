"""How each channel is doing, for the admins' page (/channels in the web console) — the facts
`loa doctor` prints, plus what the publication log and the feed state remember: live, outbox or
disabled and why; the last success and the last error per channel; when Zalo's stored access
token expires; when each feed was last fetched. Read-only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from channels.log import OK_OUTCOMES
from channels.models import Attempt, ChannelState
from channels.registry import ChannelStatus, channel_status
from content.config import Settings
from content.kinds import PUBLISHABLE
from content.text import UTC
from schedules.models import FeedState


@dataclass(frozen=True)
class ChannelHealth:
    name: str
    mode: str                      # live | outbox | disabled
    reason: str
    last_ok: datetime | None
    last_error_at: datetime | None
    last_error: str | None


@dataclass(frozen=True)
class FeedHealth:
    url: str
    name: str
    polled_at: datetime | None
    last_error: str | None
    entries_added: int


@dataclass(frozen=True)
class Health:
    channels: list[ChannelHealth]
    zalo_token_expires: datetime | None
    feeds: list[FeedHealth]
    staff_chat: str


def channel_health(session: Session, settings: Settings, statuses: list[ChannelStatus] | None = None) -> Health:
    """`statuses`: `channel_status(settings, StateStore(db))` when stored state counts (Zalo's pair)."""
    status = {st.name: st for st in (statuses if statuses is not None else channel_status(settings))}
    ok = dict(session.execute(select(Attempt.channel, func.max(Attempt.at))
                              .where(Attempt.outcome.in_(OK_OUTCOMES)).group_by(Attempt.channel)).all())
    rows = []
    for name in PUBLISHABLE:
        err = session.execute(select(Attempt.at, Attempt.error, Attempt.http_status)
                              .where(Attempt.channel == name, Attempt.outcome.not_in(OK_OUTCOMES))
                              .order_by(Attempt.at.desc(), Attempt.id.desc()).limit(1)).first()
        st = status.get(name)
        text = None
        if err is not None:
            text = " ".join(x for x in (str(err.http_status) if err.http_status else "", err.error or "") if x) or "lỗi"
        rows.append(ChannelHealth(name, st.mode if st else "disabled", st.reason_vi if st else "chưa cấu hình",
                                  ok.get(name), err.at if err else None, text))
    expires = session.scalar(select(ChannelState.value).where(ChannelState.channel == "zalo",
                                                              ChannelState.key == "expires_at"))
    zalo_expiry = None
    if expires:
        try:
            zalo_expiry = datetime.fromtimestamp(float(expires), UTC)
        except ValueError:
            zalo_expiry = None
    states = {f.url: f for f in session.scalars(select(FeedState))}
    feeds = []
    for f in settings.feeds:
        st = states.get(f.url)
        feeds.append(FeedHealth(f.url, f.label, st.polled_at if st else None,
                                st.last_error if st else None, st.entries_added if st else 0))
    return Health(rows, zalo_expiry, feeds, str(settings.channel("telegram").staff_chat_id))
