"""Q&A intake under a burst: 1,000 messages from 200 citizens through the fake Telegram Bot API
into `serve()` (SQLite). The fake enforces Telegram's limits (1 message/s into a chat, 20/min
into the staff group, 30/s in all), so the figures are what a real bot could do: the floor is
1,000 / 30 ≈ 33 s for the whole burst. Every message must get a code or a rate-limit reply;
prints p50/p99 time from the update being queued to the citizen's reply being accepted by the
fake API, and how many times Telegram would have refused a message (429)."""

from __future__ import annotations

import asyncio
import random
import statistics
import tempfile
import time
from pathlib import Path

MESSAGES = 1000
CITIZENS = 200


def run() -> list[str]:
    from sqlalchemy import func, select

    from content import db as dbmod
    from content.qa.models import Question
    from tests.fakes import telegram_updates as U
    from tests.fakes.telegram_api import FakeBotAPI
    from tests.qa_helpers import qa_settings, run_serving

    rng = random.Random(7)
    senders = [10_000 + rng.randrange(CITIZENS) for _ in range(MESSAGES)]
    with tempfile.TemporaryDirectory() as tmp, FakeBotAPI(enforce_limits=True) as tg:
        settings = qa_settings(Path(tmp), tg=tg)
        database = dbmod.open_db(settings.database_url)
        pushed: dict[int, list[float]] = {}

        async def body(info) -> float:  # noqa: ANN001
            start = time.monotonic()
            for i, chat in enumerate(senders):
                pushed.setdefault(chat, []).append(time.monotonic())
                tg.push_update(U.message(chat, f"Câu hỏi số {i} về thủ tục hành chính?"))
            ok = await asyncio.to_thread(tg.wait_for, lambda: sum(
                1 for m in tg.sent if m["chat_id"] != str(-1001234567890)) >= MESSAGES, 300)
            assert ok, "not every message was answered"
            return time.monotonic() - start

        elapsed = run_serving(settings, database, body)
        refused = tg.count_429
        cards = sum(1 for m in tg.sent if m["chat_id"] == str(-1001234567890))
        replies: dict[str, list] = {}
        for m in tg.sent:
            replies.setdefault(m["chat_id"], []).append(m)
        latencies, codes, limited = [], 0, 0
        for chat, times in pushed.items():
            got = replies.get(str(chat), [])
            assert len(got) == len(times), (chat, len(got), len(times))
            for t, m in zip(times, got):
                latencies.append(m["at"] - t)
                codes += "HD-" in m["text"]
                limited += "tối đa" in m["text"]
        with database.session() as s:
            stored = s.scalar(select(func.count(Question.id)))
        database.dispose()
    latencies.sort()
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    return [f"{MESSAGES} messages from {len(pushed)} citizens in {elapsed:.1f} s "
            f"({MESSAGES / elapsed:.0f} msg/s); codes {codes}, rate-limited {limited}, lost {MESSAGES - codes - limited}",
            f"questions stored {stored} (= codes: {stored == codes})",
            f"update → reply: p50 {p(0.5):.0f} ms, p99 {p(0.99):.0f} ms, max {latencies[-1] * 1000:.0f} ms "
            f"(mean {statistics.mean(latencies) * 1000:.0f} ms; target: none lost)",
            f"Telegram 429 answers: {refused}; staff cards posted during the burst: {cards} "
            f"(the rest follow at 20/min)"]


if __name__ == "__main__":
    for line in run():
        print(line)
