"""Scheduler lateness: N posts due at distinct times spread over M minutes, dispatched by the
real `Runner.serve` loop on a real clock into the Telegram channel's outbox (no token set), 50
chats so Telegram's limits are not what is measured. Prints lateness p50/p99 (target p99 < 1 s),
CPU seconds and peak RSS (target < 150 MB).

    .venv/bin/python -m benchmarks.bench_schedule [posts] [minutes]
"""

from __future__ import annotations

import asyncio
import resource
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert, select

from channels.models import Post
from channels.registry import build_channels
from channels.state import StateStore
from content.db import open_db
from content.models import Item
from content.config import from_mapping
from content.text import now_utc
from schedules.runner import Runner


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run(posts: int = 10_000, minutes: float = 10.0, chats: int = 50) -> list[str]:
    tmp = Path(tempfile.mkdtemp(prefix="loa-bench-"))
    settings = from_mapping({
        "database": {"url": "sqlite:///loa.db"},
        "unit": {"name": "Ủy ban nhân dân xã Ngọc Lâm"},
        "channels": {"telegram": {"token_env": "LOA_BENCH_NO_TOKEN", "chat_ids": [f"-100{i}" for i in range(chats)]}},
        "schedule": {"poll_seconds": 2},
    }, env={}, base_dir=tmp)
    db = open_db(settings.database_url)
    channels = {k: v for k, v in build_channels(settings, StateStore(db)).items() if k == "telegram"}
    start = now_utc() + timedelta(seconds=5)
    span = minutes * 60
    items = posts // chats
    with db.session() as s:
        s.execute(insert(Item), [{"title": f"Tin số {i}", "body": "Thông báo lịch tiếp công dân.",
                                  "state": "scheduled", "channels": ["telegram"], "source": "staff",
                                  "created_at": start, "updated_at": start} for i in range(items)])
        ids = list(s.scalars(select(Item.id).order_by(Item.id)))
        rows = []
        for n in range(items * chats):
            due = start + timedelta(seconds=span * n / (items * chats))
            rows.append({"item_id": ids[n // chats], "channel": "telegram", "target": f"-100{n % chats}",
                         "edition": "", "state": "pending", "due_at": due, "attempts": 0, "parts_done": 0,
                         "parts_total": 0, "created_at": start, "updated_at": start})
        s.execute(insert(Post), rows)
    runner = Runner(db, settings, channels)
    cpu0 = time.process_time()

    async def main() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(runner.serve(stop))
        end = start + timedelta(seconds=span + 30)
        while now_utc() < end:
            await asyncio.sleep(2)
            with db.session() as s:
                left = s.scalar(select(Post.id).where(Post.state != "published").limit(1))
            if left is None:
                break
        stop.set()
        await task

    asyncio.run(main())
    cpu = time.process_time() - cpu0
    with db.session() as s:
        done = s.execute(select(Post.due_at, Post.published_at).where(Post.state == "published")).all()
    late = [max(0.0, (p - d).total_seconds()) for d, p in done]
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return [
        f"posts due: {items * chats} over {minutes:g} min into {chats} chats (outbox); published: {len(done)}",
        f"lateness p50: {_percentile(late, 0.5) * 1000:.0f} ms, p99: {_percentile(late, 0.99) * 1000:.0f} ms, "
        f"max: {max(late) * 1000:.0f} ms (target p99 < 1000 ms)",
        f"CPU: {cpu:.1f} s; peak RSS: {rss_mb:.0f} MB (target < 150 MB)",
    ]


if __name__ == "__main__":
    args = [float(a) for a in sys.argv[1:]]
    for line in run(int(args[0]) if args else 10_000, args[1] if len(args) > 1 else 10.0):
        print(line)
