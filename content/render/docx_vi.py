"""Word documents laid out the Vietnamese administrative way (Decree 30/2020/NĐ-CP, Appendix I),
shared by every printable document Loa writes (the report, the radio script, the hotline notice).

What it decides: A4 portrait, margins top/bottom 20 mm, left 30 mm, right 15 mm; Times New Roman
for every script (Latin, East Asian, complex), so Vietnamese never falls back to another font; the
document's language is Vietnamese (vi-VN) in the defaults, every style and the properties, so a
word processor spell-checks it as Vietnamese instead of underlining every word; the two-column
letterhead (issuing body | national motto, number | place and date) without borders; a short
centred rule under the body's name, the motto underlined over its own length; and a byte-stable zip so the same document
gives the same bytes. Pure: everything works on an in-memory `Document`.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from typing import Any, Iterable

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

FONT = "Times New Roman"
LANG = "vi-VN"
BODY_PT = 14
A4 = (210, 297)
MARGINS = (20, 20, 30, 15)            # top, bottom, left, right (mm)
TEXT_W_MM = A4[0] - MARGINS[2] - MARGINS[3]
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
CENTER, LEFT, RIGHT, JUSTIFY = (WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT,
                                WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.JUSTIFY)


def fonts(rpr_owner: Any) -> None:
    """Times New Roman for every script on a run or style element."""
    rpr = rpr_owner.get_or_add_rPr()
    el = rpr.find(qn("w:rFonts"))
    if el is None:
        el = OxmlElement("w:rFonts")
        rpr.insert(0, el)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        el.set(qn(attr), FONT)


def _set_lang(rpr: Any) -> None:
    el = rpr.find(qn("w:lang"))
    if el is None:
        el = OxmlElement("w:lang")
        rpr.append(el)
    el.set(qn("w:val"), LANG)
    el.set(qn("w:eastAsia"), LANG)


def vietnamese(doc: Any) -> None:
    """Mark the whole document as Vietnamese: defaults, every style, theme font language, properties."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if rpr is not None:
            _set_lang(rpr)
    for style in styles.findall(qn("w:style")):
        rpr = style.find(qn("w:rPr"))
        if rpr is not None and rpr.find(qn("w:lang")) is not None:
            _set_lang(rpr)
    theme = doc.settings.element.find(qn("w:themeFontLang"))
    if theme is not None:
        theme.set(qn("w:val"), LANG)
    doc.core_properties.language = LANG


def new_document(*, size_pt: float = BODY_PT, margins: tuple[float, float, float, float] = MARGINS) -> Any:
    """An empty A4 document with the margins, Times New Roman and Vietnamese as the language."""
    doc = Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Mm(A4[0]), Mm(A4[1])
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = (Mm(m) for m in margins)
    sec.header_distance, sec.footer_distance = Mm(10), Mm(10)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(size_pt)
    fonts(normal.element)
    for name in ("Table Grid",):
        fonts(doc.styles[name].element)
    vietnamese(doc)
    return doc


def text_width_mm(doc: Any) -> float:
    sec = doc.sections[0]
    return (sec.page_width - sec.left_margin - sec.right_margin) / Mm(1)


def run(par: Any, text: str, size: float = BODY_PT, *, bold: bool = False, italic: bool = False,
        underline: bool = False) -> Any:
    r = par.add_run(text)
    r.font.name = FONT
    r.font.size = Pt(size)
    r.bold, r.italic, r.underline = bold, italic, underline
    fonts(r._r)
    return r


def par(container: Any, text: str = "", size: float = BODY_PT, align: Any = None, *, bold: bool = False,
        italic: bool = False, underline: bool = False, before: float = 0, after: float = 0,
        indent: bool = False, first: Any = None, keep: bool = False) -> Any:
    """A paragraph (or `first`, an existing empty one) with one run of text."""
    p = first if first is not None else container.add_paragraph()
    fmt = p.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(before), Pt(after), 1.0
    if align is not None:
        p.alignment = align
    if indent:
        fmt.first_line_indent = Mm(10)
    if keep:
        fmt.keep_with_next = True
    if text:
        run(p, text, size, bold=bold, italic=italic, underline=underline)
    return p


def rule(container: Any, width_mm: float, column_mm: float, first: Any = None) -> None:
    """A short centred horizontal line: an empty paragraph with a bottom border between indents."""
    p = par(container, "", 2, first=first)
    side = Mm(max(0.0, (column_mm - width_mm) / 2))
    p.paragraph_format.left_indent = side
    p.paragraph_format.right_indent = side
    ppr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(k), v)
    borders.append(bottom)
    ppr.append(borders)


def widths(table: Any, widths_mm: list[float]) -> None:
    """Fix column widths in the grid (LibreOffice reads it) and in every cell (Word reads those)."""
    table.autofit = False
    for col, w in zip(table.columns, widths_mm):
        col.width = Mm(w)
    for row in table.rows:
        for cell, w in zip(row.cells, widths_mm):
            cell.width = Mm(w)


def cant_split(row: Any) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def letterhead(doc: Any, *, unit_lines: Iterable[str], superior: str = "", number: str = "",
               place_date: str = "", left_mm: float = 62) -> Any:
    """The borderless two-column header: [superior] / UNIT (bold) / rule | motto / rule, then
    the number | the place-and-date line in italics. Returns the table."""
    total = text_width_mm(doc)
    t = doc.add_table(rows=2 if (number or place_date) else 1, cols=2)
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths(t, [left_mm, total - left_mm])
    a, b = t.rows[0].cells
    first = a.paragraphs[0]
    if superior:
        par(a, superior, 12, CENTER, first=first)
        first = None
    for i, line in enumerate(unit_lines):
        par(a, line, 12, CENTER, bold=True, first=first if i == 0 else None)
    rule(a, 25, left_mm)
    par(b, MOTTO[0], 12, CENTER, bold=True, first=b.paragraphs[0])
    par(b, MOTTO[1], 13, CENTER, bold=True, underline=True)   # underlined: a line of its own length
    if len(t.rows) > 1:
        c, d = t.rows[1].cells
        par(c, number, 13, CENTER, first=c.paragraphs[0], before=6)
        par(d, place_date, 14, CENTER, italic=True, first=d.paragraphs[0], before=6)
    return t


def drop_leading_empty_paragraph(doc: Any) -> None:
    """python-docx starts with one empty paragraph; drop it so the header table comes first."""
    body = doc.element.body
    first = body[0]
    if first.tag == qn("w:p") and not "".join(first.itertext()).strip():
        body.remove(first)


def to_bytes(doc: Any, when: datetime | None = None) -> bytes:
    """The document's bytes; with `when`, byte-stable (fixed dates in the properties and zip)."""
    if when is not None:
        props = doc.core_properties
        props.created = props.modified = props.last_printed = when
        props.revision = 1
    buf = io.BytesIO()
    doc.save(buf)
    return stable_zip(buf.getvalue(), when) if when is not None else buf.getvalue()


def stable_zip(data: bytes, when: datetime) -> bytes:
    """Rewrite the zip with fixed member timestamps, so the same document gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(max(when.year, 1980), when.month, when.day, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
