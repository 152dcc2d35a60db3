"""`loa report` as staff run it: the real console script in a subprocess over a seeded SQLite
database. Bad input ends with exit code 2 and a Vietnamese message; --output writes the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document

from content import db as dbmod
from tests.helpers import run_loa, write_config
from tests.helpers import seed

pytestmark = pytest.mark.slow


@pytest.fixture
def seeded(tmp_path: Path) -> tuple[Path, int]:
    cfg = write_config(tmp_path)
    database = dbmod.open_db(f"sqlite:///{tmp_path / 'loa.db'}")
    with database.session() as s:
        plan_id = seed(s)["plan"].id
    database.dispose()
    return cfg, plan_id


def test_report_docx_to_output(seeded, tmp_path):
    cfg, plan_id = seeded
    out = tmp_path / "bao cao" / "quy-1.docx"
    r = run_loa("report", "--period", "2024-Q1", "--plan", str(plan_id), "--format", "docx", "--output", str(out),
                cwd=tmp_path, config=cfg)
    assert r.code == 0, r.err
    assert "Đã lập báo cáo quý I năm 2024 theo kế hoạch 11/KH-UBND" in r.out and str(out) in r.out
    assert "7 lượt đăng, 4 tin, bài; 8 nhiệm vụ" in r.out
    doc = Document(str(out))
    assert any(p.text == "BÁO CÁO" for p in doc.paragraphs)


def test_report_picks_the_plan_and_default_name(seeded, tmp_path):
    cfg, plan_id = seeded
    r = run_loa("report", "--period", "2024-01-01..2024-03-31", "--format", "MD", cwd=tmp_path, config=cfg)
    assert r.code == 0, r.err
    out = tmp_path / f"bao-cao-2024-01-01_2024-03-31-kh{plan_id}.md"
    text = out.read_text(encoding="utf-8")
    assert "từ ngày 01/01/2024 đến ngày 31/03/2024" in text and "| 1 | Cổng TTĐT |" in text


def test_report_html(seeded, tmp_path):
    cfg, plan_id = seeded
    r = run_loa("report", "-p", "2024-H1", "--plan", str(plan_id), "-f", "html", "-o", "h1.html",
                cwd=tmp_path, config=cfg)
    assert r.code == 0, r.err
    html = (tmp_path / "h1.html").read_text(encoding="utf-8")
    assert "<svg" in html and "6 tháng đầu năm 2024" in html


@pytest.mark.parametrize("args,message", [
    (("--period", "quý 1/2024"), "Không hiểu kỳ báo cáo “quý 1/2024”"),
    (("--period", "2024-13"), "Tháng “13” không hợp lệ"),
    (("--period", "2024-Q1", "--plan", "99"), "Không có kế hoạch mã số 99"),
    (("--period", "2024-Q1", "--format", "pdf"), "Định dạng “pdf” không hỗ trợ. Chọn một trong: docx, html, md"),
])
def test_bad_input_exits_2_in_vietnamese(seeded, tmp_path, args, message):
    cfg, _ = seeded
    r = run_loa("report", *args, cwd=tmp_path, config=cfg)
    assert r.code == 2, (r.out, r.err)
    assert "Lỗi:" in r.err and message in r.err
    assert "Traceback" not in r.err and not list(tmp_path.glob("bao-cao-*"))


def test_output_is_never_overwritten_silently(seeded, tmp_path):
    cfg, plan_id = seeded
    out = tmp_path / "bao-cao.docx"
    out.write_bytes(b"signed copy")
    r = run_loa("report", "-p", "2024-Q1", "--plan", str(plan_id), "-o", str(out), cwd=tmp_path, config=cfg)
    assert r.code == 2 and "đã có. Chọn tên khác, hoặc thêm --force để ghi đè" in r.err
    assert out.read_bytes() == b"signed copy"
    r = run_loa("report", "-p", "2024-Q1", "--plan", str(plan_id), "-o", str(out), "--force",
                cwd=tmp_path, config=cfg)
    assert r.code == 0, r.err
    assert any(p.text == "BÁO CÁO" for p in Document(str(out)).paragraphs)


def test_output_extension_must_match_the_format(seeded, tmp_path):
    cfg, plan_id = seeded
    r = run_loa("report", "-p", "2024-Q1", "-f", "docx", "-o", "bao-cao.md", cwd=tmp_path, config=cfg)
    assert r.code == 2 and "có đuôi “.md” nhưng định dạng là docx" in r.err
    assert not (tmp_path / "bao-cao.md").exists()
    r = run_loa("report", "-p", "2024-Q1", "-o", "bao-cao.md", cwd=tmp_path, config=cfg)
    assert r.code == 0, r.err
    assert (tmp_path / "bao-cao.md").read_text(encoding="utf-8").startswith("**ỦY BAN NHÂN DÂN**")
