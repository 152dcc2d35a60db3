"""Sending for the Q&A: to a citizen on the channel they used (Telegram chat or Zalo user) and
to the staff chat. When a channel has no credentials, the message is written to the outbox
folder (`<outbox>/<channel>/qa-*.json`) so staff can send it by hand, and the caller is told.

Buttons are (label, callback_data) rows; Zalo consultation messages carry none (the texts
tell the citizen what to type instead).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from dataclasses import dataclass
from typing import Sequence

from telegram import Bot, ForceReply, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import TelegramError

from bot.qa_zalo_send import ZaloSender, ZaloSendError
from content.settings import Settings

log = logging.getLogger("loa.qa")
Buttons = Sequence[Sequence[tuple[str, str]]]
TELEGRAM_CHUNK = 4000


@dataclass(frozen=True)
class Delivery:
    where: str            # "sent" | "outbox" | "failed" | "no_citizen"
    detail: str = ""

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


def chunks(text: str, size: int) -> list[str]:
    """Split at paragraph or line ends where possible; never returns an empty list."""
    out: list[str] = []
    while len(text) > size:
        cut = max(text.rfind("\n", 0, size), text.rfind(" ", 0, size))
        cut = cut if cut > size // 2 else size
        out.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return out + [text]


class Relay:
    def __init__(self, settings: Settings, *, bot: Bot | None = None, zalo: ZaloSender | None = None):
        self.settings = settings
        self.bot = bot
        self.zalo = zalo
        self.staff_chat = str(settings.channel("telegram").get("staff_chat_id") or "")
        self.outbox = settings.resolve(settings.outbox_path)

    # -- citizens ------------------------------------------------------------------------------

    async def to_citizen(self, channel: str, external_id: str, text: str, *, buttons: Buttons | None = None) -> Delivery:
        try:
            if channel == "telegram":
                if self.bot is None:
                    return Delivery("outbox", self._outbox("telegram", external_id, text))
                parts = chunks(text, TELEGRAM_CHUNK)
                for i, part in enumerate(parts):
                    await self.bot.send_message(int(external_id) if external_id.lstrip("-").isdigit() else external_id,
                                                part, reply_markup=markup(buttons) if i == len(parts) - 1 else None)
                return Delivery("sent")
            if channel == "zalo":
                if self.zalo is None:
                    return Delivery("outbox", self._outbox("zalo", external_id, text))
                await asyncio.to_thread(self.zalo.send, external_id, text)
                return Delivery("sent")
        except (TelegramError, ZaloSendError) as e:
            log.warning("could not reach citizen on %s: %s", channel, e)
            return Delivery("failed", f"{type(e).__name__}: {e}")
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
        if not self.staff_chat or self.bot is None:
            log.warning("[staff] %s", html_text)
            return None
        reply_markup = ForceReply(selective=True) if force_reply else markup(buttons)
        try:
            msg = await self.bot.send_message(self.staff_chat, html_text, parse_mode="HTML",
                                              reply_markup=reply_markup, reply_to_message_id=reply_to)
            return msg.message_id
        except TelegramError as e:
            log.error("could not post to the staff chat: %s", e)
            return None

    async def staff_media(self, kind: str, file_id: str, caption: str, reply_to: int | None = None) -> int | None:
        if not self.staff_chat or self.bot is None or kind not in ("photo", "document"):
            return None
        try:
            send = self.bot.send_photo if kind == "photo" else self.bot.send_document
            msg = await send(self.staff_chat, file_id, caption=caption, reply_to_message_id=reply_to)
            return msg.message_id
        except TelegramError as e:
            log.error("could not forward an attachment to staff: %s", e)
            return None


def relay_from_settings(settings: Settings, *, bot: Bot | None = None) -> Relay:
    """A Relay with a Telegram Bot and a Zalo sender when their tokens are set."""
    tg = settings.channel("telegram")
    if bot is None:
        token = settings.secret(tg.get("token_env", "LOA_TELEGRAM_TOKEN"))
        if token:
            base = tg.get("base_url") or None
            bot = Bot(token, base_url=base) if base else Bot(token)
    return Relay(settings, bot=bot, zalo=zalo_sender(settings))


def zalo_sender(settings: Settings) -> ZaloSender | None:
    z = settings.channel("zalo")
    token = settings.secret(z.get("access_token_env", "LOA_ZALO_ACCESS_TOKEN"))
    if not token:
        return None
    return ZaloSender(str(z.get("base_url") or "https://openapi.zalo.me"), token,
                      timeout=float(z.get("timeout", 15)))


__all__ = ["Delivery", "Relay", "relay_from_settings", "zalo_sender"]
