"""Previews for staff: each channel's real rendering (the same `render` the adapters publish
with) turned into what a page needs to show it — the portal article, the Telegram messages and
where they split, the Zalo text, the radio script with its reading time and what the spoken
normaliser was unsure of (to check, with how it read each), the hotline notice and its SMS segment count. Pure.

Every HTML piece here went through `markdown.sanitize` (nh3) once more, so a page may embed it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from content.render import markdown as md
from content.render.item import Article, fmt_duration, render
from content.config import Settings
from content.kinds import CHANNEL_NAMES

TELEGRAM_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
                 "blockquote", "span"}


@dataclass(frozen=True)
class Preview:
    channel: str
    name: str
    parts: tuple[str, ...]              # HTML (sanitised) or plain text, as `format` says
    format: str                          # "html" | "text"
    facts: tuple[str, ...] = ()          # one line each: lengths, duration, SMS segments …
    check: tuple[str, ...] = ()          # words staff should check (radio)
    sms: str = ""
    extras: Mapping[str, Any] = field(default_factory=dict)


def _telegram_html(part: str) -> str:
    import nh3

    return nh3.clean(part, tags=TELEGRAM_TAGS, attributes={"a": {"href"}}, url_schemes=md.URL_SCHEMES,
                     link_rel="noopener noreferrer")


def preview(article: Article, channel: str, settings: Settings, *, max_len: int | None = None) -> Preview:
    r = render(article, channel, settings, max_len=max_len)
    name = CHANNEL_NAMES.get(channel, channel)
    x = r.extras
    if channel == "portal":
        return Preview(channel, name, (md.sanitize(r.parts[0]),), "html",
                       (f"Địa chỉ trang: {x.get('canonical') or x.get('path')}",))
    if channel == "telegram":
        lengths = list(x.get("lengths", []))
        n = len(r.parts)
        facts = [f"{n} tin nhắn" + (" (tách vì dài quá giới hạn của Telegram)" if n > 1 else "")]
        facts += [f"Tin {i}: {ln} ký tự" for i, ln in enumerate(lengths, 1)]
        if x.get("photo"):
            facts.append(f"Kèm ảnh; tin đầu là chú thích ảnh (tối đa {x.get('caption_maxlen')} ký tự).")
        return Preview(channel, name, tuple(_telegram_html(p) for p in r.parts), "html", tuple(facts))
    if channel == "zalo":
        facts = [f"{len(r.parts[0])} ký tự"]
        if x.get("truncated"):
            facts.append("Nội dung đã được rút gọn cho vừa tin Zalo; bài đầy đủ ở đường dẫn cuối tin.")
        return Preview(channel, name, r.parts, "text", tuple(facts))
    if channel == "radio":
        facts = (f"Thời lượng đọc khoảng {fmt_duration(int(x.get('duration_seconds', 0)))} "
                 f"({x.get('words')} tiếng, {x.get('words_per_minute')} tiếng/phút)",)
        return Preview(channel, name, r.parts, "text", facts,
                       tuple(c.describe() for c in x.get("to_check", ())))
    if channel == "hotline":
        facts = (f"Tin nhắn SMS: {x.get('sms_segments')} tin ({x.get('sms_length')} ký tự, "
                 f"{'có dấu, UCS-2' if x.get('sms_encoding') == 'UCS-2' else 'không dấu, GSM-7'})",)
        return Preview(channel, name, (md.sanitize(r.parts[0]),), "html", facts, sms=str(x.get("sms", "")))
    return Preview(channel, name, r.parts, r.format)


def previews(article: Article, channels: tuple[str, ...] | list[str], settings: Settings,
             limits: Mapping[str, int | None] | None = None) -> list[Preview]:
    limits = limits or {}
    return [preview(article, c, settings, max_len=limits.get(c)) for c in channels]
