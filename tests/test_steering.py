"""Steering an item through its life, end to end: real database (SQLite and PostgreSQL), the
real adapters against the fake Telegram, WordPress and Zalo servers, the static site, radio and
hotline folders. Edit/reject a queued item, restore, withdraw and correct what went out, the
audit row of every action, stale saves and posts in flight refused."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from channels.base import Limits
from channels.models import Attempt, Post
from channels.pacing import Pacer
from channels.publisher import Publisher
from channels.registry import build_channels
from channels.state import StateStore
from channels.steering import Changes, ItemBusy, StaleItem, Steering
from content import audit
from content.audit import Actor
from content.errors import LoaError
from content.items.states import TransitionRefused
from content.items.when import PastTimeError
from content.items.workflow import NewItem
from content.models import Item
from tests.helpers import Clock, make_settings
from tests.fakes.telegram_api import FakeBotAPI
from tests.fakes.wordpress_api import FakeWordPress
from tests.fakes.zalo_api import FakeZaloAPI
from tests.helpers import zalo_config, zalo_env

T0 = datetime(2024, 3, 4, 1, 0, tzinfo=timezone.utc)        # 08:00 in Hà Nội
LAN = Actor("lan", "cli")
CHIEF = Actor("Trưởng phòng Hùng", "web")
WP_PASSWORD = "abcd efgh ijkl mnop"


@pytest.fixture
def servers():
    with FakeBotAPI() as tg, FakeWordPress(app_password=WP_PASSWORD) as wp, FakeZaloAPI() as zalo:
        yield tg, wp, zalo


def settings_for(tmp_path: Path, tg: FakeBotAPI, zalo: FakeZaloAPI | None = None, wp: FakeWordPress | None = None):
    channels = {
        "telegram": {"token_env": "TG", "base_url": tg.base_url, "chat_ids": ["@xangoclam"]},
        "radio": {"path": "radio"},
        "hotline": {"path": "hotline"},
    }
    env = {"TG": tg.token}
    if wp is not None:
        channels["portal"] = {"kind": "wordpress", "url": wp.url, "user": "bientap", "password_env": "WP"}
        env["WP"] = WP_PASSWORD
    else:
        channels["portal"] = {"kind": "static", "path": "site", "base_url": "https://ngoclam.example.gov.vn"}
    if zalo is not None:
        channels["zalo"] = zalo_config(zalo, recipient_user_ids=["u-1"])
        env.update(zalo_env(zalo))
    return make_settings(tmp_path, {"channels": channels}, env=env)


class World:
    """One unit's Loa: settings, database, adapters, a clock, the steering service, a publisher."""

    def __init__(self, tmp_path: Path, db, tg, zalo=None, wp=None):
        self.settings = settings_for(tmp_path, tg, zalo, wp)
        self.db = db
        self.clock = Clock()
        self.channels = build_channels(self.settings, StateStore(db))
        self.steer = Steering(db, self.settings, self.channels, clock=self.clock)
        self.site = tmp_path / "site"

    def add(self, channels=("portal", "telegram"), title="Thủ tục cấp giấy khai sinh trực tuyến",
            body="Người dân nộp hồ sơ khai sinh trên Cổng dịch vụ công.", at=T0 + timedelta(hours=1),
            confirm_past=False) -> int:
        return self.steer.add(NewItem(title=title, body=body, channels=tuple(channels), publish_at=at), LAN,
                              confirm_past=confirm_past).item_id

    def publish(self, at: datetime | None = None):
        at = at or self.clock.now
        pacer = Pacer({n: Limits() for n in self.channels})
        pub = Publisher(self.db, self.channels, self.settings, clock=lambda: at, notify=lambda _t: None, pacer=pacer)
        return asyncio.run(pub.publish_due(at))

    def posts(self, item_id: int) -> list[Post]:
        with self.db.session() as s:
            return list(s.scalars(select(Post).where(Post.item_id == item_id).order_by(Post.id)))

    def item(self, item_id: int) -> Item:
        with self.db.session() as s:
            return s.get(Item, item_id)

    def audit(self, item_id: int) -> list[audit.AuditEntry]:
        with self.db.session() as s:
            return audit.entries(s, item_id=item_id)

    def log(self, item_id: int) -> list[Attempt]:
        with self.db.session() as s:
            return list(s.scalars(select(Attempt).where(Attempt.item_id == item_id).order_by(Attempt.id)))

    def close(self):
        async def go():
            for ch in self.channels.values():
                await ch.aclose()
        asyncio.run(go())


@pytest.fixture
def world(tmp_path, db, servers):
    tg, _wp, zalo = servers
    w = World(tmp_path, db, tg, zalo)
    yield w
    w.close()


# --------------------------------------------------------------------- before anything went out
def test_edit_a_scheduled_item_unqueues_its_posts_and_needs_approval_again(world, servers):
    tg = servers[0]
    item_id = world.add()
    world.steer.approve(item_id, CHIEF)
    assert [p.state for p in world.posts(item_id)] == ["pending", "pending"]
    said = world.steer.consequences(item_id, "edit")
    assert any("2 lượt đăng chưa gửi sẽ được rút khỏi hàng đợi" in line for line in said)
    assert any("duyệt lại" in line for line in said)

    result = world.steer.edit(item_id, LAN, Changes(title="Thủ tục cấp giấy khai sinh (sửa lỗi)"))
    assert result.state == "draft" and result.unqueued == 2
    assert [p.state for p in world.posts(item_id)] == ["cancelled", "cancelled"]
    assert [a.outcome for a in world.log(item_id)] == ["unqueued", "unqueued"]
    world.clock.now = T0 + timedelta(hours=2)
    assert world.publish().published == 0, "nothing of the old version goes out"

    world.steer.approve(item_id, CHIEF, confirm_past=True)     # 09:00 has passed meanwhile
    posts = world.posts(item_id)
    assert [p.state for p in posts] == ["pending", "pending"], "the same rows come back to the queue"
    assert world.publish().published == 2
    assert len(tg.sent) == 1 and "(sửa lỗi)" in tg.sent[0].text
    rows = world.audit(item_id)
    assert [r.action for r in rows] == ["item.add", "item.approve", "item.edit", "item.approve"]
    edit_row = rows[2]
    assert edit_row.before["title"] == "Thủ tục cấp giấy khai sinh trực tuyến"
    assert edit_row.after["title"] == "Thủ tục cấp giấy khai sinh (sửa lỗi)"
    assert edit_row.before["state"] == "scheduled" and edit_row.after["state"] == "draft"
    assert rows[1].actor == "Trưởng phòng Hùng" and rows[1].via == "web"


def test_reject_a_scheduled_item_then_restore_it(world):
    item_id = world.add()
    world.steer.approve(item_id, CHIEF)
    with pytest.raises(LoaError, match="lý do"):
        world.steer.reject(item_id, CHIEF, "  ")
    result = world.steer.reject(item_id, CHIEF, "Sai số điện thoại")
    assert result.state == "rejected" and result.unqueued == 2
    assert world.item(item_id).note == "Sai số điện thoại"
    assert world.steer.restore(item_id, LAN).state == "draft"
    world.steer.cancel(item_id, LAN)
    assert world.steer.restore(item_id, LAN).state == "draft"
    assert [r.action for r in world.audit(item_id)] == [
        "item.add", "item.approve", "item.reject", "item.restore", "item.cancel", "item.restore"]


def test_approving_a_past_time_needs_confirmation(world):
    long_ago = datetime(2020, 1, 1, 1, 0, tzinfo=timezone.utc)
    with pytest.raises(PastTimeError, match="01/01/2020 08:00 đã qua"):
        world.add(at=long_ago)
    item_id = world.add(at=long_ago, confirm_past=True)
    assert any("đã qua" in line for line in world.steer.consequences(item_id, "approve"))
    with pytest.raises(PastTimeError, match="01/01/2020 08:00 đã qua"):
        world.steer.approve(item_id, CHIEF)
    assert world.item(item_id).state == "draft"
    assert world.steer.approve(item_id, CHIEF, confirm_past=True).state == "scheduled"


def test_a_stale_save_is_refused_naming_who_changed_it(world):
    item_id = world.add()
    version = world.item(item_id).version
    world.steer.edit(item_id, Actor("Mai", "web"), Changes(title="Tiêu đề của Mai"), expected_version=version)
    with pytest.raises(StaleItem, match="Mai đã sửa bài lúc .*Tiêu đề của Mai") as e:
        world.steer.edit(item_id, LAN, Changes(body="Nội dung của Lan"), expected_version=version)
    assert e.value.current["title"] == "Tiêu đề của Mai" and e.value.current["version"] == version + 1
    assert world.item(item_id).body == "Người dân nộp hồ sơ khai sinh trên Cổng dịch vụ công."


def test_nothing_changes_while_a_post_is_being_sent(world):
    item_id = world.add()
    world.steer.approve(item_id, CHIEF)
    with world.db.session() as s:
        post = s.scalars(select(Post).where(Post.item_id == item_id)).first()
        post.state, post.claimed_by, post.lease_until = "sending", "other", T0 + timedelta(minutes=5)
    for act in (lambda: world.steer.edit(item_id, LAN, Changes(title="x")),
                lambda: world.steer.reject(item_id, CHIEF, "y"),
                lambda: world.steer.cancel(item_id, LAN)):
        with pytest.raises(ItemBusy, match="đang được gửi"):
            act()
    assert world.item(item_id).state == "scheduled"


# --------------------------------------------------------------------- what went out
def tmp_path_of(world) -> Path:
    return world.site.parent


def _published(world, channels, **kw) -> int:
    item_id = world.add(channels=channels, **kw)
    world.steer.approve(item_id, CHIEF)
    world.clock.now = T0 + timedelta(hours=1)
    summary = world.publish()
    assert summary.failed == summary.dead == summary.unknown == 0, summary.notices
    assert world.item(item_id).state == "published"
    return item_id


def test_a_published_item_cannot_be_edited_rejected_or_cancelled(world):
    item_id = _published(world, ("portal",))
    with pytest.raises(TransitionRefused, match="loa item correct"):
        world.steer.edit(item_id, LAN, Changes(title="x"))
    with pytest.raises(TransitionRefused, match="loa item withdraw"):
        world.steer.reject(item_id, CHIEF, "y")
    with pytest.raises(TransitionRefused, match="loa item withdraw"):
        world.steer.cancel(item_id, LAN)


def test_withdraw_takes_back_what_each_channel_allows(world, servers):
    tg, _wp, zalo = servers
    item_id = _published(world, ("portal", "telegram", "zalo", "radio", "hotline"))
    page = next((world.site / "bai-viet").glob("*.html"))
    assert page.name in (world.site / "index.html").read_text(encoding="utf-8")
    assert len(zalo.articles) == 1 and len(zalo.messages) == 1

    said = world.steer.consequences(item_id, "withdraw")
    assert "Cổng TTĐT: Loa sẽ gỡ bài." in said
    assert "Telegram (@xangoclam): Loa sẽ gỡ bài." in said
    assert "Zalo (bài viết): Loa sẽ gỡ bài." in said
    assert "Zalo (người dùng u-1): Loa không gỡ được, sẽ liệt kê để cán bộ gỡ tay." in said
    assert "Đài truyền thanh: Loa không gỡ được, sẽ liệt kê để cán bộ gỡ tay." in said

    world.clock.now = T0 + timedelta(hours=3)
    result = asyncio.run(world.steer.withdraw(item_id, CHIEF, "Số liệu sai"))
    assert result.state == "withdrawn"
    assert not page.exists()
    assert page.name not in (world.site / "index.html").read_text(encoding="utf-8")
    assert page.name not in (world.site / "feed.xml").read_text(encoding="utf-8")
    assert tg.deleted == [("@xangoclam", int(tg.sent[0].message_id))]
    assert zalo.articles == [] and len(zalo.removed_articles) == 1
    done, manual = " ".join(result.done), " ".join(result.manual)
    assert "Cổng TTĐT: đã gỡ trang" in done and "Telegram (@xangoclam): đã xóa 1 tin" in done
    assert "Zalo: đã gỡ bài viết" in done
    assert "Zalo (người dùng u-1): Zalo không cho thu hồi" in manual
    assert "Đài truyền thanh: hãy báo Đài không phát" in manual
    assert "Bộ phận một cửa" in manual
    states = {(p.channel, p.target): p.state for p in world.posts(item_id)}
    assert states[("portal", "")] == states[("telegram", "@xangoclam")] == states[("zalo", "article")] == "withdrawn"
    assert states[("zalo", "user:u-1")] == states[("radio", "")] == "published", "still out: listed for staff"
    outcomes = [a.outcome for a in world.log(item_id) if a.outcome not in ("published",)]
    assert outcomes.count("withdrawn") == 3 and outcomes.count("manual") == 3
    row = world.audit(item_id)[-1]
    assert row.action == "item.withdraw" and row.note == "Số liệu sai" and row.actor == "Trưởng phòng Hùng"
    assert world.item(item_id).note == "Số liệu sai"

    again = asyncio.run(world.steer.withdraw(item_id, CHIEF))
    assert len(tg.deleted) == 1 and len(zalo.removed_articles) == 1, "nothing is taken back twice"
    assert len(again.manual) == 3, "what is left is listed again"
    with pytest.raises(TransitionRefused):
        world.steer.restore(item_id, LAN)


def test_telegram_older_than_48_hours_is_listed_for_the_admin(world, servers):
    tg = servers[0]
    item_id = _published(world, ("telegram",))
    world.clock.now = T0 + timedelta(hours=50)
    assert world.steer.consequences(item_id, "withdraw") == [
        "Telegram (@xangoclam): Loa không gỡ được, sẽ liệt kê để cán bộ gỡ tay."]
    result = asyncio.run(world.steer.withdraw(item_id, CHIEF))
    assert tg.deleted == [] and not any(c.method == "deleteMessage" for c in tg.calls)
    link = f"https://t.me/xangoclam/{tg.sent[0].message_id}"
    assert result.manual == [f"Telegram (@xangoclam): tin đã đăng quá 48 giờ, Telegram không cho bot xóa; "
                             f"hãy nhờ quản trị viên kênh xóa tay: {link}."]
    assert result.state == "withdrawn"


def test_telegram_refusing_a_deletion_is_listed_not_lost(world, servers):
    tg = servers[0]
    item_id = _published(world, ("telegram",))
    tg.delete_window = 0.0         # Telegram's own clock says the message is too old
    result = asyncio.run(world.steer.withdraw(item_id, CHIEF))
    assert "không cho bot xóa 1 tin" in result.manual[0]
    assert [p.state for p in world.posts(item_id)] == ["published"]


def test_a_failed_withdrawal_can_be_run_again(world, servers):
    tg = servers[0]
    item_id = _published(world, ("telegram",))
    tg.fail_next(status=502, method="deleteMessage")
    first = asyncio.run(world.steer.withdraw(item_id, CHIEF))
    assert "Chạy lại lệnh để thử lại" in first.manual[0]
    assert world.log(item_id)[-1].outcome == "withdraw_failed"
    second = asyncio.run(world.steer.withdraw(item_id, CHIEF))
    assert second.manual == [] and "đã xóa 1 tin" in second.done[0]
    assert [p.state for p in world.posts(item_id)] == ["withdrawn"]


def test_a_post_claimed_by_another_session_is_left_to_it(world, servers):
    tg = servers[0]
    item_id = _published(world, ("telegram",))
    with world.db.session() as s:
        post = s.scalars(select(Post).where(Post.item_id == item_id)).one()
        post.claimed_by, post.lease_until = "another-shell", world.clock.now + timedelta(minutes=5)
    result = asyncio.run(world.steer.withdraw(item_id, CHIEF))
    assert "một phiên khác đang xử lý" in result.warnings[0]
    assert tg.deleted == []


def test_correct_edits_in_place_where_the_channel_can(world, servers):
    tg, _wp, zalo = servers
    item_id = _published(world, ("portal", "telegram", "zalo", "radio", "hotline"))
    page = next((world.site / "bai-viet").glob("*.html"))
    said = world.steer.consequences(item_id, "correct")
    assert "Telegram (@xangoclam): Loa sẽ sửa bài tại chỗ." in said
    assert "Zalo (người dùng u-1): không sửa được tại chỗ, Loa sẽ gửi tin đính chính." in said
    assert "Đài truyền thanh: không sửa được tại chỗ, Loa sẽ gửi tin đính chính." in said

    new_body = "Người dân nộp hồ sơ khai sinh trên Cổng dịch vụ công quốc gia, không cần đến xã."
    result = asyncio.run(world.steer.correct(item_id, CHIEF, body=new_body))
    assert result.state == "published"
    assert "không cần đến xã" in page.read_text(encoding="utf-8"), "same address, new text"
    manifest = json.loads((tmp_path_of(world) / "site.loa" / "manifest.json").read_text(encoding="utf-8"))
    assert all("corrected_at" in e for e in manifest.values())
    assert tg.edits and "không cần đến xã" in tg.edits[-1]["text"] and len(tg.sent) == 1
    assert zalo.article_versions and "không cần đến xã" in json.dumps(zalo.articles[0], ensure_ascii=False)
    assert len(zalo.messages) == 2 and zalo.messages[-1]["text"].startswith("Đính chính")
    radio = sorted((world.settings.base_dir / "radio").glob("*.txt"))
    fix = [p for p in radio if "-fix1-" in p.name]
    assert len(radio) == 2 and "đính chính" in fix[0].read_text(encoding="utf-8").lower()
    done = " ".join(result.done)
    assert "Telegram (@xangoclam): đã sửa 1 tin tại chỗ" in done
    assert "Cổng TTĐT: đã thay trang bằng bản đính chính" in done
    assert "hạn mức tin chủ động" in done
    row = world.audit(item_id)[-1]
    assert row.action == "item.correct" and row.after == {"body": new_body}
    outcomes = [a.outcome for a in world.log(item_id)]
    assert outcomes.count("corrected") >= 3 and outcomes.count("correction") >= 2

    # a later withdrawal also deletes the correction notices it sent
    asyncio.run(world.steer.withdraw(item_id, CHIEF))
    assert len(tg.deleted) == 1


def test_correct_sends_a_notice_when_the_parts_no_longer_match(world, servers):
    tg = servers[0]
    item_id = _published(world, ("telegram",), body="Ngắn.")
    long_body = "\n\n".join(f"Đoạn {i}: " + "người dân nộp hồ sơ trực tuyến " * 12 for i in range(20))
    result = asyncio.run(world.steer.correct(item_id, CHIEF, body=long_body))
    assert "đã gửi tin đính chính" in result.done[0] and "phần" in result.done[0]
    assert "Đính chính: " in tg.sent[1].text.split("\n")[0]
    assert not tg.edits
    notice_ids = [a.external_id for a in world.log(item_id) if a.outcome == "correction"]
    assert len(notice_ids) == len(tg.sent) - 1 >= 2
    asyncio.run(world.steer.withdraw(item_id, CHIEF))
    assert len(tg.deleted) == len(tg.sent), "the original and every notice part are deleted"


def test_correct_refuses_identical_text_and_unpublished_items(world):
    item_id = world.add(channels=("portal",))
    with pytest.raises(TransitionRefused, match="loa item edit"):
        asyncio.run(world.steer.correct(item_id, CHIEF, body="x"))
    item_id = _published(world, ("portal",))
    with pytest.raises(LoaError, match="giống hệt"):
        asyncio.run(world.steer.correct(item_id, CHIEF, body=world.item(item_id).body))


def test_wordpress_withdraw_moves_to_trash_and_correct_updates(tmp_path, db, servers):
    tg, wp, _zalo = servers
    w = World(tmp_path, db, tg, wp=wp)
    try:
        item_id = _published(w, ("portal",))
        assert wp.posts[0]["status"] == "publish"
        result = asyncio.run(w.steer.correct(item_id, CHIEF, title="Tiêu đề đã đính chính"))
        assert wp.posts[0]["title"]["raw"] == "Tiêu đề đã đính chính" and len(wp.revisions) == 1
        assert "WordPress: đã cập nhật bài viết số 101" in result.done[0]
        result = asyncio.run(w.steer.withdraw(item_id, CHIEF))
        assert wp.posts[0]["status"] == "trash"
        assert "WordPress: đã chuyển bài viết số 101 vào thùng rác" in result.done[0]
        assert [p.state for p in w.posts(item_id)] == ["withdrawn"]
    finally:
        w.close()


def test_partly_published_item_counts_as_out(world, servers):
    tg = servers[0]
    item_id = world.add(channels=("portal", "telegram"))
    world.steer.approve(item_id, CHIEF)
    tg.fail_next(status=400, description="Bad Request: chat not found", method="sendMessage")
    world.clock.now = T0 + timedelta(hours=1)
    world.publish()
    assert world.item(item_id).state == "scheduled"
    assert sorted(p.state for p in world.posts(item_id)) == ["failed", "published"]
    with pytest.raises(TransitionRefused, match="đã lên một số kênh"):
        world.steer.edit(item_id, LAN, Changes(title="x"))
    result = asyncio.run(world.steer.withdraw(item_id, CHIEF))
    assert result.unqueued == 1 and result.state == "withdrawn"
    assert sorted(p.state for p in world.posts(item_id)) == ["cancelled", "withdrawn"]


def test_the_publisher_never_sends_an_item_that_is_no_longer_approved(world, servers):
    """Defence in depth: an edit made without the steering service (which unqueues) leaves posts
    pending; the publisher refuses them rather than send unapproved text."""
    from content.items import workflow as items

    tg = servers[0]
    item_id = world.add(channels=("telegram",))
    world.steer.approve(item_id, CHIEF)
    with world.db.session() as s:
        items.edit(s.get(Item, item_id), now=T0, title="Chưa ai duyệt")
    world.clock.now = T0 + timedelta(hours=2)
    world.publish()
    assert tg.sent == []
    assert [p.state for p in world.posts(item_id)] == ["cancelled"]
    assert world.log(item_id)[-1].outcome == "unqueued"
    world.steer.approve(item_id, CHIEF, confirm_past=True)
    world.publish()
    assert [m.text.split("\n")[0] for m in tg.sent] == ["Chưa ai duyệt"]


def test_two_shells_withdrawing_at_once_take_back_once(world, servers):
    import threading

    tg = servers[0]
    item_id = _published(world, ("telegram", "portal"))
    other = Steering(world.db, world.settings, world.channels, clock=world.clock, worker_id="second-shell")
    results, errors = [], []
    start = threading.Barrier(2)

    def go(steer):
        try:
            start.wait()
            results.append(asyncio.run(steer.withdraw(item_id, CHIEF, "Trùng lịch")))
        except Exception as e:  # noqa: BLE001 - collected for the assertion
            errors.append(e)

    threads = [threading.Thread(target=go, args=(st,)) for st in (world.steer, other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    assert len(tg.deleted) == 1, "the message is deleted once"
    assert sorted(p.state for p in world.posts(item_id)) == ["withdrawn", "withdrawn"]
    assert [r.action for r in world.audit(item_id)].count("item.withdraw") == 2   # both asked; one did it
    assert sum(1 for a in world.log(item_id) if a.outcome == "withdrawn") == 2
