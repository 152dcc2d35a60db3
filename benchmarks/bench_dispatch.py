"""The dispatcher under load: posts due at distinct times, dispatched by the real `Runner.serve`
loop into 50 Telegram chats — through the Telegram channel's outbox (no token set) or an adapter
that only answers — so that what is measured is Loa's own work, not Telegram's limits. Each scenario runs in its own process (clean peak RSS):

- CPU per post: 1,000 posts due over 1 minute, with nothing else pending and with 99,000 more
  posts pending for later (goal ≤ 4 ms per post, and the two within 1.3× of each other),
  through an adapter that only answers (Telegram's name, limits and targets), so that what is
  measured is the dispatcher: claiming, rendering, recording, logging. The same 1,000 posts go
  through the outbox adapter too, whose own writing — three files per message, each fsynced —
  is then measured alone on the same messages;
- lateness: 10,000 posts due over 10 minutes (goal p99 < 1 s). The clock is compressed: the
  Runner is given a clock that runs `speedup` times faster than the wall clock (its waits are
  shortened by the same factor), so the run takes 10/speedup minutes and the posts arrive
  `speedup` times denser than they would in real time. Lateness is the wall-clock delay from a
  post's due moment to its publication (virtual delay ÷ speedup) — a harder test than real time,
  since the same work must fit in 1/speedup of the time;
- peak RSS of the process holding 100,000 pending posts (goal < 150 MB).

    .venv/bin/python -m benchmarks.bench_dispatch                    # all scenarios
    .venv/bin/python -m benchmarks.bench_dispatch --one POSTS MINUTES EXTRA SPEEDUP   # one, as JSON
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

CHATS = 50
SPEEDUP = float(os.environ.get("LOA_BENCH_SPEEDUP", "4"))


class ScaledClock:
    """A UTC clock that runs `speed` times faster than the wall clock, from `start`."""

    def __init__(self, start: datetime, speed: float = 1.0):
        self.start, self.speed, self._t0 = start, speed, time.monotonic()

    def __call__(self) -> datetime:
        return self.start + timedelta(seconds=(time.monotonic() - self._t0) * self.speed)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def _settings(tmp: Path):  # noqa: ANN202
    from content.config import from_mapping

    return from_mapping({
        "database": {"url": "sqlite:///loa.db"},
        "unit": {"name": "Ủy ban nhân dân xã Ngọc Lâm"},
        "channels": {"telegram": {"token_env": "LOA_BENCH_NO_TOKEN",
                                  "chat_ids": [f"-100{i}" for i in range(CHATS)]}},
        "schedule": {"poll_seconds": 2, "weekly": "sun 23:59"},
    }, env={}, base_dir=tmp)


def seed(tmp: Path, posts: int, minutes: float, extra: int, start: datetime) -> int:
    """The database: `posts` posts due from `start` over `minutes`, `extra` due a day later."""
    from sqlalchemy import insert, select

    from channels.models import Post
    from content.db import open_db
    from content.models import Item

    db = open_db(_settings(tmp).database_url)
    span = minutes * 60
    items = max(1, posts // CHATS)
    later = max(0, extra // CHATS)
    with db.session() as s:
        s.execute(insert(Item), [{"title": f"Tin số {i}", "body": "Thông báo lịch tiếp công dân.",
                                  "state": "scheduled", "channels": ["telegram"], "source": "staff",
                                  "created_at": start, "updated_at": start} for i in range(items + later)])
        ids = list(s.scalars(select(Item.id).order_by(Item.id)))
    total = items * CHATS
    rows = []
    for n in range(total + later * CHATS):
        due = (start + timedelta(seconds=span * n / total) if n < total
               else start + timedelta(days=1, seconds=n))
        rows.append({"item_id": ids[n // CHATS], "channel": "telegram", "target": f"-100{n % CHATS}",
                     "edition": "", "state": "pending", "due_at": due, "attempts": 0, "parts_done": 0,
                     "parts_total": 0, "created_at": start, "updated_at": start})
        if len(rows) == 20_000:
            with db.session() as s:
                s.execute(insert(Post), rows)
            rows = []
    if rows:
        with db.session() as s:
            s.execute(insert(Post), rows)
    db.dispose()
    return total


def null_channel(settings):  # noqa: ANN001, ANN201
    """Telegram's name, limits and targets, and a send that does nothing but answer: what is left
    of a publication is the dispatcher's own work (claim, render, record, log)."""
    from channels.adapters.telegram import TelegramChannel
    from channels.base import Channel, Receipt

    class NullTelegram(Channel):
        name, limits, paced = "telegram", TelegramChannel.limits, False

        def targets(self) -> list[str]:
            return list(self.config.chat_ids)

        async def send(self, message, target):  # noqa: ANN001, ANN202
            return Receipt(external_id=f"{message.key}--{target}")

    return NullTelegram(settings, settings.channel("telegram"))


def one(posts: int, minutes: float, extra: int, speedup: float = 1.0, adapter: str = "outbox") -> dict:
    """One scenario: the database is filled by another process (so that this one's peak RSS is
    the dispatcher's), then `Runner.serve` publishes; returns CPU per post, lateness (wall
    seconds) and peak RSS."""
    from sqlalchemy import func, select

    from channels.models import Post
    from channels.registry import build_channels
    from channels.state import StateStore
    from content.db import open_db
    from schedules.runner import Runner

    tmp = Path(tempfile.mkdtemp(prefix="loa-bench-dispatch-"))
    start = datetime(2025, 3, 3, 1, 0, tzinfo=timezone.utc)
    subprocess.run([sys.executable, "-m", "benchmarks.bench_dispatch", "--seed", str(tmp), str(posts), str(minutes),
                    str(extra), start.isoformat()], check=True, cwd=Path(__file__).resolve().parents[1])
    settings = _settings(tmp)
    db = open_db(settings.database_url)
    channels = ({k: v for k, v in build_channels(settings, StateStore(db)).items() if k == "telegram"}
                if adapter == "outbox" else {"telegram": null_channel(settings)})
    total = max(1, posts // CHATS) * CHATS
    span = minutes * 60
    clock = ScaledClock(start - timedelta(seconds=3 * speedup), speedup)   # the first post is due in 3 s
    runner = Runner(db, settings, channels, clock=clock)

    async def main() -> tuple[float, float]:
        stop = asyncio.Event()
        cpu0 = time.process_time()
        sys0 = resource.getrusage(resource.RUSAGE_SELF).ru_stime
        task = asyncio.create_task(runner.serve(stop))
        deadline = time.monotonic() + (span + 60 * speedup) / speedup
        while time.monotonic() < deadline:
            await asyncio.sleep(0.5)
            done = await asyncio.to_thread(_published, db)
            if done >= total:
                break
        cpu = time.process_time() - cpu0
        kernel = resource.getrusage(resource.RUSAGE_SELF).ru_stime - sys0
        stop.set()
        await task
        return cpu, kernel

    def _published(database) -> int:  # noqa: ANN001
        with database.session() as s:
            return s.scalar(select(func.count()).select_from(Post).where(Post.state == "published"))

    cpu, kernel = asyncio.run(main())
    with db.session() as s:
        done = s.execute(select(Post.due_at, Post.published_at).where(Post.state == "published")).all()
    db.dispose()
    outbox_ms = outbox_alone(tmp, channels["telegram"].folder) if adapter == "outbox" else 0.0
    shutil.rmtree(tmp, ignore_errors=True)
    late = [max(0.0, (p - d).total_seconds()) / speedup for d, p in done]
    return {"posts": total, "extra": max(0, extra // CHATS) * CHATS, "published": len(done), "speedup": speedup,
            "cpu_ms_per_post": cpu * 1000 / max(1, len(done)),
            "sys_ms_per_post": kernel * 1000 / max(1, len(done)),
            "late_p50_ms": _percentile(late, 0.5) * 1000, "late_p99_ms": _percentile(late, 0.99) * 1000,
            "late_max_ms": max(late, default=float("nan")) * 1000,
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "outbox_ms_per_post": outbox_ms}


def outbox_alone(tmp: Path, written: Path) -> float:
    """CPU per message of the outbox adapter alone: the messages the run wrote (read back from
    its JSON records) written again by a fresh outbox into another folder, without the
    dispatcher — three files each (record, text to paste, page), each fsynced."""
    from channels.base import Message
    from channels.registry import build_channels
    from channels.state import StateStore
    from content.db import open_db

    again = tmp / "again"
    again.mkdir()
    settings = _settings(again)
    db = open_db(settings.database_url)
    outbox = build_channels(settings, StateStore(db))["telegram"]
    sent = []
    for path in sorted(written.glob("*.json")):
        r = json.loads(path.read_text(encoding="utf-8"))
        sent.append((Message(key=r["key"], title=r["title"], body=r["body"], format=r["format"], part=r["part"],
                             parts=r["parts"]), r["target"]))

    async def write_all() -> float:
        cpu0 = time.process_time()
        for message, target in sent:
            await outbox.send(message, target)
        return time.process_time() - cpu0

    cpu = asyncio.run(write_all())
    db.dispose()
    return cpu * 1000 / max(1, len(sent))


def _spawn(posts: int, minutes: float, extra: int, speedup: float, adapter: str = "outbox") -> dict:
    out = subprocess.run([sys.executable, "-m", "benchmarks.bench_dispatch", "--one", str(posts), str(minutes),
                          str(extra), str(speedup), adapter], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1])
    # the scenario's figures are the one JSON line (the staff chat's outbox may print beside it)
    return json.loads(next(line for line in reversed(out.stdout.splitlines()) if line.startswith("{")))


def run() -> list[str]:
    small = _spawn(1000, 1, 0, 1.0, "null")
    big = _spawn(1000, 1, 99_000, 1.0, "null")
    outbox = _spawn(1000, 1, 0, 1.0, "outbox")
    late = _spawn(10_000, 10, 0, SPEEDUP, "outbox")
    ratio = big["cpu_ms_per_post"] / small["cpu_ms_per_post"]
    return [
        f"dispatcher CPU per post, 1,000 posts due over 1 min into {CHATS} chats, real time, through an adapter "
        f"that only answers: {small['cpu_ms_per_post']:.2f} ms with 1,000 pending; {big['cpu_ms_per_post']:.2f} ms "
        f"with {big['posts'] + big['extra']:,} pending → ratio {ratio:.2f} (goal ≤ 4 ms, ratio ≤ 1.3)",
        f"the same through the outbox adapter (3 fsynced files per message): {outbox['cpu_ms_per_post']:.2f} ms "
        f"per post, of which the outbox's own writing measured alone {outbox['outbox_ms_per_post']:.2f} ms",
        f"lateness at 1,000 pending p50 {small['late_p50_ms']:.0f} ms, p99 {small['late_p99_ms']:.0f} ms; "
        f"at 100,000 pending p50 {big['late_p50_ms']:.0f} ms, p99 {big['late_p99_ms']:.0f} ms; "
        f"outbox p50 {outbox['late_p50_ms']:.0f} ms, p99 {outbox['late_p99_ms']:.0f} ms",
        f"lateness, {late['posts']:,} posts over 10 min into the outbox (clock ×{late['speedup']:g}: "
        f"{10 / late['speedup']:.1f} min of wall time): p50 {late['late_p50_ms']:.0f} ms, "
        f"p99 {late['late_p99_ms']:.0f} ms, max {late['late_max_ms']:.0f} ms (goal p99 < 1000 ms); "
        f"published {late['published']}/{late['posts']}; CPU {late['cpu_ms_per_post']:.2f} ms/post",
        f"peak RSS with 100,000 posts pending: {big['rss_mb']:.0f} MB (goal < 150 MB); "
        f"1,000 pending: {small['rss_mb']:.0f} MB; 10,000-post outbox run: {late['rss_mb']:.0f} MB",
    ]


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        p, m, e, k = sys.argv[2:6]
        print(json.dumps(one(int(p), float(m), int(e), float(k), *sys.argv[6:7])))
    elif sys.argv[1:2] == ["--seed"]:
        d, p, m, e, t = sys.argv[2:7]
        seed(Path(d), int(p), float(m), int(e), datetime.fromisoformat(t))
    else:
        for line in run():
            print(line)
