"""The one sender of notices to the staff chat (`[channels.telegram] staff_chat_id`):
reminders, the publisher's alerts, the weekly edition's gaps, the web console's test message.

It writes through the Telegram adapter the registry built — so an unset token means the outbox,
and failures are the adapter's typed outcomes — and through the shared `SendQueue` at staff
priority, so staff notices, the Q&A bot's messages and the publisher's posts keep within
Telegram's limits together (20 messages a minute into a group).
"""

from __future__ import annotations

import html
import secrets
from typing import Mapping

from channels.base import Channel, Message, Receipt
from channels.pacing import Pacer
from channels.sending import STAFF, SendQueue
from content.config import Settings


def staff_chat_id(settings: Settings) -> str:
    """The Telegram staff group's chat id (`[channels.telegram] staff_chat_id`), or ""."""
    return str(settings.channel("telegram").staff_chat_id or "")


class StaffChat:
    """Writes plain-text notices into the staff chat; `send` returns None when there is none."""

    def __init__(self, chat: str, adapter: Channel | None, sender: SendQueue | None = None):
        self.chat = str(chat or "")
        self.adapter = adapter if self.chat else None
        self.sender = sender if sender is not None else SendQueue(Pacer({}))
        if adapter is not None:
            self.sender.pacer.limits.setdefault(adapter.name, adapter.limits)

    @classmethod
    def of(cls, settings: Settings, channels: Mapping[str, Channel], sender: SendQueue | None = None) -> "StaffChat":
        """The staff chat of `settings`, written through the `telegram` adapter among `channels`."""
        return cls(staff_chat_id(settings), channels.get("telegram"), sender)

    @property
    def ready(self) -> bool:
        return self.adapter is not None

    async def send(self, text: str, *, key: str | None = None) -> Receipt | None:
        """Send `text` (plain; escaped here) as one message; raises the adapter's ChannelError."""
        adapter = self.adapter
        if adapter is None:
            return None
        message = Message(key=key or f"staff-{secrets.token_hex(6)}", title="", body=html.escape(text),
                          format="html")
        return await self.sender.send(adapter.name, self.chat, lambda: adapter.send(message, self.chat),
                                      priority=STAFF)
