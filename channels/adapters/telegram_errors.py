"""What a Telegram failure means — the one classifier, used by the publisher's Telegram adapter
and by the citizens' Q&A relay (bot/qa).

python-telegram-bot's error classes do not say what to do next, and one of them misleads:
`BadRequest` (and so "chat not found") is a subclass of `NetworkError`. `classify` maps a PTB
error to Loa's outcome types (channels.base):

- `RetryAfter` (429) → `RateLimited`, waiting exactly `retry_after` seconds;
- `BadRequest` (400) → `PermanentError` (checked before `NetworkError`); `about_chat` tells a
  refusal of the chat (not found, no rights, bot kicked) from a refusal of the message;
- `Forbidden` (403: bot blocked or removed) and `InvalidToken` (401) → `PermanentError`;
- a connection that never reached Telegram (connect error or timeout, pool timeout) →
  `RetryableError`: nothing can have been sent;
- `TimedOut`, or a connection dropped after the request left (remote protocol or read error) →
  `UnknownOutcome`: it may have arrived; never resent blindly;
- any other `NetworkError` (502, 5xx, …) → `RetryableError` with the HTTP status when known.
"""

from __future__ import annotations

import re
import warnings
from http import HTTPStatus

import httpx
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter, TelegramError, TimedOut

from channels.base import ChannelError, PermanentError, RateLimited, RetryableError, UnknownOutcome

# The request never left: safe to send again.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# The request left and the answer was lost: it may have been delivered.
DROPPED = (httpx.RemoteProtocolError, httpx.ReadError, httpx.ReadTimeout, httpx.WriteError)

# BadRequest descriptions that are about the chat (or the bot's rights in it), not the message:
# every message would fail the same way until an admin fixes the chat.
CHAT_PROBLEMS = ("chat not found", "chat_id is empty", "not enough rights", "have no rights",
                 "need administrator rights", "bot is not a member", "chat_write_forbidden",
                 "upgraded to a supergroup", "topic_closed", "topic_deleted", "bot was kicked",
                 "user not found", "peer_id_invalid")


def classify(e: TelegramError, chat: str = "") -> ChannelError:
    """A PTB error as a Loa outcome, with a Vietnamese message naming `chat` for staff."""
    detail = str(e)
    if isinstance(e, RetryAfter):
        seconds = retry_after_seconds(e)
        return RateLimited(f"Telegram yêu cầu chờ {seconds:.0f} giây trước khi gửi tiếp vào {chat}.",
                           retry_after=seconds, http_status=429, detail=detail)
    if isinstance(e, BadRequest):          # before NetworkError: BadRequest subclasses it
        low = detail.lower()
        if "chat not found" in low:
            msg = f"Không tìm thấy kênh/nhóm Telegram {chat}: kiểm tra chat_ids và thêm bot vào kênh."
        elif "too long" in low:
            msg = f"Tin gửi vào {chat} quá dài so với giới hạn của Telegram."
        elif "parse entities" in low:
            msg = f"Telegram không đọc được định dạng HTML của tin gửi vào {chat}."
        else:
            msg = f"Telegram từ chối tin gửi vào {chat}."
        return PermanentError(f"{msg} ({detail})", http_status=400, detail=detail)
    if isinstance(e, Forbidden):
        return PermanentError(f"Bot đã bị xóa khỏi kênh/nhóm {chat} hoặc không có quyền đăng bài (hoặc người "
                              "nhận đã chặn bot); hãy thêm lại bot làm quản trị viên.", http_status=403, detail=detail)
    if isinstance(e, InvalidToken):
        return PermanentError("Token bot Telegram không hợp lệ hoặc đã bị thu hồi; hãy lấy token mới "
                              "từ @BotFather.", http_status=401, detail=detail)
    cause = e.__cause__
    if isinstance(cause, NOT_SENT):
        return RetryableError(f"Không kết nối được Telegram khi gửi vào {chat}; sẽ thử lại.", detail=detail)
    if isinstance(e, TimedOut) or isinstance(cause, DROPPED):
        return UnknownOutcome(f"Telegram không trả lời khi gửi vào {chat}; tin có thể đã được đăng — "
                              "hãy kiểm tra kênh trước khi gửi lại.", detail=detail)
    if isinstance(e, NetworkError):
        return RetryableError(f"Lỗi mạng hoặc lỗi máy chủ Telegram khi gửi vào {chat}; sẽ thử lại.",
                              http_status=http_status(detail), detail=detail)
    return RetryableError(f"Lỗi Telegram khi gửi vào {chat}; sẽ thử lại.", detail=detail)


def safe_to_resend(e: TelegramError) -> bool:
    """Whether sending the same message again later may succeed and cannot deliver it twice:
    a passing failure (network before sending, 5xx, 429) — not a refusal, not an unknown outcome."""
    outcome = classify(e)
    return isinstance(outcome, RetryableError)      # RateLimited is one; UnknownOutcome is not


def about_chat(e: TelegramError) -> bool:
    """Telegram refused the chat (unknown, bot kicked or without rights), not this message."""
    return isinstance(e, Forbidden) or (isinstance(e, BadRequest)
                                        and any(p in str(e).lower() for p in CHAT_PROBLEMS))


def refused_for_message(e: TelegramError) -> bool:
    """Telegram refused a message for what it is (too long, bad markup, …): sending it again
    unchanged cannot succeed, and other messages to the same chat still can."""
    return isinstance(e, BadRequest) and not about_chat(e)


def retry_after_seconds(e: RetryAfter) -> float:
    """retry_after in seconds (PTB 22 keeps a timedelta; its int attribute is deprecated)."""
    raw = getattr(e, "_retry_after", None)
    if raw is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            raw = e.retry_after
    return raw.total_seconds() if hasattr(raw, "total_seconds") else float(raw)


def http_status(detail: str) -> int | None:
    """The HTTP status behind a PTB NetworkError: PTB keeps only Telegram's description (e.g.
    "Bad Gateway") or "<phrase> (<code>)" when there was none."""
    m = re.search(r"\((\d{3})\)", detail)
    if m:
        return int(m.group(1))
    for st in HTTPStatus:
        if st.value >= 400 and detail.lower().startswith(st.phrase.lower()):
            return st.value
    return None
