"""Issue 12 end to end: the attacks and mistakes tried against a real `loa -v run` process with
the fake Bot API and signed Zalo webhooks on 127.0.0.1 — each one held.

1. a long question then a short one: both cards reach the staff chat;
2. the same update_id twice → one question; a Zalo event replayed after a restart → one
   question; a stale Zalo timestamp refused;
3. eight 20 MB bodies → 413 each, the process grows by less than 20 MB;
4. `loa serve` beside `loa run` on one SQLite file is refused in Vietnamese;
5. a question with a name, a hamlet, a phone, a CCCD number, a birth date and a plate: none of
   them in the column page, the radio script, the report or the log; the column waits for a
   leader; `loa qa erase` takes the question out of the site page and the database;
6. the log (`-v`) shows neither the bot token nor a citizen's words.
"""

from __future__ import annotations

import re
import socket
import sqlite3
import subprocess
import time
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import requests

from tests.helpers import LOA, qa_run_config, qa_run_env, run_loa, stop_loa, wait_until
from tests.fakes import telegram_updates as U
from tests.fakes.telegram_api import FakeBotAPI
from tests.fakes.zalo_api import FakeZaloAPI
from tests.qa_helpers import event, signed

pytestmark = pytest.mark.slow
CITIZEN, OTHER, STAFF_CHAT, STAFF_USER = 5001, 5002, -100777, 4242
PII = ("Đỗ Thị Hằng", "thôn Đông", "xóm 3", "0912 345 678", "001089012345", "12/03/1985", "29A-123.45")
QUESTION = ("Tôi là Đỗ Thị Hằng, ở thôn Đông, xóm 3, SĐT 0912 345 678, CCCD 001089012345, sinh ngày "
            "12/03/1985, xe máy biển số 29A-123.45. Xin hỏi thủ tục sang tên xe máy cần giấy tờ gì?")
ANSWER = "Ông/bà mang giấy đăng ký xe và CCCD đến công an xã để làm thủ tục sang tên."


_config = partial(qa_run_config, staff_chat=STAFF_CHAT, staff_user=STAFF_USER, qa="card_retry_seconds = 1\n")


def _start(tmp_path: Path, env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen([str(LOA), "-v", "run"], cwd=tmp_path, env=env, stdout=open(log, "a"),
                            stderr=subprocess.STDOUT)



def _staff(tg: FakeBotAPI) -> list[dict]:
    return [m for m in tg.sent if m["chat_id"] == str(STAFF_CHAT)]


def _codes(tmp_path: Path) -> list[str]:
    with sqlite3.connect(tmp_path / "loa.db") as conn:
        return [r[0] for r in conn.execute("SELECT code FROM qa_questions ORDER BY id")]


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def _post_big(url: str, size: int, *, chunked: bool) -> int:
    """POST `size` bytes, stopping as soon as the server answers; returns the HTTP status."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        head = f"POST {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nContent-Type: application/json\r\n"
        head += "Transfer-Encoding: chunked\r\n\r\n" if chunked else f"Content-Length: {size}\r\n\r\n"
        sock.sendall(head.encode())
        block, sent = b"x" * 65536, 0
        sock.settimeout(0.05)
        answer = b""
        while sent < size:
            try:
                answer += sock.recv(4096)
                if answer:
                    break
            except socket.timeout:
                pass
            data = (f"{len(block):x}\r\n".encode() + block + b"\r\n") if chunked else block
            try:
                sock.sendall(data)
            except OSError:
                break
            sent += len(block)
        sock.settimeout(10)
        while b"\r\n" not in answer:
            more = sock.recv(4096)
            if not more:
                break
            answer += more
    return int(answer.split(b" ", 2)[1])


def test_telegram_attacks_through_loa_run(tmp_path):  # noqa: ANN001
    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    with FakeBotAPI() as tg:
        cfg = _config(tmp_path, tg)
        log = tmp_path / "run.log"
        env = qa_run_env(cfg, tg)
        proc = _start(tmp_path, env, log)
        try:
            assert wait_until(lambda: "Bot hỏi – đáp đang chạy" in log.read_text()), log.read_text()
            # 4. a second poller on the same SQLite file is refused, in Vietnamese
            r = run_loa("serve", cwd=tmp_path, config=cfg, env={"LOA_TELEGRAM_TOKEN": tg.token}, timeout=60)
            assert r.code == 2 and "đang nhận tin nhắn của bot Telegram" in r.err, (r.out, r.err)
            # 1. a long question, then a short one: both cards reach the staff chat
            long_text = ("Xin hỏi về thủ tục chuyển nhượng quyền sử dụng đất <lô A & lô B>. " * 60)[:3988]
            tg.push_update(U.message(CITIZEN, long_text))
            assert wait_until(lambda: any(m["chat_id"] == str(CITIZEN) for m in tg.sent)), log.read_text()
            tg.push_update(U.message(OTHER, "Cấp lại giấy khai sinh cần gì?"))
            assert wait_until(lambda: len(_staff(tg)) >= 2), log.read_text()
            assert "chuyển nhượng" in _staff(tg)[0]["text"] and "giấy khai sinh" in _staff(tg)[1]["text"]
            # 2. the same update delivered twice makes one question
            tg.push_update({**U.message(CITIZEN, QUESTION), "update_id": 9000})
            assert wait_until(lambda: len(_codes(tmp_path)) == 3), log.read_text()
            tg.redeliver(9000)
            assert wait_until(lambda: tg.deliveries.get(9000) == 2)
            time.sleep(2)
            assert len(_codes(tmp_path)) == 3
            code = _codes(tmp_path)[2]
            # 5. answered, consented, marked public
            assert wait_until(lambda: any(code in (m["text"] or "") for m in _staff(tg))), log.read_text()
            card = next(m for m in _staff(tg) if code in (m["text"] or ""))
            qid = int(code.rsplit("-", 1)[1])
            ack = next(m for m in tg.sent if m["chat_id"] == str(CITIZEN) and code in (m["text"] or ""))
            tg.push_update(U.callback(CITIZEN, CITIZEN, f"qa:c:{qid}:y", ack["message_id"]))
            tg.push_update(U.message(STAFF_CHAT, ANSWER, from_id=STAFF_USER, reply_to=card["message_id"]))
            assert wait_until(lambda: any("sang tên" in (m["text"] or "") and "trả lời câu hỏi" in (m["text"] or "")
                                     for m in tg.sent if m["chat_id"] == str(CITIZEN))), log.read_text()
            tg.push_update(U.callback(STAFF_CHAT, STAFF_USER, f"qa:s:public:{qid}", card["message_id"]))
            assert wait_until(lambda: any("Đã đánh dấu công khai" in (m["text"] or "") for m in _staff(tg)))
        finally:
            stop_loa(proc, log)
    assert len([m for m in tg.sent if m["chat_id"] == str(CITIZEN) and code in (m["text"] or "")
                and "tiếp nhận" in (m["text"] or "")]) == 1                        # one acknowledgement
    assert len([m for m in _staff(tg) if f"Câu hỏi mới {code}" in (m["text"] or "")]) == 1   # one card
    # 5. the weekly pass makes the column as a draft; a leader approves it; it goes out scrubbed
    today = datetime.now(tz).date()
    monday = today + timedelta(days=(7 - today.weekday()) % 7 or 7)
    r = run_loa("run", "--once", "--now", f"{monday.isoformat()}T07:00", cwd=tmp_path, config=cfg)
    assert r.code == 0, r.err
    with sqlite3.connect(tmp_path / "loa.db") as conn:
        item_id, state = conn.execute("SELECT id, state FROM items WHERE source = 'qa'").fetchone()
    assert state == "draft"
    assert run_loa("item", "approve", str(item_id), "--yes", cwd=tmp_path, config=cfg).code == 0
    r = run_loa("run", "--once", "--now", f"{monday.isoformat()}T07:05", cwd=tmp_path, config=cfg)
    assert r.code == 0, r.err
    pages = lambda: "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "site").rglob("*.html"))  # noqa: E731
    radio = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "radio").glob("*.txt"))
    assert "sang tên xe máy" in pages() and "sang tên xe máy" in radio
    quarter = f"{monday.year}-Q{(monday.month - 1) // 3 + 1}"
    r = run_loa("report", "--period", quarter, "--format", "md", "--output", str(tmp_path / "bc.md"),
                cwd=tmp_path, config=cfg)
    assert r.code == 0, r.out + r.err
    report = (tmp_path / "bc.md").read_text(encoding="utf-8")
    assert "câu hỏi" in report.lower()
    logged = log.read_text(encoding="utf-8")
    for pii in PII:
        assert pii not in pages(), pii
        assert pii not in radio, pii
        assert pii not in report, pii
        assert pii not in logged, pii                                       # 6. not in the log either
    # 6. the token never reaches the log, even at -v
    assert tg.token.split(":")[1] not in logged and "Set Bot API URL" not in logged
    assert "chuyển nhượng" not in logged and "Xin hỏi" not in logged
    # 5. erasure: gone from the site page and from the database
    r = run_loa("qa", "erase", code, "--yes", cwd=tmp_path, config=cfg, env={"LOA_TELEGRAM_TOKEN": tg.token})
    assert r.code == 0, r.out + r.err
    assert "sang tên xe máy" not in pages() and code not in pages()
    with sqlite3.connect(tmp_path / "loa.db") as conn:
        text, public_text, answer = conn.execute(
            "SELECT text, public_text, answer FROM qa_questions WHERE code = ?", (code,)).fetchone()
        body = conn.execute("SELECT body FROM items WHERE id = ?", (item_id,)).fetchone()[0]
    assert (text, public_text, answer) == ("", None, None)
    assert "sang tên" not in body and code not in body


def test_zalo_attacks_through_loa_run(tmp_path):  # noqa: ANN001
    with FakeBotAPI() as tg, FakeZaloAPI() as zalo:
        cfg = _config(tmp_path, tg, zalo)
        log = tmp_path / "run.log"
        env = qa_run_env(cfg, tg, zalo)
        found = lambda: re.findall(r"webhook Zalo (http://\S+?)\.?$", log.read_text(), re.M)  # noqa: E731
        proc = _start(tmp_path, env, log)
        try:
            assert wait_until(found), log.read_text()
            url = found()[-1]
            raw, headers = signed(zalo.app_id, event(zalo.app_id, "Xin hỏi lệ phí đăng ký kết hôn?", msg_id="z-1"))
            assert requests.post(url, data=raw, headers=headers, timeout=5).status_code == 200
            assert wait_until(lambda: len(_codes(tmp_path)) == 1 and zalo.messages), log.read_text()
            # stale and future timestamps, and none
            for at in (time.time() - 25 * 3600, time.time() + 3600):
                old, h = signed(zalo.app_id, event(zalo.app_id, "Hỏi cũ?", msg_id=f"z-{at}", at=at))
                assert requests.post(url, data=old, headers=h, timeout=5).status_code == 400
            # 3. eight 20 MB bodies: refused before being read
            before = _rss_kb(proc.pid)
            for i in range(8):
                assert _post_big(url, 20 * 1024 * 1024, chunked=bool(i % 2)) == 413
            grown = _rss_kb(proc.pid) - before
            assert grown < 20 * 1024, f"RSS grew by {grown} kB"
        finally:
            stop_loa(proc, log)
        # a restart: the same signed event replayed makes no second question
        proc = _start(tmp_path, env, log)
        try:
            assert wait_until(lambda: len(found()) >= 2), log.read_text()
            url = found()[-1]
            r = requests.post(url, data=raw, headers=headers, timeout=5)
            assert r.status_code == 200 and r.json().get("duplicate") is True
            time.sleep(1)
        finally:
            stop_loa(proc, log)
    assert len(_codes(tmp_path)) == 1 and len(zalo.messages) == 1
    logged = log.read_text()
    assert logged.count("refused a request") <= 4                 # rate-limited, not one line per request
    assert "lệ phí đăng ký kết hôn" not in logged and "OA-SECRET" not in logged
