"""Staff cards always fit, and one card the staff chat refuses never holds up the others."""

from __future__ import annotations

import random
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from bot.qa import texts as T
from bot.qa.relay import fitting
from content.render.telegram_split import split_text
from content.qa.models import Question, QuestionEvent
from content.render.telegram_html import utf16_len, visible_length, visible_text
from tests.fakes import telegram_updates as U
from tests.fakes.telegram_api import FakeBotAPI
from tests.qa_helpers import STAFF_CHAT, STAFF_USER, qa_settings, run_serving, wait

CITIZEN, OTHER = 5001, 5002


def _q(text: str, **kw) -> Question:  # noqa: ANN003
    return Question(code="HD-2025-000001", channel="telegram", text=text, state="received",
                    received_at=datetime(2025, 3, 4, 1, 0, tzinfo=timezone.utc), due_on=date(2025, 3, 13), **kw)


def _fits(html: str) -> bool:
    return visible_length(html) <= 4096 and utf16_len(html) <= 4096


@pytest.mark.parametrize("text", [
    "Xin hỏi thủ tục đăng ký khai sinh?",
    "x" * 3988,
    "<&>" * 1300,
    "😀" * 2500,                                    # two UTF-16 code units each
    ("Tôi hỏi về đất đai & thuế <nhà>. " * 200),
    "\n".join(["dòng"] * 3000),
])
def test_card_always_fits_and_keeps_all_it_can(settings, text):  # noqa: ANN001
    q = _q(text, forwarded_from="Nguyễn Văn A " * 15)
    card = T.card(q, settings, attachments=3, zalo_until=q.received_at)
    assert _fits(card)
    if utf16_len(T.esc(text)) < 3000:
        assert T.esc(text) in card and "/xem" not in card     # what fits is shown whole
    else:
        assert "/xem HD-2025-000001" in card
    parts = T.full_text(q)
    assert all(_fits(p) for p in parts)
    joined = "".join(visible_text(p).split(":\n", 1)[1] for p in parts)
    assert "".join(joined.split()) == "".join(text.split())   # /xem shows every character


def test_random_texts_fit(settings):  # noqa: ANN001
    rng = random.Random(7)
    alphabet = "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạ <>&\n😀🇻🇳\"'"
    for _ in range(40):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 6000)))
        assert _fits(T.card(_q(text), settings))
        assert all(_fits(p) for p in T.full_text(_q(text)))
        assert all(utf16_len(c) <= 4000 for c in split_text(text, 4000))
        assert all(_fits(p) for p in fitting(T.esc(text)))


def _staff(tg):  # noqa: ANN001, ANN202
    return [m for m in tg.sent if m["chat_id"] == str(STAFF_CHAT)]


def test_long_question_then_short_both_cards_reach_staff(tmp_path, db):  # noqa: ANN001
    long_text = ("Xin hỏi về thủ tục chuyển nhượng quyền sử dụng đất <lô A & lô B>. " * 60)[:3988]
    with FakeBotAPI() as tg:
        settings = qa_settings(tmp_path, tg=tg)

        async def body(info):  # noqa: ANN001, ANN202
            tg.push_update(U.message(CITIZEN, long_text))
            await wait(tg, lambda: any(m["chat_id"] == str(CITIZEN) for m in tg.sent))
            tg.push_update(U.message(OTHER, "Cấp lại giấy khai sinh cần gì?"))
            await wait(tg, lambda: len(_staff(tg)) >= 2)
            with db.session() as s:
                codes = [q.code for q in s.scalars(select(Question).order_by(Question.id))]
            tg.push_update(U.message(STAFF_CHAT, f"/xem {codes[0]}", from_id=STAFF_USER))
            await wait(tg, lambda: sum("toàn văn câu hỏi" in (m["text"] or "") for m in _staff(tg)) >= 2)
            return codes
        codes = run_serving(settings, db, body)
    cards = _staff(tg)
    assert codes[0] in cards[0]["text"] and codes[1] in cards[1]["text"]
    assert "/xem " + codes[0] in cards[0]["text"]                    # shortened, says how to see it all
    assert "Cấp lại giấy khai sinh" in cards[1]["text"]
    full = [m for m in cards if "toàn văn câu hỏi" in (m["text"] or "")]
    assert "".join("".join(m["text"].split(":\n", 1)[1].split()) for m in full) == "".join(long_text.split())
    # a reply to a part of the full text answers the question (routed like the card)
    with db.session() as s:
        assert s.scalars(select(Question)).all()[0].card_error is None


def test_a_card_refused_for_itself_is_reported_once_and_the_queue_moves_on(tmp_path, db):  # noqa: ANN001
    with FakeBotAPI() as tg:
        settings = qa_settings(tmp_path, tg=tg, qa={"card_retry_seconds": 0.3})
        tg.fail_next(status=400, description="Bad Request: message is too long", method="sendMessage",
                     chat_id=str(STAFF_CHAT))

        async def body(info):  # noqa: ANN001, ANN202
            tg.push_update(U.message(CITIZEN, "Câu hỏi thứ nhất về hộ tịch?"))
            await wait(tg, lambda: any(m["chat_id"] == str(CITIZEN) for m in tg.sent))
            await wait(tg, lambda: any("Telegram từ chối" in (m["text"] or "") for m in _staff(tg)))
            tg.push_update(U.message(OTHER, "Câu hỏi thứ hai về đất đai?"))
            await wait(tg, lambda: any("đất đai" in (m["text"] or "") for m in _staff(tg)))
            await wait(tg, lambda: len([c for c in tg.calls if c["method"] == "getUpdates"]) > 6)
        run_serving(settings, db, body)
    with db.session() as s:
        first, second = s.scalars(select(Question).order_by(Question.id)).all()
        assert first.card_failed_at is not None and "too long" in first.card_error
        assert second.card_failed_at is None
        refused = s.scalars(select(QuestionEvent).where(QuestionEvent.action == "card_refused")).all()
        assert len(refused) == 1
    reports = [m for m in _staff(tg) if "Telegram từ chối" in (m["text"] or "")]
    assert len(reports) == 1 and first.code in reports[0]["text"]
    assert "hộ tịch" not in reports[0]["text"]                        # no citizen text in the alert


def test_an_unreachable_staff_chat_keeps_every_card_owed_in_order(tmp_path, db):  # noqa: ANN001
    with FakeBotAPI() as tg:
        settings = qa_settings(tmp_path, tg=tg, qa={"card_retry_seconds": 0.3})
        tg.kicked_chats.add(str(STAFF_CHAT))

        async def body(info):  # noqa: ANN001, ANN202
            tg.push_update(U.message(CITIZEN, "Câu hỏi một?"))
            await wait(tg, lambda: any(m["chat_id"] == str(CITIZEN) for m in tg.sent))
            tg.push_update(U.message(OTHER, "Câu hỏi hai?"))
            await wait(tg, lambda: len([m for m in tg.sent if m["chat_id"] in (str(CITIZEN), str(OTHER))]) >= 2)
            with tg.lock:
                tg.kicked_chats.clear()                # an admin adds the bot back
            await wait(tg, lambda: len(_staff(tg)) >= 2)
        run_serving(settings, db, body)
    cards = _staff(tg)
    assert "Câu hỏi một" in cards[0]["text"] and "Câu hỏi hai" in cards[1]["text"]
    with db.session() as s:
        assert all(q.card_failed_at is None for q in s.scalars(select(Question)))
