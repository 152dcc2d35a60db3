"""The citizens' Q&A through the real `loa run` process: the fake Bot API delivers updates by
getUpdates; the citizen asks, staff answer by replying to the card, the citizen consents, staff
mark it public, and the next weekly pass publishes the anonymised column on the portal."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.cli import LOA, run_loa
from tests.fakes import telegram_updates as U
from tests.fakes.telegram_api import FakeBotAPI

pytestmark = pytest.mark.slow
CITIZEN, STAFF_CHAT, STAFF_USER = 5001, -100777, 4242
QUESTION = ("Tôi là Nguyễn Văn An, số nhà 12 ngõ 34 phố Trần Phú, SĐT 0912 345 678, CCCD 001089012345. "
            "Xin hỏi làm lại giấy khai sinh cho con cần giấy tờ gì?")


def _wait(pred, timeout=30.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.2)
    return False


def test_question_to_answer_to_column_through_loa_run(tmp_path):
    with FakeBotAPI() as tg:
        cfg = tmp_path / "config.toml"
        cfg.write_text(
            'timezone = "Asia/Ho_Chi_Minh"\n[database]\nurl = "sqlite:///loa.db"\n'
            '[unit]\nname = "Ủy ban nhân dân xã Ngọc Lâm"\nradio_station = "Đài truyền thanh xã Ngọc Lâm"\n'
            '[unit.hotline]\nphone = "0221 3 946 101"\n'
            '[channels.portal]\nkind = "static"\npath = "site"\n[channels.radio]\npath = "radio"\n'
            f'[channels.telegram]\ntoken_env = "LOA_TELEGRAM_TOKEN"\nbase_url = "{tg.base_url}"\nchat_ids = []\n'
            f'staff_chat_id = "{STAFF_CHAT}"\nstaff_user_ids = [{STAFF_USER}]\n'
            '[qa]\npoll_timeout = 1\n', encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("LOA_")}
        env.update({"LOA_CONFIG": str(cfg), "LOA_TELEGRAM_TOKEN": tg.token})
        proc = subprocess.Popen([str(LOA), "run"], cwd=tmp_path, env=env,
                                stdout=open(tmp_path / "run.log", "w"), stderr=subprocess.STDOUT)
        to = lambda chat: [m for m in tg.sent if m["chat_id"] == str(chat)]  # noqa: E731
        try:
            tg.push_update(U.message(CITIZEN, QUESTION))
            assert _wait(lambda: to(STAFF_CHAT) and to(CITIZEN)), (tmp_path / "run.log").read_text()
            ack, card = to(CITIZEN)[0], to(STAFF_CHAT)[0]
            code = next(w for w in ack["text"].split() if w.startswith("HD-")).strip(".,:;")
            assert code in card["text"]
            qid = int(code.rsplit("-", 1)[1])
            tg.push_update(U.callback(CITIZEN, CITIZEN, f"qa:c:{qid}:y", ack["message_id"]))
            tg.push_update(U.message(STAFF_CHAT, "Ông/bà mang tờ khai và bản sao CCCD đến Bộ phận một cửa.",
                                     from_id=STAFF_USER, reply_to=card["message_id"]))
            assert _wait(lambda: any("Bộ phận một cửa" in (m["text"] or "") for m in to(CITIZEN)))
            tg.push_update(U.callback(STAFF_CHAT, STAFF_USER, f"qa:s:public:{qid}", card["message_id"]))
            assert _wait(lambda: any("công khai" in (m["text"] or "") for m in to(STAFF_CHAT)[1:]))
        finally:
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(30) == 0, (tmp_path / "run.log").read_text()

    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    today = datetime.now(tz).date()
    monday = today + timedelta(days=(7 - today.weekday()) % 7 or 7)
    r = run_loa("run", "--once", "--now", f"{monday.isoformat()}T07:00", cwd=tmp_path, config=cfg)
    assert r.code == 0, r.err
    assert "Bản tin CCHC số" in r.out
    pages = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "site" / "bai-viet").glob("*.html"))
    assert "Dân hỏi" in pages and "giấy khai sinh" in pages and "Bộ phận một cửa" in pages
    for pii in ("Nguyễn Văn An", "0912 345 678", "001089012345", "số nhà 12"):
        assert pii not in pages, pii
    assert list((tmp_path / "radio").glob("*.txt")), "the column is read on the radio too"
