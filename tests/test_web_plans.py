"""/plans over HTTP: a .docx or text PDF uploaded is read with the CLI's reader and shown with
the line each fact came from, nothing stored; importing stores it and rebuilds its calendar
(audited, with a summary); importing a changed copy says what changed; bad files get a 4xx
with a Vietnamese message and leave nothing behind; CSRF and roles hold."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from content import audit
from content.models import PlanRecord, Slot
from tests.web_helpers import Clock, add_accounts, csrf, login, make_client

CORPUS = Path(__file__).resolve().parent / "data" / "plan_corpus" / "built"
DOCX = CORPUS / "gia-lai-so-tttt-2024.docx"
PDF = CORPUS / "ngoc-lam-ubnd-xa-2024.pdf"
MD = Path(__file__).resolve().parent / "data" / "plans" / "ngoc-lam-ubnd-xa-2024.md"
STORED_RE = re.compile(r'name="upload" value="([0-9a-f]{32}\.\w+)"')


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def client(settings, db, clock):
    add_accounts(db, clock())
    with make_client(settings, db, clock) as c:
        yield c


def _upload(client, name: str, data: bytes, *, token: str | None = None):
    token = token if token is not None else csrf(client, "/plans")
    return client.post("/plans/upload", data={"csrf_token": token}, files={"file": (name, data)})


def _pending(client) -> list[Path]:
    folder = client.app.state.console.web.upload_dir / "plans"
    return sorted(folder.iterdir()) if folder.exists() else []


def _plans(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(PlanRecord))


def test_docx_upload_shows_what_was_read_then_import_builds_the_calendar(client, db):
    login(client, "bientap")
    r = _upload(client, DOCX.name, DOCX.read_bytes())
    assert r.status_code == 200, r.text
    page = r.text
    assert f"Loa đọc “{DOCX.name}” như sau" in page
    assert "số 136/KH-STTTT" in page and "Sở Thông tin và Truyền thông tỉnh Gia Lai" in page
    assert "Nội dung tuyên truyền (10)" in page and "Nhiệm vụ (10)" in page
    assert "→ cổng/trang thông tin điện tử" in page, "kinds of forms in words"
    # each fact with the line it came from
    rows = re.findall(r'<tr class="fact-(\w+)"><td>[^<]*</td><td[^>]*>([^<]*)</td><td class="where"[^>]*>([^<]*)</td>',
                      page)
    assert {"number", "theme", "task"} <= {f for f, _, _ in rows}
    assert all(re.fullmatch(r"dòng \d+", where) for _, _, where in rows)
    assert "Kế hoạch mới" in page
    assert _plans(db) == 0, "reading stores nothing"
    stored = STORED_RE.search(page)[1]
    assert [p.name for p in _pending(client)] == [stored]

    token = csrf(client, "/plans")
    r = client.post("/plans/import", data={"csrf_token": token, "upload": stored, "name": DOCX.name})
    assert r.status_code == 303
    target = r.headers["location"]
    assert re.fullmatch(r"/plans\?plan=\d+", target)
    after = client.get(target).text
    with db.session() as s:
        rec = s.scalars(select(PlanRecord)).one()
        slots = s.scalar(select(func.count()).select_from(Slot).where(Slot.plan_id == rec.id))
        rows = audit.entries(s)
    assert rec.number == "136/KH-STTTT" and rec.source_name == DOCX.name
    assert slots > 0
    assert f"Đã nhập kế hoạch số 136/KH-STTTT, mã số {rec.id}: 10 nội dung" in after
    assert f"Đã lập lại lịch nội dung: {slots} mục — thêm {slots}, cập nhật 0, xóa 0." in after
    assert 'class="selected"' in after and f"{slots} mục</a>" in after
    assert [(r.action, r.actor, r.via) for r in rows] == [
        ("plan.import", "Nguyễn Văn Biên (bientap)", "web"), ("calendar.build", "Nguyễn Văn Biên (bientap)", "web")]
    assert DOCX.name in rows[0].note and f"{slots} mục" in rows[1].note
    assert _pending(client) == [], "the kept file is removed once imported"
    again = client.post("/plans/import", data={"csrf_token": token, "upload": stored, "name": DOCX.name})
    assert again.status_code == 400 and "Hãy tải tệp kế hoạch lên lại" in again.text


def test_pdf_upload_tells_page_and_line_and_reimport_updates(client, db):
    login(client, "quantri")
    _import(client, MD.name, MD.read_bytes())
    r = _upload(client, PDF.name, PDF.read_bytes())
    assert r.status_code == 200, r.text
    wheres = re.findall(r'<td class="where"[^>]*>([^<]*)</td>', r.text)
    assert wheres and all(re.fullmatch(r"trang \d+, dòng \d+", w) for w in wheres), wheres[:5]
    with db.session() as s:
        plan_id = s.scalar(select(PlanRecord.id))
    assert f"Kế hoạch này đã có (mã số {plan_id})" in r.text
    stored = STORED_RE.search(r.text)[1]
    token = csrf(client, "/plans")
    r = client.post("/plans/import", data={"csrf_token": token, "upload": stored, "name": PDF.name})
    assert r.status_code == 303
    page = client.get(r.headers["location"]).text
    assert f"Đã cập nhật kế hoạch số 11/KH-UBND, mã số {plan_id}" in page
    assert "Thay đổi so với kế hoạch đã lưu:" in page
    assert _plans(db) == 1


def _import(client, name: str, data: bytes) -> None:
    r = _upload(client, name, data)
    assert r.status_code == 200, r.text
    token = csrf(client, "/plans")
    r = client.post("/plans/import", data={"csrf_token": token, "upload": STORED_RE.search(r.text)[1], "name": name})
    assert r.status_code == 303


def test_changed_plan_says_what_changes_before_and_after_import(client, db):
    login(client, "bientap")
    text = MD.read_text(encoding="utf-8")
    _import(client, MD.name, text.encode())
    with db.session() as s:
        before = s.scalar(select(func.count()).select_from(Slot))
    section = text.index("Nội dung tuyên truyền")
    theme = re.search(r"^- (.{20,})$", text[section:], re.M)[1]          # the first theme's line
    changed = text.replace(f"- {theme}\n", "", 1)
    r = _upload(client, "ke-hoach-sua.md", changed.encode())
    assert r.status_code == 200
    assert "Bỏ 1 nội dung" in r.text and theme[:40] in r.text
    token = csrf(client, "/plans")
    r = client.post("/plans/import", data={"csrf_token": token, "upload": STORED_RE.search(r.text)[1],
                                           "name": "ke-hoach-sua.md"})
    page = client.get(r.headers["location"]).text
    assert "Bỏ 1 nội dung" in page
    m = re.search(r"Đã lập lại lịch nội dung: (\d+) mục — thêm (\d+), cập nhật (\d+), xóa (\d+)", page)
    with db.session() as s:
        after = s.scalar(select(func.count()).select_from(Slot))
    assert int(m[1]) == after == before, "the cadence makes the slots; the themes rotate over them"
    assert int(m[3]) > 0, "slots now carry the next theme"


@pytest.mark.parametrize("name, data, message", [
    ("ke-hoach.exe", b"MZ\x90\x00binary", "không phải tệp kế hoạch Loa đọc được"),
    ("ke-hoach.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "không phải tệp kế hoạch Loa đọc được"),
    ("ke-hoach.pdf", "Kế hoạch giả, không phải PDF".encode(), "không phải tệp PDF"),
    ("ke-hoach.docx", b"PK\x03\x04 broken zip", "docx"),
    ("trong.txt", b"   \n", "trống"),
    ("khong-phai.md", "Biên bản họp chi bộ tháng 3.\n".encode(), "Nội dung tuyên truyền"),
    ("", b"", "Hãy chọn tệp kế hoạch"),
])
def test_bad_uploads_are_refused_in_vietnamese_and_nothing_is_written(client, db, name, data, message):
    login(client, "bientap")
    r = _upload(client, name, data) if name else client.post(
        "/plans/upload", data={"csrf_token": csrf(client, "/plans")})
    assert r.status_code == 400, r.text
    assert message in r.text
    assert 'class="msg msg-error"' in r.text
    assert _pending(client) == [] and _plans(db) == 0


def test_too_large_upload_is_refused_before_reading(client, db):
    login(client, "bientap")
    r = _upload(client, "lon.pdf", b"%PDF-1.4\n" + b"0" * (21 * 1024 * 1024))
    assert r.status_code == 413 and "quá lớn" in r.text
    assert _pending(client) == [] and _plans(db) == 0


def test_upload_needs_the_form_token_and_the_role(client, db):
    login(client, "bientap")
    assert _upload(client, MD.name, MD.read_bytes(), token="gia-mao").status_code == 403
    assert _pending(client) == []
    client.cookies.clear()
    login(client, "lanhdao")
    assert client.get("/plans").status_code == 403
    assert 'href="/plans"' not in client.get("/").text
    r = _upload(client, MD.name, MD.read_bytes())
    assert r.status_code == 403 and "không có quyền nhập kế hoạch" in r.text
    assert _pending(client) == [] and _plans(db) == 0


def test_import_refuses_a_name_that_is_not_ours(client, db):
    login(client, "bientap")
    token = csrf(client, "/plans")
    for stored in ("../../config.toml", "x.md", "0" * 32 + ".exe"):
        r = client.post("/plans/import", data={"csrf_token": token, "upload": stored, "name": "a.md"})
        assert r.status_code == 400 and "Hãy tải tệp kế hoạch lên lại" in r.text
    assert _plans(db) == 0
