"""The shape of a Zalo webhook event, checked before anything acts on it (pure).

`parse_event(data)` turns the decoded JSON body into a `ZaloEvent` or raises `BadEvent` naming
the field: every id must be a string or a whole number, the text a string, objects objects —
so a `sender` that is a string or an id that is an object is a 400, never a crash later.
Field names follow DESIGN.md ("Zalo webhook"): `event_name, app_id, sender.id, recipient.id,
message{text, msg_id, attachments[{payload{url}}]}, timestamp`; `follow` events may carry the
user in `follower.id` instead of `sender.id`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MAX_ID = 120
MAX_TEXT = 20_000


class BadEvent(ValueError):
    """The body is not a Zalo event Loa can read; the message names the field (for the log)."""


@dataclass(frozen=True)
class ZaloEvent:
    name: str
    app_id: str
    user: str                    # who wrote (sender.id, or follower.id for a follow)
    msg_id: str
    text: str
    timestamp: str               # as sent (milliseconds), the value the signature covers
    attachments: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """What identifies a repeat of this event: Zalo's message id, else name, user and time."""
        return self.msg_id or f"{self.name}:{self.user}:{self.timestamp}"


def _obj(data: dict[str, Any], field: str) -> dict[str, Any]:
    value = data.get(field)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BadEvent(f"{field} is not an object")
    return value


def _id(value: Any, field: str, *, required: bool = False) -> str:
    if value is None or value == "":
        if required:
            raise BadEvent(f"{field} is missing")
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise BadEvent(f"{field} is not a string or a number")
    text = str(value).strip()
    if len(text) > MAX_ID or any(ch.isspace() or ord(ch) < 32 for ch in text):
        raise BadEvent(f"{field} is not a valid id")
    return text


def parse_event(data: Any) -> ZaloEvent:
    if not isinstance(data, dict):
        raise BadEvent("the body is not a JSON object")
    name = data.get("event_name")
    if not isinstance(name, str) or not name or len(name) > 64:
        raise BadEvent("event_name is missing or not a string")
    app_id = _id(data.get("app_id"), "app_id", required=True)
    timestamp = _id(data.get("timestamp"), "timestamp", required=True)
    sender, follower, message = _obj(data, "sender"), _obj(data, "follower"), _obj(data, "message")
    _obj(data, "recipient")
    user = _id(sender.get("id"), "sender.id") or _id(follower.get("id"), "follower.id")
    text = message.get("text", "")
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise BadEvent("message.text is not a string")
    if len(text) > MAX_TEXT:
        raise BadEvent("message.text is too long")
    msg_id = _id(message.get("msg_id"), "message.msg_id")
    raw_atts = message.get("attachments") or []
    if not isinstance(raw_atts, list):
        raise BadEvent("message.attachments is not a list")
    urls: list[str] = []
    for a in raw_atts:
        if not isinstance(a, dict):
            raise BadEvent("an attachment is not an object")
        payload = a.get("payload") or {}
        if not isinstance(payload, dict):
            raise BadEvent("attachment.payload is not an object")
        url = payload.get("url") or ""
        if not isinstance(url, str):
            raise BadEvent("attachment.payload.url is not a string")
        if url:
            urls.append(url[:2000])
    return ZaloEvent(name=name, app_id=app_id, user=user, msg_id=msg_id, text=text, timestamp=timestamp,
                     attachments=tuple(urls))


__all__ = ["BadEvent", "ZaloEvent", "parse_event"]
