"""Zalo: webhook signatures (signed, unsigned, forged), the full flow through a real uvicorn
inside serve(), replies through the fake OA API, and the 48-hour window warning."""

from __future__ import annotations

import asyncio
import hashlib
import json
from datetime import timedelta

import requests
from sqlalchemy import select
from starlette.testclient import TestClient

from bot.qa_relay import relay_from_settings
from bot.qa_zalo import SIGNATURE_HEADER, make_zalo_app, zalo_signature
from content.qa_column import compose_column
from content.questions import Citizen, Question, QuestionEvent
from content.text import now_utc
from tests.fakes import telegram_updates as U
from tests.fakes.telegram_api import FakeBotAPI
from tests.fakes.zalo_api import FakeZaloAPI
from tests.qa_helpers import STAFF_CHAT, STAFF_USER, qa_settings, run_serving, wait

USER = "8417593125617700001"


def event(app_id: str, text: str, *, msg_id: str = "m1", name: str = "user_send_text", **extra) -> dict:  # noqa: ANN003
    return {"app_id": app_id, "event_name": name, "sender": {"id": USER}, "recipient": {"id": "OA-1"},
            "message": {"text": text, "msg_id": msg_id, **extra}, "timestamp": "1732000000000", "user_id_by_app": "x"}


def signed(app_id: str, body: dict, secret: str = "OA-SECRET") -> tuple[bytes, dict[str, str]]:
    raw = json.dumps(body, ensure_ascii=False).encode()
    return raw, {SIGNATURE_HEADER: zalo_signature(app_id, raw, body["timestamp"], secret),
                 "Content-Type": "application/json"}


def test_signature_formula_is_the_documented_one():
    raw = b'{"a":1}'
    expect = "mac=" + hashlib.sha256(b"123" + raw + b"1700" + b"key").hexdigest()
    assert zalo_signature("123", raw, "1700", "key") == expect


def test_webhook_refuses_missing_and_forged_signatures(tmp_path, db):  # noqa: ANN001
    with FakeZaloAPI() as zalo:
        settings = qa_settings(tmp_path, zalo=zalo)
        client = TestClient(make_zalo_app(settings, db, relay_from_settings(settings)))
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
        client = TestClient(make_zalo_app(settings, db, relay_from_settings(settings)))
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
    from bot.qa_service import Actor, QAService

    with FakeZaloAPI() as zalo:
        settings = qa_settings(tmp_path, zalo=zalo)
        client = TestClient(make_zalo_app(settings, db, relay_from_settings(settings)))
        raw, headers = signed(zalo.app_id, event(zalo.app_id, "Hỏi về lệ phí chứng thực?"))
        client.post("/zalo/webhook", content=raw, headers=headers)
        with db.session() as s:
            c = s.scalars(select(Citizen)).one()
            c.last_message_at = now_utc() - timedelta(hours=50)
        svc = QAService(settings, db, relay_from_settings(settings))
        reply = asyncio.run(svc.act(Actor("cli:test", trusted=True), "answer", 1, "Lệ phí 2.000 đồng/trang."))
        assert "quá 48 giờ" in reply
        assert "Lệ phí 2.000" in zalo.messages[-1]["text"]
        with db.session() as s:
            actions = [e.action for e in s.scalars(select(QuestionEvent))]
        assert "answered" in actions and "notified" in actions
