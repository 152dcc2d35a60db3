"""Replies to Zalo users for the Q&A, through the adapter the publisher uses
(`channels.adapters.zalo.ZaloChannel`): the same stored token pair, the same refresh, the same error
types. Sending through a second, simpler client would use the environment's access token
for ever and stop working the day it expires (every few hours).

A long answer goes in parts within the adapter's body limit. A temporary failure (network,
5xx, "too fast") is tried again a few times within a short wait, since staff are waiting for
the outcome; a longer server-requested wait, a refusal or an unknown outcome ends the attempt
with a `ZaloSendError` whose message (Vietnamese) is shown to staff.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_random_exponential

from channels.base import Channel, ChannelError, Message, RetryableError, UnknownOutcome
from channels.registry import adapter_class, channel_status
from channels.retry import wait_server_hint
from channels.state import StateStore
from content.render.telegram_split import split_text
from content.errors import LoaError

if TYPE_CHECKING:
    from content.db import Database
    from content.config import Settings

TEXT_MAX = 2000


class ZaloSendError(LoaError):
    """The OA API refused or could not be reached; the message is for staff. `retryable`: the
    failure was passing (network, server, rate) and nothing can have been delivered."""

    def __init__(self, message: str, *, retryable: bool = False):
        super().__init__(message)
        self.retryable = retryable


class ZaloSender:
    def __init__(self, channel: Channel, *, attempts: int = 3, max_wait: float = 10.0,
                 backoff: float = 0.5):
        self.channel = channel
        self.attempts = attempts
        self.max_wait = max_wait
        self.backoff = backoff

    def _retryable(self, e: BaseException) -> bool:
        return (isinstance(e, RetryableError)
                and (e.retry_after is None or e.retry_after <= self.max_wait))

    async def send(self, user_id: str, text: str) -> list[str]:
        """Send `text` to one Zalo user; returns Zalo's message ids, one per part."""
        limit = min(TEXT_MAX, self.channel.limits.body_maxlen or TEXT_MAX)
        parts = split_text(text, limit)
        key = f"qa-{uuid.uuid4().hex[:12]}"
        ids: list[str] = []
        for n, part in enumerate(parts, 1):
            message = Message(key=f"{key}-part-{n}", title="", body=part, part=n, parts=len(parts))
            try:
                async for attempt in AsyncRetrying(
                        reraise=True, retry=retry_if_exception(self._retryable), stop=stop_after_attempt(self.attempts),
                        wait=wait_server_hint(wait_random_exponential(multiplier=self.backoff, max=self.max_wait))):
                    with attempt:
                        receipt = await self.channel.send(message, f"user:{user_id}")
            except UnknownOutcome as e:
                raise ZaloSendError(_part(n, len(parts)) + "không rõ Zalo đã nhận tin hay chưa (" + e.message
                                    + "); hãy hỏi lại người hỏi trước khi gửi lại.") from e
            except ChannelError as e:
                raise ZaloSendError(_part(n, len(parts)) + e.message,
                                    retryable=isinstance(e, RetryableError) and n == 1) from e
            ids.append(receipt.external_id or "")
        return ids

    async def aclose(self) -> None:
        await self.channel.aclose()


def _part(n: int, total: int) -> str:
    return f"phần {n}/{total}: " if total > 1 else ""


def zalo_sender(settings: "Settings", db: "Database | None" = None) -> ZaloSender | None:
    """A sender over the live Zalo adapter (its token pair kept in `db`), or None when the
    channel has no credentials (replies then go to the outbox)."""
    state = StateStore(db) if db is not None else None
    status = next((s for s in channel_status(settings, state) if s.name == "zalo"), None)
    if status is None or status.mode != "live":
        return None
    config = settings.channel("zalo")
    return ZaloSender(adapter_class("zalo", config)(settings, config, state))


__all__ = ["TEXT_MAX", "ZaloSendError", "ZaloSender", "zalo_sender"]
