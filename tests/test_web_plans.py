"""Plan upload in the console: read a .docx (or .md), show what was read with its source lines,
import it and rebuild the calendar; bad files refused in Vietnamese; roles."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from content.models import PlanRecord, Slot
from tests.web_helpers import Clock, add_accounts, csrf, login, make_client

BUILT = Path(__file__).resolve().parent / "data" / "plan_corpus" / "built"
MD = Path(__file__).resolve().parent / "data" / "plans" / "ngoc-lam-ubnd-xa-2024.md"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def client(settings, db, clock):
    add_accounts(db, clock())
    with make_client(settings, db, clock) as c:
        yield c


def _docx() -> Path:
    found = sorted(BUILT.glob("*.docx"))
    if not found:
        pytest.skip(f"no built .docx plans in {BUILT}")
    return found[0]


def test_upload_shows_what_was_read_then_import_builds_the_calendar(client, db):
    login(client, "bientap")
    plan = _docx()
    token = csrf(client, "/plans")
    r = client.post("/plans/upload", data={"csrf_token": token},
                    files={"file": (plan.name, plan.read_bytes(), "application/octet-stream")})
    assert r.status_code == 200, r.text
    assert "Loa đọc" in r.text and "Nội dung tuyên truyền" in r.text and "Dòng gốc" in r.text
    with db.session() as s:
        assert s.scalar(select(func.count(PlanRecord.id))) == 0, "reading stores nothing"
    upload = re.search(r'name="upload" value="([^"]+)"', r.text)[1]
    r = client.post("/plans/import", data={"csrf_token": token, "upload": upload, "name": plan.name})
    assert r.status_code == 303
    page = client.get("/plans").text
    assert "Đã nhập kế hoạch" in page and "Lịch nội dung đã lập lại" in page
    with db.session() as s:
        assert s.scalar(select(func.count(PlanRecord.id))) == 1
        assert s.scalar(select(func.count(Slot.id))) > 0
    r = client.post("/plans/import", data={"csrf_token": token, "upload": upload, "name": plan.name})
    assert "Không còn tệp đã tải lên" in client.get(r.headers["location"]).text


def test_markdown_plan_and_bad_files(client):
    login(client, "bientap")
    token = csrf(client, "/plans")
    r = client.post("/plans/upload", data={"csrf_token": token},
                    files={"file": (MD.name, MD.read_bytes(), "text/markdown")})
    assert r.status_code == 200 and "Loa đọc" in r.text
    r = client.post("/plans/upload", data={"csrf_token": token},
                    files={"file": ("virus.exe", b"MZ\x90\x00", "application/octet-stream")})
    assert r.status_code == 400 and "Chỉ nhận tệp .docx, .pdf, .md hoặc .txt" in r.text
    r = client.post("/plans/upload", data={"csrf_token": token},
                    files={"file": ("hong.docx", b"khong phai docx", "application/octet-stream")})
    assert r.status_code == 400 and "msg-error" in r.text
    r = client.post("/plans/import", data={"csrf_token": token, "upload": "../../etc/passwd", "name": "x"})
    assert r.status_code == 303


def test_leader_cannot_import_plans(client):
    login(client, "lanhdao")
    assert client.get("/plans").status_code == 403


def test_report_page_and_docx_download(client, db, clock, settings):
    from docx import Document

    login(client, "bientap")
    token = csrf(client, "/plans")
    r = client.post("/plans/upload", data={"csrf_token": token},
                    files={"file": (MD.name, MD.read_bytes(), "text/markdown")})
    upload = re.search(r'name="upload" value="([^"]+)"', r.text)[1]
    client.post("/plans/import", data={"csrf_token": token, "upload": upload, "name": MD.name})
    page = client.get("/reports?period=2024-Q1")
    assert page.status_code == 200 and "quý I năm 2024" in page.text and "<svg" in page.text
    assert "Tải báo cáo .docx" in page.text
    r = client.get("/reports/download?period=2024-Q1&format=docx")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    doc = Document(io.BytesIO(r.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert settings.unit.name.upper() in text.upper()
    assert client.get("/reports?period=quy-nam").status_code == 400


def test_dashboard_lists_reports_due_soon(settings, db):
    from datetime import datetime

    from content.text import UTC
    clock = Clock(datetime(2024, 6, 20, 2, 0, tzinfo=UTC))
    add_accounts(db, clock())
    with make_client(settings, db, clock) as c:
        login(c, "bientap")
        token = csrf(c, "/plans")
        r = c.post("/plans/upload", data={"csrf_token": token}, files={"file": (MD.name, MD.read_bytes(), "text/markdown")})
        upload = re.search(r'name="upload" value="([^"]+)"', r.text)[1]
        c.post("/plans/import", data={"csrf_token": token, "upload": upload, "name": MD.name})
        page = c.get("/").text
    assert "Báo cáo sắp đến hạn" in page and "6 tháng đầu năm 2024" in page
