"""The written reports over the seeded database: the .docx opens with python-docx, holds the
counts in its tables, uses Times New Roman and the administrative layout; the HTML parses,
escapes everything and carries SVG charts; the Markdown escapes markup; LibreOffice (when
installed) turns the .docx into a PDF."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from content.config import ReportSettings, Settings
from schedules.reports.build import draft_report, make_report
from schedules.reports.charts import bar_chart
from schedules.reports.data import QAFigures
from schedules.reports.period import parse_period
from tests.helpers import HOSTILE_TITLE, NOW, seed

VOID = {"meta", "br", "rect", "link", "img", "input", "hr"}


def _qa(session, settings, period):  # noqa: ANN001, ANN202
    return QAFigures(received=12, answered=10, on_time=9, overdue=1, median_hours=30.5)


def _write(db, settings, fmt: str, path: Path, **kw):  # noqa: ANN001, ANN202
    with db.session() as s:
        rec = seed(s)["plan"]
        return make_report(s, settings, parse_period("2024-Q1"), rec, fmt, path, now=NOW, **kw)[0]


def with_report(settings: Settings, cfg: dict) -> Settings:
    """Settings with the given `[report]` keys."""
    return replace(settings, report=ReportSettings(**{k: tuple(v) if isinstance(v, list) else v for k, v in cfg.items()}))


def _rows(table) -> list[list[str]]:  # noqa: ANN001
    return [[c.text for c in row.cells] for row in table.rows]


def _find(doc, header: str):  # noqa: ANN001, ANN202
    return next(t for t in doc.tables if header in [c.text for c in t.rows[0].cells])


def test_docx_layout_tables_and_fonts(db, settings, tmp_path):
    path = _write(db, settings, "docx", tmp_path / "bao-cao.docx", qa_provider=_qa)
    doc = Document(str(path))
    sec = doc.sections[0]
    assert (round(sec.page_width.mm), round(sec.page_height.mm)) == (210, 297)
    assert [round(x.mm) for x in (sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin)] == \
        [20, 20, 30, 15]

    head = _rows(doc.tables[0])
    assert head[0][0].split("\n") == ["ỦY BAN NHÂN DÂN", "XÃ NGỌC LÂM", ""]
    assert head[0][1].split("\n") == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert head[1][0] == "Số: ………/BC-UBND"
    assert head[1][1] == "Ngọc Lâm, ngày …… tháng …… năm 2024"
    motto = doc.tables[0].rows[0].cells[1].paragraphs[1].runs[0]
    assert motto.bold and motto.underline
    date_run = doc.tables[0].rows[1].cells[1].paragraphs[0].runs[0]
    assert date_run.italic
    borders = doc.tables[0]._tbl.tblPr.find(qn("w:tblBorders"))
    assert doc.tables[0].style is None or "Grid" not in doc.tables[0].style.name
    assert borders is None

    texts = [p.text for p in doc.paragraphs]
    title = texts.index("BÁO CÁO")
    assert texts[title + 1] == "Kết quả công tác tuyên truyền cải cách hành chính quý I năm 2024"
    assert doc.paragraphs[title].runs[0].bold
    assert any(t.startswith("I. KẾT QUẢ THỰC HIỆN") for t in texts)
    assert any("đã đăng tải 4 tin, bài với 7 lượt đăng" in t for t in texts)

    channels = _find(doc, "Kênh thông tin")
    assert channels.style.name == "Table Grid"
    assert _rows(channels)[1:] == [["1", "Cổng TTĐT", "4", "4"], ["2", "Telegram", "1", "1"],
                                   ["3", "Zalo", "1", "1"], ["4", "Đài truyền thanh", "1", "1"],
                                   ["5", "Đường dây nóng", "0", "0"], ["", "Tổng cộng", "7", "4"]]
    assert channels.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    themes = _rows(_find(doc, "Nội dung tuyên truyền"))
    assert [r[2:] for r in themes[1:]] == [["3", "1"], ["2", "1"], ["1", "1"], ["1", "1"]]
    tasks = _rows(_find(doc, "Minh chứng"))
    assert [(r[0], r[4]) for r in tasks[1:]] == [
        ("01", "Đã hoàn thành"), ("02", "Quá hạn"), ("03", "Đang thực hiện"), ("04", "Chưa thực hiện"),
        ("05", "Đang thực hiện"), ("06", "Chưa thực hiện"), ("07", "Đã hoàn thành"), ("08", "Quá hạn")]
    assert "https://t.me/xangoclam/15" in tasks[1][5] and HOSTILE_TITLE in tasks[5][5]
    assert _rows(_find(doc, "Tiếp nhận"))[1] == ["12", "10", "9", "1", "30,5 giờ"]
    assert len(_rows(_find(doc, "Tình trạng"))) == 4   # three failures
    missed = _rows(_find(doc, "Kênh, ngày"))          # two missed slots, one row per theme
    assert missed[1:] == [["1", "Tầm quan trọng, ý nghĩa của công tác cải cách hành chính", "1",
                           "Đài truyền thanh: 12/03/2024"],
                          ["2", "Chỉ số cải cách hành chính và mức độ hài lòng của người dân", "1",
                           "Telegram: 25/03/2024"]]

    foot = doc.tables[-1]
    left = [p.text for p in foot.rows[0].cells[0].paragraphs]
    right = [p.text for p in foot.rows[0].cells[1].paragraphs if p.text]
    assert left[0] == "Nơi nhận:" and left[-1] == "- Lưu: VT."
    heading = foot.rows[0].cells[0].paragraphs[0].runs[0]
    assert heading.bold and heading.italic and heading.font.size.pt == 12
    assert foot.rows[0].cells[0].paragraphs[1].runs[0].font.size.pt == 11
    assert right == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Hữu Hoan"]

    runs = [r for p in doc.paragraphs for r in p.runs]
    runs += [r for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs]
    assert runs and {r.font.name for r in runs} == {"Times New Roman"}
    assert {r._r.rPr.rFonts.get(qn("w:eastAsia")) for r in runs} == {"Times New Roman"}
    assert doc.styles["Normal"].font.name == "Times New Roman"
    body = [p for p in doc.paragraphs if p.text.startswith("Trong quý I")]
    assert body[0].runs[0].font.size.pt == 14


def test_docx_reads_report_settings(db, settings, tmp_path):
    cfg = {"superior": "UBND thị xã Mỹ Hào", "signer_title": "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
           "signer_name": "Trần Văn Bình", "recipients": ["UBND thị xã (để báo cáo);", "Phòng Nội vụ thị xã;"]}
    custom = with_report(settings, cfg)
    doc = Document(str(_write(db, custom, "docx", tmp_path / "r.docx")))
    assert doc.tables[0].rows[0].cells[0].text.startswith("UBND THỊ XÃ MỸ HÀO\nỦY BAN NHÂN DÂN")
    cell_left, cell_right = doc.tables[-1].rows[0].cells
    assert [p.text for p in cell_left.paragraphs] == ["Nơi nhận:", "- UBND thị xã (để báo cáo);",
                                                      "- Phòng Nội vụ thị xã;", "- Lưu: VT."]
    assert [p.text for p in cell_right.paragraphs if p.text] == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trần Văn Bình"]
    assert not any(t.rows[0].cells[0].text == "Tiếp nhận" for t in doc.tables)   # no Q&A provider


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.seen: list[str] = []
        self.text: list[str] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):  # noqa: ANN001, ANN201
        self.seen.append(tag)
        self.hrefs += [v for k, v in attrs if k == "href"]
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):  # noqa: ANN001, ANN201
        self.seen.append(tag)

    def handle_endtag(self, tag):  # noqa: ANN001, ANN201
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
        self.stack.pop()

    def handle_data(self, data):  # noqa: ANN001, ANN201
        self.text.append(data)


def test_html_parses_escapes_and_has_svg(db, settings, tmp_path):
    html = _write(db, settings, "html", tmp_path / "r.html", qa_provider=_qa).read_text(encoding="utf-8")
    p = _Tags()
    p.feed(html)
    p.close()
    assert p.stack == []
    assert p.seen.count("svg") == 2 and "script" not in p.seen
    text = "".join(p.text)
    assert HOSTILE_TITLE in text                      # shown as text, not markup
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "https://ngoclam.example.gov.vn/tin/3-hoi-thi?a=1&b=2" in p.hrefs
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Ngọc Lâm, ngày …… tháng …… năm 2024" in text
    assert "12/03/2024" in text and "2024-03-12" not in text
    assert "Tiếp nhận 12 câu hỏi" in text


def test_chart_escapes_labels_and_scales():
    svg = bar_chart([("A & <b>", 4), ("B", 2), ("C", 0)], "Số lượt <đăng>")
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "A &amp; &lt;b&gt;" in svg and "Số lượt &lt;đăng&gt;" in svg and "<b>" not in svg
    assert 'width="352"' in svg and 'width="176"' in svg and 'width="0"' in svg
    assert "Không có số liệu" in bar_chart([], "Trống")


def test_markdown_escapes_markup(db, settings, tmp_path):
    md = _write(db, settings, "md", tmp_path / "r.md").read_text(encoding="utf-8")
    assert "# BÁO CÁO" in md and "| 1 | Cổng TTĐT | 4 | 4 |" in md
    assert "| | **Tổng cộng** | **7** | **4** |" in md.replace("|   |", "| |")
    assert "<script>" not in md and "\\<script\\>" in md
    assert "\\| trực tuyến" in md


def test_draft_report_for_the_scheduler(db, settings, tmp_path):
    with db.session() as s:
        rec = seed(s)["plan"]
        path = draft_report(s, settings, rec, parse_period("2024-H1"), tmp_path / "drafts", now=NOW)
        assert path == tmp_path / "drafts" / f"bao-cao-2024-H1-kh{rec.id}.docx"
    doc = Document(str(path))
    assert any("6 tháng đầu năm 2024" in p.text for p in doc.paragraphs)


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) is not installed")
def test_libreoffice_converts_docx_to_pdf(sqlite_db, settings, tmp_path):
    path = _write(sqlite_db, settings, "docx", tmp_path / "bao-cao.docx", qa_provider=_qa)
    profile = tmp_path / "lo-profile"
    done = subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                          capture_output=True, text=True, timeout=180)
    pdf = tmp_path / "bao-cao.pdf"
    assert done.returncode == 0, done.stderr
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000
