"""Feed intake against a local feed server: conditional GET, de-duplication, bad feeds."""

from datetime import datetime, timezone

from sqlalchemy import select

from content.config import Feed
from content.models import Item
from schedules import feeds
from schedules.models import FeedState
from tests.fakes.feed_server import FeedServer

NOW = datetime(2024, 3, 4, 1, 0, tzinfo=timezone.utc)


def _items(db):
    with db.session() as s:
        return s.scalars(select(Item).order_by(Item.id)).all()


def test_new_entries_become_drafts_once(db):
    with FeedServer() as srv:
        srv.add("a1", "Gia Lai đẩy mạnh dịch vụ công trực tuyến",
                "<p>Năm 2024, tỉnh <b>đẩy mạnh</b> DVCTT &amp; BCCI.</p><script>alert(1)</script>")
        srv.add("a2", "Kết quả Chỉ số CCHC năm 2023")
        feed = Feed(url=srv.url, name="Cổng TTĐT tỉnh", channels=("portal", "telegram"))
        first = feeds.poll(db, feed, now=NOW)
        assert (first.status, first.seen, len(first.added)) == (200, 2, 2)
        items = _items(db)
        assert [i.state for i in items] == ["draft", "draft"], "feed items wait for approval"
        assert items[0].source == "feed" and items[0].channels == ["portal", "telegram"]
        body = next(i.body for i in items if i.title.startswith("Gia Lai"))
        assert "đẩy mạnh DVCTT & BCCI." in body and "<" not in body and "alert" not in body
        assert "Nguồn: https://gialai.gov.vn/tin/a1" in body

        again = feeds.poll(db, feed, now=NOW)
        assert again.status == 304 and again.added == []
        assert srv.requests[-1]["If-None-Match"].startswith('"')
        assert srv.requests[-1]["If-Modified-Since"] == srv.last_modified

        srv.add("a3", "Tin mới")
        srv.items[0] = ("a1", "Gia Lai đẩy mạnh dịch vụ công trực tuyến (cập nhật)", srv.items[0][2], "")
        third = feeds.poll(db, feed, now=NOW)
        assert third.seen == 3 and len(third.added) == 1, "de-duplicated by id, not by title or date"
        assert len(_items(db)) == 3
        with db.session() as s:
            assert s.get(FeedState, srv.url).entries_added == 3


def test_broken_feeds_are_recorded_not_fatal(db):
    with FeedServer() as srv:
        srv.status = 500
        r = feeds.poll(db, Feed(url=srv.url), now=NOW)
        assert r.error and "Không tải được nguồn tin" in r.error and r.added == []
        srv.status = 200
        srv.raw = b"<html><body>B\xe1\xba\xa3o tr\xc3\xac</body></html>"
        r = feeds.poll(db, Feed(url=srv.url), now=NOW)
        assert r.malformed and r.error and r.added == []
        srv.raw = ('<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>'
                   '<item><guid>b1</guid><title>Tin & lỗi</title></item></channel>').encode()
        r = feeds.poll(db, Feed(url=srv.url), now=NOW)
        assert r.malformed and len(r.added) == 1, "a malformed feed that parses is still used"
    r = feeds.poll(db, Feed(url="http://127.0.0.1:9/khong-co"), now=NOW, timeout=2)
    assert r.error and r.status is None
    with db.session() as s:
        assert s.get(FeedState, "http://127.0.0.1:9/khong-co").last_error
