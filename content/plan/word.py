""".docx → text lines, read straight from the package's XML with zipfile + lxml.

Why not python-docx: its `paragraph.style` looks the default style up by scanning every
style, twice per paragraph — 95% of the time spent reading a plan. Here `numbering.xml` is
read once, `styles.xml` once and only if a paragraph names a style (Word's default styles.xml
is often ten times the size of the text), and the body is walked once.

What comes out, in this order:
- the page headers of the document's sections (some units put the letterhead there),
  first-page header before the default one, identical texts once;
- the body in document order: one line per paragraph (a line break inside a paragraph starts
  a new line; Word's automatic list numbering written out as "1. ", "a) ", "- "), tables as
  tab-separated rows followed by a blank line, content controls opened, and the paragraphs of
  text boxes anchored in a paragraph placed before that paragraph's own text (a letterhead in
  a text box reads like one typed in the body); only the modern copy of a text box is read,
  not the VML fallback Word stores beside it;
- the page footers, without bare page numbers.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from functools import cache
from typing import Callable

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


P, TBL, SDT, SDT_CONTENT, TR, TC = _w("p"), _w("tbl"), _w("sdt"), _w("sdtContent"), _w("tr"), _w("tc")
RUN, T, TAB, BR, CR, PTAB = _w("r"), _w("t"), _w("tab"), _w("br"), _w("cr"), _w("ptab")
NO_BREAK_HYPHEN, SOFT_HYPHEN = _w("noBreakHyphen"), _w("softHyphen")
TXBX = _w("txbxContent")
FALLBACK = f"{{{MC}}}Fallback"
VAL = _w("val")
# Elements inside a paragraph whose runs belong to its text (python-docx counts runs and hyperlinks).
_RUN_HOLDERS = {_w("hyperlink"), _w("ins"), _w("smartTag"), _w("customXml"), _w("fldSimple"), _w("sdt"),
                _w("sdtContent"), _w("dir"), _w("bdo")}
_LETTERS = "abcdefghiklmnopqrstuvxy"


@cache
def _parser():  # noqa: ANN202 - lxml is imported when a .docx is read, not when `loa` starts
    from lxml import etree

    return etree, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)


class DocxError(ValueError):
    """The package is not a readable .docx (no main document, XML that does not parse)."""


def docx_lines(data: bytes) -> list[str]:
    """The text lines of a .docx (see the module docstring). Raises `zipfile.BadZipFile`
    for a broken zip and `DocxError` for a zip that is not a Word document."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = set(z.namelist())
        main = _main_part(z, names)
        if main is None:
            raise DocxError("no word/document.xml")
        root = _xml(z, main)
        body = root.find(_w("body"))
        if body is None:
            raise DocxError("no body")
        folder = posixpath.dirname(main)
        rels = _rels(z, names, main)
        reader = _Reader(lambda: _styles(z, names, folder), _numbering(z, names, folder))
        head, foot = _header_footer_parts(body, rels, folder)
        lines: list[str] = []
        seen: set[str] = set()
        for part in head:
            text = _part_lines(z, names, part, reader)
            key = "\n".join(text)
            if key.strip() and key not in seen:
                seen.add(key)
                lines.extend(text)
        reader.walk(body, lines)
        for part in foot:
            text = [ln for ln in _part_lines(z, names, part, reader) if not re.fullmatch(r"\s*\d*\s*", ln)]
            key = "\n".join(text)
            if text and key not in seen:
                seen.add(key)
                lines.extend(text)
        return lines


def _xml(z: zipfile.ZipFile, name: str):  # noqa: ANN202
    etree, parser = _parser()
    try:
        return etree.fromstring(z.read(name), parser)
    except etree.XMLSyntaxError as e:
        raise DocxError(f"{name}: {e}") from None


def _main_part(z: zipfile.ZipFile, names: set[str]) -> str | None:
    if "_rels/.rels" in names:
        for rel in _xml(z, "_rels/.rels").iter(f"{{{PKG_REL}}}Relationship"):
            if rel.get("Type", "").endswith("/officeDocument"):
                target = rel.get("Target", "").lstrip("/")
                if target in names:
                    return target
    return "word/document.xml" if "word/document.xml" in names else None


def _rels(z: zipfile.ZipFile, names: set[str], part: str) -> dict[str, str]:
    folder, base = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", base + ".rels")
    if rels_name not in names:
        return {}
    return {rel.get("Id"): rel.get("Target", "") for rel in _xml(z, rels_name).iter(f"{{{PKG_REL}}}Relationship")}


def _resolve(folder: str, target: str) -> str:
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))


def _header_footer_parts(body, rels: dict[str, str], folder: str) -> tuple[list[str], list[str]]:  # noqa: ANN001
    order = {"first": 0, "default": 1, "even": 2}
    heads: list[tuple[int, str]] = []
    feet: list[tuple[int, str]] = []
    for sect in body.iter(_w("sectPr")):
        for tag, out in ((_w("headerReference"), heads), (_w("footerReference"), feet)):
            for ref in sect.iter(tag):
                target = rels.get(ref.get(f"{{{R}}}id"))
                if target:
                    out.append((order.get(ref.get(_w("type"), "default"), 3), _resolve(folder, target)))
    pick = lambda refs: list(dict.fromkeys(name for _, name in sorted(refs, key=lambda r: r[0])))  # noqa: E731
    return pick(heads), pick(feet)


def _part_lines(z: zipfile.ZipFile, names: set[str], part: str, reader: "_Reader") -> list[str]:
    if part not in names:
        return []
    out: list[str] = []
    reader.walk(_xml(z, part), out)
    while out and not out[-1].strip():
        out.pop()
    return out


def _styles(z: zipfile.ZipFile, names: set[str], folder: str) -> dict[str, str]:
    """Paragraph style id → style name."""
    name = posixpath.join(folder, "styles.xml")
    if name not in names:
        return {}
    out = {}
    for style in _xml(z, name).iter(_w("style")):
        if style.get(_w("type")) == "paragraph":
            n = style.find(_w("name"))
            out[style.get(_w("styleId"))] = n.get(VAL) if n is not None else ""
    return out


def _numbering(z: zipfile.ZipFile, names: set[str], folder: str) -> dict[tuple[str, str], str]:
    """(numId, ilvl) → number format ("decimal", "lowerLetter", "bullet", …)."""
    name = posixpath.join(folder, "numbering.xml")
    if name not in names:
        return {}
    root = _xml(z, name)
    abstract: dict[str, dict[str, str]] = {}
    for an in root.iter(_w("abstractNum")):
        levels = {}
        for lvl in an.iter(_w("lvl")):
            fmt = lvl.find(_w("numFmt"))
            levels[lvl.get(_w("ilvl"))] = fmt.get(VAL) if fmt is not None else "bullet"
        abstract[an.get(_w("abstractNumId"))] = levels
    out: dict[tuple[str, str], str] = {}
    for num in root.iter(_w("num")):
        ref = num.find(_w("abstractNumId"))
        if ref is not None:
            for ilvl, fmt in abstract.get(ref.get(VAL), {}).items():
                out[(num.get(_w("numId")), ilvl)] = fmt
    return out


class _Reader:
    """Walks WordprocessingML, writing lines; keeps the list counters of one document."""

    def __init__(self, styles: Callable[[], dict[str, str]], formats: dict[tuple[str, str], str]) -> None:
        self._load_styles = styles
        self._styles: dict[str, str] | None = None
        self.formats = formats
        self.counters: dict[tuple[str, str], int] = {}

    def walk(self, element, lines: list[str]) -> None:  # noqa: ANN001
        for child in element:
            tag = child.tag
            if tag == P:
                self._paragraph(child, lines)
            elif tag == TBL:
                self._table(child, lines)
            elif tag == SDT:
                content = child.find(SDT_CONTENT)
                if content is not None:
                    self.walk(content, lines)

    def _paragraph(self, p, lines: list[str]) -> None:  # noqa: ANN001
        for box in _text_boxes(p):
            self.walk(box, lines)
        text = paragraph_text(p)
        prefix = self.prefix(p, text)
        for i, part in enumerate(text.replace("\t", " ").split("\n")):
            lines.append((prefix if i == 0 else "") + part)

    def _table(self, tbl, lines: list[str]) -> None:  # noqa: ANN001
        above: dict[int, str] = {}
        for tr in tbl.iter(TR):
            if _ancestor_table(tr) is not tbl:
                continue
            cells: list[str] = []
            col = 0
            for tc in tr.iterchildren(TC):
                pr = tc.find(_w("tcPr"))
                span, merge = 1, None
                if pr is not None:
                    gs = pr.find(_w("gridSpan"))
                    span = int(gs.get(VAL, "1")) if gs is not None and gs.get(VAL, "1").isdigit() else 1
                    vm = pr.find(_w("vMerge"))
                    merge = (vm.get(VAL) or "continue") if vm is not None else None
                if merge == "continue":
                    text = above.get(col, "")
                else:
                    parts = []
                    for p in tc.iterchildren(P):
                        t = paragraph_text(p)
                        parts.append(self.prefix(p, t) + t.replace("\t", " "))
                    text = " ".join(x.strip() for x in parts if x.strip())
                for c in range(col, col + span):
                    above[c] = text
                cells.append(text)
                col += span
            lines.append("\t".join(cells))
        lines.append("")

    @property
    def styles(self) -> dict[str, str]:
        """Paragraph style id → name, read when a paragraph first names a style."""
        if self._styles is None:
            self._styles = self._load_styles()
        return self._styles

    def prefix(self, p, text: str) -> str:  # noqa: ANN001
        ppr = p.find(_w("pPr"))
        numpr = ppr.find(_w("numPr")) if ppr is not None else None
        text = text.lstrip()
        if numpr is None:
            ps = ppr.find(_w("pStyle")) if ppr is not None else None
            style = (self.styles.get(ps.get(VAL), "") if ps is not None else "") or ""
            if style.startswith("List Bullet") and text and text[0] not in "-–+•":
                return "- "
            if style.startswith("List Number") and text:
                n = self.counters[(style, "")] = self.counters.get((style, ""), 0) + 1
                return f"{n}. "
            return ""
        num_id = numpr.find(_w("numId"))
        ilvl = numpr.find(_w("ilvl"))
        key = (num_id.get(VAL) if num_id is not None else "0", ilvl.get(VAL) if ilvl is not None else "0")
        fmt = self.formats.get(key, "bullet")
        n = self.counters[key] = self.counters.get(key, 0) + 1
        if fmt == "decimal":
            return f"{n}. "
        if fmt in ("lowerLetter", "upperLetter"):
            return f"{_LETTERS[(n - 1) % len(_LETTERS)]}) "
        if fmt in ("upperRoman", "lowerRoman"):
            return f"{_roman(n)}. "
        return "" if text[:1] in ("-", "–", "+", "•") else "- "


def _ancestor_table(el):  # noqa: ANN001, ANN202
    parent = el.getparent()
    while parent is not None and parent.tag != TBL:
        parent = parent.getparent()
    return parent


def _text_boxes(p) -> list:  # noqa: ANN001
    """The text-box contents anchored in paragraph `p` (not nested in another text box, not
    the VML fallback copy)."""
    out = []
    for box in p.iter(TXBX):
        parent = box.getparent()
        skip = False
        while parent is not None and parent is not p:
            if parent.tag in (FALLBACK, TXBX):
                skip = True
                break
            parent = parent.getparent()
        if not skip:
            out.append(box)
    return out


def paragraph_text(p) -> str:  # noqa: ANN001
    """The text of a paragraph's runs as python-docx gives it: tabs as "\\t", line breaks
    as "\\n"; deleted text, field codes and text boxes left out."""
    out: list[str] = []
    _runs_text(p, out)
    return "".join(out)


def _runs_text(el, out: list[str]) -> None:  # noqa: ANN001
    for child in el:
        tag = child.tag
        if tag == RUN:
            for item in child:
                t = item.tag
                if t == T:
                    out.append(item.text or "")
                elif t in (TAB, PTAB):
                    out.append("\t")
                elif t == BR:
                    if item.get(_w("type"), "textWrapping") == "textWrapping":
                        out.append("\n")
                elif t == CR:
                    out.append("\n")
                elif t == NO_BREAK_HYPHEN:
                    out.append("-")
        elif tag in _RUN_HOLDERS:
            _runs_text(child, out)


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + letters, n - value
    return out
