"""Builders of Telegram update dicts (as getUpdates returns them) for FakeBotAPI.push_update."""

from __future__ import annotations

import itertools
import time
from typing import Any

_ids = itertools.count(1000)


def user(uid: int, first: str = "Người", last: str = "Dân") -> dict[str, Any]:
    return {"id": uid, "is_bot": False, "first_name": first, "last_name": last}


def _chat(chat_id: int, title: str = "") -> dict[str, Any]:
    if chat_id < 0:
        return {"id": chat_id, "type": "supergroup" if str(chat_id).startswith("-100") else "group",
                "title": title or "Cán bộ"}
    return {"id": chat_id, "type": "private", "first_name": "Người"}


def message(chat_id: int, text: str | None = None, *, from_id: int | None = None, reply_to: int | None = None,
            message_id: int | None = None, **extra: Any) -> dict[str, Any]:
    msg: dict[str, Any] = {"message_id": message_id or next(_ids), "date": int(time.time()),
                           "chat": _chat(chat_id), "from": user(from_id if from_id is not None else chat_id)}
    if text is not None:
        msg["text"] = text
        if text.startswith("/"):
            cmd = text.split()[0]
            msg["entities"] = [{"type": "bot_command", "offset": 0, "length": len(cmd)}]
    if reply_to is not None:
        msg["reply_to_message"] = {"message_id": reply_to, "date": int(time.time()), "chat": _chat(chat_id),
                                   "from": {"id": 123456, "is_bot": True, "first_name": "Loa"}, "text": "…"}
    msg.update(extra)
    return {"message": msg}


def photo(chat_id: int, caption: str | None = None, file_id: str = "PHOTO-1") -> dict[str, Any]:
    sizes = [{"file_id": f"{file_id}-s", "file_unique_id": "s", "width": 90, "height": 90},
             {"file_id": file_id, "file_unique_id": "l", "width": 800, "height": 600}]
    return message(chat_id, None, photo=sizes, **({"caption": caption} if caption else {}))


def document(chat_id: int, caption: str | None = None, file_id: str = "DOC-1") -> dict[str, Any]:
    doc = {"file_id": file_id, "file_unique_id": "d", "file_name": "giay-to.pdf", "mime_type": "application/pdf"}
    return message(chat_id, None, document=doc, **({"caption": caption} if caption else {}))


def sticker(chat_id: int) -> dict[str, Any]:
    st = {"file_id": "STK", "file_unique_id": "stk", "type": "regular", "width": 512, "height": 512,
          "is_animated": False, "is_video": False}
    return message(chat_id, None, sticker=st)


def callback(chat_id: int, from_id: int, data: str, message_id: int, text: str = "…") -> dict[str, Any]:
    return {"callback_query": {
        "id": str(next(_ids)), "from": user(from_id), "chat_instance": "ci", "data": data,
        "message": {"message_id": message_id, "date": int(time.time()), "chat": _chat(chat_id), "text": text,
                    "from": {"id": 123456, "is_bot": True, "first_name": "Loa"}}}}
