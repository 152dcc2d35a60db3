"""No replay: a Telegram update or a Zalo event delivered again makes nothing twice, also after
a restart; Zalo events outside the time horizon, oversized, malformed or for another app are
refused with the right status and a rate-limited warning."""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from bot.qa.relay import relay_from_settings
from bot.qa.zalo import SIGNATURE_HEADER, make_zalo_app, zalo_signature
from content.qa import replay
from content.qa.models import Question, SeenDelivery
from tests.fakes import telegram_updates as U
from tests.fakes.telegram_api import FakeBotAPI
from tests.fakes.zalo_api import FakeZaloAPI
from tests.qa_helpers import STAFF_CHAT, USER, event, qa_settings, run_serving, signed, wait

CITIZEN = 5001


def _questions(db) -> int:  # noqa: ANN001
    with db.session() as s:
        return s.scalar(select(func.count(Question.id)))


def test_the_same_update_twice_and_after_a_restart_makes_one_question(tmp_path, db):  # noqa: ANN001
    with FakeBotAPI() as tg:
        settings = qa_settings(tmp_path, tg=tg)
        tg.push_update({**U.message(CITIZEN, "Xin hỏi thủ tục cấp đổi căn cước?"), "update_id": 500})

        async def first(info):  # noqa: ANN001, ANN202
            await wait(tg, lambda: any(m["chat_id"] == str(STAFF_CHAT) for m in tg.sent))
            tg.redeliver(500)                               # Telegram delivers it again
            await wait(tg, lambda: sum(c["method"] == "getUpdates" for c in tg.calls) >= 4)
        run_serving(settings, db, first)
        tg.redeliver(500)                                   # … and again to the next process
        before = sum(c["method"] == "getUpdates" for c in tg.calls)

        async def second(info):  # noqa: ANN001, ANN202
            await wait(tg, lambda: sum(c["method"] == "getUpdates" for c in tg.calls) >= before + 3)
        run_serving(settings, db, second)
    assert tg.deliveries[500] == 3
    assert _questions(db) == 1
    assert len([m for m in tg.sent if m["chat_id"] == str(CITIZEN)]) == 1          # one acknowledgement
    assert len([m for m in tg.sent if m["chat_id"] == str(STAFF_CHAT)]) == 1       # one card
    with db.session() as s:
        assert s.get(SeenDelivery, ("telegram:123456", "500")) is not None


def _client(settings, db):  # noqa: ANN001, ANN202
    return TestClient(make_zalo_app(settings, db, relay_from_settings(settings, db)))


def test_a_zalo_event_replayed_after_a_restart_makes_one_question(tmp_path, db):  # noqa: ANN001
    with FakeZaloAPI() as zalo:
        settings = qa_settings(tmp_path, zalo=zalo)
        raw, headers = signed(zalo.app_id, event(zalo.app_id, "Hỏi lệ phí đăng ký kết hôn?", msg_id="zm-1"))
        assert _client(settings, db).post("/zalo/webhook", content=raw, headers=headers).status_code == 200
        # a new process: nothing in memory, the database remembers
        r = _client(settings, db).post("/zalo/webhook", content=raw, headers=headers)
        assert r.status_code == 200 and r.json().get("duplicate") is True
    assert _questions(db) == 1 and len(zalo.messages) == 1


@pytest.mark.parametrize("stamp, status", [
    ("978307200000", 400),                       # 2001
    ("4102444800000", 400),                      # 2100
    (None, 400),                                 # none
    ("abc", 400),
    ("ten minutes ahead", 400),
    ("23 hours ago", 200),
])
def test_zalo_timestamps_outside_the_horizon_are_refused(tmp_path, db, stamp, status):  # noqa: ANN001
    now = time.time()
    stamp = {"ten minutes ahead": str(int((now + 600) * 1000)),
             "23 hours ago": str(int((now - 23 * 3600) * 1000))}.get(stamp, stamp)
    with FakeZaloAPI() as zalo:
        settings = qa_settings(tmp_path, zalo=zalo)
        body = event(zalo.app_id, "Hỏi về hộ tịch?")
        if stamp is None:
            del body["timestamp"]
        else:
            body["timestamp"] = stamp
        raw = json.dumps(body).encode()
        headers = {SIGNATURE_HEADER: zalo_signature(zalo.app_id, raw, stamp or "", "OA-SECRET")}
        r = _client(settings, db).post("/zalo/webhook", content=raw, headers=headers)
    assert r.status_code == status, r.text
    assert _questions(db) == (1 if status == 200 else 0)


def test_horizon_constants_cover_both_platforms():
    assert replay.KEEP >= replay.TELEGRAM_REDELIVERY
    assert replay.KEEP >= replay.ZALO_MAX_AGE + replay.ZALO_MAX_AHEAD
    assert replay.ZALO_MAX_AGE >= replay.ZALO_RETRY_HORIZON
    now = datetime(2026, 12, 1, tzinfo=timezone.utc)
    ms = lambda dt: str(int(dt.timestamp() * 1000))  # noqa: E731
    assert replay.zalo_time_problem(ms(now - timedelta(hours=13)), now) is None
    assert replay.zalo_time_problem(ms(now - timedelta(hours=25)), now) == "too_old"
    assert replay.zalo_time_problem(ms(now + timedelta(minutes=4)), now) is None
    assert replay.zalo_time_problem(ms(now + timedelta(minutes=6)), now) == "future"
    assert replay.zalo_time_problem(True, now) == "missing"


def test_old_deliveries_are_pruned_after_the_horizon(db):  # noqa: ANN001
    now = datetime(2026, 12, 10, tzinfo=timezone.utc)
    with db.session() as s:
        assert replay.claim(s, "zalo:1", "old", now - timedelta(hours=49))
        assert replay.claim(s, "zalo:1", "new", now - timedelta(hours=47))
        assert not replay.claim(s, "zalo:1", "new", now)
        assert replay.prune(s, now) == 1
    with db.session() as s:
        assert [r.key for r in s.scalars(select(SeenDelivery))] == ["new"]


def test_oversized_bodies_are_refused_before_being_read(tmp_path, db):  # noqa: ANN001
    with FakeZaloAPI() as zalo:
        settings = qa_settings(tmp_path, zalo=zalo)
        client = _client(settings, db)
        big = b"x" * (20 * 1024 * 1024)
        assert client.post("/zalo/webhook", content=big).status_code == 413
        streamed = (b"y" * 65536 for _ in range(40))          # chunked: no Content-Length
        assert client.post("/zalo/webhook", content=streamed).status_code == 413
        assert client.post("/zalo/webhook", content=b"{}", headers={"Content-Length": "abc"}).status_code in (400, 413)


@pytest.mark.parametrize("change", [
    lambda b: b.update(sender="8417593125617700001"),              # a string where an object goes
    lambda b: b["message"].update(msg_id={"x": 1}),                 # an id that is an object
    lambda b: b["message"].update(text=["a"]),
    lambda b: b.update(event_name=5),
    lambda b: b["sender"].update(id=[1, 2]),
    lambda b: b["message"].update(attachments="abc"),
])
def test_malformed_fields_get_400_not_500(tmp_path, db, change):  # noqa: ANN001
    with FakeZaloAPI() as zalo:
        settings = qa_settings(tmp_path, zalo=zalo)
        body = event(zalo.app_id, "Hỏi?")
        change(body)
        raw, headers = signed(zalo.app_id, body)
        r = _client(settings, db).post("/zalo/webhook", content=raw, headers=headers)
    assert r.status_code == 400 and r.json() == {"error": "invalid event"}


def test_an_event_for_another_app_is_refused(tmp_path, db):  # noqa: ANN001
    with FakeZaloAPI() as zalo:
        settings = qa_settings(tmp_path, zalo=zalo)
        body = event("999", "Hỏi?")
        raw = json.dumps(body).encode()
        # signed with our key and app id, but the body names another app
        headers = {SIGNATURE_HEADER: zalo_signature(zalo.app_id, raw, body["timestamp"], "OA-SECRET")}
        r = _client(settings, db).post("/zalo/webhook", content=raw, headers=headers)
    assert r.status_code == 403 and r.json() == {"error": "wrong app_id"}
    assert _questions(db) == 0


def test_refusals_are_logged_once_a_minute(tmp_path, db, caplog):  # noqa: ANN001
    with FakeZaloAPI() as zalo:
        settings = qa_settings(tmp_path, zalo=zalo)
        clock = [0.0]
        client = TestClient(make_zalo_app(settings, db, relay_from_settings(settings, db),
                                          monotonic=lambda: clock[0]))
        raw, _ = signed(zalo.app_id, event(zalo.app_id, "Hỏi?"))
        with caplog.at_level(logging.WARNING, logger="loa.qa.zalo"):
            for _ in range(50):
                assert client.post("/zalo/webhook", content=raw).status_code == 403
            clock[0] = 61.0
            client.post("/zalo/webhook", content=raw)
    lines = [r.getMessage() for r in caplog.records if "refused a request" in r.getMessage()]
    assert len(lines) == 2 and "49 more" in lines[1]
    assert USER not in "".join(lines) and "Hỏi" not in "".join(lines)
