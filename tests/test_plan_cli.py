"""`loa plan …` run as staff run it: the real console script in a subprocess."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.helpers import run_loa, write_config

pytestmark = pytest.mark.slow

NL = "ngoc-lam-ubnd-xa-2024.md"
GL = "gia-lai-so-tttt-2024.md"


def _plan_rows(tmp_path: Path) -> int | None:
    db = tmp_path / "loa.db"
    if not db.exists():
        return None
    with sqlite3.connect(db) as c:
        tables = {r[0] for r in c.execute("select name from sqlite_master where type='table'")}
        return c.execute("select count(*) from plans").fetchone()[0] if "plans" in tables else None


def test_parse_json_prints_exactly_the_plan_keys(plans_dir, tmp_path):
    r = run_loa("plan", "parse", str(plans_dir / GL), "--json", cwd=tmp_path)
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert list(data) == ["number", "issuer", "place", "date", "year", "period", "title", "signer", "themes",
                          "forms", "channels", "tasks", "reports", "references"]
    assert data["number"] == "136/KH-STTTT" and data["date"] == "2023-12-28"
    assert len(data["themes"]) == 10 and len(data["forms"]) == 9 and len(data["tasks"]) == 10
    assert data["tasks"][0]["timing"] == {"kind": "deadline", "text": "Trước 31/12/2023", "due": "2023-12-31",
                                          "start": None, "end": None, "every": None}
    assert not (tmp_path / "loa.db").exists()  # parse never touches the database


def test_parse_human_summary(plans_dir, tmp_path):
    r = run_loa("plan", "parse", str(plans_dir / NL), cwd=tmp_path)
    assert r.code == 0, r.err
    assert "Kế hoạch số 11/KH-UBND" in r.out
    assert "26/01/2024" in r.out and "01/01/2024 – 31/12/2024" in r.out
    assert "Ủy ban nhân dân xã Ngọc Lâm" in r.out
    assert "7 nội dung, 4 hình thức, 0 nhiệm vụ" in r.out
    assert "t7." in r.out and "truyền thanh cơ sở" in r.out
    assert "6 tháng một lần, hằng năm" in r.out


def test_import_update_list_show(plans_dir, tmp_path):
    cfg = write_config(tmp_path)
    r = run_loa("plan", "import", str(plans_dir / NL), cwd=tmp_path, config=cfg)
    assert r.code == 0, r.err
    assert "Đã nhập kế hoạch số 11/KH-UBND, mã số 1" in r.out
    r = run_loa("plan", "import", str(plans_dir / NL), cwd=tmp_path, config=cfg)
    assert r.code == 0 and "Đã cập nhật kế hoạch số 11/KH-UBND, mã số 1" in r.out
    r = run_loa("plan", "import", str(plans_dir / GL), cwd=tmp_path, config=cfg)
    assert "mã số 2" in r.out
    assert _plan_rows(tmp_path) == 2

    r = run_loa("plan", "list", cwd=tmp_path, config=cfg)
    assert r.code == 0, r.err
    assert "11/KH-UBND" in r.out and "136/KH-STTTT" in r.out and "Ủy ban nhân dân xã Ngọc Lâm" in r.out
    assert "│ 2024 " in r.out, "the period is shown"

    r = run_loa("plan", "show", "2", "--json", cwd=tmp_path, config=cfg)
    assert r.code == 0, r.err
    assert json.loads(r.out)["tasks"][0]["partners"] == ["Văn phòng Sở", "Ban Biên tập Trang Thông tin điện tử Sở"]
    r = run_loa("plan", "show", "2", cwd=tmp_path, config=cfg)
    assert r.code == 0 and "Nhiệm vụ (phụ lục)" in r.out and "28/12/2023" in r.out

    for arg, words in (("99", "Không có kế hoạch mã số 99"), ("abc", "phải là số")):
        r = run_loa("plan", "show", arg, cwd=tmp_path, config=cfg)
        assert r.code == 2 and words in r.err and "Traceback" not in r.err


def test_list_when_empty(tmp_path):
    cfg = write_config(tmp_path)
    r = run_loa("plan", "list", cwd=tmp_path, config=cfg)
    assert r.code == 0 and "Chưa có kế hoạch nào" in r.out


def _tcvn3_bytes(plans_dir: Path) -> bytes:
    from tests.helpers import to_tcvn3

    return to_tcvn3((plans_dir / NL).read_text(encoding="utf-8")).encode("latin-1", "replace")


BAD = [
    ("trong.md", lambda d: b"", "trống"),
    ("anh.txt", lambda d: b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)) * 4, "nhị phân"),
    ("lon.md", lambda d: b"a" * (5 * 1024 * 1024 + 1), "5 MB"),
    ("thu.md", lambda d: "Thư mời họp\n\nKính mời đồng chí dự họp.\n".encode(), "Nội dung tuyên truyền"),
    ("cp1258.txt", lambda d: "Kế hoạch".encode("utf-8") + "Hà Nam".encode("latin-1"), "UTF-8"),
    ("cu.doc", lambda d: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, ".doc"),
    ("hong.docx", lambda d: b"PK\x03\x04garbage", "hỏng"),
    ("khong-co.md", None, "Không tìm thấy tệp"),
]


@pytest.mark.parametrize("name, make, words", BAD, ids=[b[0] for b in BAD])
def test_bad_input_exit_2_vietnamese_message_database_untouched(plans_dir, tmp_path, name, make, words):
    cfg = write_config(tmp_path)
    path = tmp_path / name
    if make is not None:
        path.write_bytes(make(plans_dir))
    for command in ("parse", "import"):
        r = run_loa("plan", command, str(path), cwd=tmp_path, config=cfg)
        assert r.code == 2, (r.out, r.err)
        assert r.err.startswith("Lỗi:") and words in r.err
        assert "Traceback" not in r.err + r.out
    assert _plan_rows(tmp_path) is None  # the import never opened the database


def test_tcvn3_file_is_converted_with_a_warning_and_imported(plans_dir, tmp_path):
    cfg = write_config(tmp_path)
    path = tmp_path / "ngoc-lam-tcvn3.txt"
    path.write_bytes(_tcvn3_bytes(plans_dir))
    r = run_loa("plan", "import", str(path), cwd=tmp_path, config=cfg)
    assert r.code == 0, r.err
    assert "Cảnh báo:" in r.err and "TCVN3" in r.err
    assert "Đã nhập kế hoạch số 11/KH-UBND" in r.out
    assert _plan_rows(tmp_path) == 1


def test_parse_docx_gives_the_same_counts_as_markdown(plans_dir, tmp_path):
    from tests.helpers import build_docx

    path = tmp_path / "gia-lai.docx"
    path.write_bytes(build_docx((plans_dir / GL).read_text(encoding="utf-8")))
    r = run_loa("plan", "parse", str(path), "--json", cwd=tmp_path)
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert (len(data["themes"]), len(data["forms"]), len(data["tasks"])) == (10, 9, 10)
    assert data["number"] == "136/KH-STTTT"


def test_list_json_for_scripts(plans_dir, tmp_path):
    cfg = write_config(tmp_path)
    run_loa("plan", "import", str(plans_dir / "ha-nam-so-tttt-2021-2030.md"), cwd=tmp_path, config=cfg)
    r = run_loa("plan", "list", "--json", cwd=tmp_path, config=cfg)
    assert r.code == 0, r.err
    [plan] = json.loads(r.out)
    assert plan["number"] is None and plan["period"] == {"start": "2021-01-01", "end": "2030-12-31"}


def test_reimporting_a_changed_plan_updates_its_calendar(plans_dir, tmp_path):
    cfg = write_config(tmp_path)
    plan = tmp_path / NL
    plan.write_text((plans_dir / NL).read_text(encoding="utf-8"), encoding="utf-8")
    r = run_loa("plan", "import", str(plan), cwd=tmp_path, config=cfg)
    assert r.code == 0 and "loa calendar build --plan 1" in r.out
    assert run_loa("calendar", "build", cwd=tmp_path, config=cfg).code == 0
    dropped = "Phát hiện đưa vào thí điểm các mô hình, sáng kiến"
    before = run_loa("calendar", "export", "--format", "csv", cwd=tmp_path, config=cfg).out
    assert dropped in before

    text = plan.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if dropped in x)
    plan.write_text(text.replace(line + "\n", ""), encoding="utf-8")   # the leaders drop one theme
    r = run_loa("plan", "import", str(plan), cwd=tmp_path, config=cfg)
    assert r.code == 0, r.err
    assert "Đã cập nhật kế hoạch" in r.out and "Đã lập lại lịch nội dung" in r.out
    after = run_loa("calendar", "export", "--format", "csv", cwd=tmp_path, config=cfg).out
    assert dropped not in after


CORPUS = Path(__file__).parent / "data" / "plan_corpus"


def test_parse_explain_shows_each_fact_with_its_page_and_line(tmp_path):
    r = run_loa("plan", "parse", str(CORPUS / "built" / "krong-pac-ubnd-huyen-qd-2025.pdf"), "--explain",
                cwd=tmp_path)
    assert r.code == 0, r.err
    out = r.out
    assert "Số hiệu: 120/QĐ-UBND\n      ← trang 1, dòng 3: Số: 120/QĐ-UBND" in out
    assert "Ngày ban hành: 15/01/2025" in out
    assert "Người ký: Võ Văn Cảnh (Chủ tịch)" in out
    assert "Báo cáo: hằng quý (ngày 20 tháng cuối kỳ)" in out
    assert out.count("Nội dung: ") == 5 and out.count("Hình thức: ") == 5 and out.count("Nhiệm vụ: ") == 4
    assert "← trang 2, dòng" in out
    assert "Chưa đọc được" not in r.err


def test_parse_warns_about_what_it_could_not_find(plans_dir, tmp_path):
    r = run_loa("plan", "parse", str(plans_dir / "hung-yen-so-noi-vu-2023.md"), "--explain", cwd=tmp_path)
    assert r.code == 0, r.err
    assert "Không thấy số văn bản" in r.err and "Không thấy ngày ban hành" in r.err
    assert "Không thấy chế độ báo cáo" in r.err
    assert "Không thấy người ký" not in r.err
    assert "Cơ quan ban hành: Sở Nội vụ\n      ← dòng " in r.out


def test_parse_refuses_an_image_only_pdf(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    path = tmp_path / "scan.pdf"
    path.write_bytes(bytes(pdf.output()))
    r = run_loa("plan", "parse", str(path), cwd=tmp_path)
    assert r.code == 2 and "không có lớp văn bản" in r.err and "Traceback" not in r.err
