"""Staff and citizens: an answer already sent can be added to ("Bổ sung") or corrected, each
marked as such for the citizen; /help and unknown commands get a short Vietnamese reply; a
forwarded message's card names its origin; emoji-only questions are asked to be written out;
a consent button of someone else's question is refused plainly; `loa qa show` keeps the
placeholders with Vietnamese field names."""

from __future__ import annotations

import time

from sqlalchemy import select

from content.qa.models import Question
from tests.fakes import telegram_updates as U
from tests.fakes.telegram_api import FakeBotAPI
from tests.qa_helpers import STAFF_CHAT, STAFF_USER, qa_settings, run_serving, wait

CITIZEN, OTHER = 5001, 5002


def _to(tg, chat):  # noqa: ANN001, ANN202
    return [m for m in tg.sent if m["chat_id"] == str(chat)]


def _texts(tg, chat) -> str:  # noqa: ANN001
    return "\n".join(m["text"] or "" for m in _to(tg, chat))


def test_add_to_and_correct_an_answer_already_sent(tmp_path, db):  # noqa: ANN001
    with FakeBotAPI() as tg:
        settings = qa_settings(tmp_path, tg=tg)

        async def body(info):  # noqa: ANN001, ANN202
            tg.push_update(U.message(CITIZEN, "Thủ tục đăng ký kết hôn cần giấy tờ gì?"))
            await wait(tg, lambda: len(_to(tg, STAFF_CHAT)) >= 1)
            card = _to(tg, STAFF_CHAT)[0]
            reply = lambda text: tg.push_update(U.message(STAFF_CHAT, text, from_id=STAFF_USER,  # noqa: E731
                                                          reply_to=card["message_id"]))
            reply("Mang CCCD của hai bên đến UBND xã.")
            await wait(tg, lambda: "trả lời câu hỏi" in _texts(tg, CITIZEN))
            reply("Nhớ mang cả giấy xác nhận tình trạng hôn nhân.")            # no prefix: staff told how
            await wait(tg, lambda: "đã được trả lời, tin này chưa gửi" in _texts(tg, STAFF_CHAT))
            reply("Bổ sung: mang cả giấy xác nhận tình trạng hôn nhân.")
            await wait(tg, lambda: "BỔ SUNG" in _texts(tg, CITIZEN))
            reply("Đính chính: Mang CCCD và giấy xác nhận tình trạng hôn nhân đến UBND xã nơi cư trú.")
            await wait(tg, lambda: "ĐÍNH CHÍNH" in _texts(tg, CITIZEN))
            # the "Bổ sung" button asks for the text by a prompt, routed by the database
            with db.session() as s:
                qid = s.scalars(select(Question)).one().id
            tg.push_update(U.callback(STAFF_CHAT, STAFF_USER, f"qa:s:amend:{qid}", card["message_id"]))
            await wait(tg, lambda: "nội dung bổ sung" in _texts(tg, STAFF_CHAT))
            prompt = [m for m in _to(tg, STAFF_CHAT) if "nội dung bổ sung" in (m["text"] or "")][-1]
            tg.push_update(U.message(STAFF_CHAT, "Lệ phí: miễn.", from_id=STAFF_USER, reply_to=prompt["message_id"]))
            await wait(tg, lambda: _texts(tg, CITIZEN).count("BỔ SUNG") >= 2)
        run_serving(settings, db, body)
    citizen = _to(tg, CITIZEN)
    assert "Nhớ mang cả giấy" not in _texts(tg, CITIZEN)                   # nothing sent twice or unasked
    added = [m["text"] for m in citizen if "BỔ SUNG" in m["text"]]
    assert "giấy xác nhận tình trạng hôn nhân" in added[0] and "Mang CCCD của hai bên" not in added[0]
    fixed = next(m["text"] for m in citizen if "ĐÍNH CHÍNH" in m["text"])
    assert "thay cho câu trả lời đã gửi" in fixed and "nơi cư trú" in fixed
    with db.session() as s:
        q = s.scalars(select(Question)).one()
        assert q.answer.endswith("Bổ sung: Lệ phí: miễn.") and "nơi cư trú" in q.answer


def test_help_unknown_commands_emoji_forwarded_and_foreign_buttons(tmp_path, db):  # noqa: ANN001
    with FakeBotAPI() as tg:
        settings = qa_settings(tmp_path, tg=tg)
        origin = {"type": "user", "date": int(time.time()),
                  "sender_user": {"id": 777, "is_bot": False, "first_name": "Bảy", "last_name": "Trần",
                                  "username": "tranbay"}}

        async def body(info):  # noqa: ANN001, ANN202
            tg.push_update(U.message(CITIZEN, "/help"))
            tg.push_update(U.message(CITIZEN, "/lamgi"))
            tg.push_update(U.message(CITIZEN, "😀😀👍"))
            tg.push_update(U.message(CITIZEN, "Anh Bảy nhờ hỏi: làm lại sổ hộ khẩu ở đâu?", forward_origin=origin))
            await wait(tg, lambda: len(_to(tg, CITIZEN)) >= 4 and len(_to(tg, STAFF_CHAT)) >= 1)
            tg.push_update(U.message(STAFF_CHAT, "/help", from_id=STAFF_USER))
            await wait(tg, lambda: "cách xử lý" in _texts(tg, STAFF_CHAT))
            with db.session() as s:
                qid = s.scalars(select(Question)).one().id
            tg.push_update(U.callback(OTHER, OTHER, f"qa:c:{qid}:y", 9))      # not this person's question
            await wait(tg, lambda: any("người khác" in (a["text"] or "") for a in tg.answered_callbacks))
        run_serving(settings, db, body)
    texts = _texts(tg, CITIZEN)
    assert "/trangthai" in texts and "Hướng dẫn" in texts                     # /help
    assert "không hiểu lệnh này" in texts                                      # unknown command
    assert "viết câu hỏi bằng chữ" in texts                                    # emoji only
    card = _to(tg, STAFF_CHAT)[0]["text"]
    assert "Tin chuyển tiếp, gốc từ: Bảy Trần (@tranbay)" in card
    assert not _to(tg, OTHER)                                                  # nothing sent to the stranger
    with db.session() as s:
        q = s.scalars(select(Question)).one()
        assert q.consent is None and q.forwarded_from == "Bảy Trần (@tranbay)"
        from content.qa.workflow import default_public_text
        assert "Bảy" not in default_public_text(s, q)


def test_qa_show_keeps_placeholders_with_vietnamese_field_names(tmp_path):  # noqa: ANN001
    from tests.helpers import run_loa, write_config

    cfg = write_config(tmp_path)
    from content import db as dbmod
    from content.config import load
    from content.qa import workflow as qa
    from content.text import now_utc

    settings = load(cfg, env={})
    database = dbmod.open_db(settings.database_url)
    with database.session() as s:
        q = qa.receive(s, settings, qa.Incoming("telegram", "9", "Gửi tôi qua an.nv@gmail.com, gọi 0912 345 678 nhé?"),
                       now=now_utc())
        qa.mark_public(s, q, by="cli:t", now=now_utc())
        code = q.code
    database.dispose()
    r = run_loa("qa", "show", code, cwd=tmp_path, config=cfg)
    assert r.code == 0, r.err
    assert "Nội dung công khai (đã ẩn thông tin cá nhân): Gửi tôi qua [email], gọi [số điện thoại] nhé?" in r.out
    assert "Trạng thái: đã tiếp nhận" in r.out and "Câu hỏi: " in r.out and "state_name" not in r.out
