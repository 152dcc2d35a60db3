"""Web console speed: the dashboard (/) and the month calendar (/calendar) rendered in-process
(Starlette's TestClient, a signed-in leader) over a SQLite database holding 100,000 posts (25,000
items on four channels, spread over ten years), 10,000 citizens' questions (5% still open) and a
year's plan calendar. Prints p50/p95 of 60 requests each. Target: p95 < 100 ms."""

from __future__ import annotations

import random
import tempfile
import time
import warnings
from datetime import date, datetime, timedelta
from pathlib import Path

TARGET_MS = 100.0
POSTS = 100_000
CHANNELS = ("portal", "telegram", "radio", "zalo")
QUESTIONS = 10_000
RUNS = 60


def _fill(db, now: datetime) -> None:  # noqa: ANN001
    from sqlalchemy import insert

    from channels.models import Post
    from content.models import Item
    from content.qa.models import Question
    from content.text import UTC

    rng = random.Random(3)
    start = datetime(2015, 1, 1, tzinfo=UTC)
    span = (now - start).total_seconds()
    items, posts = [], []
    for i in range(1, POSTS // len(CHANNELS) + 1):
        at = start + timedelta(seconds=rng.random() * span)
        at = at.replace(minute=0, second=0, microsecond=0)
        state = "published" if at < now else rng.choice(("draft", "approved", "scheduled"))
        items.append({"id": i, "title": f"Tin cải cách hành chính số {i}", "body": "Nội dung.", "summary": "",
                      "channels": list(CHANNELS), "publish_at": at, "state": state, "source": "staff",
                      "note": "", "created_by": "bench", "created_at": at, "updated_at": at, "version": 1})
        for ch in CHANNELS:
            pstate = "published" if state == "published" else ("pending" if state == "scheduled" else None)
            if pstate is None:
                continue
            if pstate == "published" and rng.random() < 0.002:
                pstate = rng.choice(("dead", "unknown"))
            posts.append({"item_id": i, "channel": ch, "target": "", "edition": "", "state": pstate, "due_at": at,
                          "attempts": 1, "parts_done": 1, "parts_total": 1, "created_at": at, "updated_at": at})
    while len(posts) < POSTS:   # drafts have no posts: top up with editions of published items
        i = rng.randrange(1, len(items) + 1)
        at = items[i - 1]["publish_at"]
        posts.append({"item_id": i, "channel": "portal", "target": "", "edition": f"{len(posts)}/2024",
                      "state": "published", "due_at": at, "attempts": 1, "parts_done": 1, "parts_total": 1,
                      "created_at": at, "updated_at": at})
    questions = []
    for q in range(1, QUESTIONS + 1):
        at = start + timedelta(seconds=rng.random() * span)
        open_ = rng.random() < 0.05
        questions.append({"code": f"HD-{at.year}-{q:05d}", "year": at.year, "seq": q, "channel": "telegram",
                          "state": "received" if open_ else "answered", "text": "Câu hỏi?", "received_at": at,
                          "due_on": (now + timedelta(days=rng.randrange(-5, 10))).date() if open_ else at.date(),
                          "unit": "", "public": False, "notice_attempts": 0})
    with db.session() as s:
        for rows, table in ((items, Item), (posts[:POSTS], Post), (questions, Question)):
            for k in range(0, len(rows), 5000):
                s.execute(insert(table), rows[k:k + 5000])


def _measure(client, path: str) -> tuple[float, float]:  # noqa: ANN001
    client.get(path)   # warm-up
    times = []
    for _ in range(RUNS):
        t = time.perf_counter()
        r = client.get(path)
        times.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, (path, r.status_code)
    times.sort()
    return times[len(times) // 2], times[int(len(times) * 0.95) - 1]


def run() -> list[str]:
    from argon2 import PasswordHasher, profiles

    from content import db as dbmod
    from content import users
    from content.calendar.store import rebuild
    from content.models import PlanRecord
    from content.plan.parse import Period, Plan, ReportDuty, Signer, Task, Theme, Timing
    from content.config import from_mapping
    from content.text import UTC

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient
    from bot.web import make_console_app

    users.use_hasher(PasswordHasher.from_parameters(profiles.CHEAPEST))
    now = datetime(2024, 3, 6, 3, 0, tzinfo=UTC)
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        settings = from_mapping({"database": {"url": "sqlite:///loa.db"}, "web": {}, "unit": {"name": "UBND xã"},
                                 "channels": {"portal": {"path": "site"}, "telegram": {}, "radio": {"path": "r"}}},
                                env={}, base_dir=base)
        db = dbmod.open_db(settings.database_url)
        started = time.perf_counter()
        _fill(db, now)
        plan = Plan(number="01/KH-BENCH", issuer="UBND", place=None, date=None, year=2024,
                    period=Period(date(2024, 1, 1), date(2024, 12, 31)), title="Kế hoạch 2024", signer=Signer(),
                    themes=[Theme(f"t{i}", f"Nội dung tuyên truyền số {i}") for i in range(1, 11)],
                    channels=["portal", "social", "radio", "hotline"],
                    tasks=[Task("01", "Cập nhật tin bài", "Văn phòng", [], Timing("recurring", "hằng tháng", every="month"))],
                    reports=[ReportDuty("quarter", None)])
        with db.session() as s:
            rec = PlanRecord(key="bench", number=plan.number, title=plan.title, year=2024, data=plan.to_dict())
            s.add(rec)
            s.flush()
            rebuild(s, rec, settings)
            users.add_user(s, "lanhdao", name="Lãnh đạo", role="lanh_dao", password="mat-khau-du-dai", now=now)
        lines.append(f"data: {POSTS:,} posts, {QUESTIONS:,} questions, a year's calendar "
                     f"(filled in {time.perf_counter() - started:.1f} s)")
        app = make_console_app(settings, db, clock=lambda: now, channels={})
        with TestClient(app, base_url="http://testserver") as client:
            page = client.get("/login").text
            token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
            client.post("/login", data={"username": "lanhdao", "password": "mat-khau-du-dai", "csrf_token": token})
            for label, path in (("dashboard /", "/"), ("calendar /calendar?month=2024-03", "/calendar?month=2024-03")):
                p50, p95 = _measure(client, path)
                verdict = "ok" if p95 < TARGET_MS else "SLOWER THAN TARGET"
                lines.append(f"{label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms (target p95 < {TARGET_MS:.0f} ms: {verdict})")
        db.dispose()
    return lines


if __name__ == "__main__":
    for line in run():
        print(line)
