"""A fake Telegram Bot API server on 127.0.0.1 that python-telegram-bot can talk to.

    with FakeBotAPI() as tg:
        bot = telegram.Bot(tg.token, base_url=tg.base_url)
        await bot.send_message("@xangoclam", "<b>Chào</b>", parse_mode="HTML")
        assert tg.sent[0]["text"] == "Chào"

It implements getMe, sendMessage, sendPhoto (multipart upload, file_id or URL), sendDocument,
getUpdates (long polling with `timeout` and `offset`), deleteWebhook, setWebhook,
setMyCommands, answerCallbackQuery, editMessageText, editMessageReplyMarkup and deleteMessage,
with the documented errors:

- wrong token → 401 "Unauthorized"; unknown method or malformed path → 404 "Not Found";
- text empty / longer than 4096 UTF-16 code units after entity parsing → 400;
- caption longer than 1024 after entity parsing → 400 "message caption is too long";
- an HTML tag Telegram does not support → 400 "can't parse entities: Unsupported start tag …";
- a chat not in `known_chats` (None = every chat exists) → 400 "chat not found";
- a chat in `kicked_chats` → 403 "Forbidden: bot was kicked from the channel chat";
- editing an unknown or deleted message → 400 "message to edit not found"; editMessageText on a
  photo or document → 400 "there is no text in the message to edit"; deleting a message older
  than `delete_window` seconds (48 h) → 400 "message can't be deleted". An edit changes the
  entry in `sent` (and is logged in `edits`); a deletion marks it `deleted`;
- a getUpdates still waiting when another one arrives → 409 "Conflict: terminated by other
  getUpdates request" (two pollers of one token; `conflicts` counts them);
- with `enforce_limits=True`: more than 1 message/s into one chat (0.9 s tolerance), more than
  20 per 60 s into a group or channel (ids starting with "-" or "@"), or more than 30/s in
  all → 429 "Too Many Requests: retry after N" with `parameters.retry_after`.

`fail_next(...)` scripts failures (any status, or a dropped connection after the message was
recorded as delivered — an unknown outcome). `sent` holds accepted messages with the visible
text (entities parsed), `calls` every request. Everything is guarded by one lock.
"""

from __future__ import annotations

import inspect
import json
import math
import re
import time
import zlib
from dataclasses import dataclass
from typing import Any, Callable

from tests.fakes.http import FakeServer, Request, Response

SUPPORTED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
                  "a", "code", "pre", "blockquote", "tg-emoji"}
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
MESSAGE_MAX = 4096
CAPTION_MAX = 1024
SEND_METHODS = {"sendMessage", "sendPhoto", "sendDocument"}
KNOWN_METHODS = SEND_METHODS | {"getMe", "getUpdates", "deleteWebhook", "setWebhook", "setMyCommands",
                                "answerCallbackQuery", "editMessageText", "editMessageReplyMarkup", "deleteMessage"}
_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden: bot was kicked from the channel chat",
    404: "Not Found", 409: "Conflict", 500: "Internal Server Error", 502: "Bad Gateway",
    503: "Service Unavailable",
}
_TAG = re.compile(r"<(/?)([^\s/>]*)([^>]*)>")
_ENTITY = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);")


class Record(dict):
    """A dict whose keys also read as attributes (`m["chat_id"]` or `m.chat_id`)."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


class ParseError(ValueError):
    """Telegram's "can't parse entities" — the text is the description after that prefix."""


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _decode(text: str) -> str:
    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name.startswith("#x"):
            return chr(int(name[2:], 16))
        if name.startswith("#"):
            return chr(int(name[1:]))
        return NAMED_ENTITIES.get(name, m.group(0))   # other named entities stay literal
    return _ENTITY.sub(sub, text)


def parse_html(text: str) -> str:
    """The visible text of Telegram HTML, as Telegram parses it; raises ParseError."""
    out: list[str] = []
    stack: list[str] = []
    pos = 0
    raw = text
    while pos < len(raw):
        lt = raw.find("<", pos)
        if lt < 0:
            out.append(_decode(raw[pos:]))
            break
        out.append(_decode(raw[pos:lt]))
        m = _TAG.match(raw, lt)
        offset = len(raw[:lt].encode("utf-8"))
        if not m or not m.group(2):
            raise ParseError(f"Unexpected end of name token at byte offset {offset}")
        closing, name = m.group(1) == "/", m.group(2).lower()
        if closing:
            if not stack:
                raise ParseError(f'Unexpected end tag at byte offset {offset}')
            if stack[-1] != name:
                raise ParseError(f'Unmatched end tag at byte offset {offset}, expected "</{stack[-1]}>", '
                                 f'found "</{name}>"')
            stack.pop()
        else:
            if name not in SUPPORTED_TAGS:
                raise ParseError(f'Unsupported start tag "{name}" at byte offset {offset}')
            if name == "span" and "tg-spoiler" not in m.group(3):
                raise ParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {offset}')
            stack.append(name)
        pos = m.end()
    if stack:
        raise ParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(out)


def visible(text: str, parse_mode: str | None) -> str:
    if parse_mode and parse_mode.upper() == "HTML":
        return parse_html(text)
    return text


@dataclass
class _Failure:
    remaining: int
    status: int
    description: str
    retry_after: int | None
    method: str | None
    chat_id: str | None
    drop: bool

    def matches(self, method: str, chat_id: str | None) -> bool:
        if self.method is None and method == "getUpdates":
            return False      # a long poll would otherwise swallow a failure meant for a send
        if self.method is not None and self.method != method:
            return False
        return self.chat_id is None or self.chat_id == chat_id


class _Reject(Exception):
    def __init__(self, status: int, description: str, retry_after: int | None = None):
        super().__init__(description)
        self.status, self.description, self.retry_after = status, description, retry_after


class FakeBotAPI(FakeServer):
    def __init__(self, *, token: str = "123456:TEST-TOKEN", enforce_limits: bool = False):
        super().__init__()
        self.token = token
        self.enforce_limits = enforce_limits
        self.sent: list[Record] = []     # dicts; keys also readable as attributes
        self.calls: list[Record] = []
        self.count_429 = 0
        self.known_chats: set[str] | None = None     # None: every chat exists
        self.kicked_chats: set[str] = set()
        self.commands: list[Any] = []
        self.webhook_url = ""
        self.answered_callbacks: list[dict[str, Any]] = []
        self.edits: list[dict[str, Any]] = []
        self.deleted: list[tuple[str, int]] = []
        self.delete_window = 48 * 3600.0     # seconds after sending that a bot may delete its message
        self.bot_user = {"id": int(token.split(":")[0]) if token.split(":")[0].isdigit() else 1,
                         "is_bot": True, "first_name": "Loa", "username": "loa_test_bot",
                         "can_join_groups": True, "can_read_all_group_messages": False,
                         "supports_inline_queries": False}
        self._failures: list[_Failure] = []
        self._updates: list[dict[str, Any]] = []
        self._delivered: dict[int, dict[str, Any]] = {}
        self.deliveries: dict[int, int] = {}      # update_id → times getUpdates returned it
        self.conflicts = 0                          # getUpdates ended by a newer one (409)
        self._poll_generation = 0
        self._next_update_id = 1
        self._message_ids: dict[str, int] = {}
        self._accepted_at: dict[str, list[float]] = {}     # chat → monotonic times
        self._all_accepted: list[float] = []
        self._file_seq = 0

    @property
    def base_url(self) -> str:
        return f"{self.root}/bot"

    # -- scripting -------------------------------------------------------------------------

    def fail_next(self, n: int = 1, *, status: int, description: str = "", retry_after: int | None = None,
                  method: str | None = None, chat_id: str | None = None, drop: bool = False) -> None:
        """The next `n` matching requests fail with `status` (or are dropped after delivery).
        `method=None` matches every method except getUpdates."""
        if not description:
            description = (f"Too Many Requests: retry after {retry_after or 1}" if status == 429
                           else _DEFAULT_DESCRIPTIONS.get(status, "Error"))
        if status == 429 and retry_after is None:
            retry_after = 1
        with self.lock:
            self._failures.append(_Failure(n, status, description, retry_after, method,
                                           None if chat_id is None else str(chat_id), drop))

    def push_update(self, update: dict[str, Any]) -> None:
        """Queue an update for getUpdates; `update_id` is assigned when missing."""
        with self.changed:
            update = dict(update)
            if "update_id" not in update:
                update["update_id"] = self._next_update_id
            self._next_update_id = max(self._next_update_id, update["update_id"]) + 1
            self._updates.append(update)
            self.changed.notify_all()

    def redeliver(self, update_id: int) -> None:
        """Deliver an update again that getUpdates already returned, whatever offset the bot
        confirmed — as Telegram does with an update it holds unconfirmed (a crash, a second
        poller)."""
        with self.changed:
            update = dict(self._delivered[update_id], _again=True)
            self._updates.append(update)
            self.changed.notify_all()

    def wait_for(self, predicate: Callable[..., bool], timeout: float = 5.0) -> bool:
        """Wait until `predicate()` (or `predicate(fake)`) is true."""
        takes_arg = bool(inspect.signature(predicate).parameters)
        return super().wait_for((lambda: predicate(self)) if takes_arg else predicate, timeout)

    def texts(self, chat_id: str | None = None) -> list[str]:
        with self.lock:
            return [m["text"] or m["caption"] or "" for m in self.sent
                    if chat_id is None or m["chat_id"] == str(chat_id)]

    # -- HTTP ------------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        m = re.fullmatch(r"/bot([^/]*)/([A-Za-z]+)", request.path)
        method = m.group(2) if m else request.path.rsplit("/", 1)[-1]
        chat = request.param("chat_id")
        chat_id = None if chat is None else str(chat)
        now = time.monotonic()
        with self.lock:
            try:
                if not m:
                    raise _Reject(404, "Not Found")
                if m.group(1) != self.token:
                    raise _Reject(401, "Unauthorized")
                if method not in KNOWN_METHODS:
                    raise _Reject(404, "Not Found")
                failure = self._take_failure(method, chat_id)
                if failure and not failure.drop:
                    raise _Reject(failure.status, failure.description, failure.retry_after)
                if method != "getUpdates":
                    result = self._dispatch(method, request, chat_id, now)
            except _Reject as r:
                if r.status == 429:
                    self.count_429 += 1
                self.calls.append(Record(method=method, chat_id=chat_id, status=r.status, at=now))
                body: dict[str, Any] = {"ok": False, "error_code": r.status, "description": r.description}
                if r.retry_after is not None:
                    body["parameters"] = {"retry_after": r.retry_after}
                return Response(r.status, body)
            self.calls.append(Record(method=method, chat_id=chat_id,
                                     status=0 if failure and failure.drop else 200, at=now))
        if method == "getUpdates":
            result = self._get_updates(request)
            if result is None:          # a newer getUpdates came in while this one waited
                return Response(409, {"ok": False, "error_code": 409, "description":
                                      "Conflict: terminated by other getUpdates request; make sure that "
                                      "only one bot instance is running"})
        if failure and failure.drop:
            return Response(drop=True)
        return Response(200, {"ok": True, "result": result})

    def _take_failure(self, method: str, chat_id: str | None) -> _Failure | None:
        for f in self._failures:
            if f.remaining > 0 and f.matches(method, chat_id):
                f.remaining -= 1
                if f.remaining == 0:
                    self._failures.remove(f)
                return f
        return None

    def _dispatch(self, method: str, req: Request, chat_id: str | None, now: float) -> Any:
        if method == "getMe":
            return self.bot_user
        if method in ("deleteWebhook", "setWebhook"):
            self.webhook_url = str(req.param("url", "") or "") if method == "setWebhook" else ""
            return True
        if method == "setMyCommands":
            self.commands = _json(req.param("commands", "[]"))
            return True
        if method == "answerCallbackQuery":
            self.answered_callbacks.append({"callback_query_id": req.param("callback_query_id"),
                                            "text": req.param("text")})
            return True
        if method in ("editMessageText", "editMessageReplyMarkup"):
            return self._edit(method, req, chat_id)
        if method == "deleteMessage":
            return self._delete(req, chat_id, now)
        return self._send(method, req, chat_id, now)

    def _check_chat(self, chat_id: str | None) -> None:
        if not chat_id:
            raise _Reject(400, "Bad Request: chat_id is empty")
        if self.known_chats is not None and chat_id not in self.known_chats:
            raise _Reject(400, "Bad Request: chat not found")
        if chat_id in self.kicked_chats:
            raise _Reject(403, "Forbidden: bot was kicked from the channel chat")

    def _check_limits(self, chat_id: str, now: float) -> None:
        times = self._accepted_at.get(chat_id, [])
        if times and now - times[-1] < 0.9:
            raise self._too_many(max(1, math.ceil(1.0 - (now - times[-1]))))
        if chat_id.startswith(("-", "@")):
            window = [t for t in times if now - t < 60]
            if len(window) >= 20:
                raise self._too_many(max(1, math.ceil(60 - (now - window[0]))))
        recent = [t for t in self._all_accepted if now - t < 1]
        if len(recent) >= 30:
            raise self._too_many(1)

    @staticmethod
    def _too_many(seconds: int) -> _Reject:
        return _Reject(429, f"Too Many Requests: retry after {seconds}", seconds)

    def _send(self, method: str, req: Request, chat_id: str | None, now: float) -> dict[str, Any]:
        self._check_chat(chat_id)
        assert chat_id is not None
        parse_mode = req.param("parse_mode")
        text = caption = None
        extra: dict[str, Any] = {}
        try:
            if method == "sendMessage":
                text = visible(str(req.param("text", "") or ""), parse_mode)
                if not text.strip():
                    raise _Reject(400, "Bad Request: message text is empty")
                if utf16_len(text) > MESSAGE_MAX:
                    raise _Reject(400, "Bad Request: message is too long")
            else:
                field = "photo" if method == "sendPhoto" else "document"
                extra[field] = self._media(field, req)
                if req.param("caption") is not None:
                    caption = visible(str(req.param("caption")), parse_mode)
                    if utf16_len(caption) > CAPTION_MAX:
                        raise _Reject(400, "Bad Request: message caption is too long")
        except ParseError as e:
            raise _Reject(400, f"Bad Request: can't parse entities: {e}") from None
        if self.enforce_limits:
            self._check_limits(chat_id, now)
        self._accepted_at.setdefault(chat_id, []).append(now)
        self._all_accepted = [t for t in self._all_accepted if now - t < 1] + [now]
        message_id = self._message_ids.get(chat_id, 0) + 1
        self._message_ids[chat_id] = message_id
        self.sent.append(Record({"method": method, "chat_id": chat_id, "text": text, "caption": caption,
                          "parse_mode": parse_mode, "message_id": message_id, "at": now,
                          "raw": req.param("text") if text is not None else req.param("caption"),
                          "disable_preview": _preview_disabled(req), **extra}))
        msg = self._message(chat_id, message_id)
        if text is not None:
            msg["text"] = text
        if caption is not None:
            msg["caption"] = caption
        public = {k: v for k, v in extra.get("photo", extra.get("document", {})).items()
                  if k not in ("source", "filename")}
        if method == "sendPhoto":
            msg["photo"] = [public]
        elif method == "sendDocument":
            msg["document"] = public
        return msg

    def _media(self, field: str, req: Request) -> dict[str, Any]:
        value = req.param(field)
        upload = req.files.get(field)
        if upload is None and isinstance(value, str) and value.startswith("attach://"):
            upload = req.files.get(value[len("attach://"):])
        self._file_seq += 1
        file_id = f"FAKE-{field.upper()}-{self._file_seq}"
        if upload is not None:
            limit = 10 * 1024 * 1024 if field == "photo" else 50 * 1024 * 1024
            if len(upload.data) > limit:
                raise _Reject(413, "Request Entity Too Large")
            if not upload.data:
                raise _Reject(400, "Bad Request: file must be non-empty")
            info = {"file_id": file_id, "file_unique_id": f"u{self._file_seq}", "file_size": len(upload.data),
                    "source": "upload", "filename": upload.filename}
        elif value:
            info = {"file_id": str(value) if not str(value).startswith("http") else file_id,
                    "file_unique_id": f"u{self._file_seq}", "source": str(value)}
        else:
            raise _Reject(400, f"Bad Request: there is no {field} in the request")
        if field == "photo":
            info.update(width=800, height=600)
        else:
            info.setdefault("file_name", info.get("filename", "file"))
        return info

    def _sent_record(self, chat_id: str, message_id: int) -> Record | None:
        for r in reversed(self.sent):
            if r["chat_id"] == chat_id and r["message_id"] == message_id and not r.get("deleted"):
                return r
        return None

    def _edit(self, method: str, req: Request, chat_id: str | None) -> Any:
        if req.param("inline_message_id"):
            return True
        self._check_chat(chat_id)
        assert chat_id is not None
        message_id = int(req.param("message_id", 0) or 0)
        record = self._sent_record(chat_id, message_id)
        if record is None:
            raise _Reject(400, "Bad Request: message to edit not found")
        msg = self._message(chat_id, message_id)
        entry = {"method": method, "chat_id": chat_id, "message_id": message_id,
                 "reply_markup": _json(req.param("reply_markup"))}
        if method == "editMessageText":
            if record["method"] != "sendMessage":
                raise _Reject(400, "Bad Request: there is no text in the message to edit")
            try:
                msg["text"] = entry["text"] = visible(str(req.param("text", "") or ""), req.param("parse_mode"))
            except ParseError as e:
                raise _Reject(400, f"Bad Request: can't parse entities: {e}") from None
            if not msg["text"].strip():
                raise _Reject(400, "Bad Request: message text is empty")
            if msg["text"] == record["text"] and entry["reply_markup"] == record.get("reply_markup"):
                raise _Reject(400, "Bad Request: message is not modified")
            record["text"] = msg["text"]
            record["edited"] = True
        else:
            msg["text"] = record["text"] or ""
        record["reply_markup"] = entry["reply_markup"]
        self.edits.append(entry)
        if entry["reply_markup"]:
            msg["reply_markup"] = entry["reply_markup"]
        return msg

    def _delete(self, req: Request, chat_id: str | None, now: float) -> bool:
        self._check_chat(chat_id)
        assert chat_id is not None
        message_id = int(req.param("message_id", 0) or 0)
        record = self._sent_record(chat_id, message_id)
        if record is None:
            raise _Reject(400, "Bad Request: message to delete not found")
        if now - record["at"] > self.delete_window:
            raise _Reject(400, "Bad Request: message can't be deleted")
        record["deleted"] = True
        self.deleted.append((chat_id, message_id))
        return True

    def _message(self, chat_id: str, message_id: int) -> dict[str, Any]:
        return {"message_id": message_id, "date": int(time.time()), "chat": _chat(chat_id)}

    def _get_updates(self, req: Request) -> list[dict[str, Any]] | None:
        """The updates from `offset`, waiting up to `timeout`; None when a newer getUpdates
        arrived meanwhile (Telegram answers the older one 409 Conflict: two pollers)."""
        offset = int(req.param("offset", 0) or 0)
        limit = int(req.param("limit", 100) or 100)
        timeout = float(req.param("timeout", 0) or 0)
        deadline = time.monotonic() + timeout
        with self.changed:
            self._poll_generation += 1
            generation = self._poll_generation
            self.changed.notify_all()
            while True:
                if self._poll_generation != generation:
                    self.conflicts += 1
                    return None
                if offset:
                    self._updates = [u for u in self._updates if u["update_id"] >= offset or u.get("_again")]
                if self._updates or self.stopping:
                    batch = self._updates[:limit]
                    self._updates = [u for u in self._updates if not u.get("_again")]
                    out = [{k: v for k, v in u.items() if k != "_again"} for u in batch]
                    self._delivered.update((u["update_id"], u) for u in out)
                    for u in out:
                        self.deliveries[u["update_id"]] = self.deliveries.get(u["update_id"], 0) + 1
                    return out
                left = deadline - time.monotonic()
                if left <= 0:
                    return []
                self.changed.wait(min(left, 0.2))


def _chat(chat_id: str) -> dict[str, Any]:
    if chat_id.startswith("@"):
        numeric = -(1000000000000 + zlib.crc32(chat_id.lower().encode()))
        return {"id": numeric, "type": "channel", "title": chat_id[1:], "username": chat_id[1:]}
    if chat_id.startswith("-100"):
        return {"id": int(chat_id), "type": "channel", "title": f"Kênh {chat_id}"}
    if chat_id.startswith("-"):
        return {"id": int(chat_id), "type": "group", "title": f"Nhóm {chat_id}"}
    if chat_id.lstrip("-").isdigit():
        return {"id": int(chat_id), "type": "private", "first_name": "Người dùng"}
    return {"id": -1, "type": "channel", "title": chat_id}


def _json(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _preview_disabled(req: Request) -> bool:
    if str(req.param("disable_web_page_preview", "")).lower() == "true":
        return True
    options = _json(req.param("link_preview_options"))
    return bool(isinstance(options, dict) and options.get("is_disabled"))


__all__ = ["FakeBotAPI", "parse_html", "utf16_len", "visible"]
