"""The console in a real Chromium (Playwright driving Debian's `chromium`), against the real
`loa web` server on 127.0.0.1 and a free port: an editor composes an item for next Tuesday 08:00
on the portal, Telegram and the radio, sees the three previews and saves it; the editor cannot
approve; a leader on a 390×844 phone approves; `loa run --once --now …` publishes it to the fake
Bot API and the static site; the log page shows the posts. Screenshots of the dashboard,
calendar, composer and log at 1280 and 390 px go to var/screenshots/.

Skipped, with the reason, where Playwright or Chromium cannot be had."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.helpers import PLANS_DIR, run_loa
from tests.fakes.telegram_api import FakeBotAPI
from tests.helpers import PASSWORD, SHOTS, _free_port, _login, _playwright, add_staff, console_in_browser

pytestmark = pytest.mark.slow
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def _next_tuesday(today) -> datetime:  # noqa: ANN001
    """Tuesday of next week, 08:00 — what "8h thứ Ba tuần sau" means."""
    day = today - timedelta(days=today.weekday()) + timedelta(days=8)
    return datetime(day.year, day.month, day.day, 8, 0, tzinfo=TZ)


@pytest.fixture
def site(tmp_path):
    _playwright()              # skips here, before any work, where there is no Chromium
    port = _free_port()
    with FakeBotAPI() as tg:
        cfg = tmp_path / "config.toml"
        cfg.write_text(
            'timezone = "Asia/Ho_Chi_Minh"\n[database]\nurl = "sqlite:///loa.db"\n'
            '[unit]\nname = "Ủy ban nhân dân xã Ngọc Lâm"\nradio_station = "Đài truyền thanh xã Ngọc Lâm"\n'
            '[unit.hotline]\nphone = "0221 3 946 101"\n'
            '[channels.portal]\nkind = "static"\npath = "site"\nbase_url = "https://ngoclam.example.gov.vn"\n'
            '[channels.radio]\npath = "radio"\n'
            f'[channels.telegram]\ntoken_env = "LOA_TELEGRAM_TOKEN"\nbase_url = "{tg.base_url}"\n'
            'chat_ids = ["@xangoclam"]\n'
            f'[web]\nhost = "127.0.0.1"\nport = {port}\n', encoding="utf-8")
        env = {"LOA_TELEGRAM_TOKEN": tg.token, "LOA_PW": PASSWORD}
        add_staff(tmp_path, cfg, env, ("bientap", "Nguyễn Văn Biên", "bien_tap"), ("lanhdao", "Trần Thị Lãnh", "lanh_dao"))
        plan = PLANS_DIR / "ngoc-lam-ubnd-xa-2024.md"
        if plan.exists():
            assert run_loa("plan", "import", str(plan), cwd=tmp_path, config=cfg).code == 0
            assert run_loa("calendar", "build", cwd=tmp_path, config=cfg).code == 0
        with console_in_browser(tmp_path, cfg, env, port) as (base, browser):
            yield {"base": base, "browser": browser, "tmp": tmp_path, "cfg": cfg, "tg": tg, "env": env}


def _shots(browser, base: str, user: str, paths: dict[str, str]) -> None:  # noqa: ANN001
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((1280, 900), (390, 844)):
        ctx = browser.new_context(viewport={"width": width, "height": height})
        page = ctx.new_page()
        _login(page, base, user)
        for name, path in paths.items():
            page.goto(base + path)
            page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
            assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, \
                f"{path} scrolls sideways at {width}px"
        ctx.close()


def test_compose_preview_approve_publish(site):
    base, browser, tg = site["base"], site["browser"], site["tg"]
    when = _next_tuesday(datetime.now(TZ).date())
    # The editor, on a desktop browser.
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    _login(page, base, "bientap")
    page.goto(f"{base}/items/new")
    page.fill("#f-title", "Tiếp nhận hồ sơ thủ tục hành chính trực tuyến")
    page.fill("#f-body", "Từ tuần sau, Bộ phận một cửa của UBND xã tiếp nhận hồ sơ TTHC qua Cổng dịch vụ công.\n\n"
                         "Mọi thắc mắc xin gọi 0221 3 946 101.")
    for ch in ("portal", "telegram", "radio"):
        page.check(f"input[name=channels][value={ch}]")
    page.fill("#f-publish_at", "8h thứ Ba tuần sau")      # typed the way staff type it
    page.click("button[value=preview]")
    previews = page.locator(".compose-previews section.preview")
    assert previews.count() == 3
    assert page.locator(".preview-radio").inner_text().count("Ủy ban nhân dân xã") >= 1
    assert "Thời lượng đọc khoảng" in page.locator(".preview-radio").inner_text()
    page.screenshot(path=str(SHOTS.mkdir(parents=True, exist_ok=True) or SHOTS / "composer-preview-1280.png"),
                    full_page=True)
    page.click("button[value=save]")
    page.wait_for_url(re.compile(r"/items/\d+$"))
    item_url = page.url
    assert "Đã lưu bài số" in page.inner_text("main")
    assert f"Đăng lúc: {when.strftime('%d/%m/%Y %H:%M')}" in page.inner_text("main")
    assert page.locator("form[action$='/approve']").count() == 0, "no approve button for an editor"
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    refused = page.request.post(f"{item_url}/approve", form={"csrf_token": token},
                                headers={"origin": base})
    assert refused.status == 403
    ctx.close()

    # The leader, on a phone.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    _login(page, base, "lanhdao")
    page.goto(item_url)
    assert page.locator(".compose-previews section.preview").count() == 3
    approve = page.locator("form[action$='/approve'] button")
    box = approve.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390 and box["height"] >= 44
    approve.click()
    page.wait_for_url(item_url)
    assert "Đã duyệt bài số" in page.inner_text("main")
    phone.close()

    # One pass of the scheduler at that time publishes it.
    r = run_loa("run", "--once", "--now", when.strftime("%Y-%m-%dT%H:%M"), cwd=site["tmp"], config=site["cfg"],
                env=site["env"])
    assert r.code == 0, r.err
    assert any("Tiếp nhận hồ sơ thủ tục hành chính" in t for t in tg.texts("@xangoclam"))
    assert list((site["tmp"] / "site" / "bai-viet").glob("*.html"))

    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    _login(page, base, "lanhdao")
    page.goto(f"{base}/log")
    table = page.inner_text("table.list")
    assert "Cổng TTĐT" in table and "Telegram" in table and table.count("đã đăng") >= 2
    page.goto(f"{base}/audit?item={item_url.rsplit('/', 1)[1]}")
    rows = [r.inner_text() for r in page.locator("table.list tbody tr").all()][::-1]   # oldest first
    steps = [("soạn bài", "Nguyễn Văn Biên"), ("bị từ chối vì không có quyền", "Nguyễn Văn Biên"),
             ("duyệt bài", "Trần Thị Lãnh")]
    for (what, who), row in zip(steps, rows):
        assert what in row and who in row, (what, who, rows)
    page.screenshot(path=str(SHOTS / "audit-1280.png"), full_page=True)
    ctx.close()
    # The forms work without JavaScript: preview and save by the buttons alone.
    nojs = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = nojs.new_page()
    _login(page, base, "bientap")
    page.goto(f"{base}/items/new")
    page.fill("#f-title", "Bài viết không cần JavaScript")
    page.fill("#f-body", "Nội dung ngắn.")
    page.check("input[name=channels][value=zalo]")
    page.click("button[value=preview]")
    assert page.locator(".compose-previews section.preview").count() >= 1
    page.click("button[value=save]")
    page.wait_for_url(re.compile(r"/items/\d+$"))
    nojs.close()
    plan_month = "2024-03"
    _shots(browser, base, "bientap", {"dashboard": "/", "calendar": f"/calendar?month={plan_month}",
                                      "composer": item_url.replace(base, ""), "log": "/log"})
