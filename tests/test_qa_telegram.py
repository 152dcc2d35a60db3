"""End to end on Telegram: serve() polls the fake Bot API; citizens and staff talk to it."""

from __future__ import annotations

from sqlalchemy import select

from content.items.workflow import create_item
from content.qa.column import compose_column
from content.qa.models import Attachment, Question, QuestionEvent
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


def test_a_burst_within_telegram_limits_loses_no_reply(tmp_path, db):  # noqa: ANN001
    """The fake enforces Telegram's limits (1/s per chat, 20/min per group, 30/s in all).
    Citizens writing at once are all acknowledged, the cards follow at the staff chat's pace,
    and Telegram never has to refuse a message."""
    citizens = [7000 + i for i in range(12)]
    with FakeBotAPI(enforce_limits=True) as tg:
        settings = qa_settings(tmp_path, tg=tg)

        async def body(info):  # noqa: ANN001, ANN202
            for i, chat in enumerate(citizens):
                tg.push_update(U.message(chat, f"Câu hỏi số {i}: thủ tục cấp đổi căn cước?"))
            tg.push_update(U.message(citizens[0], "Câu hỏi thêm: lệ phí bao nhiêu?"))
            await wait(tg, lambda: sum(len(_to(tg, c)) for c in citizens) >= len(citizens) + 1, timeout=20)
            await wait(tg, lambda: len(_to(tg, STAFF_CHAT)) >= len(citizens) + 1, timeout=30)
        run_serving(settings, db, body)
    assert tg.count_429 == 0
    assert all("HD-" in (m["text"] or "") for c in citizens for m in _to(tg, c))
    with db.session() as s:
        codes = [q.code for q in s.scalars(select(Question).order_by(Question.received_at, Question.id))]
    cards = [m["text"] for m in _to(tg, STAFF_CHAT)]
    carded = [next(c for c in codes if c in text) for text in cards]
    assert sorted(carded) == sorted(codes)                             # every question, each once
    first_two = [m["at"] for m in _to(tg, citizens[0])]
    assert first_two[1] - first_two[0] >= 0.9                          # one chat: at most 1 message/s


def test_a_card_the_staff_chat_refused_is_posted_later(tmp_path, db):  # noqa: ANN001
    with FakeBotAPI() as tg:
        settings = qa_settings(tmp_path, tg=tg, qa={"card_retry_seconds": 0.5})

        async def body(info):  # noqa: ANN001, ANN202
            tg.fail_next(2, status=502, description="Bad Gateway", chat_id=str(STAFF_CHAT))
            tg.push_update(U.message(CITIZEN, "Xin hỏi thủ tục đăng ký kết hôn?"))
            await wait(tg, lambda: len(_to(tg, CITIZEN)) >= 1)
            await wait(tg, lambda: len(_to(tg, STAFF_CHAT)) >= 1, timeout=15)
            card = _to(tg, STAFF_CHAT)[0]
            tg.push_update(U.message(STAFF_CHAT, "Mời anh/chị đến UBND xã vào giờ hành chính.",
                                     from_id=STAFF_USER, reply_to=card["message_id"]))
            await wait(tg, lambda: any("giờ hành chính" in (m["text"] or "") for m in _to(tg, CITIZEN)))
            return card
        card = run_serving(settings, db, body)
    assert "HD-" in card["text"] and len(_to(tg, STAFF_CHAT)) >= 2
    assert sum(1 for m in _to(tg, STAFF_CHAT) if "kết hôn" in (m["text"] or "")) == 1     # one card, not two


def _erase(db, code):  # noqa: ANN001, ANN202
    """What `loa qa erase` (or the retention purge) does to the database, from another process."""
    from content.qa import workflow as qa

    with db.session() as s:
        qa.erase(s, qa.get(s, code), by="cli:test", now=now_utc())


def test_erasure_reaches_the_staff_chat(tmp_path, db):  # noqa: ANN001
    """After erasure the card no longer shows the citizen's words, the forwarded photo is deleted,
    and a reply to the old card does not reach anybody."""
    with FakeBotAPI() as tg:
        settings = qa_settings(tmp_path, tg=tg, qa={"card_retry_seconds": 0.3})

        async def body(info):  # noqa: ANN001, ANN202
            tg.push_update(U.photo(CITIZEN, QUESTION, file_id="CCCD-PHOTO"))
            await wait(tg, lambda: len(_to(tg, STAFF_CHAT)) >= 2)
            card, photo = _to(tg, STAFF_CHAT)[:2]
            with db.session() as s:
                code = s.scalars(select(Question)).one().code
            _erase(db, code)
            await wait(tg, lambda: card.get("edited") and photo.get("deleted"))
            tg.push_update(U.message(STAFF_CHAT, "Trả lời muộn", from_id=STAFF_USER, reply_to=card["message_id"]))
            await wait(tg, lambda: any("đã xóa dữ liệu cá nhân" in (m["text"] or "") for m in _to(tg, STAFF_CHAT)[2:]))
            return card, code
        card, code = run_serving(settings, db, body)
    assert code in card["text"] and "đã xóa nội dung" in card["text"]
    for pii in ("Nguyễn Văn An", "0912 345 678", "001089012345", "an.nv@gmail.com", "số nhà 12"):
        assert pii not in card["text"], pii
    assert "giấy khai sinh" not in card["text"]              # erasure takes the question's words too
    assert not any("Trả lời muộn" in (m["text"] or "") for m in _to(tg, CITIZEN))
    from content.qa.models import StaffMessage
    with db.session() as s:
        assert {m.purpose for m in s.scalars(select(StaffMessage))} == {"cleaned"}   # nothing left to clean


def test_erasure_asks_staff_to_remove_an_old_photo_by_hand(tmp_path, db):  # noqa: ANN001
    with FakeBotAPI() as tg:
        settings = qa_settings(tmp_path, tg=tg, qa={"card_retry_seconds": 0.3})

        async def body(info):  # noqa: ANN001, ANN202
            tg.push_update(U.photo(CITIZEN, "Xin hỏi giấy tờ này còn hạn không?", file_id="OLD-PHOTO"))
            await wait(tg, lambda: len(_to(tg, STAFF_CHAT)) >= 2)
            tg.delete_window = 0.0                          # as if the photo were sent days ago
            with db.session() as s:
                code = s.scalars(select(Question)).one().code
            _erase(db, code)
            await wait(tg, lambda: any("xóa tay" in (m["text"] or "") for m in _to(tg, STAFF_CHAT)))
            return code
        code = run_serving(settings, db, body)
    note = next(m["text"] for m in _to(tg, STAFF_CHAT) if "xóa tay" in (m["text"] or ""))
    assert code in note and tg.deleted == []
    assert sum("xóa tay" in (m["text"] or "") for m in _to(tg, STAFF_CHAT)) == 1    # said once


def test_a_429_is_waited_out_and_the_reply_sent_again(tmp_path, db):  # noqa: ANN001
    with FakeBotAPI() as tg:
        settings = qa_settings(tmp_path, tg=tg)

        async def body(info):  # noqa: ANN001, ANN202
            tg.fail_next(status=429, retry_after=1, chat_id=str(CITIZEN))
            tg.push_update(U.message(CITIZEN, "Xin hỏi giờ làm việc của bộ phận một cửa?"))
            await wait(tg, lambda: len(_to(tg, CITIZEN)) >= 1)
        run_serving(settings, db, body)
    refused = [c for c in tg.calls if c.get("status") == 429]
    assert len(refused) == 1 and "HD-" in _to(tg, CITIZEN)[0]["text"]
    assert _to(tg, CITIZEN)[0]["at"] - refused[0]["at"] >= 1.0 - 0.05     # waited what Telegram asked
