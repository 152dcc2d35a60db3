"""Q&A intake under a burst: 1,000 messages from 200 citizens through the fake Telegram Bot API
into `serve()` (SQLite; the bot runs in a process of its own). The fake enforces Telegram's limits (1 message/s into a chat, 20/min
into the staff group, 30/s in all), so the figures are what a real bot could do: the floor is
1,000 / 30 ≈ 33 s for the whole burst. Every message must get a code or a rate-limit reply;
prints p50/p99 time from the update being queued to the citizen's reply being accepted by the
fake API, and how many times Telegram would have refused a message (429). Beside them, the
floor: the same percentiles if every reply left at the earliest moment Telegram's limits allow
(reply k not before (k − 1)/30 s, a citizen's replies 1 s apart), computed with the pacer's own
arithmetic without margins (goal: measured ≤ 1.1 × floor)."""

from __future__ import annotations

import asyncio
import random
import statistics
import tempfile
import time
from pathlib import Path

MESSAGES = 1000
CITIZENS = 200
GOAL = 1.1


def floor_latencies(senders: list[int]) -> list[float]:
    """Seconds from the burst to each reply if each left as early as the limits allow, in the
    order the messages came."""
    from channels.adapters.telegram import TelegramChannel
    from channels.pacing import Pacer

    pacer = Pacer({"telegram": TelegramChannel.limits}, margin=0, global_margin=0)
    return sorted(pacer.reserve("telegram", str(chat), 0.0) for chat in senders)


def _serve(tmp: str, base_url: str, token: str) -> None:
    """The bot, in its own process (as against a real Telegram: the fake's clock and the bot
    do not share one interpreter), until SIGTERM."""
    import signal
    from types import SimpleNamespace

    from bot.qa.serve import serve
    from content import db as dbmod
    from tests.qa_helpers import qa_settings

    settings = qa_settings(Path(tmp), tg=SimpleNamespace(base_url=base_url, token=token))
    database = dbmod.open_db(settings.database_url)

    async def main() -> None:
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        await serve(settings, database, stop=stop, ready=lambda _info: print("ready", flush=True))

    asyncio.run(main())
    database.dispose()


def run() -> list[str]:
    import signal
    import subprocess
    import sys

    from sqlalchemy import func, select

    from content import db as dbmod
    from content.qa.models import Question
    from tests.fakes import telegram_updates as U
    from tests.fakes.telegram_api import FakeBotAPI
    from tests.qa_helpers import qa_settings

    rng = random.Random(7)
    senders = [10_000 + rng.randrange(CITIZENS) for _ in range(MESSAGES)]
    with tempfile.TemporaryDirectory() as tmp, FakeBotAPI(enforce_limits=True) as tg:
        settings = qa_settings(Path(tmp), tg=tg)
        dbmod.open_db(settings.database_url).dispose()         # migrated before the bot starts
        bot = subprocess.Popen([sys.executable, "-m", "benchmarks.bench_qa", "--serve", tmp, tg.base_url, tg.token],
                               stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[1])
        try:
            assert bot.stdout is not None and bot.stdout.readline().strip() == "ready", "the bot did not start"
            pushed: dict[int, list[float]] = {}
            start = time.monotonic()
            for i, chat in enumerate(senders):
                pushed.setdefault(chat, []).append(time.monotonic())
                tg.push_update(U.message(chat, f"Câu hỏi số {i} về thủ tục hành chính?"))
            ok = tg.wait_for(lambda: sum(1 for m in tg.sent if m["chat_id"] != str(-1001234567890)) >= MESSAGES, 300)
            assert ok, "not every message was answered"
            elapsed = time.monotonic() - start
        finally:
            bot.send_signal(signal.SIGTERM)
            bot.wait(60)
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
        database = dbmod.open_db(settings.database_url)
        with database.session() as s:
            stored = s.scalar(select(func.count(Question.id)))
        database.dispose()
    latencies.sort()
    floor = floor_latencies(senders)
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    f = lambda q: floor[min(len(floor) - 1, int(q * len(floor)))] * 1000  # noqa: E731
    return [f"{MESSAGES} messages from {len(pushed)} citizens in {elapsed:.1f} s "
            f"({MESSAGES / elapsed:.0f} msg/s); codes {codes}, rate-limited {limited}, lost {MESSAGES - codes - limited}",
            f"questions stored {stored} (= codes: {stored == codes})",
            f"update → reply: p50 {p(0.5):.0f} ms, p99 {p(0.99):.0f} ms, max {latencies[-1] * 1000:.0f} ms "
            f"(mean {statistics.mean(latencies) * 1000:.0f} ms; target: none lost); first reply {latencies[0] * 1000:.0f} ms, "
            f"30th {latencies[29] * 1000:.0f} ms, 300th {latencies[299] * 1000:.0f} ms "
            f"(floor {floor[0] * 1000:.0f}, {floor[29] * 1000:.0f}, {floor[299] * 1000:.0f} ms)",
            f"floor (Telegram's limits): p50 {f(0.5):.0f} ms, p99 {f(0.99):.0f} ms → measured/floor "
            f"p50 {p(0.5) / f(0.5):.2f}×, p99 {p(0.99) / f(0.99):.2f}× (goal ≤ {GOAL}×)",
            f"Telegram 429 answers: {refused}; staff cards posted during the burst: {cards} "
            f"(the rest follow at 20/min)"]


if __name__ == "__main__":
    import sys

    if sys.argv[1:2] == ["--serve"]:
        _serve(*sys.argv[2:5])
    else:
        for line in run():
            print(line)
