"""What the Chairman signs: figures by theme that count slot-filling items, the reporting unit's
own letterhead and signer (not the plan issuer's), "Nơi nhận" that agrees with "Kính gửi", a
Vietnamese-language .docx, the unfilled slots grouped by theme, and — rendered by LibreOffice
where it is installed — a signature that never stands alone on the last page and a quarter's
report that stays short."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from content.calendar.store import rebuild
from content.config import ReportSettings
from content.models import Item, PlanRecord, Slot
from channels.models import Post
from content.plan.parse import Signer, read_plan
from content.plan.store import import_plan
from schedules.reports.build import ReportError, format_for, make_report, write_report
from schedules.reports.data import gather
from schedules.reports.docx import render_docx
from schedules.reports.md import render_md
from schedules.reports.period import parse_period
from schedules.reports.text import Heading, Letterhead, Para, Report, compose, same_body, signer_block
from tests.helpers import make_settings
from tests.helpers import NOW, report_plan, seed

UTC = timezone.utc
SOFFICE = shutil.which("soffice")
needs_soffice = pytest.mark.skipif(not SOFFICE, reason="LibreOffice (soffice) is not installed: "
                                                       "apt-get install libreoffice-writer-nogui")


def _settings(tmp_path: Path, unit: str = "Ủy ban nhân dân xã Ngọc Lâm", report: dict | None = None):  # noqa: ANN202
    s = make_settings(tmp_path, {"unit": {"name": unit}})
    fields = {k: tuple(v) if isinstance(v, list) else v for k, v in (report or {}).items()}
    return replace(s, report=ReportSettings(**fields))


def _slot_item(s, rec, *, theme: str, day: date, channel: str = "radio") -> Item:  # noqa: ANN001
    """An item written for a calendar slot, stored as `loa item add --slot` stores it: no theme."""
    slot = Slot(plan_id=rec.id, key=f"x-{theme}-{day}-{channel}", day=day, kind="publish", channel=channel,
                theme_id=theme, label="")
    s.add(slot)
    s.flush()
    item = Item(title=f"Bài cho ô lịch {slot.id}", body="Nội dung", plan_id=None, theme_id=None, slot_id=slot.id,
                state="published", channels=[channel])
    s.add(item)
    s.flush()
    at = datetime.combine(day, datetime.min.time(), tzinfo=UTC).replace(hour=1)
    s.add(Post(item_id=item.id, channel=channel, target="", state="published", due_at=at, published_at=at,
               attempts=1))
    s.flush()
    return item


# ------------------------------------------------------------------ figures by theme


def test_theme_table_counts_an_item_that_filled_a_slot(db, tmp_path):
    settings = _settings(tmp_path)
    with db.session() as s:
        rec = seed(s)["plan"]
        _slot_item(s, rec, theme="t3", day=date(2024, 3, 18))
        _slot_item(s, rec, theme="t3", day=date(2024, 3, 19), channel="portal")
        data = gather(s, settings, parse_period("2024-Q1"), rec, now=NOW)
    by = {c.key: (c.posts, c.items) for c in data.by_theme}
    # seed: t3 had one post of one item; the two slot items add two posts, two items
    assert by["t3"] == (3, 3)
    assert by[""] == (1, 1)                 # only the feed item is "other"
    md = render_md(compose(data, settings))
    assert "| 3 | Chỉ số cải cách hành chính và mức độ hài lòng của người dân | 3 | 3 |" in md


# ------------------------------------------------------------------ who signs


def _gia_lai_plan(s):  # noqa: ANN001, ANN202
    """A province department's plan, as the Gia Lai sample is: issued and signed by the Sở."""
    plan = replace(report_plan(), number="136/KH-STTTT", issuer="Sở Thông tin và Truyền thông tỉnh Gia Lai",
                   place="Gia Lai", signer=Signer(name="Nguyễn Ngọc Hùng", position="Giám đốc"))
    rec = PlanRecord(key="gia-lai", number=plan.number, issuer=plan.issuer, title=plan.title, year=2024,
                     period_start=date(2024, 1, 1), period_end=date(2024, 12, 31), data=plan.to_dict())
    s.add(rec)
    s.flush()
    return rec


def test_a_ward_reporting_on_a_department_plan_signs_as_the_ward(db, tmp_path):
    settings = _settings(tmp_path, "Ủy ban nhân dân phường Hòa Bình")
    with db.session() as s:
        rec = _gia_lai_plan(s)
        rep = compose(gather(s, settings, parse_period("2024-Q1"), rec, now=NOW), settings)
    h = rep.head
    assert h.unit_lines == ("ỦY BAN NHÂN DÂN", "PHƯỜNG HÒA BÌNH")
    assert h.number == "Số: ………/BC-UBND"                     # not /BC-STTTT
    assert h.place_date.startswith("Hòa Bình, ngày")
    assert h.signer_lines == ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")  # not the Sở director
    assert h.signer_name == "…" and "Nguyễn Ngọc Hùng" not in render_md(rep)
    assert h.recipients == ("- Sở Thông tin và Truyền thông tỉnh Gia Lai (để báo cáo);", "- Lưu: VT.")
    basis = next(b.text for b in rep.blocks if isinstance(b, Para))
    assert basis.startswith("Thực hiện Kế hoạch số 136/KH-STTTT ngày 26/01/2024 của Sở Thông tin và "
                            "Truyền thông tỉnh Gia Lai về ")
    assert "Ủy ban nhân dân phường Hòa Bình báo cáo" in basis


def test_the_unit_signer_from_config_wins(db, tmp_path):
    settings = _settings(tmp_path, "UBND phường Hòa Bình",
                         {"signer_title": "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", "signer_name": "Lê Thị Mai",
                          "code": "UBND-VP", "superior": "UBND thành phố Pleiku"})
    with db.session() as s:
        rec = _gia_lai_plan(s)
        data = gather(s, settings, parse_period("2024-Q1"), rec, now=NOW)
    doc = Document(io.BytesIO(render_docx(compose(data, settings))))
    right = [p.text for p in doc.tables[-1].rows[0].cells[1].paragraphs if p.text]
    assert right == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Lê Thị Mai"]
    left = [p.text for p in doc.tables[-1].rows[0].cells[0].paragraphs]
    assert left == ["Nơi nhận:", "- UBND thành phố Pleiku (để báo cáo);",
                    "- Sở Thông tin và Truyền thông tỉnh Gia Lai (để báo cáo);", "- Lưu: VT."]
    assert doc.tables[0].rows[1].cells[0].text == "Số: ………/BC-UBND-VP"
    assert doc.tables[0].rows[0].cells[0].text.startswith("UBND THÀNH PHỐ PLEIKU\nỦY BAN NHÂN DÂN\nPHƯỜNG HÒA BÌNH")


def test_a_department_reporting_on_its_own_plan_keeps_its_signer(db, tmp_path):
    settings = _settings(tmp_path, "Sở Thông tin và Truyền thông tỉnh Gia Lai")
    with db.session() as s:
        rec = _gia_lai_plan(s)
        h = compose(gather(s, settings, parse_period("2024-Q1"), rec, now=NOW), settings).head
    assert h.signer_lines == ("GIÁM ĐỐC",) and h.signer_name == "Nguyễn Ngọc Hùng"
    assert h.number == "Số: ………/BC-STTTT"
    assert h.recipients == ("- Lưu: VT.",)


@pytest.mark.parametrize("unit,position,lines", [
    ("Ủy ban nhân dân xã Ngọc Lâm", "Chủ tịch", ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")),
    ("Ủy ban nhân dân xã Ngọc Lâm", "Phó Chủ tịch", ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")),
    ("UBND huyện Mỹ Hào", "KT. Chủ tịch", ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")),
    ("Sở Nội vụ tỉnh Hưng Yên", "Phó Giám đốc", ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")),
    ("Sở Nội vụ tỉnh Hưng Yên", "Giám đốc", ("GIÁM ĐỐC",)),
    ("Sở Nội vụ tỉnh Hưng Yên", None, ("THỦ TRƯỞNG CƠ QUAN",)),
])
def test_signer_block_follows_decree_30(unit, position, lines):
    assert signer_block(unit, position) == lines


@pytest.mark.parametrize("a,b,same", [
    ("UBND xã Ngọc Lâm", "Ủy ban nhân dân xã Ngọc Lâm", True),
    ("Uỷ ban nhân dân phường Hoà Bình", "Ủy ban nhân dân phường Hòa Bình", True),
    ("  Ủy ban  nhân dân xã NGỌC LÂM ", "Ủy ban nhân dân xã Ngọc Lâm", True),
    ("Sở Thông tin và Truyền thông tỉnh Gia Lai", "Ủy ban nhân dân phường Hòa Bình", False),
    ("Ủy ban nhân dân xã", "Ủy ban nhân dân xã Ngọc Lâm", False),
    ("", "", False),
])
def test_same_body(a, b, same):
    assert same_body(a, b) is same


# ------------------------------------------------------------------ Nơi nhận, Kính gửi, language


def test_no_nhu_tren_without_kinh_gui_and_both_with_it(db, tmp_path):
    plain = _settings(tmp_path, report={"recipients": ["Như trên;", "Phòng Nội vụ huyện;"]})
    addressed = _settings(tmp_path, report={"to": "Ủy ban nhân dân huyện Mỹ Hào"})
    with db.session() as s:
        rec = seed(s)["plan"]
        data = gather(s, plain, parse_period("2024-Q1"), rec, now=NOW)
    assert compose(data, plain).head.recipients == ("- Phòng Nội vụ huyện;", "- Lưu: VT.")
    rep = compose(data, addressed)
    assert rep.head.recipients == ("- Như trên;", "- Lưu: VT.")
    doc = Document(io.BytesIO(render_docx(rep)))
    texts = [p.text for p in doc.paragraphs]
    assert texts[texts.index("BÁO CÁO") + 3] == "Kính gửi: Ủy ban nhân dân huyện Mỹ Hào"   # after the rule
    assert "Kính gửi: Ủy ban nhân dân huyện Mỹ Hào" in render_md(rep)


def test_docx_language_is_vietnamese(db, settings, tmp_path):
    with db.session() as s:
        path = make_report(s, settings, parse_period("2024-Q1"), seed(s)["plan"], "docx", tmp_path / "r.docx",
                           now=NOW)[0]
    doc = Document(str(path))
    langs = {el.get(qn("w:val")) for el in doc.styles.element.iter(qn("w:lang"))}
    assert langs == {"vi-VN"}
    assert doc.core_properties.language == "vi-VN"
    assert doc.settings.element.find(qn("w:themeFontLang")).get(qn("w:val")) == "vi-VN"
    closing = next(p for p in doc.paragraphs if p.text.startswith("Trên đây là báo cáo"))
    assert closing.paragraph_format.keep_with_next          # stays with the signature block
    assert doc.tables[-1].rows[0]._tr.trPr.find(qn("w:cantSplit")) is not None


# ------------------------------------------------------------------ --output rules


@pytest.mark.parametrize("name,fmt,expected", [
    ("r.docx", None, "docx"), ("r.MD", None, "md"), ("r.html", "html", "html"), (None, None, "docx"),
    (None, ".MD", "md"), ("bao-cao", None, "docx"),
])
def test_format_from_the_extension(name, fmt, expected):
    assert format_for(Path(name) if name else None, fmt) == expected


@pytest.mark.parametrize("name,fmt,message", [
    ("r.md", "docx", "có đuôi “.md” nhưng định dạng là docx"),
    ("r.pdf", None, "Không biết ghi báo cáo dạng “.pdf”"),
    ("r.docx", "pdf", "Định dạng “pdf” không hỗ trợ"),
])
def test_a_wrong_extension_is_refused(name, fmt, message):
    with pytest.raises(ReportError, match=message):
        format_for(Path(name), fmt)


def test_an_existing_file_is_kept_unless_overwrite(sqlite_db, settings, tmp_path):
    out = tmp_path / "r.md"
    out.write_text("chữ ký của lãnh đạo", encoding="utf-8")
    with sqlite_db.session() as s:
        data = gather(s, settings, parse_period("2024-Q1"), seed(s)["plan"], now=NOW)
    with pytest.raises(ReportError, match="đã có. Chọn tên khác, hoặc thêm --force"):
        write_report(data, settings, "md", out, overwrite=False)
    assert out.read_text(encoding="utf-8") == "chữ ký của lãnh đạo"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".r.md")] == []   # no temp file left
    write_report(data, settings, "md", out, overwrite=True)
    assert out.read_text(encoding="utf-8").startswith("**ỦY BAN NHÂN DÂN**")
    assert out.stat().st_mode & 0o777 == 0o666 & ~_umask()


def _umask() -> int:
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask


# ------------------------------------------------------------------ rendered by LibreOffice


def _pdfs(docs: dict[str, bytes], folder: Path) -> dict[str, list[str]]:
    """Convert the .docx files with LibreOffice in one run; each PDF's pages as text skeletons
    (ASCII letters and digits only: robust to how a PDF splits Vietnamese glyphs)."""
    import pypdf

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in docs.items():
        (folder / f"{name}.docx").write_bytes(data)
        paths.append(str(folder / f"{name}.docx"))
    done = subprocess.run([SOFFICE, f"-env:UserInstallation=file://{folder / 'profile'}", "--headless",
                           "--convert-to", "pdf", "--outdir", str(folder), *paths],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return {name: [_skeleton(p.extract_text() or "") for p in pypdf.PdfReader(str(folder / f"{name}.pdf")).pages]
            for name in docs}


def _skeleton(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", text)


@pytest.mark.slow
@needs_soffice
def test_signature_never_alone_on_the_last_page(tmp_path):
    head = Letterhead(superior="", unit_lines=("ỦY BAN NHÂN DÂN", "XÃ NGỌC LÂM"), number="Số: ………/BC-UBND",
                      place_date="Ngọc Lâm, ngày …… tháng …… năm 2024", title="BÁO CÁO",
                      subject="Kết quả công tác tuyên truyền cải cách hành chính quý I năm 2024",
                      signer_lines=("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"), signer_name="Nguyễn Hữu Hoan",
                      recipients=("- Lưu: VT.",))
    closing = "Trên đây là báo cáo kết quả công tác tuyên truyền./."
    docs = {}
    for n in range(10, 34):     # one more line each time: the page break sweeps past the foot
        blocks = [Heading("I. KẾT QUẢ THỰC HIỆN")] + [Para(f"Nội dung đoạn số {i}.") for i in range(n)]
        docs[f"r{n}"] = render_docx(Report(head, [*blocks, Para(closing)]))
    pages = _pdfs(docs, tmp_path)
    sign_pages = set()
    for name, texts in pages.items():
        sign = next(i for i, t in enumerate(texts) if _skeleton("Nguyễn Hữu Hoan") in t)
        close = next(i for i, t in enumerate(texts) if _skeleton("Trên đây là báo cáo") in t)
        assert sign == close, f"{name}: signature on page {sign + 1}, closing sentence on page {close + 1}"
        sign_pages.add(sign)
    assert len(sign_pages) > 1      # the sweep did cross a page boundary


@pytest.mark.slow
@needs_soffice
def test_a_quarter_of_unfilled_slots_stays_short(sqlite_db, tmp_path, plans_dir):
    """The Ngọc Lâm plan's first quarter with nothing published: 7 long themes, many radio slots.
    Grouped by theme the table has one row per theme, and the report prints on a few pages
    (it was 7 pages with one row, and the full theme text, per slot)."""
    settings = make_settings(tmp_path)
    with sqlite_db.session() as s:
        rec, _ = import_plan(s, read_plan(plans_dir / "ngoc-lam-ubnd-xa-2024.md"), "ngoc-lam.md", "x")
        rebuild(s, rec, settings)
        data = gather(s, settings, parse_period("2024-Q1"), rec, now=datetime(2024, 4, 2, tzinfo=UTC))
        n_themes = len(rec.data["themes"])
    assert len(data.missed) > 3 * n_themes
    rep = compose(data, settings)
    doc = Document(io.BytesIO(render_docx(rep)))
    missed = next(t for t in doc.tables if t.rows[0].cells[-1].text == "Kênh, ngày")
    assert len(missed.rows) - 1 == len({m.theme for m in data.missed}) <= n_themes
    counts = sum(int(r.cells[2].text) for r in missed.rows[1:])
    assert counts == len(data.missed)
    pages = _pdfs({"quy1": render_docx(rep)}, tmp_path)["quy1"]
    assert len(pages) <= 4, f"{len(pages)} pages"
