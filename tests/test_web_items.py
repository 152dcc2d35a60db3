"""Composing in the console: previews from the real renderers, saving, the optimistic version
check, leaders approving (posts queued) and rejecting, the list's filters, the log's actions."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from channels.models import Post
from content.items.workflow import NewItem, create_item
from content.models import Item
from tests.web_helpers import Clock, add_accounts, csrf, login, make_client

BODY = ("Từ ngày 04/3/2024, Bộ phận một cửa của UBND xã tiếp nhận hồ sơ TTHC trực tuyến.\n\n"
        "Gọi 0221 3 946 101 để được hướng dẫn. Xem thêm XYZQ.\n\n" + "Câu dài để tách tin. " * 300)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def client(settings, db, clock):
    add_accounts(db, clock())
    with make_client(settings, db, clock) as c:
        yield c


def _compose(client, **fields):
    token = csrf(client, "/items/new")
    data = {"csrf_token": token, "title": "Tiếp nhận hồ sơ trực tuyến", "body": BODY,
            "channels": ["portal", "telegram", "radio", "hotline"], "publish_at": "05/03/2024 08:00", **fields}
    return client.post("/items/new", data=data)


def test_preview_shows_every_channel_as_it_will_go_out(client, settings):
    login(client, "bientap")
    r = _compose(client, action="preview")
    assert r.status_code == 200
    page = r.text
    for name in ("Cổng TTĐT", "Telegram", "Đài truyền thanh", "Đường dây nóng"):
        assert f">{name}</h3>" in page
    assert "Zalo</h3>" not in page, "only the chosen channels"
    assert re.search(r"— Tin 2/\d+ —", page), "Telegram split points are shown"
    assert "Ủy ban nhân dân xã" in page, "the radio script reads abbreviations in full"
    assert "Thời lượng đọc khoảng" in page and "<mark>XYZQ" in page, "reading time and words to check"
    assert re.search(r"Tin nhắn SMS: \d+ tin", page)
    assert "https://ngoclam.example.gov.vn/bai-viet/tiep-nhan-ho-so-truc-tuyen.html" in page
    with client.app.state.console.db.session() as s:
        assert s.scalar(select(Item.id)) is None, "previewing saves nothing"


def test_bad_input_comes_back_with_the_values_and_400(client):
    login(client, "bientap")
    r = _compose(client, action="save", title="Tiêu đề giữ lại", publish_at="ngày mai lúc nào đó", channels=[])
    assert r.status_code == 400
    assert 'value="Tiêu đề giữ lại"' in r.text and "Không hiểu “nào đó”" in r.text
    assert "Hãy chọn ít nhất một kênh" in r.text


def test_save_then_leader_approves_and_posts_are_queued(settings, db, clock):
    from channels.registry import build_channels
    from channels.state import StateStore

    add_accounts(db, clock())
    chans = build_channels(settings, StateStore(db))
    with make_client(settings, db, clock, channels=chans) as c:
        login(c, "bientap")
        r = _compose(c, action="save", channels=["portal", "radio"])
        assert r.status_code == 303
        item_id = int(r.headers["location"].rsplit("/", 1)[1])
        page = c.get(r.headers["location"]).text
        assert "Đã lưu bài số" in page and "bản nháp" in page
        assert "Đã lưu bài số" not in c.get(f"/items/{item_id}").text, "a message is shown once"
        token = csrf(c, "/")
        assert c.post(f"/items/{item_id}/approve", data={"csrf_token": token}).status_code == 403
        c.cookies.clear()
        login(c, "lanhdao")
        token = csrf(c, f"/items/{item_id}")
        r = c.post(f"/items/{item_id}/approve", data={"csrf_token": token})
        assert r.status_code == 303
        assert "Đã duyệt bài số" in c.get(f"/items/{item_id}").text
    with db.session() as s:
        item = s.get(Item, item_id)
        assert item.state == "scheduled" and item.approved_by == "Trần Thị Lãnh (lanhdao)"
        assert item.created_by == "Nguyễn Văn Biên (bientap)"
        assert sorted(p.channel for p in s.scalars(select(Post).where(Post.item_id == item_id))) == ["portal", "radio"]


def test_second_save_of_a_stale_version_is_refused_with_what_changed(client, db, clock):
    login(client, "bientap")
    r = _compose(client, action="save", body="Bản đầu.")
    item_id = int(r.headers["location"].rsplit("/", 1)[1])
    page = client.get(f"/items/{item_id}").text
    version = re.search(r'name="version" value="([^"]*)"', page)[1]
    token = csrf(client, "/")
    base = {"csrf_token": token, "title": "Tiếp nhận hồ sơ trực tuyến", "channels": ["portal"],
            "publish_at": "05/03/2024 08:00", "action": "save", "version": version}
    clock.advance(seconds=5)
    first = client.post(f"/items/{item_id}", data={**base, "body": "Bản của người thứ nhất."})
    assert first.status_code == 303
    clock.advance(seconds=5)
    second = client.post(f"/items/{item_id}", data={**base, "body": "Bản của người thứ hai."})
    assert second.status_code == 409
    assert "Bài đã được người khác sửa" in second.text
    assert "Bản của người thứ nhất." in second.text and "Bản của người thứ hai." in second.text
    with db.session() as s:
        assert s.get(Item, item_id).body == "Bản của người thứ nhất.", "never a silent overwrite"
    fresh = re.search(r'name="version" value="([^"]*)"', second.text)[1]
    third = client.post(f"/items/{item_id}", data={**base, "body": "Bản đã gộp.", "version": fresh})
    assert third.status_code == 303


def test_reject_needs_a_reason_and_shows_it(client, db, clock):
    with db.session() as s:
        item_id = create_item(s, NewItem(title="Bài", body="x", channels=("portal",)), now=clock()).id
    login(client, "lanhdao")
    token = csrf(client, f"/items/{item_id}")
    client.post(f"/items/{item_id}/reject", data={"csrf_token": token, "reason": " "})
    assert "Hãy ghi lý do từ chối" in client.get(f"/items/{item_id}").text
    client.post(f"/items/{item_id}/reject", data={"csrf_token": token, "reason": "Sai số điện thoại"})
    page = client.get(f"/items/{item_id}").text
    assert "Lý do từ chối: Sai số điện thoại" in page


def test_items_list_filters(client, db, clock):
    with db.session() as s:
        create_item(s, NewItem(title="Tin Telegram", body="x", channels=("telegram",)), now=clock())
        create_item(s, NewItem(title="Tin Cổng", body="x", channels=("portal",)), now=clock())
    login(client, "lanhdao")
    page = client.get("/items?channel=telegram").text
    assert "Tin Telegram" in page and "Tin Cổng" not in page
    assert "Tin Cổng" in client.get("/items?state=draft").text
    assert "Tin Cổng" not in client.get("/items?state=approved").text


def _published_item(settings, db, clock, c, chans) -> int:  # noqa: ANN001
    """An item composed, approved and published through the console and the publisher."""
    import asyncio

    from channels.publisher import Publisher

    login(c, "bientap")
    r = _compose(c, action="save", channels=["portal"], publish_at="01/03/2024 10:00", body="Bản đầu tiên.")
    item_id = int(r.headers["location"].rsplit("/", 1)[1])
    c.cookies.clear()
    login(c, "lanhdao")
    token = csrf(c, f"/items/{item_id}")
    assert c.post(f"/items/{item_id}/approve", data={"csrf_token": token}).status_code == 303
    clock.advance(hours=2)
    summary = asyncio.run(Publisher(db, chans, settings, clock=clock, notify=lambda _t: None).publish_due(clock()))
    assert summary.published == 1
    return item_id


def test_leader_corrects_then_withdraws_a_published_item(settings, db, clock):
    from channels.registry import build_channels
    from channels.state import StateStore
    from content import audit

    add_accounts(db, clock())
    chans = build_channels(settings, StateStore(db))
    with make_client(settings, db, clock, channels=chans) as c:
        item_id = _published_item(settings, db, clock, c, chans)
        pages = list((settings.resolve("site") / "bai-viet").glob(f"{item_id}-*.html"))
        assert pages and "Bản đầu tiên." in pages[0].read_text(encoding="utf-8")
        page = c.get(f"/items/{item_id}").text
        assert "Đính chính bài đã đăng" in page and "Lưu ý trước khi thao tác" in page
        token = csrf(c, f"/items/{item_id}")
        version = re.search(r'action="/items/\d+/correct">\s*<input type="hidden" name="csrf_token" value="[^"]+">'
                            r'<input type="hidden" name="version" value="(\d+)"', page)[1]
        r = c.post(f"/items/{item_id}/correct", data={"csrf_token": token, "version": version,
                                                     "body": "Bản đã đính chính."})
        assert r.status_code == 303
        assert "Bản đã đính chính." in pages[0].read_text(encoding="utf-8"), "the static page is rewritten"
        r = c.post(f"/items/{item_id}/correct", data={"csrf_token": token, "version": version, "body": "Lần nữa"})
        assert "vừa được thay đổi" in c.get(r.headers["location"]).text, "a stale form is refused"
        page = c.get(f"/items/{item_id}").text
        version = re.search(r'name="version" value="(\d+)"', page)[1]
        r = c.post(f"/items/{item_id}/withdraw", data={"csrf_token": token, "version": version, "reason": "Sai lịch"})
        assert r.status_code == 303
        assert not pages[0].exists(), "the static page is removed"
        assert "đã gỡ" in c.get(f"/items/{item_id}").text
    with db.session() as s:
        actions = [e.action for e in audit.entries(s, item_id=item_id)]
    assert actions[-2:] == ["item.correct", "item.withdraw"]


def test_cancelled_item_is_restored_and_approval_of_a_past_time_is_confirmed(settings, db, clock):
    add_accounts(db, clock())
    with db.session() as s:
        item_id = create_item(s, NewItem(title="Bài cũ", body="x", channels=("portal",),
                                         publish_at=clock() - timedelta(days=1)), now=clock()).id
    with make_client(settings, db, clock) as c:
        login(c, "lanhdao")
        page = c.get(f"/items/{item_id}").text
        assert 'name="confirm_past"' in page
        token = csrf(c, f"/items/{item_id}")
        version = re.search(r'name="version" value="(\d+)"', page)[1]
        c.post(f"/items/{item_id}/approve", data={"csrf_token": token, "version": version})
        assert "đã qua" in c.get(f"/items/{item_id}").text, "refused without the confirmation"
        c.post(f"/items/{item_id}/withdraw", data={"csrf_token": token, "version": version})
        assert "đã hủy" in c.get(f"/items/{item_id}").text
        page = c.get(f"/items/{item_id}").text
        version = re.search(r'name="version" value="(\d+)"', page)[1]
        assert c.post(f"/items/{item_id}/restore", data={"csrf_token": token, "version": version}).status_code == 303
        assert "bản nháp" in c.get(f"/items/{item_id}").text
