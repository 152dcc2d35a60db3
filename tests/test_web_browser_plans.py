"""The second half of the console in a real Chromium against the real `loa web` server (same
set-up as tests/test_web_browser.py): an editor uploads the Ngọc Lâm plan as a PDF in /plans,
sees what Loa read (each fact with its page and line), imports it and finds the calendar built;
the quarterly report downloads as a .docx that python-docx opens with the unit's name and the
right totals; an editor cannot open /channels or /audit; an admin sees the channels, the
Telegram bot's name, and sends the test message the fake Bot API receives. Screenshots of
/plans after parsing, /reports (1280 and 390 px) and /channels go to var/screenshots/.

Skipped, with the reason, where Playwright or Chromium cannot be had."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docx import Document

from tests.fakes.telegram_api import FakeBotAPI
from tests.helpers import PASSWORD, SHOTS, _free_port, _login, _playwright, add_staff, console_in_browser

pytestmark = pytest.mark.slow
PDF = Path(__file__).resolve().parent / "data" / "plan_corpus" / "built" / "ngoc-lam-ubnd-xa-2024.pdf"
STAFF_CHAT = "-100777"


@pytest.fixture
def site(tmp_path):
    _playwright()              # skips here, before any work, where there is no Chromium
    port = _free_port()
    with FakeBotAPI() as tg:
        cfg = tmp_path / "config.toml"
        cfg.write_text(
            'timezone = "Asia/Ho_Chi_Minh"\n[database]\nurl = "sqlite:///loa.db"\n'
            '[unit]\nname = "Ủy ban nhân dân xã Ngọc Lâm"\nradio_station = "Đài truyền thanh xã Ngọc Lâm"\n'
            '[channels.portal]\nkind = "static"\npath = "site"\nbase_url = "https://ngoclam.example.gov.vn"\n'
            '[channels.radio]\npath = "radio"\n'
            f'[channels.telegram]\ntoken_env = "LOA_TELEGRAM_TOKEN"\nbase_url = "{tg.base_url}"\n'
            f'chat_ids = ["@xangoclam"]\nstaff_chat_id = "{STAFF_CHAT}"\n'
            f'[web]\nhost = "127.0.0.1"\nport = {port}\n', encoding="utf-8")
        env = {"LOA_TELEGRAM_TOKEN": tg.token, "LOA_PW": PASSWORD}
        add_staff(tmp_path, cfg, env, ("bientap", "Nguyễn Văn Biên", "bien_tap"), ("quantri", "Lê Văn Quản", "quan_tri"))
        _seed_quarter(tmp_path / "loa.db")
        with console_in_browser(tmp_path, cfg, env, port) as (base, browser):
            yield {"base": base, "browser": browser, "tmp": tmp_path, "tg": tg}


def _seed_quarter(path: Path) -> None:
    """What went out in the first quarter of 2024 (tests.test_report_data.seed): 7 posts, 4 items."""
    from content.db import open_db
    from tests.helpers import seed

    db = open_db(f"sqlite:///{path}")
    with db.session() as s:
        seed(s)
    db.dispose()


def _no_sideways_scroll(page, width: int) -> None:  # noqa: ANN001
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, f"{page.url} scrolls sideways"


def _upload_and_read(page, base: str) -> None:  # noqa: ANN001
    page.goto(f"{base}/plans")
    page.set_input_files("#f-file", str(PDF))
    page.click("form.upload button[type=submit]")
    page.wait_for_selector("section.reading")


def test_plan_upload_import_and_quarterly_report(site):
    base, browser, tmp = site["base"], site["browser"], site["tmp"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((390, 844), (1280, 900)):         # the wide one goes on to import
        ctx = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
        page = ctx.new_page()
        _login(page, base, "bientap")
        _upload_and_read(page, base)
        reading = page.inner_text("section.reading")
        assert f"Loa đọc “{PDF.name}” như sau" in reading and "số 11/KH-UBND" in reading
        wheres = page.locator("table.evidence td.where").all_inner_texts()
        assert wheres and all(re.fullmatch(r"trang \d+, dòng \d+", w) for w in wheres), wheres[:5]
        page.screenshot(path=str(SHOTS / f"plans-parsed-{width}.png"), full_page=True)
        _no_sideways_scroll(page, width)
        if width == 390:
            ctx.close()
    page.click("form[action='/plans/import'] button")
    page.wait_for_url(re.compile(r"/plans\?plan=\d+$"))
    main = page.inner_text("main")
    assert "Đã nhập kế hoạch số 11/KH-UBND" in main
    built = re.search(r"Đã lập lại lịch nội dung: (\d+) mục — thêm (\d+)", main)
    assert built and int(built[1]) == int(built[2]) > 0
    page.click("table.plans a[href^='/calendar']")
    assert page.locator(".cell .slot").count() > 0, "the calendar was rebuilt"

    # The quarterly report: chosen in the form, seen in the page, downloaded as .docx.
    page.goto(f"{base}/reports")
    page.select_option("select[name=period]", "2024-Q1")
    page.click("form.report-choice button[type=submit]")
    page.wait_for_url(re.compile(r"period=2024-Q1"))
    assert page.inner_text("h1") == "Báo cáo quý I năm 2024"
    assert "7\nlượt đăng" in page.inner_text("ul.figures") or "7 lượt đăng" in page.inner_text("ul.figures")
    assert page.locator("figure.chart svg").count() >= 2
    page.screenshot(path=str(SHOTS / "reports-1280.png"), full_page=True)
    with page.expect_download() as info:
        page.click("a.button.primary[href*='format=docx']")
    download = info.value
    assert download.suggested_filename.startswith("bao-cao-2024-Q1") and download.suggested_filename.endswith(".docx")
    saved = tmp / download.suggested_filename
    download.save_as(str(saved))
    doc = Document(str(saved))
    assert doc.tables[0].rows[0].cells[0].text.split("\n")[:2] == ["ỦY BAN NHÂN DÂN", "XÃ NGỌC LÂM"]
    by_channel = next(t for t in doc.tables if t.rows[0].cells[1].text == "Kênh thông tin")
    assert [c.text for c in by_channel.rows[-1].cells] == ["", "Tổng cộng", "7", "4"]
    assert "quý I năm 2024" in "\n".join(p.text for p in doc.paragraphs)

    # The editor is kept out of the admins' and leaders' pages.
    for path in ("/channels", "/audit"):
        r = page.request.get(f"{base}{path}")
        assert r.status == 403 and "không có quyền" in r.text()
    ctx.close()

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    _login(page, base, "bientap")
    page.goto(f"{base}/reports?period=2024-Q1")
    page.screenshot(path=str(SHOTS / "reports-390.png"), full_page=True)
    _no_sideways_scroll(page, 390)
    phone.close()


def test_admin_sees_channels_and_sends_the_test_message(site):
    base, browser, tg = site["base"], site["browser"], site["tg"]
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    _login(page, base, "quantri")
    page.goto(f"{base}/channels")
    telegram = page.inner_text("section.channel-telegram")
    assert "đang đăng thật" in telegram and "@loa_test_bot" in telegram and STAFF_CHAT in telegram
    assert "Unauthorized" in telegram, "the last error from the publication log"
    page.click("section.channel-telegram form[action='/channels/test'] button")
    page.wait_for_url(f"{base}/channels")
    assert f"Đã gửi tin nhắn thử vào nhóm cán bộ {STAFF_CHAT}" in page.inner_text("main")
    assert any("tin nhắn thử từ trang quản trị, do Lê Văn Quản (quantri)" in t for t in tg.texts(STAFF_CHAT))
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "channels-1280.png"), full_page=True)
    ctx.close()
