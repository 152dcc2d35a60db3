"""End to end on Telegram: serve() polls the fake Bot API; citizens and staff talk to it."""

from __future__ import annotations

from sqlalchemy import select

from content.items import create_item
from content.qa_column import compose_column
from content.questions import Attachment, Question, QuestionEvent
from content.text import now_utc
from tests.fakes import telegram_updates as U
from tests.fakes.telegram_api import FakeBotAPI
from tests.qa_helpers import STAFF_CHAT, STAFF_USER, STRANGER, qa_settings, run_serving, wait

CITIZEN = 5001
QUESTION = ("Tôi là Nguyễn Văn An, số nhà 12 ngõ 34 phố Trần Phú, SĐT 0912 345 678, CCCD 001089012345, "
            "email an.nv@gmail.com. Xin hỏi làm lại giấy khai sinh cho con cần giấy tờ gì?")


def _to(tg, chat):  # noqa: ANN001, ANN202
    return [m for m in tg.sent if m["chat_id"] == str(chat)]


def test_full_flow_telegram(tmp_path, db):  # noqa: ANN001
    with FakeBotAPI() as tg:
        settings = qa_settings(tmp_path, tg=tg)

        async def body(info):  # noqa: ANN001, ANN202
            assert info.telegram
            tg.push_update(U.message(CITIZEN, "/start"))
            await wait(tg, lambda: len(_to(tg, CITIZEN)) >= 1)
            greeting = _to(tg, CITIZEN)[0]["text"]
            assert "Dân hỏi – Chính quyền trả lời" in greeting and "0221 3 946 101" in greeting

            tg.push_update(U.message(CITIZEN, QUESTION))
            await wait(tg, lambda: len(_to(tg, STAFF_CHAT)) >= 1 and len(_to(tg, CITIZEN)) >= 2)
            with db.session() as s:
                q = s.scalars(select(Question)).one()
                qid, code = q.id, q.code
            ack = _to(tg, CITIZEN)[1]["text"]
            assert code in ack and q.due_on.strftime("%d/%m/%Y") in ack
            card = _to(tg, STAFF_CHAT)[0]
            assert code in card["text"] and card["parse_mode"] == "HTML"
            assert "0912 345 678" in card["text"]            # staff see the question as written

            # the citizen agrees to publication
            tg.push_update(U.callback(CITIZEN, CITIZEN, f"qa:c:{qid}:y", 2))
            await wait(tg, lambda: any("đồng ý đăng công khai" in (m["text"] or "") for m in _to(tg, CITIZEN)))

            # someone outside staff_user_ids replies to the card: refused and logged
            tg.push_update(U.message(STAFF_CHAT, "Tôi trả lời bừa", from_id=STRANGER, reply_to=card["message_id"]))
            await wait(tg, lambda: any("không có quyền" in (m["text"] or "") for m in _to(tg, STAFF_CHAT)))

            # a staff member replies to the card: the answer goes to the citizen
            tg.push_update(U.message(STAFF_CHAT, "Kính gửi ông An, ông mang bản sao CCCD và tờ khai đến Bộ phận một cửa.",
                                     from_id=STAFF_USER, reply_to=card["message_id"]))
            await wait(tg, lambda: any("trả lời câu hỏi" in (m["text"] or "") for m in _to(tg, CITIZEN)))
            # staff mark it public (button)
            tg.push_update(U.callback(STAFF_CHAT, STAFF_USER, f"qa:s:public:{qid}", card["message_id"]))
            await wait(tg, lambda: any("Đã đánh dấu công khai" in (m["text"] or "") for m in _to(tg, STAFF_CHAT)))
            return qid, code

        qid, code = run_serving(settings, db, body)
    answer_msg = [m for m in tg.sent if m["chat_id"] == str(CITIZEN) and "trả lời câu hỏi" in (m["text"] or "")][0]
    assert "Bộ phận một cửa" in answer_msg["text"] and answer_msg["parse_mode"] is None
    with db.session() as s:
        q = s.get(Question, qid)
        assert q.state == "answered" and q.consent is True and q.public is True
        assert q.answered_by.startswith(f"telegram:{STAFF_USER}")
        events = [(e.action, e.actor) for e in s.scalars(select(QuestionEvent).order_by(QuestionEvent.id))]
        assert ("refused", f"telegram:{STRANGER} (Người Dân)") in events
        assert [a for a, _ in events].count("answered") == 1
        new = compose_column(s, settings, q.received_at.date(), now_utc())
        assert new is not None and code in new.body
        for pii in ("Nguyễn Văn An", "0912 345 678", "001089012345", "an.nv@gmail.com", "số nhà 12", "ông An",
                    str(CITIZEN)):
            assert pii not in new.body, pii
        assert "giấy khai sinh" in new.body and "Bộ phận một cửa" in new.body
        item = create_item(s, new, now=now_utc(), require_approval=False)
        assert item.channels == ["portal", "radio"]


def test_attachments_limits_and_out_of_scope(tmp_path, db):  # noqa: ANN001
    with FakeBotAPI() as tg:
        settings = qa_settings(tmp_path, tg=tg, qa={"rate_per_hour": 2})

        async def body(info):  # noqa: ANN001, ANN202
            tg.push_update(U.photo(CITIZEN, "Biển báo ở ngã ba bị đổ, xã có sửa không?", file_id="PH-9"))
            tg.push_update(U.document(CITIZEN, None))                     # no caption: ask for text
            tg.push_update(U.sticker(CITIZEN))
            tg.push_update(U.message(CITIZEN, "Tôi muốn khiếu nại cán bộ địa chính"))
            tg.push_update(U.message(CITIZEN, "x" * 4001))
            tg.push_update(U.message(CITIZEN, "Câu hỏi thứ hai về hộ tịch?"))
            tg.push_update(U.message(CITIZEN, "Câu hỏi thứ ba về đất đai?"))   # over 2/hour
            await wait(tg, lambda: len(_to(tg, CITIZEN)) >= 7, 15)
        run_serving(settings, db, body)
    texts = "\n".join(m["text"] or "" for m in _to(tg, CITIZEN))
    assert "viết câu hỏi bằng chữ" in texts          # document without caption
    assert "chỉ nhận câu hỏi bằng chữ" in texts       # sticker
    assert "khiếu nại, tố cáo" in texts and "0221 3 946 101" in texts
    assert "dài quá 4000 ký tự" in texts
    assert "tối đa 2 câu hỏi trong một giờ" in texts
    photos = [m for m in tg.sent if m["method"] == "sendPhoto"]
    assert photos and photos[0]["chat_id"] == str(STAFF_CHAT) and photos[0]["photo"]["file_id"] == "PH-9"
    with db.session() as s:
        assert len(s.scalars(select(Question)).all()) == 2
        att = s.scalars(select(Attachment)).one()
        assert (att.kind, att.file_id) == ("photo", "PH-9")


def test_status_only_for_the_asker_and_prompts(tmp_path, db):  # noqa: ANN001
    with FakeBotAPI() as tg:
        settings = qa_settings(tmp_path, tg=tg)

        async def body(info):  # noqa: ANN001, ANN202
            tg.push_update(U.message(CITIZEN, "Thủ tục đăng ký kết hôn cần gì?"))
            await wait(tg, lambda: len(_to(tg, STAFF_CHAT)) >= 1)
            with db.session() as s:
                q = s.scalars(select(Question)).one()
            tg.push_update(U.message(CITIZEN, f"/trangthai {q.code}"))
            tg.push_update(U.message(7777, f"/status {q.code}"))
            await wait(tg, lambda: len(_to(tg, 7777)) >= 1 and len(_to(tg, CITIZEN)) >= 2)
            card = _to(tg, STAFF_CHAT)[0]
            tg.push_update(U.callback(STAFF_CHAT, STAFF_USER, f"qa:s:assign:{q.id}", card["message_id"]))
            await wait(tg, lambda: any("tên đơn vị" in (m["text"] or "") for m in _to(tg, STAFF_CHAT)))
            prompt = [m for m in _to(tg, STAFF_CHAT) if "tên đơn vị" in (m["text"] or "")][0]
            tg.push_update(U.message(STAFF_CHAT, "Công chức Tư pháp – Hộ tịch", from_id=STAFF_USER,
                                     reply_to=prompt["message_id"]))
            await wait(tg, lambda: any("đã được chuyển đến" in (m["text"] or "") for m in _to(tg, CITIZEN)))
            tg.push_update(U.callback(STAFF_CHAT, STAFF_USER, f"qa:s:reject:{q.id}", card["message_id"]))
            await wait(tg, lambda: any("lý do từ chối" in (m["text"] or "") for m in _to(tg, STAFF_CHAT)))
            prompt = [m for m in _to(tg, STAFF_CHAT) if "lý do từ chối" in (m["text"] or "")][0]
            tg.push_update(U.message(STAFF_CHAT, "Câu hỏi trùng với câu đã trả lời", from_id=STAFF_USER,
                                     reply_to=prompt["message_id"]))
            await wait(tg, lambda: any("không được tiếp nhận" in (m["text"] or "") for m in _to(tg, CITIZEN)))
            return q.code
        code = run_serving(settings, db, body)
    assert "đã tiếp nhận" in _to(tg, CITIZEN)[1]["text"]
    assert "Không tìm thấy" in _to(tg, 7777)[0]["text"] and code in _to(tg, 7777)[0]["text"]
    with db.session() as s:
        q = s.scalars(select(Question)).one()
        assert q.state == "rejected" and q.unit == "Công chức Tư pháp – Hộ tịch"
