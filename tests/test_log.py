"""The publication log: append one row per attempt, filter by channel, time and failures."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from channels import log as publog
from channels.models import Attempt, Post
from content.items.workflow import NewItem, create_item

T0 = datetime(2024, 3, 4, 1, 0, tzinfo=timezone.utc)


@pytest.fixture
def posts(db):
    with db.session() as s:
        item = create_item(s, NewItem(title="Thủ tục hành chính mới", body="Nội dung."), now=T0,
                           require_approval=False)
        rows = [Post(item_id=item.id, channel=ch, target=tg, edition="", state="pending", due_at=T0)
                for ch, tg in (("telegram", "@a"), ("portal", ""))]
        s.add_all(rows)
        s.flush()
        return [p.id for p in rows]


def _add(db, post_id, at, outcome, **kw):
    with db.session() as s:
        publog.record(s, s.get(Post, post_id), at=at, outcome=outcome, **kw)


def test_rows_filter_by_channel_since_and_failure(db, posts):
    tg, portal = posts
    _add(db, tg, T0, "retry", part=1, http_status=502, error="Máy chủ Telegram lỗi tạm thời", latency_ms=40)
    _add(db, tg, T0 + timedelta(minutes=1), "published", part=1, http_status=200, external_id="7",
         url="https://t.me/a/7", latency_ms=35, worker="w1")
    _add(db, portal, T0 + timedelta(minutes=2), "published", part=1, url="https://x/1.html")
    with db.session() as s:
        everything = publog.query(s)
        assert [e.outcome for e in everything] == ["retry", "published", "published"]
        assert everything[0].title == "Thủ tục hành chính mới"
        assert [e.channel for e in publog.query(s, channel="portal")] == ["portal"]
        assert [e.outcome for e in publog.query(s, failed=True)] == ["retry"]
        assert len(publog.query(s, since=T0 + timedelta(seconds=30))) == 2
        assert [e.post_id for e in publog.query(s, post_id=portal)] == [portal]
        assert [e.outcome for e in publog.query(s, limit=1)] == ["published"]
        d = everything[1].as_dict()
        assert d["url"] == "https://t.me/a/7" and d["at"].startswith("2024-03-04T01:01:00")
        assert publog.counts(everything) == {"retry": 1, "published": 2}


def test_log_is_append_only(db, posts):
    tg, _ = posts
    for n in range(3):
        _add(db, tg, T0 + timedelta(seconds=n), "retry", part=1)
    with db.session() as s:
        assert s.query(Attempt).count() == 3


def test_post_views(db, posts):
    with db.session() as s:
        views = publog.posts(s)
        assert [v.channel for v in views] == ["telegram", "portal"]
        assert publog.posts(s, state="published") == []
        assert publog.post(s, posts[0]).target == "@a"
        assert publog.post(s, 9999) is None
        with pytest.raises(ValueError, match="Trạng thái không hợp lệ"):
            publog.posts(s, state="lost")
