"""Splitting Telegram HTML into messages Telegram accepts: at most `limit` visible characters
each (counted as `telegram_html.visible_length` counts them), tags balanced in every part, cuts
at the most natural break that fits (paragraph, line, sentence, word), parts numbered "(1/3) ".
"""

from __future__ import annotations

import html as _html
import re

from content.render.telegram_html import MESSAGE_MAX, drop_empty, escape, visible_length, visible_text

_TOKEN = re.compile(r"<(/?)([a-zA-Z][\w-]*)[^>]*>|[^<]+")
_WS = " \n\t\r"
_PARA, _LINE, _SENTENCE, _WORD = 4, 3, 2, 1


def _tokenise(html: str) -> list[tuple[str, str, str]]:
    """Items: ("t", char, escaped) for each visible character, ("o"|"c", name, raw) for tags."""
    items: list[tuple[str, str, str]] = []
    for m in _TOKEN.finditer(html):
        if m.group(2):
            items.append(("c" if m.group(1) else "o", m.group(2).lower(), m.group(0)))
        else:
            for ch in _html.unescape(m.group(0)):
                items.append(("t", ch, escape(ch)))
    return items


def _neighbour(items: list[tuple[str, str, str]], i: int, step: int) -> str:
    i += step
    while 0 <= i < len(items):
        if items[i][0] == "t":
            return items[i][1]
        i += step
    return ""


def _priority(items: list[tuple[str, str, str]], i: int) -> int:
    ch = items[i][1]
    if ch == "\n":
        return _PARA if "\n" in (_neighbour(items, i, -1), _neighbour(items, i, 1)) else _LINE
    return _SENTENCE if _neighbour(items, i, -1) in ".!?…;:" else _WORD


def _closing(stack: list[tuple[str, str]]) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(stack))


def _pack(items: list[tuple[str, str, str]], limits: tuple[int, int], raw_limits: tuple[int, int],
          reserve: int) -> list[str]:
    parts: list[str] = []
    stack: list[tuple[str, str]] = []
    n, pos = len(items), 0
    while pos < n:
        while pos < n and items[pos][0] == "t" and items[pos][1] in _WS:
            pos += 1
        if pos >= n:
            break
        first = not parts
        lim = (limits[0] if first else limits[1]) - reserve
        raw_lim = raw_limits[0] if first else raw_limits[1]
        prefix = "".join(raw for _, raw in stack)
        cur = list(stack)
        vis, raw_used = 0, len(prefix)
        breaks: list[tuple[int, int, int]] = []          # (index, priority, visible before it)
        i = pos
        while i < n:
            kind, val, raw = items[i]
            if kind == "t":
                w = 2 if ord(val) > 0xFFFF else 1
                if vis + w > lim or raw_used + len(raw) + len(_closing(cur)) > raw_lim:
                    break
                if val in _WS:
                    breaks.append((i, _priority(items, i), vis))
                vis += w
            elif kind == "o":
                if raw_used + len(raw) + len(_closing(cur + [(val, raw)])) > raw_lim:
                    break
                cur.append((val, raw))
            elif cur and cur[-1][0] == val:
                cur.pop()
            raw_used += len(raw)
            i += 1
        if i >= n:
            cut = n
        else:
            cut = _choose(breaks, lim) or max(i, pos + 1)
        body = list(items[pos:cut])
        while body and body[-1][0] == "t" and body[-1][1] in _WS:
            body.pop()
        j = cut
        while j < n and (items[j][0] == "c" or (items[j][0] == "t" and items[j][1] in _WS)):
            if items[j][0] == "c":
                body.append(items[j])
            j += 1
        after = list(stack)
        for kind, val, raw in body:
            if kind == "o":
                after.append((val, raw))
            elif kind == "c" and after and after[-1][0] == val:
                after.pop()
        text = prefix + "".join(raw for _, _, raw in body) + _closing(after)
        parts.append(drop_empty(text).strip())
        stack, pos = after, j
    return [p for p in parts if visible_text(p).strip()]


def _choose(breaks: list[tuple[int, int, int]], lim: int) -> int | None:
    if not breaks:
        return None
    floor = lim // 3
    for prio in (_PARA, _LINE, _SENTENCE, _WORD):
        good = [b for b in breaks if b[1] >= prio and b[2] >= floor]
        if good:
            return good[-1][0]
    return breaks[-1][0]


def split(html: str, limit: int = MESSAGE_MAX, *, first_limit: int | None = None,
          raw_limit: int | None = None, markers: bool = True) -> list[str]:
    """Split Telegram HTML into parts of at most `limit` visible characters (`first_limit` for
    the first part, e.g. a 1024-character caption), each with balanced tags (tags open at a cut
    are closed and reopened in the next part). Cuts fall at a paragraph break, else a line
    break, else a sentence end, else between words — only a single word longer than a whole
    part is cut inside. Parts are numbered "(1/3) " … when there are several (`markers`)."""
    first_limit = limit if first_limit is None else min(first_limit, limit)
    raw_first = raw_limit if raw_limit is not None else 2 * first_limit
    raw_rest = raw_limit if raw_limit is not None else 2 * limit
    html = html.strip()
    if visible_length(html) <= first_limit and len(html) <= raw_first:
        return [html] if html else []
    items = _tokenise(html)
    digits = 1
    while True:
        reserve = len(f"({'9' * digits}/{'9' * digits}) ") if markers else 0
        parts = _pack(items, (first_limit, limit), (raw_first - reserve, raw_rest - reserve), reserve)
        if not markers or len(str(len(parts))) <= digits:
            break
        digits = len(str(len(parts)))
    if markers and len(parts) > 1:
        parts = [f"({k}/{len(parts)}) {p}" for k, p in enumerate(parts, 1)]
    return parts


def split_text(text: str, limit: int = MESSAGE_MAX) -> list[str]:
    """Plain text (sent without parse_mode) in parts of at most `limit` UTF-16 code units, cut
    where `split` cuts (paragraph, line, sentence, word), unnumbered; never an empty list."""
    return [visible_text(p) for p in split(escape(text), limit, markers=False)] or [text]
