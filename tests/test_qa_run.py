"""The citizens' Q&A through the real `loa run` process, once per citizen channel.

Telegram: the fake Bot API delivers updates by getUpdates. Zalo: signed events are posted to the
webhook `loa run` opens (its address is read from what `loa run` prints). On both, the citizen
asks, staff answer by replying to the card in the (Telegram) staff chat, the citizen consents,
staff mark it public, and the next weekly pass publishes the anonymised column on the portal
and the radio."""

from __future__ import annotations

import re
import subprocess
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests

from tests.helpers import LOA, qa_run_config, qa_run_env, run_loa, stop_loa, wait_until
from tests.fakes import telegram_updates as U
from tests.fakes.telegram_api import FakeBotAPI
from tests.fakes.zalo_api import FakeZaloAPI
from tests.qa_helpers import USER, event, signed

pytestmark = pytest.mark.slow
CITIZEN, STAFF_CHAT, STAFF_USER = 5001, -100777, 4242
QUESTION = ("Tôi là Nguyễn Văn An, số nhà 12 ngõ 34 phố Trần Phú, SĐT 0912 345 678, CCCD 001089012345. "
            "Xin hỏi làm lại giấy khai sinh cho con cần giấy tờ gì?")
ANSWER = "Ông/bà mang tờ khai và bản sao CCCD đến Bộ phận một cửa."
PII = ("Nguyễn Văn An", "0912 345 678", "001089012345", "số nhà 12")


_config = partial(qa_run_config, staff_chat=STAFF_CHAT, staff_user=STAFF_USER)


def _staff_answers(tg: FakeBotAPI, code: str, log: Path) -> dict:
    """Find the card carrying `code` in the staff chat and answer it by reply; returns the card."""
    staff = lambda: [m for m in tg.sent if m["chat_id"] == str(STAFF_CHAT)]  # noqa: E731
    # The staff chat may also hear from the scheduler (e.g. a weekly edition caught up on
    # start), so the card is the staff message that carries the code.
    assert wait_until(lambda: any(code in (m["text"] or "") for m in staff())), log.read_text()
    card = next(m for m in staff() if code in (m["text"] or ""))
    tg.push_update(U.message(STAFF_CHAT, ANSWER, from_id=STAFF_USER, reply_to=card["message_id"]))
    return card


def _mark_public(tg: FakeBotAPI, code: str, card: dict, log: Path) -> None:
    qid = int(code.rsplit("-", 1)[1])
    tg.push_update(U.callback(STAFF_CHAT, STAFF_USER, f"qa:s:public:{qid}", card["message_id"]))
    assert wait_until(lambda: any("công khai" in (m["text"] or "") for m in tg.sent
                             if m["chat_id"] == str(STAFF_CHAT) and m["message_id"] != card["message_id"])), \
        log.read_text()


def _weekly_pass_publishes_the_column(tmp_path: Path, cfg: Path, extra_pii: tuple[str, ...] = ()) -> None:
    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    today = datetime.now(tz).date()
    monday = today + timedelta(days=(7 - today.weekday()) % 7 or 7)
    r = run_loa("run", "--once", "--now", f"{monday.isoformat()}T07:00", cwd=tmp_path, config=cfg)
    assert r.code == 0, r.err
    assert not list((tmp_path / "site").glob("bai-viet/*dan-hoi*.html"))      # not before a leader approves
    item_id = _column_item(tmp_path)
    r = run_loa("item", "approve", str(item_id), "--yes", cwd=tmp_path, config=cfg)
    assert r.code == 0, r.out + r.err
    r = run_loa("run", "--once", "--now", f"{monday.isoformat()}T07:05", cwd=tmp_path, config=cfg)
    assert r.code == 0, r.err
    pages = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "site" / "bai-viet").glob("*.html"))
    assert "Dân hỏi" in pages and "giấy khai sinh" in pages and "Bộ phận một cửa" in pages
    for pii in PII + extra_pii:
        assert pii not in pages, pii
    radio = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "radio").glob("*.txt"))
    assert "giấy khai sinh" in radio, "the column is read on the radio too"
    for pii in PII + extra_pii:
        assert pii not in radio, pii


def _column_item(tmp_path: Path) -> int:
    """The id of the week's Q&A column item (a draft waiting for approval)."""
    import sqlite3

    with sqlite3.connect(tmp_path / "loa.db") as conn:
        row = conn.execute("SELECT id, state FROM items WHERE source = 'qa'").fetchone()
    assert row is not None and row[1] == "draft", row
    return row[0]


def test_question_to_answer_to_column_through_loa_run(tmp_path):
    with FakeBotAPI() as tg:
        cfg = _config(tmp_path, tg)
        log = tmp_path / "run.log"
        proc = subprocess.Popen([str(LOA), "run"], cwd=tmp_path, env=qa_run_env(cfg, tg),
                                stdout=open(log, "w"), stderr=subprocess.STDOUT)
        to = lambda chat: [m for m in tg.sent if m["chat_id"] == str(chat)]  # noqa: E731
        try:
            tg.push_update(U.message(CITIZEN, QUESTION))
            assert wait_until(lambda: to(CITIZEN)), log.read_text()
            ack = to(CITIZEN)[0]
            code = next(w for w in ack["text"].split() if w.startswith("HD-")).strip(".,:;")
            qid = int(code.rsplit("-", 1)[1])
            tg.push_update(U.callback(CITIZEN, CITIZEN, f"qa:c:{qid}:y", ack["message_id"]))
            card = _staff_answers(tg, code, log)
            assert wait_until(lambda: any("Bộ phận một cửa" in (m["text"] or "") for m in to(CITIZEN)))
            _mark_public(tg, code, card, log)
        finally:
            stop_loa(proc, log)
    _weekly_pass_publishes_the_column(tmp_path, cfg)


def test_zalo_question_to_answer_to_column_through_loa_run(tmp_path):
    with FakeBotAPI() as tg, FakeZaloAPI() as zalo:
        cfg = _config(tmp_path, tg, zalo)
        log = tmp_path / "run.log"
        proc = subprocess.Popen([str(LOA), "run"], cwd=tmp_path, env=qa_run_env(cfg, tg, zalo),
                                stdout=open(log, "w"), stderr=subprocess.STDOUT)
        try:
            found = lambda: re.search(r"webhook Zalo (http://\S+?)\.?$", log.read_text(), re.M)  # noqa: E731
            assert wait_until(found), log.read_text()
            url = found().group(1)

            def post(text: str, msg_id: str) -> None:
                raw, headers = signed(zalo.app_id, event(zalo.app_id, text, msg_id=msg_id))
                r = requests.post(url, data=raw, headers=headers, timeout=5)
                assert r.status_code == 200, r.text

            raw, headers = signed(zalo.app_id, event(zalo.app_id, QUESTION), secret="WRONG")
            assert requests.post(url, data=raw, headers=headers, timeout=5).status_code == 403
            post(QUESTION, "z1")
            assert wait_until(lambda: zalo.messages), log.read_text()
            ack = zalo.messages[0]
            assert ack["user_id"] == USER
            code = re.search(r"HD-\d{4}-\d{6}", ack["text"]).group(0)
            post(f"Đồng ý {code}", "z2")
            assert wait_until(lambda: len(zalo.messages) >= 2), log.read_text()
            zalo.expire_access()          # hours pass: the answer needs a renewed token
            card = _staff_answers(tg, code, log)
            assert "Zalo" in card["text"]
            assert wait_until(lambda: any("Bộ phận một cửa" in m["text"] for m in zalo.messages)), log.read_text()
            _mark_public(tg, code, card, log)
        finally:
            stop_loa(proc, log)
    assert zalo.messages[-1]["user_id"] == USER and len(zalo.refresh_calls) == 1
    assert len(zalo.messages) == 3, [m["text"] for m in zalo.messages]
    _weekly_pass_publishes_the_column(tmp_path, cfg, extra_pii=(USER,))
