"""HTML as text a person reads: for terminal previews and for posting by hand.

What it decides: block elements (p, div, li, headings, tr, br) start new lines, list items get
"• ", headings are kept on their own line, table cells are separated by " | ", a link keeps its
text and spells its address after it — "Xem chi tiết (https://…)", or the bare address when the
text is the address — so nothing clickable is lost on paper or in a chat where tags would show as
text; <head>, <style> and <script> are dropped; entities decoded; runs of blank lines collapsed.
Parsed with lxml (already a dependency), so broken markup still gives text.
"""

from __future__ import annotations

import re

from lxml import html as lxml_html

BLOCKS = {"p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "ul", "ol", "dl",
          "table", "tr", "blockquote", "pre", "figure", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6",
          "li", "dt", "dd", "hr", "address"}
SKIP = {"head", "style", "script", "template", "noscript"}


def html_to_text(markup: str, *, newlines: bool = False) -> str:
    """The text of `markup`; `newlines=True` keeps line breaks written in the text itself, as
    Telegram HTML has them (it has no paragraphs: "\n" is the line break)."""
    if not markup.strip():
        return ""
    if newlines:
        markup = markup.replace("\n", "<br>")
    root = lxml_html.fromstring(f"<div>{markup}</div>" if "<html" not in markup.lower() else markup)
    out: list[str] = []
    _walk(root, out)
    text = "".join(out)
    text = re.sub(r"[ \t\u00a0]+\n", "\n", text)
    text = re.sub(r"\n[ \t]+", "\n", text)
    text = re.sub(r"[ \t\u00a0]{2,}", " ", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def _text(s: str | None) -> str:
    return re.sub(r"\s+", " ", s) if s else ""


def _walk(el, out: list[str]) -> None:  # noqa: ANN001
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in SKIP:
        if el.tail:
            out.append(_text(el.tail))
        return
    if tag == "br":
        out.append("\n")
    elif tag in BLOCKS:
        out.append("\n\n" if tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "blockquote")
                   else "\n")
        if tag == "li":
            out.append("• ")
    elif tag in ("td", "th") and el.getprevious() is not None:
        out.append(" | ")
    if tag == "pre":
        out.append(el.text_content())
    else:
        if el.text:
            out.append(_text(el.text))
        for child in el:
            _walk(child, out)
    if tag == "a":
        href = (el.get("href") or "").strip()
        shown = href.removeprefix("mailto:").removeprefix("tel:")
        label = _text(el.text_content()).strip()
        if href.startswith(("http://", "https://", "mailto:", "tel:")) and \
                re.sub(r"\W", "", shown.rstrip("/")) != re.sub(r"\W", "", label.rstrip("/")):
            out.append(f" ({shown})")
    if tag in BLOCKS and tag != "li":
        out.append("\n")
    if el.tail:
        out.append(_text(el.tail))
