"""Notices to citizens (answer, transfer, refusal) that could not be delivered: owed and sent
again after a wait when the failure was passing, given up at once when it was a refusal, sent
again by hand with `loa qa resend`; and `/trangthai` shows the answer itself."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta

from sqlalchemy import select

from bot.qa.relay import relay_from_settings
from bot.qa.service import Actor, QAService
from content.qa import workflow as qa
from content.qa.models import Question, QuestionEvent
from content.text import UTC
from tests.helpers import make_settings
from tests.fakes.telegram_api import FakeBotAPI
from tests.qa_helpers import qa_settings

T0 = datetime(2025, 3, 3, 2, 0, tzinfo=UTC)
CITIZEN = "5001"
STAFF = Actor("cli:test", trusted=True)


def _ask(db, settings, who=CITIZEN) -> str:  # noqa: ANN001
    with db.session() as s:
        return qa.receive(s, settings, qa.Incoming("telegram", who, "Xin hỏi thủ tục chứng thực bản sao?"),
                          now=T0).code


def test_outcomes_owed_then_given_up(tmp_path, db):  # noqa: ANN001
    settings = make_settings(tmp_path)
    code = _ask(db, settings)
    with db.session() as s:
        q = qa.get(s, code)
        assert qa.notice_outcome(s, q, "answer", "failed", now=T0, error="Bad Gateway", retryable=True) == "owed"
        assert (q.notice_attempts, q.notice_next_at) == (1, T0 + timedelta(minutes=1))
        assert qa.owed_notices(s, T0) == [] and qa.owed_notices(s, T0 + timedelta(minutes=1)) == [q.id]
        for _ in qa.NOTICE_RETRY_MINUTES[1:]:
            assert qa.notice_outcome(s, q, "answer", "failed", now=T0, retryable=True) == "owed"
        assert qa.notice_outcome(s, q, "answer", "failed", now=T0, retryable=True) == "failed"
        assert qa.owed_notices(s, T0 + timedelta(days=1)) == []
        assert qa.notice_outcome(s, q, "answer", "sent", now=T0) == "done"
        assert (q.notice_state, q.notice_attempts, q.notice_error) == (None, 0, None)
        q2 = qa.get(s, _ask_in(s, settings, "5002"))
        assert qa.notice_outcome(s, q2, "answer", "failed", now=T0, error="Forbidden") == "failed"


def _ask_in(s, settings, who):  # noqa: ANN001, ANN202
    return qa.receive(s, settings, qa.Incoming("telegram", who, "Hỏi về lệ phí?"), now=T0).code


def _service(settings, db, clock):  # noqa: ANN001, ANN202
    return QAService(settings, db, relay_from_settings(settings, db), clock=clock)


def test_a_passing_failure_is_sent_again_later_and_staff_hear_it(tmp_path, db):  # noqa: ANN001
    with FakeBotAPI() as tg:
        settings = qa_settings(tmp_path, tg=tg)
        code = _ask(db, settings)
        now = {"t": T0}
        svc = _service(settings, db, lambda: now["t"])

        async def go():  # noqa: ANN202
            async with svc.relay.bot:
                tg.fail_next(1, status=502, chat_id=CITIZEN)
                reply = await svc.act(STAFF, "answer", code, "Mang bản chính và bản sao đến UBND xã.")
                early = await svc.resend_owed()                 # not due yet: nothing happens
                now["t"] = T0 + timedelta(minutes=2)
                later = await svc.resend_owed()
                return reply, early, later
        reply, early, later = asyncio.run(go())
    assert "Chưa gửi được cho người hỏi" in reply and "tự gửi lại" in reply
    assert early == [] and len(later) == 1 and code in later[0] and "đã gửi lại" in later[0]
    sent = [m for m in tg.sent if m["chat_id"] == CITIZEN]
    assert len(sent) == 1 and "Mang bản chính" in sent[0]["text"]
    with db.session() as s:
        assert qa.get(s, code).notice_state is None
        notes = [e.detail for e in s.scalars(select(QuestionEvent).where(QuestionEvent.action == "notified"))]
    assert notes == ["answer: failed", "answer (gửi lại): sent"]


def test_a_blocked_bot_is_not_retried_and_status_shows_the_answer(tmp_path, db):  # noqa: ANN001
    with FakeBotAPI() as tg:
        settings = qa_settings(tmp_path, tg=tg)
        code = _ask(db, settings)
        svc = _service(settings, db, lambda: T0)
        tg.kicked_chats.add(CITIZEN)                           # the citizen blocked the bot

        async def go():  # noqa: ANN202
            async with svc.relay.bot:
                reply = await svc.act(STAFF, "answer", code, "Lệ phí chứng thực 2.000 đồng/trang.")
                return reply, await svc.status("telegram", CITIZEN, code)
        reply, status = asyncio.run(go())
    assert "chặn bot" in reply and "tự gửi lại" not in reply
    with db.session() as s:
        assert qa.get(s, code).notice_state == "failed"
    assert "Nội dung trả lời:\nLệ phí chứng thực 2.000 đồng/trang." in status


def test_cli_resend(tmp_path):  # noqa: ANN001
    from content import db as dbmod
    from content.config import load
    from tests.helpers import run_loa, write_config

    with FakeBotAPI() as tg:
        cfg = write_config(tmp_path, f'[channels.telegram]\ntoken_env = "LOA_TELEGRAM_TOKEN"\nbase_url = "{tg.base_url}"\n'
                                     'chat_ids = []\nstaff_chat_id = "-100777"\nstaff_user_ids = [42]\n')
        env = {"LOA_TELEGRAM_TOKEN": tg.token}
        settings = load(cfg, env=env)
        database = dbmod.open_db(settings.database_url)
        code = _ask(database, settings)
        database.dispose()
        loa = lambda *args: run_loa("qa", *args, cwd=tmp_path, config=cfg, env=env)  # noqa: E731
        r = loa("resend", code)
        assert r.code == 2 and "chưa được trả lời" in r.err
        tg.kicked_chats.add(CITIZEN)
        r = loa("answer", code, "Mời ông/bà đến Bộ phận một cửa.")
        assert r.code == 0 and "chặn bot" in r.out
        r = loa("resend", code, "--json")
        assert r.code == 1 and json.loads(r.out)["delivered"] is False
        tg.kicked_chats.clear()                                # unblocked: staff send it again by hand
        r = loa("resend", code)
        assert r.code == 0 and "đã gửi lại" in r.out
    assert [m["text"].count("Bộ phận một cửa") for m in tg.sent if m["chat_id"] == CITIZEN] == [1]
    database = dbmod.open_db(settings.database_url)
    with database.session() as s:
        assert s.scalars(select(Question)).one().notice_state is None
    database.dispose()
