"""/reports over HTTP on the seeded first quarter of 2024 (tests.test_report_data.seed): the page
shows the figures and charts `loa report` composes; the .docx downloaded opens with python-docx
and carries the unit's name and the right totals; HTML and Markdown too; bad periods and formats
get a 400 in Vietnamese; every download is audited; the dashboard shows reports falling due."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from docx import Document

from content import audit
from content.text import UTC
from tests.helpers import seed
from tests.web_helpers import Clock, add_accounts, login, make_client


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2024, 4, 5, 3, 0, tzinfo=UTC))


@pytest.fixture
def client(settings, db, clock):
    add_accounts(db, clock())
    with db.session() as s:
        seed(s)
    with make_client(settings, db, clock) as c:
        yield c


def test_page_shows_the_figures_and_charts(client):
    login(client, "bientap")
    r = client.get("/reports?period=2024-Q1")
    assert r.status_code == 200, r.text
    page = r.text
    assert "<h1>Báo cáo quý I năm 2024</h1>" in page
    assert "<strong>7</strong> lượt đăng" in page and "<strong>4</strong> tin, bài" in page
    assert "theo kế hoạch 11/KH-UBND" in page, "the plan whose year overlaps the quarter"
    assert page.count("<svg") >= 2 and "<figure class=\"chart\">" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page, "titles are escaped"
    assert 'href="/reports/download?period=2024-Q1&amp;format=docx"' in page
    assert '<option value="2024-Q1" selected>' in page


def test_quarterly_docx_opens_with_the_unit_and_the_totals(client, db):
    login(client, "lanhdao")
    r = client.get("/reports/download?period=2024-Q1&format=docx")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert 'filename="bao-cao-2024-Q1-kh1.docx"' in r.headers["content-disposition"]
    doc = Document(io.BytesIO(r.content))
    head = [c.text for c in doc.tables[0].rows[0].cells]
    assert head[0].split("\n")[:2] == ["ỦY BAN NHÂN DÂN", "XÃ NGỌC LÂM"]
    by_channel = next(t for t in doc.tables if t.rows[0].cells[1].text == "Kênh thông tin")
    assert [c.text for c in by_channel.rows[-1].cells] == ["", "Tổng cộng", "7", "4"]
    assert [c.text for c in by_channel.rows[1].cells][1:] == ["Cổng TTĐT", "4", "4"]
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "quý I năm 2024" in text
    with db.session() as s:
        rows = audit.entries(s, action="report.make")
    assert [(r.actor, r.via) for r in rows] == [("Trần Thị Lãnh (lanhdao)", "web")]
    assert "quý I năm 2024" in rows[0].note and "docx" in rows[0].note


@pytest.mark.parametrize("fmt, kind, needle", [("html", "text/html", "<svg"), ("md", "text/markdown", "| ")])
def test_html_and_markdown_downloads(client, fmt, kind, needle):
    login(client, "bientap")
    r = client.get(f"/reports/download?period=2024-Q1&format={fmt}&plan=1")
    assert r.status_code == 200 and r.headers["content-type"].startswith(kind)
    assert f'filename="bao-cao-2024-Q1-kh1.{fmt}"' in r.headers["content-disposition"]
    assert needle in r.text and "Ngọc Lâm" in r.text


def test_a_range_of_days(client):
    login(client, "bientap")
    page = client.get("/reports?from=01/03/2024&to=31/03/2024").text
    assert "từ ngày 01/03/2024 đến ngày 31/03/2024" in page
    assert "period=2024-03-01..2024-03-31&amp;format=docx" in page


@pytest.mark.parametrize("path, message", [
    ("/reports?period=2024-Q5", "Không hiểu kỳ báo cáo"),
    ("/reports?from=31/02/2024&to=01/03/2024", "không hợp lệ"),
    ("/reports?from=01/03/2024", "cả ngày bắt đầu và ngày kết thúc"),
    ("/reports?period=2024-Q1&plan=99", "Không có kế hoạch mã số 99"),
    ("/reports/download?period=2024-Q1&format=pdf", "Định dạng “pdf” không hỗ trợ"),
    ("/reports/download?period=quy-mot&format=docx", "Không hiểu kỳ báo cáo"),
])
def test_bad_choices_are_refused_in_vietnamese(client, db, path, message):
    login(client, "bientap")
    r = client.get(path)
    assert r.status_code == 400 and message in r.text
    with db.session() as s:
        assert audit.entries(s, action="report.make") == []


def test_dashboard_tells_reports_falling_due(settings, db):
    add_accounts(db, datetime(2024, 6, 25, 2, 0, tzinfo=UTC))
    with db.session() as s:
        seed(s)                                   # the plan asks for half-year and year reports
    with make_client(settings, db, Clock(datetime(2024, 6, 25, 2, 0, tzinfo=UTC))) as c:
        login(c, "bientap")
        page = c.get("/").text
    assert "Báo cáo sắp đến hạn" in page
    assert "28/06/2024" in page and "Báo cáo 6 tháng đầu năm 2024 theo kế hoạch 11/KH-UBND" in page
    assert 'href="/reports?period=2024-H1&amp;plan=1"' in page
    with make_client(settings, db, Clock(datetime(2024, 5, 2, 2, 0, tzinfo=UTC))) as c:
        login(c, "bientap")
        assert "Báo cáo sắp đến hạn" not in c.get("/").text, "nothing due within two weeks"


def test_report_on_a_plan_imported_in_the_console(settings, db):
    """Upload → import → the quarter's report names the plan and the unit (no seeded data)."""
    import re
    from pathlib import Path

    from tests.web_helpers import csrf

    md = Path(__file__).resolve().parent / "data" / "plans" / "ngoc-lam-ubnd-xa-2024.md"
    clock = Clock(datetime(2024, 6, 20, 2, 0, tzinfo=UTC))
    add_accounts(db, clock())
    with make_client(settings, db, clock) as c:
        login(c, "bientap")
        token = csrf(c, "/plans")
        r = c.post("/plans/upload", data={"csrf_token": token}, files={"file": (md.name, md.read_bytes())})
        upload = re.search(r'name="upload" value="([^"]+)"', r.text)[1]
        assert c.post("/plans/import", data={"csrf_token": token, "upload": upload, "name": md.name}).status_code == 303
        page = c.get("/reports?period=2024-Q1").text
        assert "theo kế hoạch 11/KH-UBND" in page and "<strong>0</strong> lượt đăng" in page
        doc = Document(io.BytesIO(c.get("/reports/download?period=2024-Q1&format=docx").content))
        assert "XÃ NGỌC LÂM" in doc.tables[0].rows[0].cells[0].text
        dashboard = c.get("/").text
    # 30/06/2024 is a Sunday: the half-year report is due the Friday before, as the scheduler drafts it
    assert "28/06/2024" in dashboard and "Báo cáo 6 tháng đầu năm 2024 theo kế hoạch 11/KH-UBND" in dashboard
