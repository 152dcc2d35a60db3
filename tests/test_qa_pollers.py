"""One process receives a bot's Telegram updates: a second one is refused (SQLite) or stands by
and takes over when the first stops (PostgreSQL)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from bot.qa.serve import AlreadyPolling, claim_polling, serve
from content.qa.models import Question
from schedules.instance import PollLock
from tests.fakes import telegram_updates as U
from tests.fakes.telegram_api import FakeBotAPI
from tests.qa_helpers import qa_settings, wait


def test_poll_lock_is_exclusive_per_bot_and_released(db_url):  # noqa: ANN001
    a, b, other = PollLock(db_url, "111"), PollLock(db_url, "111"), PollLock(db_url, "222")
    try:
        assert a.try_acquire() and a.held and a.alive()
        assert not b.try_acquire() and not b.held
        assert other.try_acquire()                 # another bot polls independently
        a.release()
        assert b.try_acquire()
    finally:
        for lock in (a, b, other):
            lock.release()


def test_second_poller_on_sqlite_is_refused_in_vietnamese(tmp_path):  # noqa: ANN001
    with FakeBotAPI() as tg:
        settings = qa_settings(tmp_path, tg=tg)
        first = claim_polling(settings)
        try:
            with pytest.raises(AlreadyPolling) as e:
                claim_polling(settings)
            assert "đang nhận tin nhắn của bot Telegram" in e.value.message and e.value.exit_code == 2
        finally:
            first.release()
        claim_polling(settings).release()          # free again once the first has stopped


@pytest.mark.postgres
def test_postgres_instances_agree_who_polls_and_take_over(tmp_path, pg_url):  # noqa: ANN001
    from content import db as dbmod

    db = dbmod.open_db(pg_url)
    with FakeBotAPI() as tg:
        settings = qa_settings(tmp_path, tg=tg, qa={"poll_lock_seconds": 0.2})
        settings = type(settings)(**{**settings.__dict__, "database_url": pg_url})

        async def main() -> None:
            stop_a, stop_b = asyncio.Event(), asyncio.Event()
            infos: dict[str, object] = {}
            a = asyncio.create_task(serve(settings, db, stop=stop_a, ready=lambda i: infos.setdefault("a", i)))
            while "a" not in infos:
                await asyncio.sleep(0.05)
            b = asyncio.create_task(serve(settings, db, stop=stop_b, ready=lambda i: infos.setdefault("b", i)))
            while "b" not in infos:
                await asyncio.sleep(0.05)
            assert any("chờ" in n for n in infos["b"].notes)          # B stands by
            tg.push_update(U.message(5001, "Câu hỏi một?"))
            await wait(tg, lambda: any(m["chat_id"] == "5001" for m in tg.sent))
            await asyncio.sleep(1.5)                 # several lock checks by B, several polls by A
            assert tg.conflicts == 0                 # B never polled beside A
            stop_a.set()
            await asyncio.wait_for(a, 20)
            tg.push_update(U.message(5002, "Câu hỏi hai?"))            # B takes over
            await wait(tg, lambda: any(m["chat_id"] == "5002" for m in tg.sent), 15)
            stop_b.set()
            await asyncio.wait_for(b, 20)
        asyncio.run(main())
    with db.session() as s:
        assert s.scalar(select(func.count(Question.id))) == 2
    assert len([m for m in tg.sent if m["chat_id"] in ("5001", "5002")]) == 2     # one ack each
    db.dispose()
