"""PDF plans (content.plan.pdf): text PDFs read like their Markdown source, with the page and
line of every line; scans, password-protected and broken PDFs are refused in Vietnamese; a
signed PDF (signature dictionary in an appended revision) reads like the unsigned one."""

from __future__ import annotations

import io

import pytest
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (ArrayObject, ByteStringObject, DictionaryObject, NameObject, NumberObject,
                           TextStringObject)

from content.plan.parse import PlanError, parse_plan
from content.plan.reader import decode_plan_bytes, source_from_bytes
from tests.helpers import PLANS_DIR
from tests.data.plan_corpus.build import FONT_DIR, render_pdf

needs_font = pytest.mark.skipif(not (FONT_DIR / "DejaVuSerif.ttf").exists(),
                                reason="DejaVu fonts (Debian fonts-dejavu-core) are not installed")

NAMES = ["hung-yen-so-noi-vu-2023.md", "soc-trang-ubnd-tinh-2019.md", "ngoc-lam-ubnd-xa-2024.md",
         "ha-nam-so-tttt-2021-2030.md", "gia-lai-so-tttt-2024.md"]


@pytest.fixture(scope="module")
def sample_pdfs() -> dict[str, bytes]:
    if not (FONT_DIR / "DejaVuSerif.ttf").exists():
        pytest.skip("DejaVu fonts (Debian fonts-dejavu-core) are not installed")
    if not PLANS_DIR.exists():
        pytest.skip(f"sample plans not found at {PLANS_DIR}")
    return {name: render_pdf((PLANS_DIR / name).read_text(encoding="utf-8")) for name in NAMES}


@pytest.mark.parametrize("name", NAMES)
def test_pdf_of_a_sample_reads_like_its_markdown(plans_dir, sample_pdfs, name):
    expected = parse_plan((plans_dir / name).read_text(encoding="utf-8"))
    source = source_from_bytes(sample_pdfs[name], name.replace(".md", ".pdf"))
    assert parse_plan(source.text) == expected
    assert len(source.origins) == len(source.text.split("\n"))
    assert source.origins[0] == "trang 1, dòng 1"
    assert any(o.startswith("trang 2,") for o in source.origins)


def test_task_table_rows_come_out_as_cells_and_survive_page_breaks(plans_dir, sample_pdfs):
    source = source_from_bytes(sample_pdfs["gia-lai-so-tttt-2024.md"], "gia-lai.pdf")
    rows = [ln.split("\t") for ln in source.text.split("\n") if "\t" in ln]
    assert rows[0] == ["Số TT", "Nội dung công việc", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian thực hiện"]
    assert all(len(r) == 5 for r in rows)
    plan = parse_plan(source.text)
    assert [t.no for t in plan.tasks] == [f"{i:02d}" for i in range(1, 11)]


def _scan_pdf(with_image: bool) -> bytes:
    from PIL import Image

    pdf = FPDF()
    pdf.add_page()
    if with_image:
        buf = io.BytesIO()
        Image.new("L", (200, 280), 255).save(buf, format="PNG")
        pdf.image(buf, x=10, y=10, w=190)
    return bytes(pdf.output())


@pytest.mark.parametrize("with_image,words", [(True, "bản quét"), (False, "không có chữ")])
def test_pdf_without_a_text_layer_is_refused(with_image, words):
    with pytest.raises(PlanError) as e:
        decode_plan_bytes(_scan_pdf(with_image), "scan.pdf")
    assert words in str(e.value) and "nhận dạng chữ" in str(e.value) and ".docx" in str(e.value)
    assert e.value.exit_code == 2


def test_password_protected_pdf_is_refused(plans_dir, sample_pdfs):
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(sample_pdfs["ngoc-lam-ubnd-xa-2024.md"])))
    writer.encrypt(user_password="bimat", owner_password="bimat")
    buf = io.BytesIO()
    writer.write(buf)
    with pytest.raises(PlanError, match="mật khẩu"):
        decode_plan_bytes(buf.getvalue(), "kh.pdf")


@pytest.mark.parametrize("data", [b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", b"not a pdf at all"])
def test_broken_pdf_is_refused(data):
    with pytest.raises(PlanError, match="PDF"):
        decode_plan_bytes(data, "kh.pdf")


def _signed(data: bytes) -> bytes:
    """The PDF with an incremental update holding a signature field and its /Sig dictionary,
    as e-office systems append when the document is signed."""
    writer = PdfWriter(io.BytesIO(data), incremental=True)
    sig = DictionaryObject({
        NameObject("/Type"): NameObject("/Sig"), NameObject("/Filter"): NameObject("/Adobe.PPKLite"),
        NameObject("/SubFilter"): NameObject("/adbe.pkcs7.detached"),
        NameObject("/ByteRange"): ArrayObject([NumberObject(0), NumberObject(100), NumberObject(200),
                                               NumberObject(300)]),
        NameObject("/Contents"): ByteStringObject(b"\x00" * 64),
        NameObject("/Name"): TextStringObject("Ủy ban nhân dân xã Ngọc Lâm"),
    })
    field = DictionaryObject({
        NameObject("/FT"): NameObject("/Sig"), NameObject("/T"): TextStringObject("Chu ky so"),
        NameObject("/V"): writer._add_object(sig), NameObject("/Type"): NameObject("/Annot"),
        NameObject("/Subtype"): NameObject("/Widget"),
        NameObject("/Rect"): ArrayObject([NumberObject(0)] * 4),
    })
    ref = writer._add_object(field)
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject(
        {NameObject("/Fields"): ArrayObject([ref]), NameObject("/SigFlags"): NumberObject(3)})
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def test_signed_pdf_with_an_appended_revision_reads_like_the_unsigned_one(sample_pdfs):
    original = sample_pdfs["ngoc-lam-ubnd-xa-2024.md"]
    signed = _signed(original)
    assert signed.startswith(original) and signed.count(b"%%EOF") >= 2 and b"/Sig" in signed[len(original):]
    assert parse_plan(decode_plan_bytes(signed, "kh.pdf")) == parse_plan(decode_plan_bytes(original, "kh.pdf"))


@needs_font
def test_header_table_with_several_lines_per_cell_reads_as_rows_of_two_columns():
    from pathlib import Path

    fonts = Path("/usr/share/fonts/truetype/dejavu")
    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("S", "", str(fonts / "DejaVuSerif.ttf"))
    pdf.set_font("S", "", 11)
    with pdf.table(col_widths=(38, 62), borders_layout="NONE", text_align="CENTER", v_align="TOP",
                   first_row_as_headings=False) as t:
        r = t.row()
        r.cell("ỦY BAN NHÂN DÂN\nTHỊ XÃ ĐÔNG HÒA\n-------")
        r.cell("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc")
        r = t.row()
        r.cell("Số: 15/KH-UBND")
        r.cell("Đông Hòa, ngày 10 tháng 01 năm 2025")
    for line in ("KẾ HOẠCH", "Tuyên truyền cải cách hành chính năm 2025", "I. NỘI DUNG TUYÊN TRUYỀN",
                 "1. Dịch vụ công trực tuyến.", "II. HÌNH THỨC TUYÊN TRUYỀN", "1. Phát trên loa truyền thanh."):
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    source = source_from_bytes(bytes(pdf.output()), "dong-hoa.pdf")
    assert source.text.split("\n")[:2] == ["ỦY BAN NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                           "THỊ XÃ ĐÔNG HÒA\tĐộc lập - Tự do - Hạnh phúc"]
    plan = parse_plan(source.text)
    assert (plan.number, plan.issuer, plan.place) == ("15/KH-UBND", "Ủy ban nhân dân thị xã Đông Hòa", "Đông Hòa")
    assert plan.date.isoformat() == "2025-01-10"


@needs_font
@pytest.mark.parametrize("name", ["tay-ninh-so-tu-phap-2024", "kon-tum-ubnd-tinh-qd-2024"])
def test_ragged_right_paragraphs_are_joined_like_justified_ones(name):
    import json

    from benchmarks.plan_accuracy import CORPUS, FIELDS, ROOT, facts

    expected = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))[name]
    text = (ROOT / expected["source"]).read_text(encoding="utf-8")
    plan = parse_plan(source_from_bytes(render_pdf(text, align="L"), f"{name}.pdf").text)
    assert facts(plan) == {f: expected[f] for f in FIELDS}
