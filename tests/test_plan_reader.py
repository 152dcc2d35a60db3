"""Reading plan files: what is read, what is converted (TCVN3), and what is refused with a
Vietnamese message saying what to do. Real files in tmp_path, nothing faked."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from pathlib import Path

import pytest
from docx import Document

from content.plan.parse import PlanError, parse_plan, read_plan
from content.plan.reader import (MAX_BYTES, decode_plan_bytes, looks_like_tcvn3, read_plan_source,
                                 tcvn3_to_unicode)
from tests.helpers import to_tcvn3

NL = "ngoc-lam-ubnd-xa-2024.md"


def docx_bytes(*paragraphs: str) -> bytes:
    doc = Document()
    for p in paragraphs:
        doc.add_paragraph(p)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def test_reads_markdown_and_hashes_the_bytes(plans_dir, tmp_path):
    src = read_plan_source(plans_dir / NL)
    assert src.name == NL and len(src.sha256) == 64 and not src.warnings
    assert read_plan(plans_dir / NL).number == "11/KH-UBND"


def test_utf8_bom_and_utf16_are_read(plans_dir, tmp_path):
    text = (plans_dir / NL).read_text(encoding="utf-8")
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    (tmp_path / "u16.txt").write_bytes(text.encode("utf-16"))
    expected = parse_plan(text)
    assert read_plan(tmp_path / "bom.txt") == expected
    assert read_plan(tmp_path / "u16.txt") == expected


def test_tcvn3_text_is_detected_and_converted():
    assert to_tcvn3("KẾ HOẠCH").startswith("KÕ HO¹CH") or to_tcvn3("Kế hoạch") == "KÕ ho¹ch"
    assert to_tcvn3("Kế hoạch") == "KÕ ho¹ch"
    assert looks_like_tcvn3("KÕ ho¹ch tuyªn truyÒn c¶i c¸ch hµnh chÝnh")
    assert not looks_like_tcvn3("Kế hoạch tuyên truyền cải cách hành chính © 2024 · «trích»")
    assert tcvn3_to_unicode("KÕ ho¹ch tuyªn truyÒn c¶i c¸ch hµnh chÝnh") == "Kế hoạch tuyên truyền cải cách hành chính"
    assert tcvn3_to_unicode("KÕ HO¹CH") == "KẾ HOẠCH"


@pytest.mark.parametrize("as_bytes", [True, False], ids=["tcvn3-bytes", "tcvn3-characters-in-utf8"])
def test_tcvn3_plan_is_converted_with_a_warning(plans_dir, tmp_path, as_bytes):
    text = (plans_dir / NL).read_text(encoding="utf-8")
    legacy = to_tcvn3(text)
    data = legacy.encode("latin-1", errors="replace") if as_bytes else legacy.encode("utf-8")
    path = tmp_path / "ngoc-lam-tcvn3.txt"
    path.write_bytes(data)
    src = read_plan_source(path)
    assert len(src.warnings) == 1 and "TCVN3" in src.warnings[0] and "Unicode" in src.warnings[0]
    plan, expected = parse_plan(src.text), parse_plan(text)
    assert (len(plan.themes), len(plan.forms), plan.number, plan.date) == (7, 4, "11/KH-UBND", expected.date)
    # accented capitals are lost by TCVN3 itself; the words come back
    assert [t.text.lower() for t in plan.themes] == [t.text.lower() for t in expected.themes]
    assert "radio" in plan.channels


def _bad(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(PlanError) as e:
        read_plan(path)
    return str(e.value)


def _valid_docx_then(mangle) -> bytes:  # noqa: ANN001
    return mangle(docx_bytes("KẾ HOẠCH", "1. Nội dung tuyên truyền", "- Cải cách thủ tục hành chính."))


def _zip_without_word() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "xin chào")
    return buf.getvalue()


@pytest.mark.parametrize("name, data, words", [
    ("trong.md", b"", ["trống"]),
    ("trang.txt", b"  \r\n\n\t ", ["trống"]),
    ("anh.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8, ["nhị phân", ".docx"]),
    ("latin1.txt", "Kế hoạch tuyên truyền năm 2024\n".encode("utf-8") + "Hà Nam, tháng 3".encode("latin-1"),
     ["UTF-8", "Lưu thành"]),
    ("cp1258.txt", unicodedata.normalize("NFD", "Cải cách hành chính, Hà Nội").encode("cp1258", "replace"),
     ["UTF-8", "Windows-1258"]),
    ("cu.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, [".doc", ".docx"]),
    ("cu2.doc", b"Not really a Word file", [".doc", ".docx"]),
    ("hong.docx", b"PK\x03\x04 this is not a zip at all", ["hỏng", ".docx"]),
    ("cat.docx", None, ["hỏng", ".docx"]),
    ("zip.docx", _zip_without_word(), [".docx"]),
    ("ke-hoach.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", ["PDF", ".docx"]),
    ("vni.txt", "Keá hoaïch tuyeân truyeàn caûi caùch haønh chính naêm 2024, ñòa phöông".encode("latin-1"),
     ["VNI", "Unicode"]),
])
def test_bad_files_are_refused_with_what_to_do(tmp_path, name, data, words):
    if data is None:
        data = _valid_docx_then(lambda b: b[: len(b) // 2])
    message = _bad(tmp_path, name, data)
    assert name in message
    for w in words:
        assert w in message
    assert "Traceback" not in message


def test_file_over_5_mb_is_refused_without_reading(tmp_path):
    path = tmp_path / "to.md"
    path.write_bytes(b"a" * (MAX_BYTES + 1))
    with pytest.raises(PlanError, match="quá lớn.*5 MB"):
        read_plan(path)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(PlanError, match="Không tìm thấy tệp"):
        read_plan(tmp_path / "khong-co.md")
    with pytest.raises(PlanError, match="thư mục"):
        read_plan(tmp_path)


def test_text_that_is_not_a_plan_is_refused(tmp_path):
    (tmp_path / "thu-moi.txt").write_text("Thư mời họp\n\nKính mời đồng chí dự họp lúc 8 giờ.\n", encoding="utf-8")
    with pytest.raises(PlanError, match="Nội dung tuyên truyền"):
        read_plan(tmp_path / "thu-moi.txt")


def test_decode_keeps_crlf_for_the_parser_and_composes_nfd():
    text = decode_plan_bytes(unicodedata.normalize("NFD", "Kế hoạch\r\n").encode("utf-8"), "a.txt")
    assert text == "Kế hoạch\r\n" and unicodedata.is_normalized("NFC", text)
