"""The publisher: turns approved items into posts and delivers what is due, exactly once.

    pending ──claim──► sending ──► published
       ▲                  │  ├──► failed (retryable: next_attempt_at set) ──► … ──► dead
       │                  │  ├──► failed (permanent: next_attempt_at empty; staff told)
       └── loa post retry ┘  └──► unknown (may have been delivered; reconciled or staff check)

One post row per (item, channel, target, edition), unique in the database. A post is claimed
(marked `sending`, with `claimed_by` and a lease) in its own transaction before any network
call — on PostgreSQL with `SELECT … FOR UPDATE SKIP LOCKED`, on SQLite with a compare-and-set
UPDATE — so two processes never send the same post. Each delivered part advances `parts_done`
in its own transaction, so a retry resumes from the next part. Every attempt is appended to
the publication log. Retries are state (`next_attempt_at`), not sleeps. A publish whose outcome
is unknown is never resent blindly: the adapter's `reconcile` is asked, else staff decide.

Targets are served concurrently (one asyncio task per channel × target), each paced by the
shared `Pacer`; the database work runs in worker threads so pacing stays accurate.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Awaitable, Callable, Mapping

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from channels import log as publog
from channels.base import Channel, ChannelError, Message, Receipt
from channels.models import Post
from channels.pacing import Pacer
from channels.retry import DEAD, PERMANENT, RATE_LIMITED, RETRY, UNKNOWN, RetryPolicy
from content.db import Database
from content.errors import LoaError
from content.models import Item
from content.config import Settings
from content.text import now_utc
from content.kinds import CHANNEL_NAMES

logger = logging.getLogger(__name__)

SCHEDULABLE_ITEM_STATES = ("approved", "scheduled", "published")
MAX_INLINE_WAITS = 3       # 429s one post may wait out within one run before the wait is persisted


class PostError(LoaError):
    """A request about a post that cannot be done; the message is Vietnamese."""


class Scheduled(list):
    """The item's posts (new and existing), plus `unavailable`: channels of the item that are
    not live (disabled or not configured) and so got no post."""

    def __init__(self, posts: list[Post], unavailable: list[str]):
        super().__init__(posts)
        self.unavailable = unavailable


@dataclass
class Summary:
    published: int = 0
    failed: int = 0          # permanent errors (not retried)
    dead: int = 0            # attempts used up
    unknown: int = 0         # outcome unknown, reconcile could not tell
    retried: int = 0         # a later attempt is scheduled
    rate_limited: int = 0    # 429s received (each waited out for that target only)
    reconciled: int = 0      # unknown outcomes the channel confirmed as delivered
    skipped: dict[str, int] = field(default_factory=dict)   # due posts of channels not live
    notices: list[str] = field(default_factory=list)        # what staff were told

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("published", "failed", "dead", "unknown", "retried",
                                               "rate_limited", "reconciled", "skipped", "notices")}


def schedule_item(session: Session, item: Item, channels: Mapping[str, Channel], *, now: datetime,
                  edition: str = "") -> Scheduled:
    """Create the posts of an approved item: every channel of the item that is live × its targets,
    due at the item's publish_at (or now). Idempotent: existing rows are kept as they are, except
    that a freshly approved item puts its posts withdrawn from the queue (never sent) back in it."""
    if item.state not in SCHEDULABLE_ITEM_STATES:
        raise PostError(f"Bài số {item.id} chưa được duyệt (trạng thái “{item.state}”), chưa thể lên lịch đăng.")
    existing = {(p.channel, p.target): p for p in session.scalars(
        select(Post).where(Post.item_id == item.id, Post.edition == edition))}
    due = item.publish_at or now
    out: list[Post] = []
    unavailable: list[str] = []
    created = False
    for name in item.channels:
        adapter = channels.get(name)
        if adapter is None:
            unavailable.append(name)
            continue
        for target in adapter.targets():
            post = existing.get((name, target))
            if post is not None and post.state == "cancelled" and post.parts_done == 0 and item.state == "approved":
                # withdrawn from the queue by an edit or a rejection, now approved again: the new
                # text goes out at the new time (nothing of this post ever reached the channel)
                post.state, post.due_at, post.attempts, post.next_attempt_at = "pending", due, 0, None
                post.last_error = post.claimed_by = post.lease_until = None
                post.updated_at = now
                created = True
            if post is None:
                post = Post(item_id=item.id, channel=name, target=target, edition=edition, state="pending",
                            due_at=due, attempts=0, parts_done=0, parts_total=0, created_at=now, updated_at=now)
                session.add(post)
                created = True
            out.append(post)
    if created or item.state == "approved":
        if out:
            item.state, item.updated_at = "scheduled", now
    session.flush()
    return Scheduled(out, unavailable)


def alert_text(state: str, post_id: int, item_id: int, title: str, channel: str, target: str,
               error: str | None, attempts: int | None = None) -> str:
    """The staff message for a post that needs a person: names the item, the channel and the fix."""
    text = (error or "").rstrip()
    if text and text[-1] not in ".!?…":
        text += "."
    name = CHANNEL_NAMES.get(channel, channel)
    where = f"{name} ({target})" if target else name
    what = f"bài số {item_id} “{title}”"
    if state == "unknown":
        return (f"Chưa rõ {what} đã lên {where} hay chưa: {text} Hãy kiểm tra trên {name}; "
                f"nếu chưa có, chạy: loa post retry {post_id}")
    if state == "dead":
        tries = f"sau {attempts} lần thử" if attempts else "sau nhiều lần thử"
        return f"Không đăng được {what} lên {where} {tries}: {text} Sửa lỗi rồi chạy: loa post retry {post_id}"
    return (f"Không đăng được {what} lên {where}: {text} Lỗi này không tự hết; "
            f"sửa xong chạy: loa post retry {post_id}")


def retry_post(session: Session, post_id: int, now: datetime) -> Post:
    """Staff ask for a dead, failed or unknown post to be sent again, now (`loa post retry ID`).
    The attempt budget starts afresh; delivered parts are not resent."""
    post = session.get(Post, post_id)
    if post is None:
        raise PostError(f"Không có bài đăng số {post_id}.")
    if post.state == "published":
        raise PostError(f"Bài đăng số {post_id} đã đăng lúc trước; không gửi lại để tránh đăng trùng.")
    if post.state == "sending":
        raise PostError(f"Bài đăng số {post_id} đang được gửi; hãy chờ kết quả.")
    if post.state == "pending":
        raise PostError(f"Bài đăng số {post_id} đang chờ đăng; không cần thử lại.")
    if post.state == "cancelled":
        raise PostError(f"Bài đăng số {post_id} đã bị hủy.")
    post.state, post.next_attempt_at, post.attempts = "pending", now, 0
    post.claimed_by = post.lease_until = None
    post.due_at = min(post.due_at, now)
    post.updated_at = now
    item = session.get(Item, post.item_id)
    if item is not None and item.state == "published":
        item.state, item.updated_at = "scheduled", now
    return post


def resolve_unknown(session: Session, post_id: int, *, published: bool, now: datetime, by: str) -> Post:
    """Staff checked the channel for a post whose outcome was unknown: "đã đăng" records it as
    published (log outcome `reconciled`, the item published when nothing else is left);
    "chưa đăng" puts it back in the queue to be sent now."""
    post = session.get(Post, post_id)
    if post is None:
        raise PostError(f"Không có bài đăng số {post_id}.")
    if post.state != "unknown":
        raise PostError(f"Bài đăng số {post_id} không ở trạng thái “chưa rõ”; không cần xác nhận.")
    if not published:
        return retry_post(session, post_id, now)
    post.state, post.published_at, post.updated_at = "published", now, now
    post.claimed_by = post.lease_until = None
    publog.record(session, post, at=now, outcome="reconciled", error=f"cán bộ xác nhận đã đăng: {by}")
    session.flush()
    item = session.get(Item, post.item_id)
    left = session.scalar(select(func.count()).select_from(Post).where(
        Post.item_id == post.item_id, Post.state.not_in(("published", "cancelled"))))
    if item is not None and item.state in ("approved", "scheduled") and not left:
        item.state, item.updated_at = "published", now
    return post


def render_messages(s: Session, settings: Settings, item: Item, channel: str, adapter: Channel | None, *,
                    key: str, article: Any = None) -> list[Message]:
    """The messages of one post: the item (or a given `article`, e.g. a correction notice)
    rendered for `channel` within the adapter's limits, keys f"{key}-part-{n}"."""
    from content.items.workflow import article_of
    from content.render.item import item_link, render

    limits = adapter.limits if adapter else None
    if article is None:
        article = article_of(s, item, settings, link=item_link(settings, item.id, item.title, item.channels))
    r = render(article, channel, settings, max_len=limits.body_maxlen if limits else None)
    if not r.parts:
        raise ValueError("nội dung trống")
    image = Path(item.image_path) if item.image_path else None
    n = len(r.parts)
    return [Message(key=f"{key}-part-{i}", title=r.title, body=body, format=r.format, part=i,
                    parts=n, image=image if i == 1 else None, extras=r.extras)
            for i, body in enumerate(r.parts, 1)]


@dataclass
class _Job:
    """A claimed post and its rendered messages (plain data, usable outside the session)."""

    post_id: int
    item_id: int
    title: str
    channel: str
    target: str
    attempts: int
    parts_done: int
    messages: list[Message]
    waits: int = 0          # 429s waited out in this run (bounded, then the wait is persisted)


def _due(now: datetime):
    waiting = or_(Post.next_attempt_at.is_(None), Post.next_attempt_at <= now)
    return and_(Post.due_at <= now, or_(
        and_(Post.state == "pending", waiting),
        and_(Post.state == "failed", Post.next_attempt_at.is_not(None), Post.next_attempt_at <= now)))


def _stale(now: datetime):
    return and_(Post.state == "sending", or_(Post.lease_until.is_(None), Post.lease_until < now))


def _error_text(e: BaseException) -> str:
    if isinstance(e, ChannelError):
        return f"{e.message} ({e.detail})" if e.detail else e.message
    return f"Lỗi không mong đợi: {type(e).__name__}: {e}"


def _status(e: BaseException) -> int | None:
    return e.http_status if isinstance(e, ChannelError) else None


class Publisher:
    """Delivers due posts through the live channel adapters (`channels`: name → adapter)."""

    def __init__(self, db: Database, channels: Mapping[str, Channel], settings: Settings, *,
                 worker_id: str | None = None, clock: Callable[[], datetime] = now_utc,
                 notify: Callable[[str], Any] | None = None, policy: RetryPolicy | None = None,
                 pacer: Pacer | None = None, monotonic: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep):
        cfg = settings.publisher
        self.db, self.channels, self.settings = db, dict(channels), settings
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.clock, self.monotonic, self.sleep = clock, monotonic, sleep
        self.notify = notify or (lambda text: logger.warning("%s", text))
        self.policy = policy or RetryPolicy.from_config(cfg)
        self.pacer = pacer or Pacer({name: ch.limits for name, ch in self.channels.items()})
        self.lease = timedelta(seconds=cfg.lease_seconds)
        self.max_inline_wait = cfg.max_inline_wait
        self.stopping = False   # set on SIGTERM: finish what is in flight, claim nothing new

    # ------------------------------------------------------------------ public entry points
    async def publish_due(self, now: datetime | None = None, limit: int | None = None) -> Summary:
        """Recover crashed sends, then deliver every post due at `now` (at most `limit`)."""
        now = now or self.clock()
        summary = Summary()
        await self.recover_stale(now, summary=summary)
        rows = await asyncio.to_thread(self._due_posts, now, limit)
        queues: dict[tuple[str, str], list[int]] = defaultdict(list)
        for post_id, channel, target in rows:
            if channel in self.channels:
                queues[(channel, target)].append(post_id)
            else:
                summary.skipped[channel] = summary.skipped.get(channel, 0) + 1
        results = await asyncio.gather(*(self._serve_target(ch, tgt, ids, now, summary)
                                         for (ch, tgt), ids in queues.items()), return_exceptions=True)
        errors = [r for r in results if isinstance(r, BaseException)]
        for e in errors:   # e.g. the database went away: the other targets were still served
            logger.error("publishing stopped for one target", exc_info=e)
        if errors:
            raise errors[0]
        return summary

    async def recover_stale(self, now: datetime | None = None, *, summary: Summary | None = None) -> Summary:
        """Posts left `sending` by a crash (lease expired): ask the channel whether the part in
        flight arrived; if so carry on from the next part, else mark the post `unknown`."""
        now = now or self.clock()
        summary = summary if summary is not None else Summary()
        ids = await asyncio.to_thread(self._stale_posts, now)
        for post_id in ids:
            job = await asyncio.to_thread(self._claim, post_id, now, True, summary)
            if job is None:
                continue
            adapter = self.channels.get(job.channel)
            if job.parts_done >= len(job.messages):
                await asyncio.to_thread(self._finish_recovered, job, None)
                continue
            msg = job.messages[job.parts_done]
            receipt = await self._reconcile(adapter, msg, job.target) if adapter else None
            if receipt is None:
                await asyncio.to_thread(
                    self._give_up, job, UNKNOWN, msg.part,
                    "Tiến trình dừng giữa chừng khi đang gửi; không xác nhận được bài đã lên hay chưa.",
                    None, None, summary)
                continue
            summary.reconciled += 1
            if await asyncio.to_thread(self._part_delivered, job, msg.part, receipt, None, "reconciled"):
                summary.published += 1
            else:
                await asyncio.to_thread(self._finish_recovered, job, now)
        return summary

    # ------------------------------------------------------------------ per-target delivery
    async def _serve_target(self, channel: str, target: str, ids: list[int], now: datetime,
                            summary: Summary) -> None:
        adapter = self.channels[channel]
        for post_id in ids:
            if self.stopping:
                return
            blocked = self.pacer.blocked_until(channel, target)
            if blocked is not None and blocked - self.monotonic() > self.max_inline_wait:
                return  # a long 429 for this target: its posts wait for a later pass, unclaimed
            job = await asyncio.to_thread(self._claim, post_id, now, False, summary)
            if job is not None:
                await self._deliver(adapter, job, summary)

    async def _deliver(self, adapter: Channel, job: _Job, summary: Summary) -> None:
        while job.parts_done < len(job.messages):
            msg = job.messages[job.parts_done]
            reserved = self.pacer.reserve(job.channel, job.target, self.monotonic())
            delay = reserved - self.monotonic()
            if delay > 0:
                await self.sleep(delay)
            self.pacer.confirm(job.channel, job.target, reserved, max(reserved, self.monotonic()))
            started = time.perf_counter()
            try:
                receipt = await adapter.send(msg, job.target)
            except Exception as e:  # noqa: BLE001 - every failure is classified by the policy
                latency = int((time.perf_counter() - started) * 1000)
                if not await self._handle_failure(adapter, job, msg, e, latency, summary):
                    return
                continue
            latency = int((time.perf_counter() - started) * 1000)
            if await asyncio.to_thread(self._part_delivered, job, msg.part, receipt, latency, "published"):
                summary.published += 1

    async def _handle_failure(self, adapter: Channel, job: _Job, msg: Message, e: BaseException,
                              latency: int, summary: Summary) -> bool:
        """Record a failed send; True when the same post should carry on now (after a 429 that
        is short enough to wait out, or an unknown outcome the channel confirmed)."""
        decision = self.policy.decide(e, job.attempts)
        if not isinstance(e, ChannelError):
            logger.exception("unexpected error from %s adapter", job.channel, exc_info=e)
        if decision.kind == RATE_LIMITED:
            summary.rate_limited += 1
            wait = decision.delay or 0.0
            self.pacer.rate_limited(job.channel, job.target, self.monotonic(), wait)
            job.waits += 1
            inline = wait <= self.max_inline_wait and job.waits <= MAX_INLINE_WAITS
            await asyncio.to_thread(self._rate_limited, job, msg.part, e, latency, wait, inline)
            if not inline:
                summary.retried += 1
            return inline
        if decision.kind == UNKNOWN:
            receipt = await self._reconcile(adapter, msg, job.target)
            if receipt is not None:
                summary.reconciled += 1
                if await asyncio.to_thread(self._part_delivered, job, msg.part, receipt, latency, "reconciled"):
                    summary.published += 1
                return True
            await asyncio.to_thread(self._give_up, job, UNKNOWN, msg.part, _error_text(e), _status(e),
                                    latency, summary)
            return False
        if decision.kind == RETRY:
            summary.retried += 1
            await asyncio.to_thread(self._schedule_retry, job, msg.part, e, latency, decision.delay or 0.0)
            return False
        kind = DEAD if decision.kind == DEAD else PERMANENT
        await asyncio.to_thread(self._give_up, job, kind, msg.part, _error_text(e), _status(e), latency, summary)
        return False

    async def _reconcile(self, adapter: Channel, msg: Message, target: str) -> Receipt | None:
        try:
            return await adapter.reconcile(msg, target)
        except Exception:  # noqa: BLE001 - a failed check is "cannot tell", never "not delivered"
            logger.warning("reconcile failed for %s", msg.key, exc_info=True)
            return None

    # ------------------------------------------------------------------ database work (threads)
    def _due_posts(self, now: datetime, limit: int | None) -> list[tuple[int, str, str]]:
        with self.db.session() as s:
            stmt = select(Post.id, Post.channel, Post.target).where(_due(now)).order_by(Post.due_at, Post.id)
            if limit is not None:
                stmt = stmt.limit(limit)
            return [tuple(r) for r in s.execute(stmt)]

    def _stale_posts(self, now: datetime) -> list[int]:
        with self.db.session() as s:
            return list(s.scalars(select(Post.id).where(_stale(now)).order_by(Post.id)))

    def _claim(self, post_id: int, now: datetime, stale: bool, summary: Summary) -> _Job | None:
        """Take the post (due, or stale when recovering) for this worker, render it; None when
        another worker has it or it is no longer due."""
        cond = _stale(now) if stale else _due(now)
        at = self.clock()
        values: dict[str, Any] = {"state": "sending", "claimed_by": self.worker_id,
                                  "lease_until": at + self.lease, "updated_at": at}
        if not stale:
            values["attempts"] = Post.attempts + 1
        with self.db.session() as s:
            if self.db.is_sqlite:
                res = s.execute(update(Post).where(Post.id == post_id, cond).values(**values)
                                .execution_options(synchronize_session=False))
                if res.rowcount != 1:
                    return None
                post = s.get(Post, post_id, populate_existing=True)
            else:
                post = s.scalars(select(Post).where(Post.id == post_id, cond)
                                 .with_for_update(skip_locked=True)).first()
                if post is None:
                    return None
                post.state, post.claimed_by = "sending", self.worker_id
                post.lease_until, post.updated_at = at + self.lease, at
                if not stale:
                    post.attempts += 1
            assert post is not None
            item = s.get(Item, post.item_id)
            title = item.title if item else ""
            if item is not None and item.state not in SCHEDULABLE_ITEM_STATES and not post.parts_done:
                # the item went back to draft (or was rejected, cancelled, withdrawn) by a path that
                # did not withdraw its posts: what a leader did not approve never goes out
                self._end(s, post, "cancelled", None, None)
                publog.record(s, post, at=at, outcome="unqueued", worker=self.worker_id,
                              error=f"bài đang “{item.state}”, không còn được duyệt: không gửi")
                return None
            try:
                messages = self._messages(s, post, item)
            except Exception as e:  # noqa: BLE001 - a rendering problem is permanent for this post
                text = f"Không dựng được nội dung cho {CHANNEL_NAMES.get(post.channel, post.channel)}: " \
                       f"{type(e).__name__}: {e}"
                logger.exception("render failed for post %s", post_id)
                self._end(s, post, "failed", text, None)
                publog.record(s, post, at=at, outcome="failed", error=text, worker=self.worker_id)
                alert = self._alert("failed", post, title, text)
                summary.failed += 1
            else:
                post.parts_total = len(messages)
                return _Job(post.id, post.item_id, title, post.channel, post.target, post.attempts,
                            post.parts_done, messages)
        self._tell(summary, alert)
        return None

    def _messages(self, s: Session, post: Post, item: Item | None) -> list[Message]:
        if item is None:
            raise LookupError(f"không còn bài số {post.item_id}")
        return render_messages(s, self.settings, item, post.channel, self.channels.get(post.channel),
                               key=f"post-{post.id}")

    def _part_delivered(self, job: _Job, part: int, receipt: Receipt, latency: int | None,
                        outcome: str) -> bool:
        """Part `part` arrived: advance parts_done (own transaction). True when the post is done."""
        at = self.clock()
        with self.db.session() as s:
            post = self._lock(s, job.post_id, at)
            post.parts_done = max(post.parts_done, part)
            post.parts_total = len(job.messages)
            if receipt.external_id and not post.external_id:
                post.external_id = receipt.external_id
            if receipt.url and not post.url:
                post.url = receipt.url
            post.lease_until, post.updated_at = at + self.lease, at
            publog.record(s, post, at=at, outcome=outcome, part=part, http_status=receipt.http_status,
                          latency_ms=latency, external_id=receipt.external_id, url=receipt.url,
                          worker=self.worker_id)
            job.parts_done = post.parts_done
            if post.parts_done < len(job.messages):
                return False
            self._end(s, post, "published", None, None)
            post.published_at = at
            self._maybe_item_published(s, post.item_id, at)
            return True

    def _lock(self, s: Session, post_id: int, at: datetime) -> Post:
        """The post row, locked for this transaction. On SQLite the first statement is a write,
        so the transaction holds the write lock before it reads (a read-then-write transaction
        would fail at once with "database is locked" when another writer committed between)."""
        if self.db.is_sqlite:
            s.execute(update(Post).where(Post.id == post_id).values(updated_at=at)
                      .execution_options(synchronize_session=False))
            post = s.get(Post, post_id, populate_existing=True)
        else:
            post = s.scalars(select(Post).where(Post.id == post_id).with_for_update()).first()
        if post is None:
            raise LookupError(f"post {post_id} vanished")
        return post

    def _maybe_item_published(self, s: Session, item_id: int, at: datetime) -> None:
        s.flush()
        item_q = select(Item).where(Item.id == item_id)
        item = s.scalars(item_q if self.db.is_sqlite else item_q.with_for_update()).first()
        if item is None or item.state not in ("approved", "scheduled"):
            return
        left = s.scalar(select(func.count()).select_from(Post).where(
            Post.item_id == item_id, Post.state.not_in(("published", "cancelled"))))
        if not left:
            item.state, item.updated_at = "published", at

    def _finish_recovered(self, job: _Job, now: datetime | None) -> None:
        """After recovery confirmed a part: all done → published; else pending to resume now."""
        at = self.clock()
        with self.db.session() as s:
            post = self._lock(s, job.post_id, at)
            if post.state != "sending" or post.claimed_by != self.worker_id:
                return
            if post.parts_done >= len(job.messages):
                self._end(s, post, "published", None, None)
                post.published_at = post.published_at or at
                self._maybe_item_published(s, post.item_id, at)
            else:
                self._end(s, post, "pending", None, now or at)

    def _rate_limited(self, job: _Job, part: int, e: BaseException, latency: int, wait: float,
                      inline: bool) -> None:
        at = self.clock()
        with self.db.session() as s:
            post = self._lock(s, job.post_id, at)
            text = f"{_error_text(e)} — chờ {wait:g} giây"
            publog.record(s, post, at=at, outcome="rate_limited", part=part, http_status=_status(e) or 429,
                          error=text, latency_ms=latency, worker=self.worker_id)
            if inline:
                post.lease_until, post.updated_at = at + timedelta(seconds=wait) + self.lease, at
            else:  # wait persisted; a 429 is flood control, not the post's fault: not an attempt
                post.attempts = max(0, post.attempts - 1)
                self._end(s, post, "failed", text, at + timedelta(seconds=wait))

    def _schedule_retry(self, job: _Job, part: int, e: BaseException, latency: int, delay: float) -> None:
        at = self.clock()
        with self.db.session() as s:
            post = self._lock(s, job.post_id, at)
            text = _error_text(e)
            publog.record(s, post, at=at, outcome="retry", part=part, http_status=_status(e), error=text,
                          latency_ms=latency, worker=self.worker_id)
            self._end(s, post, "failed", text, at + timedelta(seconds=delay))

    def _give_up(self, job: _Job, kind: str, part: int, text: str, http_status: int | None,
                 latency: int | None, summary: Summary) -> None:
        """Permanent failure, attempts used up, or unknown outcome: record it and tell staff."""
        at = self.clock()
        state = {PERMANENT: "failed", DEAD: "dead", UNKNOWN: "unknown"}[kind]
        with self.db.session() as s:
            post = self._lock(s, job.post_id, at)
            publog.record(s, post, at=at, outcome=state, part=part, http_status=http_status, error=text,
                          latency_ms=latency, worker=self.worker_id)
            self._end(s, post, state, text, None)
            alert = self._alert(state, post, job.title, text)
        setattr(summary, state, getattr(summary, state) + 1)
        self._tell(summary, alert)

    @staticmethod
    def _end(s: Session, post: Post, state: str, error: str | None, next_at: datetime | None) -> None:
        post.state, post.next_attempt_at = state, next_at
        post.claimed_by = post.lease_until = None
        if error is not None or state == "published":
            post.last_error = error

    @staticmethod
    def _alert(state: str, post: Post, title: str, text: str) -> str:
        return alert_text(state, post.id, post.item_id, title, post.channel, post.target, text, post.attempts)

    def _tell(self, summary: Summary, msg: str) -> None:
        summary.notices.append(msg)
        try:
            self.notify(msg)
        except Exception:  # noqa: BLE001 - a failed alert must not undo the bookkeeping
            logger.exception("staff notification failed")
