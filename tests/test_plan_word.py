""".docx read from its XML (content.plan.word): the same lines python-docx would give for
the body, plus page headers, footers and text boxes, which some units use for the letterhead."""

from __future__ import annotations

import io

import pytest
from docx import Document
from docx.oxml import parse_xml

from content.plan.parse import PlanError, parse_plan
from content.plan.reader import decode_plan_bytes
from content.plan.word import docx_lines

BODY = ["KẾ HOẠCH", "Tuyên truyền cải cách hành chính năm 2025",
        "I. NỘI DUNG TUYÊN TRUYỀN", "- Cải cách thủ tục hành chính, dịch vụ công trực tuyến.",
        "II. HÌNH THỨC TUYÊN TRUYỀN", "- Đăng tin trên Trang thông tin điện tử của xã."]

TEXTBOX = (
    '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml"><mc:AlternateContent><mc:Choice Requires="wps">'
    '<w:drawing><wps:wsp><wps:txbx><w:txbxContent>{paras}</w:txbxContent></wps:txbx></wps:wsp></w:drawing>'
    '</mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>{paras}</w:txbxContent>'
    '</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>')


def _para(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def _save(doc) -> bytes:  # noqa: ANN001
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def test_letterhead_in_the_page_header_is_read_first():
    doc = Document()
    header = doc.sections[0].header
    header.paragraphs[0].text = "ỦY BAN NHÂN DÂN XÃ AN BÌNH"
    header.add_paragraph("Số: 15/KH-UBND")
    header.add_paragraph("An Bình, ngày 05 tháng 02 năm 2025")
    doc.sections[0].footer.paragraphs[0].text = "3"
    for line in BODY:
        doc.add_paragraph(line)
    lines = docx_lines(_save(doc))
    assert lines[:3] == ["ỦY BAN NHÂN DÂN XÃ AN BÌNH", "Số: 15/KH-UBND", "An Bình, ngày 05 tháng 02 năm 2025"]
    assert "3" not in lines  # a bare page number in the footer is dropped
    plan = parse_plan(decode_plan_bytes(_save(doc), "kh.docx"))
    assert plan.number == "15/KH-UBND" and plan.place == "An Bình"
    assert plan.date.isoformat() == "2025-02-05"


def test_text_box_is_read_once_before_its_paragraph():
    doc = Document()
    anchor = doc.add_paragraph("KẾ HOẠCH")
    paras = "".join(_para(t) for t in ("ỦY BAN NHÂN DÂN XÃ AN BÌNH", "Số: 16/KH-UBND"))
    anchor._p.insert(1, parse_xml(TEXTBOX.format(paras=paras)))
    for line in BODY[1:]:
        doc.add_paragraph(line)
    lines = docx_lines(_save(doc))
    assert lines[:3] == ["ỦY BAN NHÂN DÂN XÃ AN BÌNH", "Số: 16/KH-UBND", "KẾ HOẠCH"]
    assert lines.count("Số: 16/KH-UBND") == 1  # the VML fallback copy is not read again
    assert parse_plan("\n".join(lines)).number == "16/KH-UBND"


def test_merged_cells_and_line_breaks_read_like_python_docx():
    doc = Document()
    table = doc.add_table(rows=3, cols=3)
    table.cell(0, 0).text, table.cell(0, 1).text, table.cell(0, 2).text = "TT", "Nội dung", "Thời gian"
    table.cell(1, 0).text, table.cell(1, 1).text = "1", "Đăng tin"
    table.cell(1, 2).merge(table.cell(2, 2)).text = "Quý I/2025"
    table.cell(2, 0).text, table.cell(2, 1).text = "2", "Phát thanh"
    p = doc.add_paragraph("dòng một")
    p.add_run().add_break()
    p.add_run("dòng hai\tcột")
    lines = docx_lines(_save(doc))
    assert lines[:4] == ["TT\tNội dung\tThời gian", "1\tĐăng tin\tQuý I/2025", "2\tPhát thanh\tQuý I/2025", ""]
    assert lines[4:] == ["dòng một", "dòng hai cột"]


def _broken(doc, part: str) -> bytes:  # noqa: ANN001
    """The document saved with `part` replaced by XML that does not parse."""
    import zipfile

    src, out = zipfile.ZipFile(io.BytesIO(_save(doc))), io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for item in src.infolist():
            z.writestr(item, b"<w:document" if item.filename == part else src.read(item))
    return out.getvalue()


@pytest.mark.parametrize("part", ["word/document.xml", "word/styles.xml"])
def test_broken_xml_is_refused_in_vietnamese(part):
    doc = Document()
    doc.add_paragraph("Đăng tin trên Cổng thông tin điện tử", style="List Bullet")   # needs styles.xml
    with pytest.raises(PlanError, match="không phải .docx hợp lệ"):
        decode_plan_bytes(_broken(doc, part), "hong.docx")


def test_styles_are_read_only_when_a_paragraph_names_one():
    """Word's default styles.xml is often ten times the size of the text: a document none of
    whose paragraphs names a style is read without it (even when that part is damaged)."""
    doc = Document()
    doc.add_paragraph("KẾ HOẠCH")
    doc.add_paragraph("Tuyên truyền cải cách hành chính năm 2025")
    assert docx_lines(_broken(doc, "word/styles.xml")) == ["KẾ HOẠCH", "Tuyên truyền cải cách hành chính năm 2025"]
    doc.add_paragraph("Đăng tin", style="List Bullet")
    assert docx_lines(_save(doc))[-1] == "- Đăng tin"
