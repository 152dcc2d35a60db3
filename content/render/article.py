"""What rendering takes and gives, as plain data: an `Article` (what a channel needs to know about
an item — no ORM, no I/O) and a `Rendering` (one channel's title, message parts and extras).
Apart from the renderers so that the item workflow and the front ends can build articles without
loading Jinja2, markdown-it and the radio normaliser."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Mapping


@dataclass(frozen=True)
class Article:
    """What rendering needs to know about an item (no ORM, no I/O)."""

    title: str
    body: str                    # Markdown, NFC
    date: date                   # shown dd/mm/yyyy
    id: int | None = None
    summary: str = ""            # lead; derived from the body when empty
    theme: str = ""              # theme text, used as the portal tag
    image: str | None = None     # path of an attached image
    link: str | None = None      # the portal URL of this article, when known
    at: datetime | None = None   # the publication time (aware), when known
    source: str = ""             # where the item came from: "qa" is the citizens' Q&A column


@dataclass(frozen=True)
class Rendering:
    channel: str
    title: str
    parts: tuple[str, ...]        # message bodies in sending order (Telegram splits; others one)
    format: str = "text"          # "html" | "text"
    extras: Mapping[str, Any] = field(default_factory=dict)
