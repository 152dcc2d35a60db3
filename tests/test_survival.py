"""`loa run` as a real process against the fake Bot API: kill -9 in the middle of publishing
500 posts, SIGTERM, and two instances on one PostgreSQL database. Every post ends published
exactly once, except posts in flight at a kill, which become `unknown` and are never resent."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from channels.models import Attempt, Post
from channels.publisher import schedule_item
from channels.registry import build_channels
from channels.state import StateStore
from content.db import open_db
from content.items.workflow import NewItem, create_item
from content.config import load
from content.text import now_utc
from tests.helpers import LOA, wait_until

pytest.importorskip("tests.fakes.telegram_api")
from tests.fakes.telegram_api import FakeBotAPI  # noqa: E402

pytestmark = pytest.mark.slow
CHATS = [f"-1001{i:03d}" for i in range(50)]
TOKEN = "123456:TEST-TOKEN"


def _field(m, name):
    return m[name] if isinstance(m, dict) else getattr(m, name)


def _config(tmp_path: Path, fake: FakeBotAPI, db_url: str | None = None, lease: int = 300) -> Path:
    cfg = tmp_path / "config.toml"
    chats = ", ".join(f'"{c}"' for c in CHATS)
    cfg.write_text(
        'timezone = "Asia/Ho_Chi_Minh"\n'
        f'[database]\nurl = "{db_url or "sqlite:///loa.db"}"\n'
        '[unit]\nname = "Ủy ban nhân dân xã Ngọc Lâm"\n'
        f'[channels.telegram]\ntoken_env = "LOA_TELEGRAM_TOKEN"\nbase_url = "{fake.base_url}"\n'
        f"chat_ids = [{chats}]\n"
        f"[publisher]\nlease_seconds = {lease}\n"
        "[schedule]\npoll_seconds = 0.5\nweekly = \"sun 23:59\"\n",
        encoding="utf-8")
    return cfg


def _seed(cfg: Path, items: int = 10) -> int:
    settings = load(cfg, env={"LOA_TELEGRAM_TOKEN": TOKEN})
    db = open_db(settings.database_url)
    channels = build_channels(settings, StateStore(db))
    now = now_utc()
    with db.session() as s:
        for i in range(items):
            item = create_item(s, NewItem(title=f"Thông báo số {i:02d}", body=f"Nội dung thông báo số {i:02d}.",
                                          channels=("telegram",)), now=now, require_approval=False)
            schedule_item(s, item, channels, now=now)
    with db.session() as s:
        n = s.scalar(select(func.count(Post.id)))
    db.dispose()
    return n


def _start(cfg: Path, tmp_path: Path, db_url: str | None = None) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOA_")}
    env.update({"LOA_CONFIG": str(cfg), "LOA_TELEGRAM_TOKEN": TOKEN, "PYTHONUNBUFFERED": "1"})
    if db_url:
        env["LOA_DATABASE_URL"] = db_url
    log = open(tmp_path / f"run-{time.monotonic_ns()}.log", "w")
    return subprocess.Popen([str(LOA), "run"], cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)


def _states(url: str) -> Counter:
    db = open_db(url)
    with db.session() as s:
        out = Counter(dict(s.execute(select(Post.state, func.count()).group_by(Post.state)).all()))
    db.dispose()
    return out


def _sent_per_post(fake: FakeBotAPI) -> Counter:
    return Counter((str(_field(m, "chat_id")), _field(m, "text")) for m in fake.sent)


def _assert_exactly_once(fake: FakeBotAPI, url: str, total: int) -> Counter:
    states = _states(url)
    assert states["published"] + states["unknown"] == total, states
    per_post = _sent_per_post(fake)
    assert max(per_post.values()) == 1, "a post was sent twice"
    assert len(per_post) >= states["published"]
    assert len(per_post) <= total
    return states


def test_kill_9_mid_publish_then_restart(tmp_path):
    with FakeBotAPI(token=TOKEN) as fake:
        cfg = _config(tmp_path, fake)
        url = f"sqlite:///{tmp_path / 'loa.db'}"
        total = _seed(cfg)
        assert total == 500
        proc = _start(cfg, tmp_path)
        assert wait_until(lambda: len(fake.sent) >= 120, 60), "loa run did not start publishing"
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        at_kill = _states(url)
        assert at_kill["pending"] > 0, "the kill came too late to test anything"
        in_flight = at_kill["sending"]

        again = _start(cfg, tmp_path)
        try:
            assert wait_until(lambda: _states(url)["pending"] + _states(url)["sending"] == 0, 90)
        finally:
            again.send_signal(signal.SIGTERM)
            assert again.wait(30) == 0
        states = _assert_exactly_once(fake, url, total)
        assert states["unknown"] == in_flight, "only posts in flight at the kill are unknown"


def test_sigterm_finishes_in_flight_and_releases_the_rest(tmp_path):
    with FakeBotAPI(token=TOKEN) as fake:
        cfg = _config(tmp_path, fake)
        url = f"sqlite:///{tmp_path / 'loa.db'}"
        total = _seed(cfg)
        proc = _start(cfg, tmp_path)
        assert wait_until(lambda: len(fake.sent) >= 100, 60)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
        stopped = _states(url)
        assert stopped["sending"] == 0 and stopped["pending"] > 0
        again = _start(cfg, tmp_path)
        try:
            assert wait_until(lambda: _states(url)["published"] == total, 90)
        finally:
            again.send_signal(signal.SIGTERM)
            assert again.wait(30) == 0
        assert _assert_exactly_once(fake, url, total)["unknown"] == 0


def test_sqlite_refuses_a_second_instance(tmp_path):
    with FakeBotAPI(token=TOKEN) as fake:
        cfg = _config(tmp_path, fake)
        proc = _start(cfg, tmp_path)
        try:
            time.sleep(3)
            env = {k: v for k, v in os.environ.items() if not k.startswith("LOA_")}
            env.update({"LOA_CONFIG": str(cfg), "LOA_TELEGRAM_TOKEN": TOKEN})
            second = subprocess.run([str(LOA), "run"], cwd=tmp_path, env=env, capture_output=True, text=True,
                                    timeout=60)
            assert second.returncode == 2
            assert "PostgreSQL" in second.stderr and "Traceback" not in second.stderr
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(30)


@pytest.mark.postgres
def test_two_instances_on_postgres_never_duplicate_and_take_over(tmp_path, pg_url):
    with FakeBotAPI(token=TOKEN) as fake:
        cfg = _config(tmp_path, fake, db_url=pg_url, lease=3)
        total = _seed(cfg)
        a = _start(cfg, tmp_path, pg_url)
        b = _start(cfg, tmp_path, pg_url)
        try:
            assert wait_until(lambda: len(fake.sent) >= 150, 60)
            a.send_signal(signal.SIGKILL)
            a.wait()
            assert wait_until(lambda: _states(pg_url)["pending"] + _states(pg_url)["sending"] == 0, 120), \
                "the surviving instance did not take over"
        finally:
            b.send_signal(signal.SIGTERM)
            assert b.wait(30) == 0
        workers = open_db(pg_url)
        with workers.session() as s:
            claimers = set(s.scalars(select(Attempt.worker).where(Attempt.outcome == "published")))
        workers.dispose()
        assert len(claimers) == 2, "both instances published"
        _assert_exactly_once(fake, pg_url, total)
