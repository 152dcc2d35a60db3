"""Zalo: webhook signatures (signed, unsigned, forged), the full flow through a real uvicorn
inside serve(), replies through the fake OA API, and the 48-hour window warning."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import timedelta

import requests
from sqlalchemy import select
from starlette.testclient import TestClient

from bot.qa.relay import relay_from_settings
from bot.qa.zalo import SIGNATURE_HEADER, make_zalo_app, zalo_signature
from content.qa.column import compose_column
from content.qa.models import Citizen, Question, QuestionEvent
from content.text import now_utc
from tests.fakes import telegram_updates as U
from tests.fakes.telegram_api import FakeBotAPI
from tests.fakes.zalo_api import FakeZaloAPI
from tests.qa_helpers import STAFF_CHAT, STAFF_USER, USER, event, qa_settings, run_serving, signed, wait

def test_signature_formula_is_the_documented_one():
    raw = b'{"a":1}'
    expect = "mac=" + hashlib.sha256(b"123" + raw + b"1700" + b"key").hexdigest()
    assert zalo_signature("123", raw, "1700", "key") == expect


def test_webhook_refuses_missing_and_forged_signatures(tmp_path, db):  # noqa: ANN001
    with FakeZaloAPI() as zalo:
        settings = qa_settings(tmp_path, zalo=zalo)
        client = TestClient(make_zalo_app(settings, db, relay_from_settings(settings, db)))
        body = event(zalo.app_id, "Xin hỏi thủ tục cấp đổi giấy phép lái xe?")
        raw, headers = signed(zalo.app_id, body)
        assert client.post("/zalo/webhook", content=raw, headers={"Content-Type": "application/json"}).status_code == 403
        forged = dict(headers, **{SIGNATURE_HEADER: zalo_signature(zalo.app_id, raw, body["timestamp"], "WRONG")})
        assert client.post("/zalo/webhook", content=raw, headers=forged).status_code == 403
        tampered = raw.replace("giấy phép".encode(), "giấy tờ".encode())
        assert client.post("/zalo/webhook", content=tampered, headers=headers).status_code == 403
        with db.session() as s:
            assert s.scalars(select(Question)).all() == []
        r = client.post("/zalo/webhook", content=raw, headers=headers)
        assert r.status_code == 200
        assert client.post("/zalo/webhook", content=raw, headers=headers).json().get("duplicate") is True
        with db.session() as s:
            q = s.scalars(select(Question)).one()
            assert q.channel == "zalo"
        assert zalo.messages[0]["user_id"] == USER and q.code in zalo.messages[0]["text"]
        assert "ĐỒNG Ý" in zalo.messages[0]["text"]


def test_zalo_other_events(tmp_path, db):  # noqa: ANN001
    with FakeZaloAPI() as zalo:
        settings = qa_settings(tmp_path, zalo=zalo)
        client = TestClient(make_zalo_app(settings, db, relay_from_settings(settings, db)))
        for body in (event(zalo.app_id, "", name="follow", msg_id="f1"),
                     event(zalo.app_id, "", name="user_send_image", msg_id="i1",
                           attachments=[{"type": "image", "payload": {"url": "https://zalo.example/1.jpg"}}]),
                     event(zalo.app_id, "Đường làng bị sạt lở thế này, xã xử lý không?", name="user_send_image",
                           msg_id="i2", attachments=[{"type": "image", "payload": {"url": "https://zalo.example/2.jpg"}}]),
                     event(zalo.app_id, "", name="user_send_sticker", msg_id="s1")):
            raw, headers = signed(zalo.app_id, body)
            assert client.post("/zalo/webhook", content=raw, headers=headers).status_code == 200
        texts = [m["text"] for m in zalo.messages]
        assert "Kính chào" in texts[0] and "viết câu hỏi bằng chữ" in texts[1]
        assert "HD-" in texts[2] and "chỉ nhận câu hỏi bằng chữ" in texts[3]


def test_full_flow_zalo_through_serve(tmp_path, db):  # noqa: ANN001
    with FakeBotAPI() as tg, FakeZaloAPI() as zalo:
        settings = qa_settings(tmp_path, tg=tg, zalo=zalo)

        async def body(info):  # noqa: ANN001, ANN202
            assert info.zalo_url and info.telegram
            text = ("Tôi là Trần Thị Bình, ở 45/12 đường Lê Lợi, điện thoại 0987.654.321. "
                    "Xin hỏi hồ sơ đăng ký thường trú nộp ở đâu?")
            raw, headers = signed(zalo.app_id, event(zalo.app_id, text, msg_id="z1"))
            r = await asyncio.to_thread(requests.post, info.zalo_url, data=raw, headers=headers, timeout=5)
            assert r.status_code == 200
            await wait(zalo, lambda: len(zalo.messages) >= 1)
            await wait(tg, lambda: len(tg.sent) >= 1)
            card = tg.sent[0]
            assert card["chat_id"] == str(STAFF_CHAT) and "Zalo" in card["text"]
            with db.session() as s:
                code = s.scalars(select(Question)).one().code
            raw, headers = signed(zalo.app_id, event(zalo.app_id, f"Đồng ý {code}", msg_id="z2"))
            r = await asyncio.to_thread(requests.post, info.zalo_url, data=raw, headers=headers, timeout=5)
            await wait(zalo, lambda: len(zalo.messages) >= 2)
            tg.push_update(U.message(STAFF_CHAT, "Kính gửi bà Bình, hồ sơ nộp tại Bộ phận một cửa xã.",
                                     from_id=STAFF_USER, reply_to=card["message_id"]))
            await wait(zalo, lambda: len(zalo.messages) >= 3)
            tg.push_update(U.callback(STAFF_CHAT, STAFF_USER, f"qa:s:public:{1}", card["message_id"]))
            await wait(tg, lambda: any("Đã đánh dấu công khai" in (m["text"] or "") for m in tg.sent))
            return code
        code = run_serving(settings, db, body)
    assert "đồng ý đăng công khai" in zalo.messages[1]["text"]
    assert "Bộ phận một cửa" in zalo.messages[2]["text"] and zalo.messages[2]["user_id"] == USER
    assert any("Đã báo cho người hỏi qua Zalo" in (m["text"] or "") for m in tg.sent)
    with db.session() as s:
        q = s.scalars(select(Question)).one()
        assert q.consent is True and q.public and q.state == "answered"
        new = compose_column(s, settings, q.received_at.date(), now_utc())
    assert code in new.body
    for pii in ("Trần Thị Bình", "0987.654.321", "45/12", "Lê Lợi", "bà Bình", USER):
        assert pii not in new.body, pii


def test_answer_outside_48_hours_warns_staff(tmp_path, db):  # noqa: ANN001
    from bot.qa.service import Actor, QAService

    with FakeZaloAPI() as zalo:
        settings = qa_settings(tmp_path, zalo=zalo)
        client = TestClient(make_zalo_app(settings, db, relay_from_settings(settings, db)))
        raw, headers = signed(zalo.app_id, event(zalo.app_id, "Hỏi về lệ phí chứng thực?"))
        client.post("/zalo/webhook", content=raw, headers=headers)
        with db.session() as s:
            c = s.scalars(select(Citizen)).one()
            c.last_message_at = now_utc() - timedelta(hours=50)
        svc = QAService(settings, db, relay_from_settings(settings, db))
        reply = asyncio.run(svc.act(Actor("cli:test", trusted=True), "answer", 1, "Lệ phí 2.000 đồng/trang."))
        assert "quá 48 giờ" in reply
        assert "Lệ phí 2.000" in zalo.messages[-1]["text"]
        with db.session() as s:
            actions = [e.action for e in s.scalars(select(QuestionEvent))]
        assert "answered" in actions and "notified" in actions


def _ask_by_webhook(settings, db, zalo, text="Xin hỏi lệ phí cấp bản sao trích lục?"):  # noqa: ANN001, ANN202
    client = TestClient(make_zalo_app(settings, db, relay_from_settings(settings, db)))
    raw, headers = signed(zalo.app_id, event(zalo.app_id, text))
    assert client.post("/zalo/webhook", content=raw, headers=headers).status_code == 200
    with db.session() as s:
        return s.scalars(select(Question)).one().code


def test_reply_renews_an_expired_token_and_stores_the_pair_for_the_publisher(tmp_path, db):  # noqa: ANN001
    from bot.qa.service import Actor, QAService
    from channels.registry import build_channels
    from channels.state import StateStore

    with FakeZaloAPI() as zalo:
        settings = qa_settings(tmp_path, zalo=zalo)
        code = _ask_by_webhook(settings, db, zalo)
        assert zalo.calls[-1]["access_token"] == "AT-1"
        zalo.expire_access()                          # hours later the environment's token is dead
        svc = QAService(settings, db, relay_from_settings(settings, db))
        reply = asyncio.run(svc.act(Actor("cli:test", trusted=True), "answer", code, "Lệ phí 8.000 đồng/bản."))
        assert "Đã báo cho người hỏi qua Zalo" in reply
        assert zalo.messages[-1]["text"].count("8.000") == 1 and zalo.calls[-1]["access_token"] == "AT-2"
        assert StateStore(db).get("zalo", "refresh_token") == "RT-2"
        # The publisher's adapter, built from the same database, uses the renewed pair.
        channel = build_channels(settings, StateStore(db))["zalo"]
        assert channel.tokens() == ("AT-2", "RT-2")
    assert len(zalo.refresh_calls) == 1


def test_reply_retries_a_temporary_failure_and_reports_a_refusal(tmp_path, db):  # noqa: ANN001
    from bot.qa.service import Actor, QAService

    with FakeZaloAPI() as zalo:
        settings = qa_settings(tmp_path, zalo=zalo)
        code = _ask_by_webhook(settings, db, zalo)
        svc = QAService(settings, db, relay_from_settings(settings, db))
        sent = len(zalo.messages)
        zalo.blocked_users.add(USER)                  # the citizen unfollowed the OA
        reply = asyncio.run(svc.act(Actor("cli:test", trusted=True), "assign", code, "Phòng Tư pháp"))
        assert "Chưa gửi được cho người hỏi" in reply and "-213" in reply and "chưa quan tâm" in reply
        assert len(zalo.messages) == sent
        zalo.blocked_users.clear()                    # followed again; the API stumbles once
        zalo.fail_next(status=502, path="/v3.0/oa/message/cs")
        reply = asyncio.run(svc.act(Actor("cli:test", trusted=True), "answer", code, "Lệ phí 8.000 đồng/bản."))
        assert "Đã báo cho người hỏi qua Zalo" in reply and "8.000" in zalo.messages[-1]["text"]
        assert len(zalo.messages) == sent + 1
    with db.session() as s:
        notes = [e.detail for e in s.scalars(select(QuestionEvent).where(QuestionEvent.action == "notified"))]
    assert notes[-2:] == ["assign: failed", "answer: sent"]


def test_any_later_message_reopens_the_48_hour_window(tmp_path, db):  # noqa: ANN001
    """A consent reply, a sticker or a refused question are messages too: after one, an answer
    is inside Zalo's free window again and staff get no warning."""
    from bot.qa.service import Actor, QAService

    with FakeZaloAPI() as zalo:
        settings = qa_settings(tmp_path, zalo=zalo, qa={"rate_per_hour": 1})
        client = TestClient(make_zalo_app(settings, db, relay_from_settings(settings, db)))
        code = _ask_by_webhook(settings, db, zalo)
        svc = QAService(settings, db, relay_from_settings(settings, db))
        for n, (name, text) in enumerate([("user_send_text", "Hỏi thêm: lệ phí bao nhiêu?"),   # over the rate
                                          ("user_send_sticker", ""), ("user_send_text", f"Đồng ý {code}")]):
            with db.session() as s:
                s.scalars(select(Citizen)).one().last_message_at = now_utc() - timedelta(hours=50)
            raw, headers = signed(zalo.app_id, event(zalo.app_id, text, msg_id=f"later-{n}", name=name))
            assert client.post("/zalo/webhook", content=raw, headers=headers).status_code == 200
            with db.session() as s:
                left = now_utc() - s.scalars(select(Citizen)).one().last_message_at
            assert left < timedelta(minutes=1), name
        reply = asyncio.run(svc.act(Actor("cli:test", trusted=True), "answer", code, "Lệ phí 8.000 đồng/bản."))
    assert "quá 48 giờ" not in reply and "Đã báo cho người hỏi qua Zalo" in reply
    assert "tối đa 1 câu hỏi" in zalo.messages[1]["text"]
