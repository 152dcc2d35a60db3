"""Sending for the Q&A: to a citizen on the channel they used (Telegram chat or Zalo user) and
to the staff chat. When a channel has no credentials, the message is written to the outbox
folder (`<outbox>/<channel>/qa-*.json`) so staff can send it by hand, and the caller is told.

Buttons are (label, callback_data) rows; Zalo consultation messages carry none (the texts
tell the citizen what to type instead).

Every Telegram call goes through one `SendQueue` (the publisher's, when `loa run` hosts both,
since Telegram's limits are per bot): at most one message a second into a chat, 20 a minute into
the staff group, 30 a second in all, and when messages wait, acknowledgements go first, then
refusals, then staff messages, then publications. A burst of citizens is answered a little
later rather than refused by Telegram; a 429 that still comes back is waited out
(`retry_after`, up to `max_retry_wait`) and the message sent again — a 429 means it was not
delivered. `queue_to_citizen` returns at once (the handler does not wait for its turn); the
messages it queued are let finish when the bot stops (`drain`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from dataclasses import dataclass
from typing import Awaitable, Callable, Sequence, TypeVar

from telegram import Bot, ForceReply, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.qa.zalo_send import ZaloSender, ZaloSendError, zalo_sender
from channels.adapters.telegram import TelegramChannel
from channels.adapters.telegram_errors import classify, refused_for_message, retry_after_seconds, safe_to_resend
from channels.base import UnknownOutcome
from channels.pacing import Pacer
from channels.sending import ACK, STAFF, SendQueue
from content.render.telegram_html import utf16_len, visible_length
from content.render.telegram_split import split as split_html
from content.render.telegram_split import split_text
from content.db import Database
from content.config import Settings

log = logging.getLogger("loa.qa")
Buttons = Sequence[Sequence[tuple[str, str]]]
TELEGRAM_CHUNK = 4000
TELEGRAM_MAX = 4096
PACED = "telegram"      # the Pacer's channel name: the publisher's Telegram limits and budget
T = TypeVar("T")


@dataclass(frozen=True)
class Delivery:
    where: str            # "sent" | "outbox" | "failed" | "no_citizen"
    detail: str = ""
    retryable: bool = False   # failed for a passing reason (network, server, too many requests)

    @property
    def ok(self) -> bool:
        return self.where in ("sent", "outbox")

    def describe(self) -> str:
        if self.where == "outbox":
            return f"kênh chưa có mã truy cập, đã ghi vào hộp thư đi {self.detail} để gửi tay"
        return self.detail or self.where


def markup(buttons: Buttons | None) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data) for label, data in row]
                                 for row in buttons])


@dataclass(frozen=True)
class StaffPost:
    """What became of a message for the staff chat."""

    message_id: int | None
    error: str = ""
    about_message: bool = False   # Telegram refused this message itself (not the chat): never
                                  # worth sending unchanged again

    @property
    def ok(self) -> bool:
        return self.message_id is not None


class Relay:
    def __init__(self, settings: Settings, *, bot: Bot | None = None, zalo: ZaloSender | None = None,
                 pacer: Pacer | None = None, sender: SendQueue | None = None,
                 monotonic: Callable[[], float] = time.monotonic, max_retry_wait: float = 120.0):
        self.settings = settings
        self.bot = bot
        self.zalo = zalo
        self.staff_chat = str(settings.channel("telegram").staff_chat_id)
        self.outbox = settings.resolve(settings.outbox_path)
        self.sender = sender or SendQueue(pacer or Pacer({}), monotonic=monotonic)
        self.pacer = self.sender.pacer
        self.pacer.limits.setdefault(PACED, TelegramChannel.limits)
        self.monotonic = monotonic
        self.max_retry_wait = max_retry_wait
        self._queued: set[asyncio.Task] = set()

    async def paced(self, chat: str, call: Callable[[], Awaitable[T]], *, priority: int = STAFF) -> T:
        """Run one Telegram call into `chat` when it is its turn and the limits allow; wait out a
        429 and try again (a few times: a chat that stays blocked is reported, not waited on for
        ever)."""
        for attempt in range(1, 6):
            try:
                return await self.sender.send(PACED, chat, call, priority=priority, refused=_retry_after)
            except RetryAfter as e:
                wait = retry_after_seconds(e)
                if wait > self.max_retry_wait or attempt == 5:
                    raise
                log.info("Telegram asked to wait %.0f s before writing to %s again", wait, chat)
        raise AssertionError("unreachable")

    # -- citizens ------------------------------------------------------------------------------

    async def queue_to_citizen(self, channel: str, external_id: str, text: str, *, buttons: Buttons | None = None,
                               priority: int = ACK) -> None:
        """`to_citizen` without waiting for the message's turn on Telegram: it takes its place in
        the send queue and the caller goes on (a failure is logged, as `to_citizen` does). Other
        channels send at once (their webhook has answered already)."""
        if channel != "telegram" or self.bot is None:
            await self.to_citizen(channel, external_id, text, buttons=buttons, priority=priority)
            return
        task = asyncio.get_running_loop().create_task(
            self.to_citizen(channel, external_id, text, buttons=buttons, priority=priority))
        self._queued.add(task)
        task.add_done_callback(self._queued.discard)

    async def drain(self, grace: float = 10.0) -> None:
        """Let the messages queued by `queue_to_citizen` go (up to `grace` seconds)."""
        if self._queued:
            await asyncio.wait(set(self._queued), timeout=grace)

    async def to_citizen(self, channel: str, external_id: str, text: str, *, buttons: Buttons | None = None,
                         priority: int = STAFF) -> Delivery:
        try:
            if channel == "telegram":
                if self.bot is None:
                    return Delivery("outbox", self._outbox("telegram", external_id, text))
                bot, chat = self.bot, _chat_id(external_id)
                parts = split_text(text, TELEGRAM_CHUNK)
                for i, part in enumerate(parts):
                    keys = markup(buttons) if i == len(parts) - 1 else None
                    await self.paced(str(external_id), lambda: bot.send_message(chat, part, reply_markup=keys),
                                     priority=priority)
                return Delivery("sent")
            if channel == "zalo":
                if self.zalo is None:
                    return Delivery("outbox", self._outbox("zalo", external_id, text))
                await self.zalo.send(external_id, text)
                return Delivery("sent")
        except (TelegramError, ZaloSendError) as e:
            log.warning("could not reach citizen on %s: %s", channel, e)
            return Delivery("failed", explain(e), retryable=passing(e))
        return Delivery("failed", f"kênh không hỗ trợ: {channel}")

    def _outbox(self, channel: str, target: str, text: str) -> str:
        folder = self.outbox / channel
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"qa-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"target": str(target), "text": text, "kind": "qa_reply"},
                                  ensure_ascii=False, indent=2), encoding="utf-8")
        tmp.replace(path)
        return str(path)

    # -- staff -----------------------------------------------------------------------------------

    async def to_staff(self, html_text: str, *, buttons: Buttons | None = None, reply_to: int | None = None,
                       force_reply: bool = False) -> int | None:
        """Post to the staff chat; returns the message id (None: no staff chat or it failed)."""
        return (await self.post_staff(html_text, buttons=buttons, reply_to=reply_to,
                                      force_reply=force_reply)).message_id

    async def post_staff(self, html_text: str, *, buttons: Buttons | None = None, reply_to: int | None = None,
                         force_reply: bool = False) -> StaffPost:
        """Post to the staff chat, in several messages when the text is longer than Telegram
        takes (the buttons go on the first, whose id is returned); says why it failed."""
        if not self.staff_chat or self.bot is None:
            # The text may quote a citizen: it is not logged (the database has it).
            log.warning("no staff chat configured: a message for staff (%d characters) was not posted",
                        len(html_text))
            return StaffPost(None, "chưa cấu hình nhóm cán bộ")
        reply_markup = ForceReply(selective=True) if force_reply else markup(buttons)
        bot = self.bot
        first: int | None = None
        for part in fitting(html_text):
            keys = reply_markup if first is None else None
            try:
                msg = await self.paced(self.staff_chat, lambda: bot.send_message(
                    self.staff_chat, part, parse_mode="HTML", reply_markup=keys,
                    reply_to_message_id=reply_to if first is None else first))
            except TelegramError as e:
                log.error("could not post to the staff chat: %s", e)
                if first is not None:
                    return StaffPost(first)
                return StaffPost(None, str(e), about_message=refused_for_message(e))
            first = msg.message_id if first is None else first
        return StaffPost(first)

    async def staff_media(self, kind: str, file_id: str, caption: str, reply_to: int | None = None) -> int | None:
        if not self.staff_chat or self.bot is None or kind not in ("photo", "document"):
            return None
        try:
            send = self.bot.send_photo if kind == "photo" else self.bot.send_document
            msg = await self.paced(self.staff_chat, lambda: send(self.staff_chat, file_id, caption=caption,
                                                                 reply_to_message_id=reply_to))
            return msg.message_id
        except TelegramError as e:
            log.error("could not forward an attachment to staff: %s", e)
            return None

    async def scrub_staff(self, chat: str, message_id: int, html_text: str) -> str:
        """Replace a staff-chat message by `html_text`, or delete it when it has no text (a
        forwarded photo or file). Returns "edited", "deleted", "gone" (no longer there),
        "manual" (Telegram refuses: staff must remove it) or "retry" (try again later)."""
        if self.bot is None:
            return "retry"
        bot, target = self.bot, _chat_id(chat)
        try:
            await self.paced(chat, lambda: bot.edit_message_text(html_text, chat_id=target, message_id=message_id,
                                                                 parse_mode="HTML", reply_markup=None))
            return "edited"
        except BadRequest as e:
            why = str(e).lower()
            if "not modified" in why:
                return "edited"
            if "not found" in why:
                return "gone"
        except TelegramError as e:
            log.warning("could not edit staff message %s: %s", message_id, e)
            return "retry"
        try:
            await self.paced(chat, lambda: bot.delete_message(target, message_id))
            return "deleted"
        except BadRequest as e:
            return "gone" if "not found" in str(e).lower() else "manual"
        except TelegramError as e:
            log.warning("could not delete staff message %s: %s", message_id, e)
            return "retry"


def fitting(html_text: str) -> list[str]:
    """Telegram HTML in messages Telegram accepts: at most 4096 UTF-16 code units, counted
    both after entity parsing (Telegram's rule) and before (so escaping can never push a
    message over)."""
    def fits(part: str) -> bool:
        return visible_length(part) <= TELEGRAM_MAX and utf16_len(part) <= TELEGRAM_MAX
    if fits(html_text):
        return [html_text]
    limit = TELEGRAM_MAX - 16
    while True:       # the splitter counts raw characters; emoji take two code units: shrink until all fit
        parts = split_html(html_text, TELEGRAM_MAX, raw_limit=limit)
        if all(fits(p) for p in parts) or limit < 512:
            return parts
        limit = limit * 3 // 4


def _retry_after(e: BaseException) -> float | None:
    """For the send queue: Telegram's 429 (the message was not delivered) and how long to wait."""
    return retry_after_seconds(e) if isinstance(e, RetryAfter) else None


def _chat_id(chat: str) -> int | str:
    """A numeric chat id as Telegram takes it; "@name" unchanged."""
    return int(chat) if chat.lstrip("-").isdigit() else chat


def passing(e: Exception) -> bool:
    """Whether trying again later may succeed and cannot send the message twice: not for a
    refusal (blocked bot, unknown chat, unfollowed OA) nor for an unknown outcome (a timeout or
    a connection dropped after sending: it may have arrived). Telegram errors are classified by
    the publisher's classifier (`channels.adapters.telegram_errors`)."""
    if isinstance(e, ZaloSendError):
        return e.retryable
    return isinstance(e, TelegramError) and safe_to_resend(e)


def explain(e: Exception) -> str:
    """Why a citizen could not be reached, for staff (Vietnamese)."""
    if isinstance(e, ZaloSendError):
        return str(e)
    if isinstance(e, Forbidden):
        return "người hỏi đã chặn bot hoặc xóa cuộc trò chuyện với bot (Telegram: Forbidden)"
    if isinstance(e, RetryAfter):
        return f"Telegram yêu cầu chờ {retry_after_seconds(e):.0f} giây; hãy gửi lại sau"
    if isinstance(e, TelegramError) and isinstance(classify(e), UnknownOutcome):
        return f"Telegram không trả lời; tin có thể đã đến người hỏi — hãy kiểm tra trước khi gửi lại ({e})"
    return f"Telegram báo lỗi: {e}"


def relay_from_settings(settings: Settings, db: Database | None = None, *, bot: Bot | None = None,
                        pacer: Pacer | None = None, sender: SendQueue | None = None) -> Relay:
    """A Relay with a Telegram Bot and a Zalo sender when their credentials are set. Pass the
    database so Zalo replies use (and renew) the token pair the publisher stores there."""
    tg = settings.channel("telegram")
    if bot is None:
        token = settings.secret(tg.token_env)
        if token:
            base = tg.base_url or None
            bot = Bot(token, base_url=base) if base else Bot(token)
    return Relay(settings, bot=bot, zalo=zalo_sender(settings, db), pacer=pacer, sender=sender)


__all__ = ["Delivery", "Relay", "relay_from_settings", "zalo_sender"]
