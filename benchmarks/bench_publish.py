"""Publish N posts into M Telegram chats through the real adapter and publisher, against the fake
Bot API enforcing Telegram's limits (1 msg/s per chat, 20/min per group, 30/s overall).

Prints the throughput as a fraction of two ceilings: the steady-state one the limits allow,
min(global/s, chats × per-minute / 60, chats / interval) (target ≥ 0.9), and the exact best
makespan for this workload under the same limits (a short run can beat the steady-state
ceiling, because a chat's first 20 messages need not wait for a minute window). Also prints
posts lost, duplicates (both must be 0) and 429s received. `run(posts=200, chats=10)` is quick.
"""

from __future__ import annotations

import asyncio
import heapq
import shutil
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

TARGET = 0.9


def ideal_makespan(limits, per_chat: list[int]) -> float:
    """Seconds from the first to the last message if every message left at the earliest moment
    the limits allow (the pacer's own arithmetic, without margins)."""
    from channels.pacing import Pacer

    pacer = Pacer({"x": limits}, margin=0)
    heap = [(0.0, i) for i, n in enumerate(per_chat) if n]
    left = list(per_chat)
    last = 0.0
    while heap:
        ready, chat = heapq.heappop(heap)
        at = pacer.reserve("x", str(chat), ready)
        last = max(last, at)
        left[chat] -= 1
        if left[chat]:
            heapq.heappush(heap, (at, chat))
    return last


def run(posts: int = 2000, chats: int = 50) -> list[str]:
    from sqlalchemy import func, select

    from channels.models import Post
    from channels.publisher import Publisher, schedule_item
    from channels.registry import build_channels
    from channels.state import StateStore
    from content import db as dbmod
    from content.items.workflow import NewItem, create_item
    from content.config import from_mapping
    from tests.fakes.telegram_api import FakeBotAPI

    items = max(1, posts // chats)
    total = items * chats
    tmp = Path(tempfile.mkdtemp(prefix="loa-bench-publish-"))
    now = datetime(2024, 3, 4, 1, 0, tzinfo=timezone.utc)
    try:
        with FakeBotAPI(enforce_limits=True) as api:
            chat_ids = [str(-1001000000000 - i) for i in range(chats)]   # groups: 20/min applies
            settings = from_mapping({
                "database": {"url": "sqlite:///loa.db"},
                "unit": {"name": "Ủy ban nhân dân xã Ngọc Lâm"},
                "channels": {"telegram": {"token_env": "LOA_TELEGRAM_TOKEN", "base_url": api.base_url,
                                          "chat_ids": chat_ids}},
            }, env={"LOA_TELEGRAM_TOKEN": api.token}, base_dir=tmp)
            db = dbmod.open_db(settings.database_url)
            channels = {"telegram": build_channels(settings, StateStore(db))["telegram"]}
            limits = channels["telegram"].limits
            with db.session() as s:
                for n in range(items):
                    item = create_item(s, NewItem(title=f"Bản tin thử số {n + 1}",
                                                  body=f"Nội dung thử nghiệm số {n + 1} về cải cách hành chính.",
                                                  channels=("telegram",), publish_at=now),
                                       now=now, require_approval=False)
                    schedule_item(s, item, channels, now=now)

            publisher = Publisher(db, channels, settings, clock=lambda: now, notify=lambda _t: None)

            async def go():
                try:
                    return await publisher.publish_due(now)
                finally:
                    await channels["telegram"].aclose()

            started = time.perf_counter()
            summary = asyncio.run(go())
            elapsed = time.perf_counter() - started

            sent = list(api.sent)
            keys = [(str(m.chat_id), m.text) for m in sent]
            duplicates = len(keys) - len(set(keys))
            with db.session() as s:
                published = s.scalar(select(func.count()).select_from(Post).where(Post.state == "published"))
            lost = total - len(set(keys))
            span = (sent[-1].at - sent[0].at) if len(sent) > 1 else elapsed
            db.dispose()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    steady = min(x for x in (
        limits.global_per_second,
        chats * limits.per_target_per_minute / 60 if limits.per_target_per_minute else None,
        chats / limits.per_target_interval if limits.per_target_interval else None,
    ) if x)
    best = ideal_makespan(limits, [items] * chats)
    rate = total / elapsed
    return [
        f"{total} posts ({items} items × {chats} group chats), fake Bot API enforcing Telegram's limits",
        f"wall time {elapsed:.1f} s (first→last message {span:.1f} s); throughput {rate:.2f} msg/s",
        f"steady-state ceiling min({limits.global_per_second:g}/s, {chats}×{limits.per_target_per_minute}/60 s, "
        f"{chats}/{limits.per_target_interval:g} s) = {steady:.2f} msg/s → {rate / steady:.2f} of it "
        f"(target ≥ {TARGET})",
        f"best possible makespan for this workload {best:.1f} s → {best / elapsed:.2f} of the best",
        f"published {published}/{total}; lost {lost}; duplicates {duplicates}; "
        f"429s received {api.count_429} (publisher saw {summary.rate_limited}); "
        f"retried {summary.retried}, failed {summary.failed}, unknown {summary.unknown}",
    ]


if __name__ == "__main__":
    import sys

    args = [int(a) for a in sys.argv[1:3]]
    for line in run(*args):
        print(line)
