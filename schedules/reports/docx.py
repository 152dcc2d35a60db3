"""The report as a .docx laid out like a Vietnamese administrative document (Decree
30/2020/NĐ-CP, Appendix I): A4, margins top/bottom 20 mm, left 30 mm, right 15 mm; Times New
Roman; a borderless two-column header (issuing body | national motto), the number with a
blank for the clerk, the place-date line in italics, "BÁO CÁO" and its subject centred in
bold, the body at 14 pt, bordered tables with a repeated header row, and at the foot
"Nơi nhận:" (12 pt bold italic, list 11 pt) beside the signature block. Page numbers are
centred at the top from page 2. Ready to print, sign and send."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from schedules.reports.text import Caption, Chart, Heading, Letterhead, Para, Report, Table

FONT = "Times New Roman"
BODY_PT = 14
TABLE_PT = 12
TEXT_W_MM = 210 - 30 - 15
CENTER, LEFT, RIGHT, JUSTIFY = (WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT,
                                WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.JUSTIFY)


def _fonts(rpr_owner) -> None:  # noqa: ANN001
    """Times New Roman for every script (Latin, East Asian, complex), so Vietnamese never falls back."""
    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)


def _run(par, text: str, size: float = BODY_PT, *, bold: bool = False, italic: bool = False,  # noqa: ANN001
         underline: bool = False):
    run = par.add_run(text)
    run.font.name = FONT
    run.font.size = Pt(size)
    run.bold, run.italic, run.underline = bold, italic, underline
    _fonts(run._r)
    return run


def _par(container, text: str = "", size: float = BODY_PT, align=None, *, bold: bool = False,  # noqa: ANN001
         italic: bool = False, underline: bool = False, before: float = 0, after: float = 0, indent: bool = False,
         first=None):
    par = first if first is not None else container.add_paragraph()
    fmt = par.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(before), Pt(after), 1.0
    if align is not None:
        par.alignment = align
    if indent:
        fmt.first_line_indent = Mm(10)
    if text:
        _run(par, text, size, bold=bold, italic=italic, underline=underline)
    return par


def _rule(container, width_mm: float, column_mm: float, first=None) -> None:  # noqa: ANN001
    """A short centred horizontal line: an empty paragraph with a bottom border between indents."""
    par = _par(container, "", 2, first=first)
    side = Mm(max(0.0, (column_mm - width_mm) / 2))
    par.paragraph_format.left_indent = side
    par.paragraph_format.right_indent = side
    ppr = par._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(k), v)
    borders.append(bottom)
    ppr.append(borders)


def _widths(table, widths_mm: list[float]) -> None:  # noqa: ANN001
    """Fix column widths in the grid (LibreOffice reads it) and in every cell (Word reads those)."""
    table.autofit = False
    for col, w in zip(table.columns, widths_mm):
        col.width = Mm(w)
    for row in table.rows:
        for cell, w in zip(row.cells, widths_mm):
            cell.width = Mm(w)


def _setup(doc) -> None:  # noqa: ANN001
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(20), Mm(20)
    sec.left_margin, sec.right_margin = Mm(30), Mm(15)
    sec.header_distance, sec.footer_distance = Mm(10), Mm(10)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(BODY_PT)
    _fonts(normal.element)
    for name in ("Table Grid",):
        _fonts(doc.styles[name].element)
    sec.different_first_page_header_footer = True
    par = sec.header.paragraphs[0]
    par.alignment = CENTER
    run = _run(par, "", 13)
    for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)


def _letterhead(doc, head: Letterhead) -> None:  # noqa: ANN001
    left_mm, right_mm = 62, TEXT_W_MM - 62
    t = doc.add_table(rows=2, cols=2)
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(t, [left_mm, right_mm])
    (a, b), (c, d) = t.rows[0].cells, t.rows[1].cells
    first = a.paragraphs[0]
    if head.superior:
        _par(a, head.superior, 12, CENTER, first=first)
        first = None
    for i, line in enumerate(head.unit_lines):
        _par(a, line, 12, CENTER, bold=True, first=first if i == 0 else None)
    _rule(a, 25, left_mm)
    _par(b, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, CENTER, bold=True, first=b.paragraphs[0])
    _par(b, "Độc lập - Tự do - Hạnh phúc", 13, CENTER, bold=True, underline=True)
    _par(c, head.number, 13, CENTER, first=c.paragraphs[0], before=6)
    _par(d, head.place_date, 14, CENTER, italic=True, first=d.paragraphs[0], before=6)
    _par(doc, head.title, 14, CENTER, bold=True, before=18)
    _par(doc, head.subject, 14, CENTER, bold=True)
    _rule(doc, 50, TEXT_W_MM)
    _par(doc, "", 6, after=6)


def _repeat_header(row) -> None:  # noqa: ANN001
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _table(doc, block: Table) -> None:  # noqa: ANN001
    t = doc.add_table(rows=1 + len(block.rows), cols=len(block.headers))
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    rel = list(block.widths) or [1.0] * len(block.headers)
    _widths(t, [TEXT_W_MM * w / sum(rel) for w in rel])
    _repeat_header(t.rows[0])
    for cell, text in zip(t.rows[0].cells, block.headers):
        par = _par(cell, text, TABLE_PT, CENTER, bold=True, first=cell.paragraphs[0], before=2, after=2)
        par.paragraph_format.keep_with_next = True
    for r, values in enumerate(block.rows, 1):
        bold = block.total and r == len(block.rows)
        t.rows[r]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        for col, (cell, text) in enumerate(zip(t.rows[r].cells, values)):
            align = CENTER if col in block.numeric else LEFT
            for i, line in enumerate(text.split("\n")):
                size = 10 if line.startswith(("http://", "https://")) else TABLE_PT
                _par(cell, line, size, align, bold=bold, before=2 if i == 0 else 0, after=2,
                     first=cell.paragraphs[0] if i == 0 else None)
    _par(doc, "", 6, after=6)


def _footer(doc, head: Letterhead) -> None:  # noqa: ANN001
    left_mm = 78
    t = doc.add_table(rows=1, cols=2)
    _widths(t, [left_mm, TEXT_W_MM - left_mm])
    trpr = t.rows[0]._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))
    a, b = t.rows[0].cells
    _par(a, "Nơi nhận:", 12, LEFT, bold=True, italic=True, first=a.paragraphs[0], before=6)
    for line in head.recipients:
        _par(a, line, 11, LEFT)
    first = b.paragraphs[0]
    for i, line in enumerate(head.signer_lines):
        _par(b, line, 14, CENTER, bold=True, first=first if i == 0 else None, before=6 if i == 0 else 0)
    for _ in range(4):
        _par(b, "", 14)
    _par(b, head.signer_name or "", 14, CENTER, bold=True)


def write_docx(report: Report, path: Path) -> Path:
    """Write the report to `path` (.docx) and return the path."""
    doc = Document()
    _setup(doc)
    _letterhead(doc, report.head)
    blocks = [b for b in report.blocks if not isinstance(b, Chart)]  # the tables carry the charts' figures
    for block, nxt in zip(blocks, [*blocks[1:], None]):
        par = None
        if isinstance(block, Heading):
            par = _par(doc, block.text, BODY_PT, JUSTIFY, bold=True, before=6, after=6, indent=True)
        elif isinstance(block, Caption):
            par = _par(doc, block.text, 13, CENTER, bold=True, italic=True, before=6, after=6)
        elif isinstance(block, Para):
            par = _par(doc, block.text, BODY_PT, JUSTIFY, after=6, indent=True)
        elif isinstance(block, Table):
            _table(doc, block)
        if par is not None and (isinstance(block, (Heading, Caption)) or isinstance(nxt, (Table, Caption))):
            par.paragraph_format.keep_with_next = True
    _footer(doc, report.head)
    # python-docx starts with one empty paragraph; drop it so the header table comes first.
    body = doc.element.body
    first = body[0]
    if first.tag == qn("w:p") and not "".join(first.itertext()).strip():
        body.remove(first)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path
