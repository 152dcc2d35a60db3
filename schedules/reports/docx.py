"""The report as a .docx laid out like a Vietnamese administrative document (Decree
30/2020/NĐ-CP, Appendix I; the page, fonts, language and letterhead come from
`content.render.docx_vi`): "BÁO CÁO" and its subject centred in bold, an optional "Kính gửi:"
line, the body at 14 pt, bordered tables with a repeated header row and rows that do not split,
and at the foot "Nơi nhận:" (12 pt bold italic, list 11 pt) beside the signature block. The
closing sentence is kept on the page of the signature block, which never splits, so a signature
never stands alone on the last page. Page numbers are centred at the top from page 2. Ready to
print, sign and send."""

from __future__ import annotations

from pathlib import Path

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm

from content.files import write_atomic
from content.render import docx_vi as dv
from content.render.docx_vi import BODY_PT, CENTER, JUSTIFY, LEFT, TEXT_W_MM
from schedules.reports.text import Caption, Chart, Heading, Letterhead, Para, Report, Table

TABLE_PT = 12


def _page_numbers(doc) -> None:  # noqa: ANN001
    sec = doc.sections[0]
    sec.different_first_page_header_footer = True
    p = sec.header.paragraphs[0]
    p.alignment = CENTER
    r = dv.run(p, "", 13)
    for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        r._r.append(el)


def _letterhead(doc, head: Letterhead) -> None:  # noqa: ANN001
    dv.letterhead(doc, unit_lines=head.unit_lines, superior=head.superior, number=head.number,
                  place_date=head.place_date)
    dv.par(doc, head.title, 14, CENTER, bold=True, before=18, keep=True)
    dv.par(doc, head.subject, 14, CENTER, bold=True, keep=True)
    dv.rule(doc, 50, TEXT_W_MM)
    if head.to:
        if len(head.to) == 1:
            dv.par(doc, f"Kính gửi: {head.to[0]}", 14, CENTER, before=6)
        else:
            dv.par(doc, "Kính gửi:", 14, CENTER, before=6, keep=True)
            for line in head.to:
                p = dv.par(doc, f"- {line}", 14, LEFT, keep=True)
                p.paragraph_format.left_indent = Mm(45)
    dv.par(doc, "", 6, after=6)


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
    dv.widths(t, [TEXT_W_MM * w / sum(rel) for w in rel])
    _repeat_header(t.rows[0])
    for cell, text in zip(t.rows[0].cells, block.headers):
        dv.par(cell, text, TABLE_PT, CENTER, bold=True, first=cell.paragraphs[0], before=2, after=2, keep=True)
    for r, values in enumerate(block.rows, 1):
        bold = block.total and r == len(block.rows)
        dv.cant_split(t.rows[r])
        for col, (cell, text) in enumerate(zip(t.rows[r].cells, values)):
            align = CENTER if col in block.numeric else LEFT
            for i, line in enumerate(text.split("\n")):
                size = 10 if line.startswith(("http://", "https://")) else TABLE_PT
                dv.par(cell, line, size, align, bold=bold, before=2 if i == 0 else 0, after=2,
                       first=cell.paragraphs[0] if i == 0 else None)
    dv.par(doc, "", 6, after=6)


def _footer(doc, head: Letterhead) -> None:  # noqa: ANN001
    left_mm = 78
    t = doc.add_table(rows=1, cols=2)
    dv.widths(t, [left_mm, TEXT_W_MM - left_mm])
    dv.cant_split(t.rows[0])
    a, b = t.rows[0].cells
    dv.par(a, "Nơi nhận:", 12, LEFT, bold=True, italic=True, first=a.paragraphs[0], before=6)
    for line in head.recipients:
        dv.par(a, line, 11, LEFT)
    first = b.paragraphs[0]
    for i, line in enumerate(head.signer_lines):
        dv.par(b, line, 14, CENTER, bold=True, first=first if i == 0 else None, before=6 if i == 0 else 0)
    for _ in range(4):
        dv.par(b, "", 14)
    dv.par(b, head.signer_name or "", 14, CENTER, bold=True)


def write_docx(report: Report, path: Path) -> Path:
    """Write the report to `path` (.docx) and return the path."""
    write_atomic(path, render_docx(report))
    return path


def render_docx(report: Report) -> bytes:
    doc = dv.new_document()
    doc.core_properties.title = f"{report.head.title} {report.head.subject}"
    _page_numbers(doc)
    _letterhead(doc, report.head)
    blocks = [b for b in report.blocks if not isinstance(b, Chart)]  # the tables carry the charts' figures
    for block, nxt in zip(blocks, [*blocks[1:], None]):
        p = None
        if isinstance(block, Heading):
            p = dv.par(doc, block.text, BODY_PT, JUSTIFY, bold=True, before=6, after=6, indent=True)
        elif isinstance(block, Caption):
            p = dv.par(doc, block.text, 13, CENTER, bold=True, italic=True, before=6, after=6)
        elif isinstance(block, Para):
            p = dv.par(doc, block.text, BODY_PT, JUSTIFY, after=6, indent=True)
        elif isinstance(block, Table):
            _table(doc, block)
        # Headings and captions stay with what follows; the closing sentence with the signature.
        if p is not None and (isinstance(block, (Heading, Caption)) or isinstance(nxt, (Table, Caption))
                              or nxt is None):
            p.paragraph_format.keep_with_next = True
    _footer(doc, report.head)
    dv.drop_leading_empty_paragraph(doc)
    return dv.to_bytes(doc)
