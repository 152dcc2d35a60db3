"""Telegram channel: python-telegram-bot's `Bot` sends each part with parse_mode HTML and the
link preview off (`sendPhoto` with the caption when the message has an image).

Config `[channels.telegram]`: token_env (the variable holding the bot token), chat_ids (the
targets), base_url (empty = api.telegram.org; tests point it at a local fake).
PTB errors are mapped to Loa's: RetryAfter → RateLimited; BadRequest → PermanentError (checked
before NetworkError, of which it is a subclass); Forbidden and InvalidToken → PermanentError;
a timeout or a connection dropped after sending → UnknownOutcome; other NetworkError →
RetryableError.
"""

from __future__ import annotations

import re
import warnings
from http import HTTPStatus
from typing import Any, ClassVar

import httpx
import telegram
from telegram import LinkPreviewOptions
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.request import HTTPXRequest

from channels.base import (Channel, Limits, Message, PermanentError, RateLimited, Receipt, RetryableError,
                           Secret, UnknownOutcome)
from content.config import TelegramSettings, mask

_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class TelegramChannel(Channel):
    name: ClassVar[str] = "telegram"
    options: ClassVar[type[TelegramSettings]] = TelegramSettings
    secrets: ClassVar[tuple[Secret, ...]] = (Secret("token_env", "token bot"),)
    limits: ClassVar[Limits] = Limits(body_maxlen=4096, caption_maxlen=1024, per_target_interval=1.0,
                                      per_target_per_minute=20, global_per_second=30)

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
            raise self._map(e, target) from e
        except OSError as e:
            raise PermanentError(f"Không đọc được ảnh đính kèm {photo}: {e.strerror}.") from e
        return Receipt(external_id=str(sent.message_id), url=self._link(target, sent.message_id), http_status=200)

    @staticmethod
    def _link(target: str, message_id: int) -> str | None:
        if target.startswith("@"):
            return f"https://t.me/{target[1:]}/{message_id}"
        return None

    @staticmethod
    def _map(e: TelegramError, chat: str) -> Exception:
        """A PTB error as a Loa error (Vietnamese message naming the chat)."""
        detail = str(e)
        if isinstance(e, RetryAfter):
            seconds = retry_after_seconds(e)
            return RateLimited(f"Telegram yêu cầu chờ {seconds:.0f} giây trước khi gửi tiếp vào {chat}.",
                               retry_after=seconds, http_status=429, detail=detail)
        if isinstance(e, BadRequest):          # before NetworkError: BadRequest subclasses it
            if "chat not found" in detail.lower():
                msg = f"Không tìm thấy kênh/nhóm Telegram {chat}: kiểm tra chat_ids và thêm bot vào kênh."
            elif "too long" in detail.lower():
                msg = f"Tin gửi vào {chat} quá dài so với giới hạn của Telegram."
            elif "parse entities" in detail.lower():
                msg = f"Telegram không đọc được định dạng HTML của tin gửi vào {chat}."
            else:
                msg = f"Telegram từ chối tin gửi vào {chat}."
            return PermanentError(f"{msg} ({detail})", http_status=400, detail=detail)
        if isinstance(e, Forbidden):
            return PermanentError(f"Bot đã bị xóa khỏi kênh/nhóm {chat} hoặc không có quyền đăng bài; "
                                  "hãy thêm lại bot làm quản trị viên.", http_status=403, detail=detail)
        if isinstance(e, InvalidToken):
            return PermanentError("Token bot Telegram không hợp lệ hoặc đã bị thu hồi; hãy lấy token mới "
                                  "từ @BotFather.", http_status=401, detail=detail)
        cause = e.__cause__
        if isinstance(cause, _NOT_SENT):
            return RetryableError(f"Không kết nối được Telegram khi gửi vào {chat}; sẽ thử lại.", detail=detail)
        if isinstance(e, TimedOut) or isinstance(cause, (httpx.RemoteProtocolError, httpx.ReadError)):
            return UnknownOutcome(f"Telegram không trả lời khi gửi vào {chat}; tin có thể đã được đăng — "
                                  "hãy kiểm tra kênh trước khi gửi lại.", detail=detail)
        if isinstance(e, NetworkError):
            return RetryableError(f"Lỗi mạng hoặc lỗi máy chủ Telegram khi gửi vào {chat}; sẽ thử lại.",
                                  http_status=_status(detail), detail=detail)
        return RetryableError(f"Lỗi Telegram khi gửi vào {chat}; sẽ thử lại.", detail=detail)

    async def aclose(self) -> None:
        if self._bot is not None:
            try:
                await self._bot.shutdown()
            finally:
                self._bot = None


def retry_after_seconds(e: RetryAfter) -> float:
    """retry_after in seconds (PTB 22 keeps a timedelta; its int attribute is deprecated)."""
    raw = getattr(e, "_retry_after", None)
    if raw is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            raw = e.retry_after
    return raw.total_seconds() if hasattr(raw, "total_seconds") else float(raw)


def _status(detail: str) -> int | None:
    """The HTTP status behind a PTB NetworkError: PTB keeps only Telegram's description (e.g.
    "Bad Gateway") or "<phrase> (<code>)" when there was none."""
    m = re.search(r"\((\d{3})\)", detail)
    if m:
        return int(m.group(1))
    for st in HTTPStatus:
        if st.value >= 400 and detail.lower().startswith(st.phrase.lower()):
            return st.value
    return None
