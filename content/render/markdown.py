"""Markdown from staff and citizens → safe HTML (markdown-it-py with raw HTML off, then nh3) and
→ plain text blocks (for Zalo, radio and summaries).

Titles and bodies are untrusted: raw HTML in the Markdown is shown as text, link targets are
limited to http/https/mailto/tel (markdown-it already refuses javascript:/vbscript:/data:), and
nh3 removes anything else that could run in a browser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

from content.text import nfc

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_md.enable(["strikethrough", "table"])

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "em", "i", "u", "s", "del",
    "ins", "code", "pre", "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody",
    "tr", "th", "td", "sup", "sub", "figure", "figcaption",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"},
                      "th": {"align"}, "td": {"align"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def sanitize(html: str) -> str:
    """Untrusted HTML → HTML safe to embed in a page (no scripts, handlers, styles, bad URLs)."""
    return nh3.clean(nfc(html), tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=URL_SCHEMES, clean_content_tags={"script", "style"},
                     link_rel="noopener noreferrer")


_md_linkify = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
_md_linkify.enable(["strikethrough", "table", "linkify"])


def to_html(markdown: str, *, linkify: bool = False) -> str:
    """Markdown → sanitised HTML fragment; `linkify` makes bare addresses (https://…, www.…,
    e-mail) links, as a web page should (linkify-it-py)."""
    return sanitize((_md_linkify if linkify else _md).render(nfc(markdown)))


@dataclass(frozen=True)
class Block:
    """One block of plain text: kind is "p", "h" (heading), "li", "code", "quote" or "table"."""

    kind: str
    text: str
    depth: int = 0          # list nesting depth for "li"
    marker: str = ""        # "• " or "3. " for list items


def _inline(tok: Token, links: bool | str) -> str:
    out: list[str] = []
    href: list[str | None] = []
    start: list[int] = []
    for c in tok.children or []:
        if c.type in ("text", "code_inline"):
            out.append(c.content)
        elif c.type == "softbreak":
            out.append(" ")
        elif c.type == "hardbreak":
            out.append("\n")
        elif c.type == "link_open":
            href.append(str(c.attrs.get("href", "")))
            start.append(len(out))
        elif c.type == "link_close" and href:
            url = href.pop()
            begin = start.pop()
            label = "".join(out[begin:]).strip()
            if links == "markdown":                 # kept as [label](url) for the radio normaliser
                out.insert(begin, "[")
                out.append(f"]({url.replace(')', '%29').replace(' ', '%20')})")
            elif links and url and url not in (label, "mailto:" + label):
                out.append(f" ({url})")
    return re.sub(r"[ \t]+", " ", "".join(out)).strip()


def blocks(markdown: str, *, links: bool | str = True) -> list[Block]:
    """Plain-text blocks in reading order; images are dropped; `links` keeps link targets as
    "text (url)" (False: the label alone; "markdown": "[label](url)", for the radio)."""
    tokens = _md.parse(nfc(markdown))
    result: list[Block] = []
    lists: list[list[int | None]] = []          # stack of [counter or None for bullets]
    quote = 0
    row: list[str] = []
    pending_marker = ""
    in_row = False
    for i, tok in enumerate(tokens):
        t = tok.type
        prev = tokens[i - 1].type if i else ""
        if t == "bullet_list_open":
            lists.append([None])
        elif t == "ordered_list_open":
            lists.append([int(tok.attrs.get("start", 1) or 1)])
        elif t in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif t == "list_item_open":
            counter = lists[-1][0]
            if counter is None:
                pending_marker = "• "
            else:
                pending_marker = f"{counter}. "
                lists[-1][0] = counter + 1
        elif t == "blockquote_open":
            quote += 1
        elif t == "blockquote_close":
            quote -= 1
        elif t == "tr_open":
            row, in_row = [], True
        elif t == "tr_close":
            in_row = False
            if any(row):
                result.append(Block("table", " – ".join(row)))
        elif t == "inline":
            text = _inline(tok, links)
            if in_row:
                row.append(text)
                continue
            if not text:
                continue
            if lists and pending_marker:
                result.append(Block("li", text, depth=len(lists) - 1, marker=pending_marker))
                pending_marker = ""
            elif lists:
                result.append(Block("li", text, depth=len(lists) - 1))
            elif prev == "heading_open":
                result.append(Block("h", text))
            else:
                result.append(Block("quote" if quote else "p", text))
        elif t in ("fence", "code_block"):
            if tok.content.strip():
                result.append(Block("code", tok.content.rstrip("\n")))
    return result


def to_text(markdown: str, *, links: bool = True) -> str:
    """Markdown → plain text: blank lines between blocks, list items on their own lines."""
    out: list[str] = []
    prev: Block | None = None
    for b in blocks(markdown, links=links):
        line = ("  " * b.depth + b.marker + b.text) if b.kind == "li" else b.text
        if prev is not None:
            tight = (b.kind == prev.kind and b.kind in ("li", "table"))
            out.append("\n" if tight else "\n\n")
        out.append(line)
        prev = b
    return "".join(out).strip()


def paragraphs(markdown: str, *, links: bool = True) -> list[str]:
    """Each block's text (list items keep their "• " marker)."""
    return [(b.marker + b.text) if b.kind == "li" else b.text for b in blocks(markdown, links=links)]


def lead(markdown: str, limit: int = 300) -> str:
    """The first ordinary paragraph as plain text, shortened to `limit` characters at a word."""
    first = next((b.text for b in blocks(markdown, links=False) if b.kind in ("p", "quote")), "")
    if not first:
        first = next((b.text for b in blocks(markdown, links=False)), "")
    return shorten(first, limit)


def shorten(text: str, limit: int, ellipsis: str = "…") -> str:
    """`text` cut at a sentence end, else a word boundary, to at most `limit` characters."""
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= limit:
        return text
    room = text[: max(limit - len(ellipsis), 0)]
    sentence = max(room.rfind(". "), room.rfind("! "), room.rfind("? "))
    if sentence >= limit // 2:
        return room[: sentence + 1]
    space = room.rfind(" ")
    cut = room[:space] if space > 0 else room
    return cut.rstrip(" ,;:–-") + ellipsis
