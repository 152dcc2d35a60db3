"""What the operator needs to know about each channel (the console's /channels page, beside
`loa doctor`): its mode and why (`registry.channel_status`, the doctor's own facts), its last
success and last error in the publication log, its stuck posts; when Zalo's stored access token
expires; who the Telegram bot is (getMe); and a test message into the staff chat, sent the way
staff notices are sent (`schedules.runner.StaffNotifier`: HTML-escaped text through the
Telegram adapter, or its outbox)."""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from channels.base import Channel, ChannelError, Receipt
from channels.log import OK_OUTCOMES
from channels.models import Attempt, Post
from channels.registry import adapter_class, build_channels, channel_status
from channels.staff import StaffChat, staff_chat_id
from content.config import Settings
from content.text import UTC

if TYPE_CHECKING:
    from channels.state import StateStore

ERROR_OUTCOMES = ("retry", "rate_limited", "failed", "dead", "unknown")
STUCK_STATES = ("failed", "dead", "unknown")
MODE_NAMES = {"live": "đang đăng thật", "outbox": "ghi vào hộp thư đi", "disabled": "tắt"}


@dataclass(frozen=True)
class LastAttempt:
    at: datetime
    target: str
    outcome: str
    error: str | None
    url: str | None
    post_id: int


@dataclass(frozen=True)
class ChannelHealth:
    name: str
    mode: str                      # live | outbox | disabled
    reason: str                    # why (Vietnamese), as `loa doctor` says it
    last_ok: LastAttempt | None
    last_error: LastAttempt | None
    stuck: Mapping[str, int]       # failed / dead / unknown posts

    @property
    def mode_name(self) -> str:
        return MODE_NAMES.get(self.mode, self.mode)

    @property
    def error_is_latest(self) -> bool:
        """The last thing that happened on the channel was an error."""
        return self.last_error is not None and (self.last_ok is None or self.last_error.at >= self.last_ok.at)


def _last(session: Session, channel: str, outcomes: tuple[str, ...]) -> LastAttempt | None:
    row = session.scalars(select(Attempt).where(Attempt.channel == channel, Attempt.outcome.in_(outcomes))
                          .order_by(Attempt.id.desc()).limit(1)).first()
    if row is None:
        return None
    return LastAttempt(row.at, row.target, row.outcome, row.error, row.url, row.post_id)


def channel_health(session: Session, settings: Settings, state: "StateStore | None" = None) -> list[ChannelHealth]:
    """One entry per channel, in `channel_status` order."""
    stuck: dict[str, dict[str, int]] = {}
    for channel, st, n in session.execute(select(Post.channel, Post.state, func.count())
                                          .where(Post.state.in_(STUCK_STATES)).group_by(Post.channel, Post.state)):
        stuck.setdefault(channel, {})[st] = n
    out = []
    for status in channel_status(settings, state):
        out.append(ChannelHealth(status.name, status.mode, status.reason_vi,
                                 _last(session, status.name, OK_OUTCOMES), _last(session, status.name, ERROR_OUTCOMES),
                                 stuck.get(status.name, {})))
    return out


# ------------------------------------------------------------------------------ Zalo tokens

@dataclass(frozen=True)
class ZaloToken:
    source: str                    # "stored" (renewed by Loa) | "env" (from the environment) | "none"
    expires_at: datetime | None    # the stored access token's end; None when not known
    refreshed_at: datetime | None

    def expired(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now


def _epoch(value: str | None) -> datetime | None:
    try:
        return datetime.fromtimestamp(float(value), UTC) if value else None
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def zalo_token(settings: Settings, state: "StateStore | None", mode: str) -> ZaloToken | None:
    """Which Zalo token pair Loa uses and when its access token expires; None when Zalo is off
    (`mode` is the channel's, from `channel_status`)."""
    if mode == "disabled":
        return None
    config = settings.channel("zalo")
    adapter = adapter_class("zalo", config)(settings, config, state)
    access, refresh = adapter.tokens()            # the adapter's own choice of pair
    stored = state.all("zalo") if state is not None else {}
    if refresh and stored.get("refresh_token") == refresh:
        return ZaloToken("stored", _epoch(stored.get("expires_at")), _epoch(stored.get("refreshed_at")))
    if access or refresh:
        return ZaloToken("env", None, None)
    return ZaloToken("none", None, None)


# ------------------------------------------------------------------------------ Telegram

@dataclass(frozen=True)
class BotIdentity:
    id: int | None = None
    username: str | None = None
    name: str | None = None
    error: str | None = None       # why the bot could not be asked (Vietnamese)


async def telegram_identity(adapter: Channel | None, timeout: float = 8.0) -> BotIdentity:
    """Ask Telegram who the bot is (getMe) through the live adapter's bot."""
    if adapter is None or not hasattr(type(adapter), "bot"):
        return BotIdentity(error="Kênh Telegram chưa đăng thật (chưa có token bot hoặc đang tắt).")
    try:
        bot = adapter.bot                                     # type: ignore[attr-defined]
        me = await asyncio.wait_for(bot.get_me(), timeout)
    except ChannelError as e:
        return BotIdentity(error=e.message)
    except asyncio.TimeoutError:
        return BotIdentity(error=f"Telegram không trả lời sau {timeout:.0f} giây.")
    except Exception as e:  # noqa: BLE001 - shown to the admin, never raised
        return BotIdentity(error=f"Không hỏi được Telegram: {type(e).__name__}: {e}")
    return BotIdentity(me.id, me.username, me.full_name)


def staff_chat(settings: Settings) -> str:
    """The Telegram staff group's chat id (`[channels.telegram] staff_chat_id`), or ""."""
    return staff_chat_id(settings)


def telegram_adapter(settings: Settings, state: "StateStore | None" = None) -> Channel | None:
    """A fresh Telegram adapter as the registry builds it — live, or the outbox when the token is
    not set — or None when the channel is off. The caller closes it (`aclose`)."""
    return build_channels(settings, state, only="telegram").get("telegram")


async def send_staff_test(adapter: Channel, chat: str, text: str) -> Receipt:
    """Send `text` into the staff chat as every staff notice goes (raises ChannelError)."""
    receipt = await StaffChat(chat, adapter).send(text, key=f"staff-test-{secrets.token_hex(6)}")
    assert receipt is not None          # a chat and an adapter were given
    return receipt
