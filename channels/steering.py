"""Steering one item through its life — the domain service staff use from the CLI and the web
console alike: add, edit, approve, reject, cancel, restore, withdraw and correct.

It joins the item rules (`content.items.states`, `content.items.workflow`) with the item's posts
and the channel adapters, and writes one audit row per action in the same transaction:
- edit / reject / cancel of a queued item first withdraws its unsent posts from the queue
  (posts → cancelled, a line in the publication log); `consequences()` says so beforehand;
- approve queues the posts (posts withdrawn by an earlier edit come back with the new text);
- withdraw asks every channel that can take the post back to do it (static page removed,
  WordPress trash, Telegram deleteMessage within 48 h, Zalo article removed) and lists the rest
  for staff; correct replaces the text in place where the channel can edit, else sends a
  correction notice. Each channel's outcome is a line in the publication log.

Nothing is resent by accident: an action refuses while a post of the item is being sent, and
the posts a withdrawal or correction works on are claimed (claimed_by + lease) in the
transaction that changes the item, so a second shell or browser doing the same at the same
moment finds nothing left to do. Two saves of one item from stale forms are refused by the
item's version (`expected_version`), naming who changed it last.

Network calls happen between transactions, never inside one (SQLite has one writer).
"""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from channels import log as publog
from channels.base import Channel, ChannelError, Delivered, Message, TakeBack
from channels.models import Attempt, Post
from channels.publisher import PostError, render_messages, retry_post, schedule_item
from channels.registry import channel_status
from content import audit
from content.audit import Actor
from content.db import Database
from content.errors import LoaError
from content.items import states
from content.items import workflow as items
from content.items.states import STATE_NAMES
from content.items.when import PastTimeError
from content.items.workflow import FIELD_NAMES, NewItem, snapshot
from content.models import Item
from content.config import Settings
from content.text import as_utc, fmt_datetime, now_utc, where_name
from content.kinds import CHANNEL_NAMES

UNSENT = ("pending", "failed", "dead", "unknown")
CLAIM = timedelta(minutes=5)


class StaleItem(LoaError):
    """The item changed since the person loaded it (another shell or browser saved first)."""

    def __init__(self, message: str, current: dict[str, Any] | None = None):
        super().__init__(message)
        self.current = current or {}


class ItemBusy(LoaError):
    """A post of the item is being sent right now."""


@dataclass(frozen=True)
class Changes:
    """An edit: only the fields given (not None) change."""

    title: str | None = None
    body: str | None = None
    summary: str | None = None
    channels: tuple[str, ...] | None = None
    publish_at: datetime | None = None

    def given(self) -> bool:
        return any(v is not None for v in (self.title, self.body, self.summary, self.channels, self.publish_at))


@dataclass
class Result:
    """What an action did, for people: `done` lines, `manual` (staff must still act), `warnings`."""

    item_id: int
    state: str
    version: int
    done: list[str] = field(default_factory=list)
    manual: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    audit_id: int | None = None
    queued: int = 0
    unqueued: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"item_id": self.item_id, "state": self.state, "state_name": STATE_NAMES.get(self.state, self.state),
                "version": self.version, "done": self.done, "manual": self.manual, "warnings": self.warnings,
                "audit_id": self.audit_id, "queued": self.queued, "unqueued": self.unqueued}


@dataclass
class _Work:
    """A published post claimed for a withdrawal or a correction (plain data, outside a session)."""

    post_id: int
    channel: str
    target: str
    delivered: Delivered
    messages: list[Message] = field(default_factory=list)
    notice: list[Message] = field(default_factory=list)


def where(channel: str, target: str) -> str:
    return where_name(channel, target)


class Steering:
    """The staff actions on items. `channels` (name → live adapter or outbox, from
    `channels.registry.build_channels`) is needed by approve, withdraw and correct; build it
    before calling (building reads channel state)."""

    def __init__(self, db: Database, settings: Settings, channels: Mapping[str, Channel] | None = None, *,
                 clock: Callable[[], datetime] = now_utc, worker_id: str | None = None):
        self.db, self.settings, self.channels = db, settings, dict(channels or {})
        self.clock = clock
        self.worker_id = worker_id or f"staff:{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"

    # ------------------------------------------------------------------ helpers
    def _item(self, s: Session, item_id: int, expected_version: int | None) -> Item:
        q = select(Item).where(Item.id == item_id)
        item = s.scalars(q if self.db.is_sqlite else q.with_for_update()).first()
        if item is None:
            raise items.ItemError(f"Không có bài số {item_id}.")
        if expected_version is not None and item.version != expected_version:
            raise self._stale(s, item)
        return item

    def _stale(self, s: Session, item: Item) -> StaleItem:
        last = audit.entries(s, item_id=item.id, limit=1)
        who = ""
        if last:
            e = last[0]
            change = audit.describe_change(e, FIELD_NAMES, width=40)
            who = (f" {e.actor} đã {audit.action_name(e.action)} lúc {fmt_datetime(e.at, self.settings.tz)}"
                   + (f" ({change})" if change else "") + ".")
        return StaleItem(f"Bài số {item.id} vừa được thay đổi sau khi bạn mở ra.{who} Hãy tải lại bài, "
                         "xem thay đổi rồi làm lại.", current=_public(item))

    def _posts(self, s: Session, item_id: int) -> list[Post]:
        q = select(Post).where(Post.item_id == item_id).order_by(Post.id)
        return list(s.scalars(q if self.db.is_sqlite else q.with_for_update()))

    @staticmethod
    def _sent(posts: list[Post]) -> bool:
        return any(p.state in ("published", "withdrawn") or p.parts_done > 0 for p in posts)

    def _take(self, s: Session, item_id: int, expected_version: int | None, now: datetime) -> tuple[Item, list[Post]]:
        """The item, at the version staff saw, and its posts, locked for a change — refused while
        one of its posts is being sent."""
        item = self._item(s, item_id, expected_version)
        posts = self._posts(s, item_id)
        self._check_busy(item, posts, now)
        return item, posts

    def _check_busy(self, item: Item, posts: list[Post], now: datetime) -> None:
        busy = [p for p in posts if p.state == "sending" and p.lease_until and as_utc(p.lease_until) > now]
        if busy:
            p = busy[0]
            raise ItemBusy(f"Bài số {item.id} đang được gửi lên {where(p.channel, p.target)}; "
                           "hãy thử lại sau ít phút.")

    def _unqueue(self, s: Session, item: Item, posts: list[Post], now: datetime, why: str, result: Result) -> None:
        """Withdraw the unsent posts from the queue (never anything already out)."""
        for p in posts:
            stale_send = p.state == "sending"        # lease expired: a crashed send, maybe out
            if p.state not in UNSENT and not stale_send:
                continue
            if p.parts_done > 0:
                continue
            if p.state == "unknown" or stale_send:
                result.warnings.append(
                    f"Lượt đăng số {p.id} trên {where(p.channel, p.target)} chưa rõ đã lên hay chưa: hãy kiểm "
                    "tra trên kênh; nếu đã lên, hãy gỡ tay.")
            p.state, p.next_attempt_at, p.claimed_by, p.lease_until = "cancelled", None, None, None
            p.updated_at = now
            publog.record(s, p, at=now, outcome="unqueued", error=why, worker=self.worker_id)
            result.unqueued += 1
        if result.unqueued:
            result.done.append(f"Đã rút {result.unqueued} lượt đăng chưa gửi khỏi hàng đợi.")

    def _flush(self, s: Session, item: Item) -> None:
        try:
            s.flush()
        except StaleDataError:
            raise StaleItem(f"Bài số {item.id} vừa được người khác thay đổi cùng lúc; hãy tải lại rồi làm lại.") \
                from None

    def _finish(self, s: Session, item: Item, result: Result, actor: Actor, action: str, now: datetime,
                before: dict[str, Any], note: str = "") -> Result:
        self._flush(s, item)
        b, a = audit.changes(before, snapshot(item))
        row = audit.record(s, actor, action, now=now, item_id=item.id, note=note,
                           before=(b or None) if before else None, after=a or None)
        result.audit_id, result.state, result.version = row.id, item.state, item.version
        return result

    def _check_past(self, when: datetime | None, confirmed: bool, now: datetime) -> None:
        if when is not None and as_utc(when) < now and not confirmed:
            raise PastTimeError(f"Thời điểm đăng {fmt_datetime(when, self.settings.tz)} đã qua: bài sẽ được "
                                "đăng ngay khi duyệt. Nếu đúng ý, hãy xác nhận (thêm --yes); nếu nhầm, hãy sửa "
                                "thời điểm (loa item edit … --at).")

    # ------------------------------------------------------------------ telling before
    def consequences(self, item_id: int, action: str, *, publish_at: datetime | None = None) -> list[str]:
        """What `action` would do beyond the obvious — said to the person before they confirm
        (empty: nothing to warn about). Raises TransitionRefused when the action is not allowed."""
        now = self.clock()
        with self.db.session() as s:
            item = self._item(s, item_id, None)
            posts = self._posts(s, item_id)
            sent = self._sent(posts)
            states.next_state(action, item.state, sent=sent, item_id=item.id)
            unsent = [p for p in posts if p.state in UNSENT and p.parts_done == 0]
            out: list[str] = []
            if action in ("edit", "reject", "cancel"):
                if unsent:
                    out.append(f"Bài số {item.id} đã lên lịch: {len(unsent)} lượt đăng chưa gửi sẽ được rút khỏi "
                               "hàng đợi (" + ", ".join(sorted({where(p.channel, p.target) for p in unsent})) + ").")
                if action == "edit" and item.state in ("approved", "scheduled"):
                    out.append("Bài sẽ quay về bản nháp và cần lãnh đạo duyệt lại trước khi đăng.")
            if action == "approve":
                at = item.publish_at
                if at is not None and as_utc(at) < now:
                    out.append(f"Thời điểm đăng {fmt_datetime(at, self.settings.tz)} đã qua: bài sẽ được đăng ngay.")
            if action in ("withdraw", "correct"):
                for p in posts:
                    if p.state != "published":
                        continue
                    d = self._delivered(s, p)
                    adapter = self.channels.get(p.channel)
                    out.append(_plan_line(action, adapter, p, d, now))
                if action == "withdraw" and unsent:
                    out.append(f"{len(unsent)} lượt đăng chưa gửi sẽ được rút khỏi hàng đợi.")
            if publish_at is not None and as_utc(publish_at) < now:
                out.append(f"Thời điểm đăng {fmt_datetime(publish_at, self.settings.tz)} đã qua.")
            return out

    # ------------------------------------------------------------------ add, edit, approve …
    def add(self, new: NewItem, actor: Actor, *, confirm_past: bool = False) -> Result:
        now = self.clock()
        self._check_past(new.publish_at, confirm_past, now)
        with self.db.session() as s:
            item = items.create_item(s, new, now=now, require_approval=self.settings.require_approval,
                                     tz=self.settings.tz)
            result = Result(item.id, item.state, item.version, done=[f"Đã tạo bài số {item.id}: “{item.title}”."])
            return self._finish(s, item, result, actor, "item.add", now, {})

    def edit(self, item_id: int, actor: Actor, changes: Changes, *, expected_version: int | None = None,
             confirm_past: bool = False) -> Result:
        if not changes.given():
            raise items.ItemError("Chưa có gì để sửa: hãy ghi ít nhất một trong --title, --body-file, "
                                  "--summary, --channels, --at.")
        now = self.clock()
        self._check_past(changes.publish_at, confirm_past, now)
        with self.db.session() as s:
            item, posts = self._take(s, item_id, expected_version, now)
            before, was = snapshot(item), item.state
            items.edit(item, now=now, title=changes.title, body=changes.body, channels=changes.channels,
                       publish_at=changes.publish_at, summary=changes.summary, sent=self._sent(posts))
            result = Result(item.id, item.state, item.version)
            self._unqueue(s, item, posts, now, "bài được sửa, chờ duyệt lại", result)
            result.done.insert(0, f"Đã sửa bài số {item.id}.")
            if was in ("approved", "scheduled"):
                result.done.append(f"Bài quay về bản nháp: cần duyệt lại (loa item approve {item.id}).")
            return self._finish(s, item, result, actor, "item.edit", now, before)

    def approve(self, item_id: int, actor: Actor, *, expected_version: int | None = None,
                confirm_past: bool = False) -> Result:
        now = self.clock()
        status = {st.name: st for st in channel_status(self.settings)}
        with self.db.session() as s:
            item = self._item(s, item_id, expected_version)
            self._check_past(item.publish_at, confirm_past, now)
            before = snapshot(item)
            items.approve(item, by=actor.name, now=now)
            self._flush(s, item)
            posts = schedule_item(s, item, self.channels, now=now)
            result = Result(item.id, item.state, item.version, queued=len(posts),
                            done=[f"Đã duyệt bài số {item.id}: “{item.title}” (người duyệt: {actor.name})."])
            if posts:
                when = fmt_datetime(item.publish_at or now, self.settings.tz)
                result.done.append(f"Đã xếp {len(posts)} lượt đăng, lúc {when}.")
            for name in posts.unavailable:
                reason = status[name].reason_vi if name in status else "chưa cấu hình"
                result.warnings.append(f"Kênh {CHANNEL_NAMES.get(name, name)} không đăng được: {reason}.")
            return self._finish(s, item, result, actor, "item.approve", now, before)

    def reject(self, item_id: int, actor: Actor, reason: str, *, expected_version: int | None = None) -> Result:
        now = self.clock()
        with self.db.session() as s:
            item, posts = self._take(s, item_id, expected_version, now)
            before = snapshot(item)
            items.reject(item, reason=reason, now=now, sent=self._sent(posts))
            result = Result(item.id, item.state, item.version, done=[f"Đã từ chối bài số {item.id}."])
            self._unqueue(s, item, posts, now, f"bài bị từ chối ({item.note})", result)
            return self._finish(s, item, result, actor, "item.reject", now, before, note=item.note)

    def cancel(self, item_id: int, actor: Actor, *, expected_version: int | None = None) -> Result:
        now = self.clock()
        with self.db.session() as s:
            item, posts = self._take(s, item_id, expected_version, now)
            before = snapshot(item)
            items.cancel(item, now=now, sent=self._sent(posts))
            result = Result(item.id, item.state, item.version, done=[f"Đã hủy bài số {item.id}."])
            self._unqueue(s, item, posts, now, "bài bị hủy", result)
            return self._finish(s, item, result, actor, "item.cancel", now, before)

    def restore(self, item_id: int, actor: Actor, *, expected_version: int | None = None) -> Result:
        now = self.clock()
        with self.db.session() as s:
            item = self._item(s, item_id, expected_version)
            before = snapshot(item)
            items.restore(item, now=now)
            result = Result(item.id, item.state, item.version,
                            done=[f"Đã khôi phục bài số {item.id} về bản nháp; sửa nếu cần rồi duyệt lại "
                                  f"(loa item approve {item.id})."])
            return self._finish(s, item, result, actor, "item.restore", now, before)

    def retry(self, post_id: int, actor: Actor) -> Post:
        """Staff put a dead, failed or unknown post back in the queue (`loa post retry`)."""
        now = self.clock()
        with self.db.session() as s:
            try:
                post = retry_post(s, post_id, now)
            except PostError as e:
                raise LoaError(str(e)) from None
            audit.record(s, actor, "post.retry", now=now, item_id=post.item_id, post_id=post.id,
                         note=where(post.channel, post.target))
            return post

    # ------------------------------------------------------------------ what went out
    def _delivered(self, s: Session, p: Post) -> Delivered:
        rows = s.execute(select(Attempt.part, Attempt.external_id, Attempt.outcome)
                         .where(Attempt.post_id == p.id, Attempt.external_id.is_not(None),
                                Attempt.outcome.in_(("published", "reconciled", "correction")))
                         .order_by(Attempt.id)).all()
        parts: dict[int, str] = {}
        notices: list[str] = []
        for part, ext, outcome in rows:
            if outcome == "correction":
                notices.append(ext)
            elif part not in parts:
                parts[part] = ext
        ids = tuple(parts[k] for k in sorted(parts)) or ((p.external_id,) if p.external_id else ())
        return Delivered(post_id=p.id, key=f"post-{p.id}", target=p.target, external_ids=ids, url=p.url,
                         published_at=p.published_at, notice_ids=tuple(notices))

    def _claim(self, s: Session, posts: list[Post], now: datetime, result: Result) -> list[Post]:
        mine = []
        for p in posts:
            if p.state != "published":
                continue
            if p.claimed_by and p.lease_until and as_utc(p.lease_until) > now:
                result.warnings.append(f"{where(p.channel, p.target)}: một phiên khác đang xử lý lượt đăng "
                                       f"số {p.id}; bỏ qua ở đây.")
                continue
            p.claimed_by, p.lease_until = self.worker_id, now + CLAIM
            mine.append(p)
        return mine

    def _release(self, work: _Work, take: TakeBack | None, error: ChannelError | Exception | None,
                 action: str) -> tuple[str, str]:
        """Record one post's outcome (own transaction); returns (outcome, line for people)."""
        now = self.clock()
        label = where(work.channel, work.target)
        if error is not None:
            text = error.message if isinstance(error, ChannelError) else f"{type(error).__name__}: {error}"
            outcome = "withdraw_failed" if action == "withdraw" else "correct_failed"
            line = f"{label}: {text} Chạy lại lệnh để thử lại."
        elif take is not None and take.done:
            outcome = "withdrawn" if action == "withdraw" else ("corrected" if take.how == "edited" else "correction")
            line = take.note or f"{label}: xong."
        else:
            outcome = "manual"
            line = take.note if take is not None else f"{label}: cần xử lý tay."
        with self.db.session() as s:
            post = s.get(Post, work.post_id)
            assert post is not None
            if post.claimed_by == self.worker_id:
                post.claimed_by = post.lease_until = None
            if outcome == "withdrawn":
                post.state = "withdrawn"
            post.updated_at = now
            ids = (take.external_ids if take is not None and outcome == "correction" else ()) or (None,)
            for ext in ids:
                publog.record(s, post, at=now, outcome=outcome, error=line, external_id=ext,
                              url=take.url if take else None, worker=self.worker_id)
        return outcome, line

    async def _run(self, work: list[_Work], action: str, result: Result, now: datetime) -> None:
        for w in work:
            adapter = self.channels.get(w.channel)
            take: TakeBack | None = None
            error: Exception | None = None
            if adapter is None:
                take = TakeBack(False, "manual", f"{where(w.channel, w.target)}: kênh này hiện không chạy "
                                f"(tắt hoặc chưa cấu hình); hãy {'gỡ' if action == 'withdraw' else 'sửa'} tay"
                                + (f": {w.delivered.url}" if w.delivered.url else "") + ".")
            else:
                try:
                    if action == "withdraw":
                        take = await adapter.withdraw(w.delivered, now)
                    else:
                        take = await adapter.correct(w.delivered, w.messages, w.notice, now)
                except ChannelError as e:
                    error = e
                except Exception as e:  # noqa: BLE001 - one channel's bug must not stop the others
                    error = e
            outcome, line = await _to_thread(self._release, w, take, error, action)
            if outcome in ("withdrawn", "corrected", "correction"):
                result.done.append(line)
            else:
                result.manual.append(line)

    async def withdraw(self, item_id: int, actor: Actor, reason: str = "", *,
                       expected_version: int | None = None) -> Result:
        """Take a published item back from every channel that allows it; list the rest."""
        now = self.clock()
        work: list[_Work] = []

        def begin() -> Result:
            with self.db.session() as s:
                item, posts = self._take(s, item_id, expected_version, now)
                before = snapshot(item)
                items.withdraw(item, reason=reason, now=now, sent=self._sent(posts))
                result = Result(item.id, item.state, item.version)
                self._unqueue(s, item, posts, now, "bài bị gỡ", result)
                for p in self._claim(s, posts, now, result):
                    work.append(_Work(p.id, p.channel, p.target, self._delivered(s, p)))
                if not work and not result.warnings:
                    result.done.append("Không còn lượt đăng nào trên các kênh cần gỡ.")
                return self._finish(s, item, result, actor, "item.withdraw", now, before, note=reason.strip())

        result = await _to_thread(begin)
        await self._run(work, "withdraw", result, now)
        return result

    async def correct(self, item_id: int, actor: Actor, *, title: str | None = None, body: str | None = None,
                      summary: str | None = None, expected_version: int | None = None) -> Result:
        """A new version of a published item: edited in place where the channel allows, else a
        correction notice goes out on that channel."""
        if title is None and body is None and summary is None:
            raise items.ItemError("Chưa có gì để đính chính: hãy ghi --body-file và/hoặc --title.")
        now = self.clock()
        work: list[_Work] = []

        def begin() -> Result:
            with self.db.session() as s:
                item, posts = self._take(s, item_id, expected_version, now)
                before = snapshot(item)
                old_title = item.title
                items.correct(item, now=now, title=title, body=body, summary=summary, sent=self._sent(posts))
                if snapshot(item) == before:
                    raise items.ItemError(f"Nội dung mới giống hệt bài số {item.id} đang đăng; không có gì để đính chính.")
                result = Result(item.id, item.state, item.version)
                for p in self._claim(s, posts, now, result):
                    adapter = self.channels.get(p.channel)
                    d = self._delivered(s, p)
                    messages = render_messages(s, self.settings, item, p.channel, adapter, key=f"post-{p.id}")
                    n = 1 + len(s.scalars(select(Attempt.id).where(
                        Attempt.post_id == p.id, Attempt.outcome.in_(("corrected", "correction")))).all())
                    article = items.correction_article(
                        items.article_of(s, item, self.settings), old_title=old_title,
                        published=as_utc(p.published_at or now).astimezone(self.settings.tz).date())
                    notice = render_messages(s, self.settings, item, p.channel, adapter, key=f"post-{p.id}-fix{n}",
                                             article=article)
                    work.append(_Work(p.id, p.channel, p.target, d, messages, notice))
                return self._finish(s, item, result, actor, "item.correct", now, before)

        result = await _to_thread(begin)
        await self._run(work, "correct", result, now)
        unsent = [p for p in await _to_thread(self._unsent_posts, item_id)]
        if unsent:
            result.done.append(f"{len(unsent)} lượt đăng chưa gửi sẽ đăng bản mới.")
        return result

    def _unsent_posts(self, item_id: int) -> list[int]:
        with self.db.session() as s:
            return list(s.scalars(select(Post.id).where(Post.item_id == item_id, Post.state.in_(("pending", "failed")))))


def _plan_line(action: str, adapter: Channel | None, p: Post, d: Delivered, now: datetime) -> str:
    label = where(p.channel, p.target)
    if adapter is None:
        return f"{label}: kênh hiện không chạy; sẽ cần xử lý tay."
    if action == "withdraw":
        if adapter.can_take_back(d, now):
            return f"{label}: Loa sẽ gỡ bài."
        return f"{label}: Loa không gỡ được, sẽ liệt kê để cán bộ gỡ tay."
    if adapter.can_edit(d, now):
        return f"{label}: Loa sẽ sửa bài tại chỗ."
    return f"{label}: không sửa được tại chỗ, Loa sẽ gửi tin đính chính."


def _public(item: Item) -> dict[str, Any]:
    data = snapshot(item)
    data["publish_at"] = as_utc(data["publish_at"]).isoformat() if data["publish_at"] else None
    data.update(id=item.id, version=item.version)
    return data


async def _to_thread(fn, *args):  # noqa: ANN001, ANN202
    return await asyncio.to_thread(fn, *args)
