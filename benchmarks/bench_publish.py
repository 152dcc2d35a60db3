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

TARGET = 0.97
NOW = datetime(2024, 3, 4, 1, 0, tzinfo=timezone.utc)


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


def _settings(tmp: Path, base_url: str, token: str, chats: int):  # noqa: ANN202
    from content.config import from_mapping

    chat_ids = [str(-1001000000000 - i) for i in range(chats)]   # groups: 20/min applies
    return from_mapping({
        "database": {"url": "sqlite:///loa.db"},
        "unit": {"name": "Ủy ban nhân dân xã Ngọc Lâm"},
        "channels": {"telegram": {"token_env": "LOA_TELEGRAM_TOKEN", "base_url": base_url, "chat_ids": chat_ids}},
    }, env={"LOA_TELEGRAM_TOKEN": token}, base_dir=tmp)


def _publish(tmp: str, base_url: str, token: str, chats: int) -> dict:
    """The publisher's side, in its own process (as against a real Telegram: the fake's clock
    and the publisher do not share one interpreter): one `publish_due` of everything."""
    from channels.publisher import Publisher
    from channels.registry import build_channels
    from channels.state import StateStore
    from content import db as dbmod

    settings = _settings(Path(tmp), base_url, token, chats)
    db = dbmod.open_db(settings.database_url)
    channels = {"telegram": build_channels(settings, StateStore(db))["telegram"]}
    now = NOW
    publisher = Publisher(db, channels, settings, clock=lambda: now, notify=lambda _t: None)

    async def go():  # noqa: ANN202
        try:
            return await publisher.publish_due(now)
        finally:
            await channels["telegram"].aclose()

    started = time.perf_counter()
    summary = asyncio.run(go())
    elapsed = time.perf_counter() - started
    db.dispose()
    return {"elapsed": elapsed, **{k: summary.as_dict()[k] for k in ("published", "rate_limited", "retried",
                                                                     "failed", "unknown")}}


def run(posts: int = 2000, chats: int = 50) -> list[str]:
    import json
    import subprocess
    import sys

    from sqlalchemy import func, select

    from channels.adapters.telegram import TelegramChannel
    from channels.models import Post
    from channels.publisher import schedule_item
    from channels.registry import build_channels
    from channels.state import StateStore
    from content import db as dbmod
    from content.items.workflow import NewItem, create_item
    from tests.fakes.telegram_api import FakeBotAPI

    items = max(1, posts // chats)
    total = items * chats
    limits = TelegramChannel.limits
    tmp = Path(tempfile.mkdtemp(prefix="loa-bench-publish-"))
    try:
        with FakeBotAPI(enforce_limits=True) as api:
            settings = _settings(tmp, api.base_url, api.token, chats)
            db = dbmod.open_db(settings.database_url)
            channels = {"telegram": build_channels(settings, StateStore(db))["telegram"]}
            with db.session() as s:
                for n in range(items):
                    item = create_item(s, NewItem(title=f"Bản tin thử số {n + 1}",
                                                  body=f"Nội dung thử nghiệm số {n + 1} về cải cách hành chính.",
                                                  channels=("telegram",), publish_at=NOW),
                                       now=NOW, require_approval=False)
                    schedule_item(s, item, channels, now=NOW)
            out = subprocess.run([sys.executable, "-m", "benchmarks.bench_publish", "--publish", str(tmp),
                                  api.base_url, api.token, str(chats)], capture_output=True, text=True, check=True,
                                 cwd=Path(__file__).resolve().parents[1])
            result = json.loads(out.stdout.strip().splitlines()[-1])
            elapsed = result["elapsed"]
            sent = list(api.sent)
            keys = [(str(m.chat_id), m.text) for m in sent]
            duplicates = len(keys) - len(set(keys))
            with db.session() as s:
                published = s.scalar(select(func.count()).select_from(Post).where(Post.state == "published"))
            lost = total - len(set(keys))
            span = (sent[-1].at - sent[0].at) if len(sent) > 1 else elapsed
            first = sent[0].at if sent else 0.0
            steady_429 = sum(1 for c in api.calls if c.status == 429 and c.at >= first + 60)
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
        f"{total} posts ({items} items × {chats} group chats), fake Bot API enforcing Telegram's limits "
        f"(publisher in its own process)",
        f"wall time {elapsed:.1f} s (first→last message {span:.1f} s); throughput {rate:.2f} msg/s",
        f"steady-state ceiling min({limits.global_per_second:g}/s, {chats}×{limits.per_target_per_minute}/60 s, "
        f"{chats}/{limits.per_target_interval:g} s) = {steady:.2f} msg/s → {rate / steady:.2f} of it "
        f"(target ≥ {TARGET})",
        f"best possible makespan for this workload {best:.1f} s → {best / elapsed:.2f} of the best",
        f"published {published}/{total}; lost {lost}; duplicates {duplicates}; "
        f"429s received {api.count_429} ({steady_429} after the first minute; publisher saw "
        f"{result['rate_limited']}); retried {result['retried']}, failed {result['failed']}, "
        f"unknown {result['unknown']}",
    ]


if __name__ == "__main__":
    import json
    import sys

    if sys.argv[1:2] == ["--publish"]:
        print(json.dumps(_publish(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))))
    else:
        args = [int(a) for a in sys.argv[1:3]]
        for line in run(*args):
            print(line)
