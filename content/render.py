"""Render one content item for one channel: pure functions from an `Article` and settings to
a `Rendering` (Jinja2 templates in content/templates/, autoescape on for HTML outputs)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Mapping

from content.settings import Settings


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


@dataclass(frozen=True)
class Rendering:
    channel: str
    title: str
    parts: tuple[str, ...]        # message bodies in sending order (Telegram splits; others one)
    format: str = "text"          # "html" | "text"
    extras: Mapping[str, Any] = field(default_factory=dict)


def render(article: Article, channel: str, settings: Settings, *, max_len: int | None = None) -> Rendering:
    """Render for `channel` in portal|telegram|zalo|radio|hotline; `max_len` is the adapter's
    body limit (characters) that multi-part channels split to."""
    raise NotImplementedError  # filled in by the rendering work
