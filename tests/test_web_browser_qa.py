"""The console's second half in a real Chromium against a real `loa run` (bot + console in one
process): a citizen's question sent through the fake Bot API appears in /qa; an officer answers
it in the browser and the fake Bot API delivers the answer to that citizen, with the answer shown
under the question's card in the staff chat; a PDF plan uploaded in /plans is imported and the
calendar rebuilt; the quarterly report downloads as a .docx that python-docx opens; an editor
cannot open /audit or /channels. Screenshots of /qa, a question, /plans after parsing and
/reports at 1280 and 390 px go to var/screenshots/."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pytest
import requests

from tests.helpers import LOA, qa_run_config, qa_run_env, wait_until
from tests.fakes import telegram_updates as U
from tests.fakes.telegram_api import FakeBotAPI
from tests.helpers import ARGS, CHROMIUM, PASSWORD, SHOTS, _free_port, _login, _playwright, add_staff

pytestmark = pytest.mark.slow
CITIZEN, STAFF_CHAT = 7001, -100888
BUILT = Path(__file__).resolve().parent / "data" / "plan_corpus" / "built"


def test_question_answered_in_the_browser_plans_and_reports(tmp_path):
    sync_playwright = _playwright()
    pdfs = sorted(BUILT.glob("ngoc-lam*.pdf")) or sorted(BUILT.glob("*.pdf"))
    if not pdfs:
        pytest.skip(f"no built PDF plans in {BUILT}")
    port = _free_port()
    with FakeBotAPI() as tg:
        cfg = qa_run_config(tmp_path, tg, staff_chat=STAFF_CHAT, staff_user=4242)
        with cfg.open("a", encoding="utf-8") as f:
            f.write(f"[web]\nport = {port}\n")
        env = {"LOA_TELEGRAM_TOKEN": tg.token, "LOA_PW": PASSWORD}
        add_staff(tmp_path, cfg, env, ("bientap", "Nguyễn Văn Biên", "bien_tap"), ("quantri", "Lê Văn Quản", "quan_tri"))
        full_env = {**qa_run_env(cfg, tg), "LOA_PW": PASSWORD}
        log = tmp_path / "run.log"
        proc = subprocess.Popen([str(LOA), "run"], cwd=tmp_path, env=full_env, stdout=open(log, "w"),
                                stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            assert wait_until(lambda: _up(base), 20), log.read_text()
            tg.push_update(U.message(CITIZEN, "Xin hỏi làm lại giấy khai sinh cho con cần giấy tờ gì?"))
            assert wait_until(lambda: any("HD-" in t for t in tg.texts(str(CITIZEN))), 20), log.read_text()
            code = re.search(r"HD-\d{4}-\d{6}", next(t for t in tg.texts(str(CITIZEN)) if "HD-" in t))[0]
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                try:
                    _flow(browser, base, code, tg, tmp_path, pdfs[0])
                finally:
                    browser.close()
        finally:
            proc.terminate()
            proc.wait(30)


def _up(base: str) -> bool:
    try:
        return requests.get(f"{base}/healthz", timeout=1).status_code == 200
    except requests.ConnectionError:
        return False


def _flow(browser, base: str, code: str, tg: FakeBotAPI, tmp_path: Path, pdf: Path) -> None:  # noqa: ANN001
    SHOTS.mkdir(parents=True, exist_ok=True)
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = ctx.new_page()
    _login(page, base, "bientap")
    page.goto(f"{base}/qa")
    assert code in page.inner_text("table.list"), "the question is in the inbox after one poll"
    page.click(f"a[href='/qa/{code}']")
    assert "riêng tư" in page.inner_text("main")
    answer = "Ông/bà mang tờ khai và bản sao CCCD đến Bộ phận một cửa."
    page.fill("#f-text", answer)
    page.click("button[value=preview]")
    assert answer in page.inner_text("#xem-truoc-tra-loi")
    page.click("button[value=send]")
    page.wait_for_url(f"{base}/qa/{code}")
    assert "đã trả lời" in page.inner_text("main") and "Nguyễn Văn Biên" in page.inner_text("main")
    assert tg.wait_for(lambda: any(answer in t for t in tg.texts(str(CITIZEN))), 10), "the citizen got the answer"
    assert any(code in t and "Câu hỏi mới" in t for t in tg.texts(str(STAFF_CHAT))), "the card was posted"
    assert tg.wait_for(lambda: any(f"Đã trả lời câu hỏi {code}" in t and "Nguyễn Văn Biên" in t
                                   for t in tg.texts(str(STAFF_CHAT))), 10), \
        "the staff chat shows the question answered (a reply under its card) and by whom"
    page.screenshot(path=str(SHOTS / "qa-question-1280.png"), full_page=True)

    page.goto(f"{base}/plans")
    page.set_input_files("#f-file", str(pdf))
    page.click("form[action='/plans/upload'] button")
    assert "Loa đọc" in page.inner_text("main")
    page.screenshot(path=str(SHOTS / "plans-parsed-1280.png"), full_page=True)
    page.click("form[action='/plans/import'] button")
    page.wait_for_url(re.compile(r"/plans\?plan=\d+$"))
    assert "Đã lập lại lịch nội dung" in page.inner_text("main")

    year = re.search(r"20\d\d", pdf.name)
    period = f"{year[0] if year else '2024'}-Q1"
    page.goto(f"{base}/reports?period={period}")
    with page.expect_download() as dl:
        page.click("a[href*='format=docx']")
    from docx import Document
    doc = Document(io.BytesIO(Path(dl.value.path()).read_bytes()))
    text = "\n".join(p.text for p in doc.paragraphs).upper()
    assert "NGỌC LÂM" in text
    page.screenshot(path=str(SHOTS / "reports-1280.png"), full_page=True)
    for path in ("/audit", "/channels"):
        assert page.request.get(base + path).status == 403
    ctx.close()

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = phone.new_page()
    _login(page, base, "bientap")
    for name, path in (("qa", "/qa"), ("qa-question", f"/qa/{code}"), ("reports", f"/reports?period={period}")):
        page.goto(base + path)
        page.screenshot(path=str(SHOTS / f"{name}-390.png"), full_page=True)
        wide = page.evaluate("""() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 391)
                                 .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""")
        assert page.evaluate("document.documentElement.scrollWidth") <= 391, f"{path} scrolls sideways: {wide}"
    page.goto(f"{base}/plans")
    page.set_input_files("#f-file", str(pdf))
    page.click("form[action='/plans/upload'] button")
    page.screenshot(path=str(SHOTS / "plans-parsed-390.png"), full_page=True)
    phone.close()
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    _login(page, base, "bientap")
    page.goto(f"{base}/qa")
    page.screenshot(path=str(SHOTS / "qa-1280.png"), full_page=True)
    ctx.close()
