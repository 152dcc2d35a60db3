"""Item bodies from the files staff have: Word .docx → Markdown (headings, lists, bold/italic,
tables), .md/.txt in UTF-8, UTF-8 with BOM, UTF-16 (Notepad "Unicode"), and clear refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document

from content.items.body import BodyFileError, body_from_bytes, read_body_file
from content.render.markdown import to_html

TEXT = "Thông báo lịch tiếp công dân\n\nỦy ban nhân dân xã tiếp công dân vào thứ Năm hằng tuần.\n"


def _docx(tmp_path: Path) -> Path:
    doc = Document()
    doc.add_heading("Thông báo lịch tiếp công dân", level=1)
    p = doc.add_paragraph("Ủy ban nhân dân xã ")
    p.add_run("tiếp công dân").bold = True
    p.add_run(" vào ")
    p.add_run("thứ Năm").italic = True
    p.add_run(" hằng tuần.")
    doc.add_heading("Hồ sơ cần mang", level=2)
    doc.add_paragraph("Căn cước công dân", style="List Bullet")
    doc.add_paragraph("Đơn đề nghị (mẫu 01)", style="List Bullet")
    doc.add_paragraph("")
    doc.add_paragraph("Nộp hồ sơ", style="List Number")
    doc.add_paragraph("Nhận phiếu hẹn", style="List Number")
    table = doc.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Ngày", "Người tiếp"
    table.cell(1, 0).text, table.cell(1, 1).text = "Thứ Năm", "Chủ tịch UBND xã"
    path = tmp_path / "bai.docx"
    doc.save(path)
    return path


def test_docx_keeps_headings_lists_bold_and_tables(tmp_path):
    md = read_body_file(_docx(tmp_path))
    assert md.splitlines()[0] == "# Thông báo lịch tiếp công dân"
    assert "Ủy ban nhân dân xã **tiếp công dân** vào *thứ Năm* hằng tuần." in md
    assert "## Hồ sơ cần mang" in md
    assert "- Căn cước công dân\n- Đơn đề nghị (mẫu 01)" in md
    assert "1. Nộp hồ sơ\n2. Nhận phiếu hẹn" in md
    assert "| Ngày | Người tiếp |\n|---|---|\n| Thứ Năm | Chủ tịch UBND xã |" in md
    html = to_html(md)
    assert "<h1>" in html and "<strong>tiếp công dân</strong>" in html and "<ol>" in html and "<table>" in html


@pytest.mark.parametrize("encoding,bom", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"),
                                          ("utf-16-be", b"\xfe\xff"), ("utf-16-le", b"")])
def test_text_files_in_every_unicode_form(tmp_path, encoding, bom):
    path = tmp_path / "bai.txt"
    path.write_bytes(bom + TEXT.replace("\n", "\r\n").encode(encoding))
    assert read_body_file(path) == TEXT


def test_decomposed_diacritics_are_composed(tmp_path):
    import unicodedata

    path = tmp_path / "bai.md"
    path.write_text(unicodedata.normalize("NFD", TEXT), encoding="utf-8")
    assert read_body_file(path) == TEXT


@pytest.mark.parametrize("data,name,message", [
    (b"", "bai.txt", "trống"),
    (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "bai.doc", "Word cũ"),
    (b"%PDF-1.7\n...", "bai.pdf", "PDF"),
    (b"{\\rtf1 abc}", "bai.rtf", "RTF"),
    (b"PK\x03\x04 not really a zip", "bai.docx", "không phải .docx hợp lệ"),
    ("Thông báo".encode("cp1258"), "bai.txt", "không phải văn bản Unicode UTF-8"),
    (bytes(range(256)) * 4, "anh.png", "không phải tệp văn bản"),
])
def test_refusals(data, name, message):
    with pytest.raises(BodyFileError, match=message) as e:
        body_from_bytes(data, name)
    assert e.value.exit_code == 2


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(BodyFileError, match="Không tìm thấy"):
        read_body_file(tmp_path / "khong-co.md")
    with pytest.raises(BodyFileError, match="thư mục"):
        read_body_file(tmp_path)
