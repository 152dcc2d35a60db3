"""Telegram Bot API HTML (parse_mode="HTML"): conversion from ordinary HTML, checking, and
length as Telegram counts it (splitting into messages: content/telegram_split.py).

Telegram accepts only b/strong, i/em, u/ins, s/strike/del, span class="tg-spoiler", a href,
code, pre, blockquote, and only the named entities &lt; &gt; &amp; &quot;. Everything else is
converted (headings → bold lines, list items → "• " lines, paragraphs → blank lines) or dropped
(images, scripts, styles, unknown tags keep only their text).

How length is counted: Telegram's limit (4096 for a message, 1024 for a caption) applies to the
text *after entity parsing*, i.e. the visible text without tags, with entities decoded. Telegram
measures it in UTF-16 code units, so a character outside the Basic Multilingual Plane (most
emoji) counts 2; Vietnamese letters in NFC count 1. `visible_length` counts exactly that, which
is never less than what Telegram counts. The raw HTML of a part is also kept under `raw_limit`
(default twice the visible limit) so that markup-heavy text cannot make an oversized request.
"""

from __future__ import annotations

import html as _html
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

ALLOWED = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "a", "code", "pre",
           "blockquote"}
ENTITIES = {"lt", "gt", "amp", "quot"}
LINK_SCHEMES = {"http", "https", "tg"}
MESSAGE_MAX = 4096
CAPTION_MAX = 1024

_INLINE = {"b": "b", "strong": "b", "i": "i", "em": "i", "u": "u", "ins": "u", "s": "s",
           "strike": "s", "del": "s", "code": "code"}
_BLOCK = {"p", "div", "section", "article", "header", "footer", "main", "nav", "aside", "figure",
          "figcaption", "address", "dl", "dt", "dd", "table", "hr"}
_STRUCTURE = {"table", "thead", "tbody", "tfoot", "tr", "ul", "ol"}   # whitespace inside is layout
_SKIP = {"script", "style", "head", "title", "template", "iframe", "object", "svg", "noscript",
         "textarea", "select"}
_VOID = {"br", "hr", "img", "input", "meta", "link", "wbr", "source", "area", "col", "embed"}


def escape(text: str) -> str:
    """Text for Telegram HTML: only &, < and > are escaped (&amp; &lt; &gt;)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attr(text: str) -> str:
    return escape(text).replace('"', "&quot;")


def safe_href(url: str | None) -> str | None:
    """An absolute http(s)/tg URL Telegram will accept, or None."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in LINK_SCHEMES or (parts.scheme.lower() != "tg" and not parts.netloc):
        return None
    if any(c.isspace() or ord(c) < 32 for c in url):
        return None
    return url


def link(url: str, text: str) -> str:
    href = safe_href(url)
    return f'<a href="{escape_attr(href)}">{escape(text)}</a>' if href else escape(text)


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.stack: list[tuple[str, str | None]] = []   # (source tag, emitted tag or None)
        self.lists: list[list] = []                      # [ordered, next number]
        self.pending = ""                                # separator owed before the next content
        self.marker = ""                                 # list marker owed before the next content
        self.skip = 0
        self.pre = 0
        self.quote = 0
        self.cells = 0
        self.started = False                             # any visible text yet
        self.line_start = True
        self.fresh = False                               # just opened a block tag: no separator

    # -- helpers
    def _want(self, sep: str) -> None:
        if len(sep) > len(self.pending):
            self.pending = sep

    def _flush(self) -> None:
        if self.started and self.pending and not self.fresh:
            self.out.append(self.pending)
            self.line_start = True
        self.pending = ""
        self.fresh = False
        if self.marker:
            self.out.append(escape(self.marker))
            self.marker = ""
            self.line_start = False
            self.started = True

    def _ends_with_space(self) -> bool:
        for chunk in reversed(self.out):
            if chunk.startswith("<") and chunk.endswith(">"):
                continue
            return chunk.endswith(" ")
        return False

    def _emitted(self) -> set[str]:
        return {e for _, e in self.stack if e}

    def _open(self, src: str, tag: str | None, raw: str | None = None) -> None:
        if tag and (tag in self._emitted() or (self.pre and tag != "pre") or
                    ("code" in self._emitted())):
            tag = None
        if tag:
            self.out.append(raw or f"<{tag}>")
        self.stack.append((src, tag))

    def _close(self, src: str) -> None:
        for k in range(len(self.stack) - 1, -1, -1):
            if self.stack[k][0] == src:
                for s, e in reversed(self.stack[k:]):
                    if e:
                        self.out.append(f"</{e}>")
                    if s == "pre":
                        self.pre -= 1
                    if s == "blockquote":
                        self.quote -= 1
                del self.stack[k:]
                return

    # -- parser callbacks
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag in _SKIP:
            self.skip += 1
            return
        if self.skip or tag in _VOID and tag not in ("br", "hr"):
            return
        if tag == "br":
            self._flush()
            self.out.append("\n")
            self.line_start = True
        elif tag in _BLOCK or tag == "hr":
            self._want("\n" if self.lists else "\n\n")
            if tag not in _VOID:
                self.stack.append((tag, None))
        elif re.fullmatch(r"h[1-6]", tag):
            self._want("\n\n")
            self._flush()
            self._open(tag, "b")
            self.fresh = True
        elif tag in ("ul", "ol"):
            self._want("\n" if self.lists else "\n\n")
            start = int(a.get("start") or 1) if (a.get("start") or "1").isdigit() else 1
            self.lists.append([tag == "ol", start])
            self.stack.append((tag, None))
        elif tag == "li":
            self._want("\n")
            if self.lists:
                ordered, n = self.lists[-1]
                self.marker = "  " * (len(self.lists) - 1) + (f"{n}. " if ordered else "• ")
                self.lists[-1][1] = n + 1
            self.stack.append((tag, None))
        elif tag == "tr":
            self._want("\n")
            self.cells = 0
            self.stack.append((tag, None))
        elif tag in ("td", "th"):
            if self.cells:
                self._flush()
                self.out.append(" – ")
            self.cells += 1
            self.stack.append((tag, None))
        elif tag == "blockquote":
            self._want("\n\n")
            self._flush()
            self._open(tag, None if self.quote else "blockquote")
            self.quote += 1
            self.fresh = True
        elif tag == "pre":
            self._want("\n\n")
            self._flush()
            self._open(tag, "pre")
            self.pre += 1
            self.fresh = True
        elif tag in _INLINE:
            self._flush()
            self._open(tag, _INLINE[tag])
        elif tag == "span" and "tg-spoiler" in (a.get("class") or "").split():
            self._flush()
            self._open(tag, "span", '<span class="tg-spoiler">')
        elif tag == "tg-spoiler":
            self._flush()
            self._open(tag, "span", '<span class="tg-spoiler">')
        elif tag == "a":
            href = safe_href(a.get("href"))
            self._flush()
            self._open(tag, "a" if href else None,
                       f'<a href="{escape_attr(href)}">' if href else None)
        else:
            self.stack.append((tag, None))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if self.skip or tag in _VOID:
            return
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            self._want("\n" if self.lists else "\n\n")
        elif tag in _BLOCK or re.fullmatch(r"h[1-6]", tag) or tag in ("blockquote", "pre"):
            self._want("\n" if self.lists and tag in _BLOCK else "\n\n")
        elif tag in ("li", "tr"):
            self._want("\n")
        self._close(tag)

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.pre:
            if data:
                self._flush()
                self.out.append(escape(data))
                self.started = True
                self.line_start = data.endswith("\n")
            return
        if not data.strip() and self.stack and self.stack[-1][0] in _STRUCTURE:
            return
        text = re.sub(r"\s+", " ", data)
        if self.line_start or self.pending or not self.started or self._ends_with_space():
            text = text.lstrip()
        if not text:
            return
        self._flush()
        self.out.append(escape(text))
        self.started = True
        self.line_start = False


def from_html(html: str) -> str:
    """Ordinary (already sanitised or untrusted) HTML → Telegram HTML with balanced tags."""
    conv = _Converter()
    conv.feed(html)
    conv.close()
    for _, e in reversed(conv.stack):
        if e:
            conv.out.append(f"</{e}>")
    text = "".join(conv.out)
    text = re.sub(r"[ \t]+((?:</[a-z]+>)*)(?=\n|$)", r"\1", text)
    return drop_empty(text).strip()


_EMPTY = re.compile(r"<(b|i|u|s|code|pre|blockquote|span|a)(?:\s[^>]*)?>(\s*)</\1>")


def drop_empty(text: str) -> str:
    """Remove tag pairs that enclose nothing (left behind by conversion or a cut)."""
    while True:
        new = _EMPTY.sub(r"\2", text)
        if new == text:
            return text
        text = new


# --------------------------------------------------------------------------- checking


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag not in ALLOWED:
            self.problems.append(f"tag not allowed: <{tag}>")
        elif tag == "a":
            if set(a) != {"href"} or not safe_href(a.get("href")):
                self.problems.append(f"bad link attributes: {a}")
        elif tag == "span":
            if a != {"class": "tg-spoiler"}:
                self.problems.append(f"span without class tg-spoiler: {a}")
        elif tag == "code":
            if a and not (set(a) == {"class"} and (a["class"] or "").startswith("language-")):
                self.problems.append(f"bad code attributes: {a}")
        elif tag == "blockquote":
            if a and set(a) != {"expandable"}:
                self.problems.append(f"bad blockquote attributes: {a}")
        elif a:
            self.problems.append(f"attributes not allowed on <{tag}>: {a}")
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.problems.append(f"self-closing tag: <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"unbalanced </{tag}> (open: {self.stack})")
            if tag in self.stack:
                del self.stack[self.stack.index(tag):]
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def problems(html: str) -> list[str]:
    """Why Telegram would refuse this HTML (empty when it is fine): tags, attributes, nesting,
    entities."""
    c = _Checker()
    c.feed(html)
    c.close()
    out = list(c.problems)
    if c.stack:
        out.append(f"unclosed tags: {c.stack}")
    for m in re.finditer(r"&(#?\w+);?", html):
        name = m.group(1)
        if not name.startswith("#") and name not in ENTITIES:
            out.append(f"named entity not supported: &{name};")
    if re.search(r"<(?![a-zA-Z/])", html):
        out.append("unescaped '<'")
    return out


def visible_text(html: str) -> str:
    """The text Telegram shows (tags removed, entities decoded)."""
    return _html.unescape(re.sub(r"<[^>]*>", "", html))


def utf16_len(text: str) -> int:
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


def visible_length(html: str) -> int:
    """Length as Telegram limits it: UTF-16 code units of the text after entity parsing."""
    return utf16_len(visible_text(html))
