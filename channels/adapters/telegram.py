"""Telegram channel: python-telegram-bot's `Bot` sends each part with parse_mode HTML and the
link preview off (`sendPhoto` with the caption when the message has an image).

Config `[channels.telegram]`: token_env (the variable holding the bot token), chat_ids (the
targets), base_url (empty = api.telegram.org; tests point it at a local fake).
PTB errors become Loa's outcome types through `channels.adapters.telegram_errors.classify`,
the one Telegram classifier (shared with the citizens' Q&A relay).

Withdraw: `deleteMessage` for every part (and earlier correction notices) while the post is
less than 48 hours old — Telegram refuses older deletions, so those are listed with their links
for a chat admin to delete by hand; a message already gone counts as deleted. Correct:
`editMessageText` on each part when the new text has as many parts and the post was text
(editing has no time limit for a bot's own messages); otherwise — a photo post, a different
number of parts, a message no longer there — a correction notice is sent as new messages.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, ClassVar

import telegram
from telegram import LinkPreviewOptions
from telegram.error import BadRequest, TelegramError
from telegram.request import HTTPXRequest

from channels.adapters.telegram_errors import classify
from channels.base import Channel, Delivered, Limits, Message, PermanentError, Receipt, Secret, TakeBack
from content.config import TelegramSettings, mask

DELETE_WINDOW = timedelta(hours=48)     # Bot API: a bot deletes messages less than 48 hours old
MARGIN = timedelta(minutes=5)           # do not start a deletion the clock may already have lost


class TelegramChannel(Channel):
    name: ClassVar[str] = "telegram"
    options: ClassVar[type[TelegramSettings]] = TelegramSettings
    secrets: ClassVar[tuple[Secret, ...]] = (Secret("token_env", "token bot"),)
    limits: ClassVar[Limits] = Limits(body_maxlen=4096, caption_maxlen=1024, per_target_interval=1.0,
                                      per_target_per_minute=20, global_per_second=30)
    can_withdraw: ClassVar[bool] = True
    can_correct: ClassVar[bool] = True

    def __init__(self, settings, config, state=None):
        super().__init__(settings, config, state)
        self.token = settings.secret(config.token_env)
        self._bot: telegram.Bot | None = None

    def targets(self) -> list[str]:
        return [str(c) for c in self.config.chat_ids]

    def describe(self) -> str:
        base = self.config.base_url or "api.telegram.org"
        return f"telegram → {', '.join(self.targets()) or '(chưa có chat_ids)'} qua {base}, token {mask(self.token)}"

    @property
    def bot(self) -> telegram.Bot:
        if self._bot is None:
            if not self.token:
                raise PermanentError("Chưa có token bot Telegram (biến môi trường "
                                     f"{self.config.token_env}).")
            kwargs: dict[str, Any] = {"request": HTTPXRequest(connect_timeout=10.0, read_timeout=30.0,
                                                              write_timeout=30.0)}
            if self.config.base_url:
                kwargs["base_url"] = self.config.base_url
            self._bot = telegram.Bot(self.token, **kwargs)
        return self._bot

    async def send(self, message: Message, target: str) -> Receipt:
        parse_mode = "HTML" if message.format == "html" else None
        photo = message.image or (message.extras.get("photo") if message.part == 1 else None)
        try:
            if photo and message.part == 1:
                with open(photo, "rb") as fh:
                    sent = await self.bot.send_photo(target, photo=fh, caption=message.body,
                                                     parse_mode=parse_mode)
            else:
                sent = await self.bot.send_message(
                    target, message.body, parse_mode=parse_mode,
                    link_preview_options=LinkPreviewOptions(is_disabled=True))
        except TelegramError as e:
            raise classify(e, target) from e
        except OSError as e:
            raise PermanentError(f"Không đọc được ảnh đính kèm {photo}: {e.strerror}.") from e
        return Receipt(external_id=str(sent.message_id), url=self._link(target, sent.message_id), http_status=200)

    def can_take_back(self, sent: Delivered, now: datetime) -> bool:
        return sent.published_at is not None and now - sent.published_at < DELETE_WINDOW - MARGIN

    def _links(self, target: str, ids: tuple[str, ...] | list[str]) -> str:
        links = [self._link(target, int(i)) or f"tin số {i}" for i in ids if str(i).isdigit()]
        return ", ".join(links)

    async def withdraw(self, sent: Delivered, now: datetime) -> TakeBack:
        ids = [i for i in (*sent.external_ids, *sent.notice_ids) if str(i).isdigit()]
        where = self.describe_target(sent.target)
        if not ids:
            return TakeBack(False, "manual", f"{where}: không biết mã tin đã đăng; hãy nhờ quản trị kênh xóa tay.")
        if not self.can_take_back(sent, now):
            return TakeBack(False, "manual", f"{where}: tin đã đăng quá 48 giờ, Telegram không cho bot xóa; hãy "
                            f"nhờ quản trị viên kênh xóa tay: {self._links(sent.target, ids)}.")
        left = []
        for mid in ids:
            try:
                await self.bot.delete_message(sent.target, int(mid))
            except BadRequest as e:
                text = str(e).lower()
                if "not found" in text:
                    continue                       # already gone
                if "can't be deleted" in text or "cant be deleted" in text:
                    left.append(mid)
                    continue
                raise classify(e, sent.target) from e
            except TelegramError as e:
                raise classify(e, sent.target) from e
        if left:
            return TakeBack(False, "manual", f"{where}: Telegram không cho bot xóa {len(left)} tin (quá 48 giờ "
                            f"hoặc bot thiếu quyền xóa); hãy nhờ quản trị viên xóa tay: {self._links(sent.target, left)}.")
        return TakeBack(True, "deleted", f"{where}: đã xóa {len(ids)} tin.")

    def can_edit(self, sent: Delivered, now: datetime) -> bool:
        return bool(sent.external_ids)

    async def correct(self, sent: Delivered, messages: list[Message], notice: list[Message],
                      now: datetime) -> TakeBack:
        where = self.describe_target(sent.target)
        ids = [i for i in sent.external_ids if str(i).isdigit()]
        photo = any(m.image or m.extras.get("photo") for m in messages[:1])
        why = ""
        if not ids:
            why = "không biết mã tin đã đăng"
        elif len(ids) != len(messages):
            why = f"bản mới có {len(messages)} phần, bản đã đăng có {len(ids)} phần"
        elif photo:
            why = "tin đã đăng là ảnh kèm chú thích"
        if not why:
            for mid, msg in zip(ids, messages):
                try:
                    await self.bot.edit_message_text(
                        msg.body, chat_id=sent.target, message_id=int(mid),
                        parse_mode="HTML" if msg.format == "html" else None,
                        link_preview_options=LinkPreviewOptions(is_disabled=True))
                except BadRequest as e:
                    text = str(e).lower()
                    if "not modified" in text:
                        continue
                    if "not found" in text or "no text" in text:
                        why = "tin đã đăng không còn hoặc không sửa được"
                        break
                    raise classify(e, sent.target) from e
                except TelegramError as e:
                    raise classify(e, sent.target) from e
            if not why:
                return TakeBack(True, "edited", f"{where}: đã sửa {len(ids)} tin tại chỗ "
                                f"({self._links(sent.target, ids)}).")
        sent_notice = await super().correct(sent, messages, notice, now)
        return TakeBack(True, "correction", f"{where}: không sửa tại chỗ được ({why}); đã gửi tin đính chính.",
                        external_ids=sent_notice.external_ids)

    @staticmethod
    def _link(target: str, message_id: int) -> str | None:
        if target.startswith("@"):
            return f"https://t.me/{target[1:]}/{message_id}"
        return None

    async def warm(self) -> None:
        """getMe once (PTB's `initialize`): the connection is open before the first post."""
        if self.token:
            await self.bot.initialize()

    async def aclose(self) -> None:
        if self._bot is not None:
            try:
                await self._bot.shutdown()
            finally:
                self._bot = None
