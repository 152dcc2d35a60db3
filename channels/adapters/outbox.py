"""Outbox: stands in for a channel whose credentials are not set. It writes exactly what the
channel would have sent to `<outbox>/<channel>/`: one JSON file per message (target, key, title,
body exactly as the adapter would send it, format, part/parts, extras without binary values);
beside it a .txt a person can paste into the app (plain text, links spelled out: pasted
Telegram HTML would show its tags) and, for HTML messages, an .html page that shows the message
as the channel would (UTF-8, line breaks kept). It declares the limits of the channel it replaces, so the rendering is
split identically.

Taking back: the outbox removes (withdraw) or rewrites (correct) its own files, and always
lists the post for staff — a person may already have posted it by hand.

Every file-writing adapter writes through `content.files.write_atomic` (re-exported here):
whole files, readable by others (0644 under the usual umask).
"""

from __future__ import annotations

import asyncio
import html
import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any, ClassVar

from channels.base import Channel, Delivered, Limits, Message, PermanentError, Receipt, TakeBack
from content.files import write_atomic
from content.render.plain import html_to_text
from content.text import now_utc

__all__ = ["OutboxChannel", "safe_name", "write_atomic"]


def safe_name(text: str) -> str:
    """A file-name-safe form of a key or target ("@xangoclam" → "xangoclam")."""
    cleaned = re.sub(r"[^\w.-]+", "_", text, flags=re.ASCII).strip("._")
    return cleaned or "mac-dinh"


def _jsonable(value: Any) -> Any:
    """Extras as JSON: bytes are replaced by a note of their size; paths and dates as text."""
    if isinstance(value, (bytes, bytearray)):
        return f"<{len(value)} byte nhị phân, không lưu>"
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (Path, date, datetime)):
        return str(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def paste_text(message: Message) -> str:
    """What a person pastes into the app by hand: plain text, links spelled out after their
    words (Telegram shows pasted tags as text)."""
    body = html_to_text(message.body, newlines=True) if message.format == "html" else message.body
    return body.rstrip() + "\n"


def html_view(message: Message, channel: str) -> str:
    """The message as the channel would show it, as a page a browser opens in UTF-8: the
    channel's HTML (already restricted to its few tags) with its line breaks kept."""
    return ('<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{html.escape(message.title or channel)}</title>\n"
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            "<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:1rem auto;padding:0 1rem}"
            ".msg{white-space:pre-wrap;border:1px solid #ccc;border-radius:.5rem;padding:.75rem}</style>\n"
            f'</head>\n<body>\n<div class="msg">{message.body}</div>\n</body>\n</html>\n')


class OutboxChannel(Channel):
    """Built by the registry as `OutboxChannel.for_channel(live_class, settings, config, state)`."""

    name: ClassVar[str] = "outbox"
    limits: ClassVar[Limits] = Limits()
    paced: ClassVar[bool] = False      # it keeps the live channel's lengths, not its flood limits
    stands_for: ClassVar[type[Channel] | None] = None

    @classmethod
    def for_channel(cls, live: type[Channel]) -> type["OutboxChannel"]:
        """A subclass with the live channel's name and limits."""
        return type(f"Outbox{live.__name__}", (cls,),
                    {"name": live.name, "limits": live.limits, "stands_for": live})

    def __init__(self, settings, config, state=None, *, reason: str = ""):
        super().__init__(settings, config, state)
        self.reason = reason
        self.folder = settings.resolve(settings.outbox_path) / self.name
        self._live = self.stands_for(settings, config, state) if self.stands_for else None

    def targets(self) -> list[str]:
        return self._live.targets() if self._live else [""]

    def describe(self) -> str:
        why = f" ({self.reason})" if self.reason else ""
        return f"{self.name} → hộp thư đi {self.folder}{why}"

    def _stem(self, message: Message, target: str) -> str:
        stem = safe_name(message.key)
        return f"{stem}--{safe_name(target)}" if target else stem

    async def send(self, message: Message, target: str) -> Receipt:
        stem = self._stem(message, target)
        record = {
            "channel": self.name, "target": target, "key": message.key, "title": message.title,
            "body": message.body, "format": message.format, "part": message.part, "parts": message.parts,
            "image": str(message.image) if message.image else None, "extras": _jsonable(dict(message.extras)),
            "written_at": now_utc().isoformat(), "reason": self.reason,
        }

        def write() -> None:
            write_atomic(self.folder / (stem + ".txt"), paste_text(message))
            if message.format == "html":
                write_atomic(self.folder / (stem + ".html"), html_view(message, self.name))
            write_atomic(self.folder / (stem + ".json"),
                         json.dumps(record, ensure_ascii=False, indent=2) + "\n")

        try:   # in a worker thread: the fsyncs must not stall the event loop (and other targets)
            await asyncio.to_thread(write)
        except OSError as e:
            raise PermanentError(f"Không ghi được vào hộp thư đi {self.folder}: {e.strerror}.") from e
        path = self.folder / (stem + ".json")
        return Receipt(external_id=stem, url=path.resolve().as_uri())

    def can_take_back(self, sent: Delivered, now: datetime) -> bool:
        return False

    def can_edit(self, sent: Delivered, now: datetime) -> bool:
        return False

    def _files(self, sent: Delivered) -> list[Path]:
        stems = {safe_name(k) for k in sent.part_keys(max(1, len(sent.external_ids)))}
        if not self.folder.is_dir():
            return []
        return sorted(p for p in self.folder.iterdir() if p.stem.split("--")[0] in stems)

    async def withdraw(self, sent: Delivered, now: datetime) -> TakeBack:
        files = self._files(sent)
        for f in files:
            f.unlink(missing_ok=True)
        return TakeBack(False, "manual", f"{self.describe_target(sent.target)}: bài chỉ nằm trong hộp thư đi "
                        f"{self.folder} (đã xóa {len(files)} tệp); nếu cán bộ đã đăng tay lên kênh, hãy gỡ tay.")

    async def correct(self, sent: Delivered, messages: list[Message], notice: list[Message],
                      now: datetime) -> TakeBack:
        for msg in messages:
            await self.send(msg, sent.target)
        return TakeBack(False, "manual", f"{self.describe_target(sent.target)}: đã ghi bản đính chính vào hộp thư "
                        f"đi {self.folder}; nếu cán bộ đã đăng tay bản cũ, hãy sửa tay trên kênh.")

    async def reconcile(self, message: Message, target: str) -> Receipt | None:
        path = self.folder / (self._stem(message, target) + ".json")
        if path.exists():
            return Receipt(external_id=path.stem, url=path.resolve().as_uri())
        return None
