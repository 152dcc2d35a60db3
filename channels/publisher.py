"""The publisher: delivers what is due, exactly once, through the live channel adapters.

    pending ──claim──► sending ──► published
       ▲                  │  ├──► failed (retryable: next_attempt_at set) ──► … ──► dead
       │                  │  ├──► failed (permanent: next_attempt_at empty; staff told)
       └── loa post retry ┘  └──► unknown (may have been delivered; reconciled or staff check)

A pass (`publish_due`) claims due posts in one statement, at most `claim_batch` at a time: for
channels without limits the oldest due ones, for paced channels those whose target can take a
message soon (the pacer says when, within `claim_horizon` seconds). They become `sending` with
this worker's lease before any network call, so two processes never send the same post (SQL in
channels/posts.py). A pass that follows the clock (the daemon's) also claims what falls due in
the next `claim_ahead` seconds, and sends each at its time: one claim serves many posts. Each item is rendered once per
channel for all its targets. Targets are served concurrently (one task per channel × target,
its posts in due order), every message through the shared `SendQueue`, which keeps the
channel's limits. A delivered part is recorded with its log line in one transaction, so a
retry resumes from the next part; the item is marked published once, when its last post is.
Retries are state (`next_attempt_at`), not sleeps. A publish whose outcome is unknown is never
resent blindly: the adapter's `reconcile` is asked, else staff decide. Claimed posts that were
not sent — the process is stopping, or their target got a long 429 — are given back.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
from collections import Counter, deque
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Awaitable, Callable, Mapping

from sqlalchemy.orm import Session

from channels import posts
from channels.base import Channel, ChannelError, Limits, Message, Receipt
from channels.pacing import Pacer
from channels.posts import (SCHEDULABLE_ITEM_STATES, Claimed, PostError, Scheduled, resolve_unknown,  # noqa: F401
                            retry_post, schedule_item)
from channels.retry import DEAD, PERMANENT, RATE_LIMITED, RETRY, UNKNOWN, RetryPolicy
from channels.sending import PUBLICATION, SendQueue
from content.db import Database
from content.items.workflow import article_of
from content.render.item import item_link, render
from content.config import Settings
from content.kinds import CHANNEL_NAMES
from content.text import now_utc

logger = logging.getLogger(__name__)

MAX_INLINE_WAITS = 3       # 429s one post may wait out within one run before the wait is persisted
CANDIDATES = 512           # due posts read per look


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

    @property
    def progressed(self) -> bool:
        return bool(self.published or self.failed or self.dead or self.unknown or self.retried or self.reconciled)


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


def render_messages(s: Session, settings: Settings, item: Any, channel: str, adapter: Channel | None, *,
                    key: str, article: Any = None) -> list[Message]:
    """The messages of one post: the item (or a given `article`, e.g. a correction notice)
    rendered for `channel` within the adapter's limits, keys f"{key}-part-{n}"."""
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

    post: Claimed
    title: str
    messages: list[Message]
    attempts: int
    parts_done: int
    waits: int = 0          # 429s waited out in this run (bounded, then the wait is persisted)

    @property
    def post_id(self) -> int:
        return self.post.id

    @property
    def channel(self) -> str:
        return self.post.channel

    @property
    def target(self) -> str:
        return self.post.target

    @property
    def item_id(self) -> int:
        return self.post.item_id


def _error_text(e: BaseException) -> str:
    if isinstance(e, ChannelError):
        return f"{e.message} ({e.detail})" if e.detail else e.message
    return f"Lỗi không mong đợi: {type(e).__name__}: {e}"


def _status(e: BaseException) -> int | None:
    return e.http_status if isinstance(e, ChannelError) else None


class Publisher:
    """Delivers due posts through the live channel adapters (`channels`: name → adapter).
    `sender`: the send queue shared with the Q&A bot in `loa run` (else one of its own over
    `pacer`)."""

    def __init__(self, db: Database, channels: Mapping[str, Channel], settings: Settings, *,
                 worker_id: str | None = None, clock: Callable[[], datetime] = now_utc,
                 notify: Callable[[str], Any] | None = None, policy: RetryPolicy | None = None,
                 pacer: Pacer | None = None, monotonic: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep, sender: SendQueue | None = None):
        cfg = settings.publisher
        self.db, self.channels, self.settings = db, dict(channels), settings
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.clock, self.monotonic, self.sleep = clock, monotonic, sleep
        self.notify = notify or (lambda text: logger.warning("%s", text))
        self.policy = policy or RetryPolicy.from_config(cfg)
        self.pacer = sender.pacer if sender is not None else (pacer or Pacer({}))
        for name, ch in self.channels.items():
            self.pacer.limits.setdefault(name, ch.limits if ch.paced else Limits())
        self.sender = sender or SendQueue(self.pacer, monotonic=monotonic, sleep=sleep)
        self.lease = timedelta(seconds=cfg.lease_seconds)
        self.max_inline_wait = cfg.max_inline_wait
        self.batch = cfg.claim_batch
        self.horizon = cfg.claim_horizon
        self.ahead = timedelta(seconds=cfg.claim_ahead)
        self.speed = float(getattr(clock, "speed", 1.0) or 1.0)   # a clock faster than the wall (benchmarks)
        self.stopping = False   # set on SIGTERM: finish what is in flight, claim nothing new
        self._warm: set[str] = set()

    # ------------------------------------------------------------------ public entry points
    async def publish_due(self, now: datetime | None = None, limit: int | None = None, *,
                          recover: bool = True, count_skipped: bool = True) -> Summary:
        """Recover crashed sends, then deliver every post due at `now` (at most `limit`).
        Without `now`, each look at the queue uses the clock, so posts falling due while the
        pass runs go out in it too. `count_skipped`: count the due posts of channels that are
        not live (for the summary staff read)."""
        summary = Summary()
        if recover:
            await self.recover_stale(now or self.clock(), summary=summary)
        if count_skipped:
            summary.skipped = await asyncio.to_thread(posts.skipped_due, self.db, now or self.clock(),
                                                      list(self.channels))
        await _Pass(self, now, summary, limit).run()
        return summary

    async def recover_stale(self, now: datetime | None = None, *, summary: Summary | None = None) -> Summary:
        """Posts left `sending` by a crash (lease expired): ask the channel whether the part in
        flight arrived; if so carry on from the next part, else mark the post `unknown`."""
        now = now or self.clock()
        summary = summary if summary is not None else Summary()
        ids = await asyncio.to_thread(posts.stale_ids, self.db, now)
        for post_id in ids:
            jobs = await asyncio.to_thread(self._claim, [post_id], now, True, summary)
            if not jobs:
                continue
            job = jobs[0]
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
            if await asyncio.to_thread(self._part_delivered, job, msg.part, receipt, None, "reconciled", True):
                summary.published += 1
            else:
                await asyncio.to_thread(self._finish_recovered, job, now)
        return summary

    # ------------------------------------------------------------------ per-post delivery
    async def _deliver(self, adapter: Channel, job: _Job, summary: Summary, last_of_item: Callable[[], bool]) -> bool:
        """Send the job's remaining parts; True when the post ended (published or not), False
        when it was left claimed for this pass to give back (its target is blocked for long)."""
        if job.channel not in self._warm and self.pacer.paced(job.channel):   # timing matters: open first
            self._warm.add(job.channel)
            try:
                await adapter.warm()
            except Exception:  # noqa: BLE001 - a cold connection is slower, not wrong
                logger.info("could not warm up %s", job.channel, exc_info=True)
        while job.parts_done < len(job.messages):
            msg = job.messages[job.parts_done]
            took: list[float] = []

            async def call(msg: Message = msg) -> Receipt:
                started = time.perf_counter()
                try:
                    return await adapter.send(msg, job.target)
                finally:
                    took.append(time.perf_counter() - started)

            try:
                receipt = await self.sender.send(job.channel, job.target, call, priority=PUBLICATION)
            except Exception as e:  # noqa: BLE001 - every failure is classified by the policy
                latency = int((took[-1] if took else 0.0) * 1000)
                if not await self._handle_failure(adapter, job, msg, e, latency, summary, last_of_item):
                    return True
                continue
            latency = int(took[-1] * 1000)
            last = msg.part >= len(job.messages)
            if await asyncio.to_thread(self._part_delivered, job, msg.part, receipt, latency, "published",
                                       last and last_of_item()):
                summary.published += 1
        return True

    async def _handle_failure(self, adapter: Channel, job: _Job, msg: Message, e: BaseException,
                              latency: int, summary: Summary, last_of_item: Callable[[], bool]) -> bool:
        """Record a failed send; True when the same post should carry on now (after a 429 that
        is short enough to wait out, or an unknown outcome the channel confirmed)."""
        decision = self.policy.decide(e, job.attempts)
        if not isinstance(e, ChannelError):
            logger.exception("unexpected error from %s adapter", job.channel, exc_info=e)
        if decision.kind == RATE_LIMITED:    # the send queue has blocked the target for exactly that long
            summary.rate_limited += 1
            wait = decision.delay or 0.0
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
                last = msg.part >= len(job.messages)
                if await asyncio.to_thread(self._part_delivered, job, msg.part, receipt, latency, "reconciled",
                                           last and last_of_item()):
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
    def _claim(self, ids: list[int], now: datetime, stale: bool, summary: Summary) -> list[_Job]:
        """Take the posts (due, or stale when recovering) for this worker and render them, in one
        transaction; posts another worker has, or no longer due, are left out."""
        at = self.clock()
        with self.db.session() as s:
            claimed = posts.claim(s, ids, now=now, at=at, worker=self.worker_id, lease_until=at + self.lease,
                                  stale=stale, postgres=not self.db.is_sqlite)
            jobs, alerts = self._rendered(s, claimed, at, summary)
        for alert in alerts:
            self._tell(summary, alert)
        return jobs

    def _claim_first(self, channels: list[str], now: datetime, limit: int, summary: Summary) -> tuple[list[_Job], int]:
        """Take up to `limit` of the oldest due posts of `channels` (no limits to keep) and render
        them, in one transaction. Returns the jobs and how many posts were claimed."""
        at = self.clock()
        with self.db.session() as s:
            claimed = posts.claim_first(s, channels, limit, now=now, at=at, worker=self.worker_id,
                                        lease_until=at + self.lease, postgres=not self.db.is_sqlite)
            jobs, alerts = self._rendered(s, claimed, at, summary)
        for alert in alerts:
            self._tell(summary, alert)
        return jobs, len(claimed)

    def _rendered(self, s: Session, claimed: list[Claimed], at: datetime,
                  summary: Summary) -> tuple[list[_Job], list[str]]:
        """Render the claimed posts, once per item and channel. A post that cannot be rendered
        fails at once (permanently); the staff alerts are returned, to send after the commit."""
        if not claimed:
            return [], []
        alerts: list[str] = []
        jobs: list[_Job] = []
        items = posts.items_for(s, claimed)
        rendered: dict[tuple[int, str], Any] = {}
        for c in claimed:
            item = items.get(c.item_id)
            title = item.title if item else ""
            if item is not None and item.state not in SCHEDULABLE_ITEM_STATES and not c.parts_done:
                # the item went back to draft (or was rejected, cancelled, withdrawn) by a path that
                # did not withdraw its posts: what a leader did not approve never goes out
                posts.finish(s, c.id, "cancelled", at=at)
                posts.log_attempt(s, c, at=at, outcome="unqueued", worker=self.worker_id,
                                  error=f"bài đang “{item.state}”, không còn được duyệt: không gửi")
                continue
            try:
                if item is None:
                    raise LookupError(f"không còn bài số {c.item_id}")
                key = (c.item_id, c.channel)
                if key not in rendered:      # once per item and channel, for all its targets
                    rendered[key] = render_messages(s, self.settings, item, c.channel, self.channels.get(c.channel),
                                                    key="post")
                messages = [replace(m, key=f"post-{c.id}-part-{m.part}") for m in rendered[key]]
            except Exception as e:  # noqa: BLE001 - a rendering problem is permanent for this post
                text = f"Không dựng được nội dung cho {CHANNEL_NAMES.get(c.channel, c.channel)}: " \
                       f"{type(e).__name__}: {e}"
                logger.exception("render failed for post %s", c.id)
                posts.finish(s, c.id, "failed", at=at, error=text)
                posts.log_attempt(s, c, at=at, outcome="failed", error=text, worker=self.worker_id)
                alerts.append(alert_text("failed", c.id, c.item_id, title, c.channel, c.target, text, c.attempts))
                summary.failed += 1
                continue
            jobs.append(_Job(c, title, messages, c.attempts, c.parts_done))
        return jobs, alerts

    def _part_delivered(self, job: _Job, part: int, receipt: Receipt, latency: int | None, outcome: str,
                        check_item: bool) -> bool:
        """Part `part` arrived: advance parts_done and log it (one transaction). True when the
        post is done; then, if `check_item`, the item is published when nothing else is left."""
        at = self.clock()
        with self.db.transaction() as s:
            done = posts.part_delivered(s, job.post, part=part, parts_total=len(job.messages), at=at,
                                        lease_until=at + self.lease, external_id=receipt.external_id,
                                        url=receipt.url)
            posts.log_attempt(s, job.post, at=at, outcome=outcome, part=part, http_status=receipt.http_status,
                              latency_ms=latency, external_id=receipt.external_id, url=receipt.url,
                              worker=self.worker_id)
            if done and check_item:
                posts.item_published_if_done(s, job.item_id, at, lock=not self.db.is_sqlite)
        job.parts_done = part
        return done

    def _item_check(self, item_id: int) -> None:
        at = self.clock()
        with self.db.transaction() as s:
            posts.item_published_if_done(s, item_id, at, lock=not self.db.is_sqlite)

    def _finish_recovered(self, job: _Job, now: datetime | None) -> None:
        """After recovery confirmed a part: all done → published; else pending to resume now."""
        at = self.clock()
        with self.db.transaction() as s:
            current = posts.state_of(s, job.post_id)
            if current is None or current[0] != "sending" or current[1] != self.worker_id:
                return
            if current[2] >= len(job.messages):
                posts.finish(s, job.post_id, "published", at=at, published_at=at)
                posts.item_published_if_done(s, job.item_id, at, lock=not self.db.is_sqlite)
            else:
                posts.finish(s, job.post_id, "pending", at=at, next_at=now or at)

    def _rate_limited(self, job: _Job, part: int, e: BaseException, latency: int, wait: float,
                      inline: bool) -> None:
        at = self.clock()
        with self.db.transaction() as s:
            text = f"{_error_text(e)} — chờ {wait:g} giây"
            posts.log_attempt(s, job.post, at=at, outcome="rate_limited", part=part,
                              http_status=_status(e) or 429, error=text, latency_ms=latency, worker=self.worker_id)
            if inline:
                posts.extend_lease(s, job.post_id, at + timedelta(seconds=wait) + self.lease, at)
            else:  # wait persisted; a 429 is flood control, not the post's fault: not an attempt
                job.attempts = max(0, job.attempts - 1)
                posts.finish(s, job.post_id, "failed", at=at, error=text, next_at=at + timedelta(seconds=wait),
                             attempts=job.attempts)

    def _schedule_retry(self, job: _Job, part: int, e: BaseException, latency: int, delay: float) -> None:
        at = self.clock()
        with self.db.transaction() as s:
            text = _error_text(e)
            posts.log_attempt(s, job.post, at=at, outcome="retry", part=part, http_status=_status(e), error=text,
                              latency_ms=latency, worker=self.worker_id)
            posts.finish(s, job.post_id, "failed", at=at, error=text, next_at=at + timedelta(seconds=delay),
                         parts_total=len(job.messages))

    def _give_up(self, job: _Job, kind: str, part: int, text: str, http_status: int | None,
                 latency: int | None, summary: Summary) -> None:
        """Permanent failure, attempts used up, or unknown outcome: record it and tell staff."""
        at = self.clock()
        state = {PERMANENT: "failed", DEAD: "dead", UNKNOWN: "unknown"}[kind]
        with self.db.transaction() as s:
            posts.log_attempt(s, job.post, at=at, outcome=state, part=part, http_status=http_status, error=text,
                              latency_ms=latency, worker=self.worker_id)
            posts.finish(s, job.post_id, state, at=at, error=text, parts_total=len(job.messages))
        setattr(summary, state, getattr(summary, state) + 1)
        self._tell(summary, alert_text(state, job.post_id, job.item_id, job.title, job.channel, job.target, text,
                                       job.attempts))

    def _release(self, ids: list[int]) -> None:
        with self.db.transaction() as s:
            posts.release(s, ids, self.worker_id, self.clock())

    def _tell(self, summary: Summary, msg: str) -> None:
        summary.notices.append(msg)
        try:
            self.notify(msg)
        except Exception:  # noqa: BLE001 - a failed alert must not undo the bookkeeping
            logger.exception("staff notification failed")


class _Pass:
    """One `publish_due`: look at what is due, claim what can go soon, serve each target's
    claimed posts in order, look again when half of them are out."""

    def __init__(self, pub: Publisher, now: datetime | None, summary: Summary, limit: int | None):
        self.pub, self.fixed_now, self.summary, self.limit = pub, now, summary, limit
        self.queues: dict[tuple[str, str], deque[_Job]] = {}
        self.workers: dict[tuple[str, str], asyncio.Task] = {}
        self.given_up: set[tuple[str, str]] = set()     # blocked for longer than we wait inline
        self.left_of_item: Counter[int] = Counter()       # claimed posts of each item not finished yet
        self.unchecked: set[int] = set()                  # items whose last post here did not check
        self.in_flight = 0
        self.claimed = 0
        self.changed = asyncio.Event()

    async def run(self) -> None:
        pub = self.pub
        empty = 0
        try:
            while not pub.stopping:
                budget = None if self.limit is None else self.limit - self.claimed
                if budget is not None and budget <= 0:
                    break
                # the due cutoff: posts due within `claim_ahead` are claimed now and go at their time
                now = self.fixed_now or pub.clock() + pub.ahead
                jobs, more, wake = await self._take(now, budget)
                self._start(jobs)
                empty = 0 if jobs else empty + 1
                if self.in_flight == 0:
                    if more and empty < 3:
                        continue       # all ended at once (render failures) or other workers took them
                    wait = None if wake is None else wake - pub.monotonic()
                    if wait is None or wait > pub.max_inline_wait:
                        break
                    await pub.sleep(max(0.0, wait))
                    continue
                timeout = None if wake is None else wake - pub.monotonic()
                if self.fixed_now is None:    # posts falling due meanwhile are looked for too
                    again = max(0.01, pub.ahead.total_seconds() / 2 / pub.speed)
                    timeout = again if timeout is None else min(timeout, again)
                await self._wait(self.in_flight // 2 if more else 0, timeout)
                if not more and wake is None and self.in_flight == 0:
                    break              # everything that was due went out: no need to look again
        finally:
            await self._finish()

    async def _take(self, now: datetime, budget: int | None) -> tuple[list[_Job], bool, float | None]:
        """Claim what can go now: the oldest due posts of channels without limits in one
        statement; for paced channels, those whose target can take them within the horizon.
        Returns the jobs, whether more is due (a full batch, or posts left for busy targets),
        and when a target that must wait for its limits can take a post (monotonic)."""
        pub = self.pub
        cap = pub.batch if budget is None else min(pub.batch, budget)
        mono = pub.monotonic()
        direct = [ch for ch in pub.channels if not pub.pacer.paced(ch) and not pub.pacer.any_blocked(ch, mono)]
        planned = [ch for ch in pub.channels if ch not in direct]
        jobs: list[_Job] = []
        more, wake = False, None
        if direct:
            got, n = await asyncio.to_thread(pub._claim_first, direct, now, cap, self.summary)
            jobs += got
            more = n >= cap
            cap -= n
        if planned and cap > 0:
            ids, more_planned, wake = await self._plan(now, cap, planned)
            if ids:
                jobs += await asyncio.to_thread(pub._claim, ids, now, False, self.summary)
            more = more or more_planned
        return jobs, more, wake

    async def _plan(self, now: datetime, cap: int, channels: list[str]) -> tuple[list[int], bool, float | None]:
        """The ids to claim now, oldest due first; whether due posts were left for targets or
        channels that are busy; and when a target that cannot take a post within the horizon
        will be able to (monotonic seconds)."""
        pub = self.pub
        mono = pub.monotonic()
        until = mono + pub.horizon
        room: dict[tuple[str, str], int] = {}
        per_channel: dict[str, int] = {}
        not_ready: dict[tuple[str, str], float] = {}
        ids: list[int] = []
        left = False
        exclude: set[tuple[str, str]] = set(self.given_up)
        for _ in range(3):
            cands = await asyncio.to_thread(posts.due_candidates, pub.db, now, channels, CANDIDATES, sorted(exclude))
            for c in cands:
                key = (c.channel, c.target)
                if key in exclude:
                    continue
                if len(ids) >= cap:
                    left = True
                    break
                if key not in room:
                    fit, nxt = self._room(key, mono, until)
                    room[key] = fit - len(self.queues.get(key, ()))
                    if room[key] <= 0 and nxt is not None and not self.queues.get(key):
                        not_ready[key] = nxt
                if room[key] <= 0:
                    left = left or key not in not_ready     # it can go once this target's claims are out
                    continue
                limit = self._channel_room(c.channel)
                if limit is not None and per_channel.get(c.channel, 0) >= limit:
                    left = True
                    continue
                room[key] -= 1
                per_channel[c.channel] = per_channel.get(c.channel, 0) + 1
                ids.append(c.id)
            if len(cands) < CANDIDATES:
                break
            left = True
            if len(ids) >= cap or not not_ready.keys() - exclude:
                break
            exclude |= not_ready.keys()       # a full page of targets that must wait: look past them
        return ids, left, min(not_ready.values(), default=None)

    def _room(self, key: tuple[str, str], mono: float, until: float) -> tuple[int, float | None]:
        """How many posts this target can take by `until`, and when the next one could go."""
        pub = self.pub
        blocked = pub.pacer.blocked_until(*key)
        if blocked is not None and blocked - mono > pub.max_inline_wait:
            self.given_up.add(key)
            return 0, None
        if not pub.pacer.paced(key[0]):
            return pub.batch, None
        return pub.pacer.slots(key[0], key[1], mono, until, pub.batch)

    def _channel_room(self, channel: str) -> int | None:
        """A channel with a global rate gets no more claimed posts than it can send in the horizon."""
        rate = self.pub.pacer.limits.get(channel)
        per_second = rate.global_per_second if rate else None
        if not per_second:
            return None
        busy = sum(len(q) for (ch, _), q in self.queues.items() if ch == channel)
        return max(1, int(per_second * self.pub.horizon + 0.999)) - busy

    def _start(self, jobs: list[_Job]) -> None:
        for job in jobs:
            key = (job.channel, job.target)
            self.queues.setdefault(key, deque()).append(job)
            self.left_of_item[job.item_id] += 1
            self.in_flight += 1
            self.claimed += 1
            task = self.workers.get(key)
            if task is None or task.done():
                self.workers[key] = asyncio.create_task(self._serve(key))

    async def _serve(self, key: tuple[str, str]) -> None:
        pub = self.pub
        adapter = pub.channels[key[0]]
        q = self.queues[key]
        while q and not pub.stopping and key not in self.given_up:
            blocked = pub.pacer.blocked_until(*key)
            if blocked is not None and blocked - pub.monotonic() > pub.max_inline_wait:
                self.given_up.add(key)
                break
            job = q[0]
            if self.fixed_now is None:   # claimed ahead: it goes at its time, not before
                early = (job.post.due_at - pub.clock()).total_seconds() / pub.speed
                if early > 0:
                    await pub.sleep(early)
                    if pub.stopping:
                        break
            ended: list[bool] = []      # [checked the item] once its last part is being recorded

            def last_of_item(job: _Job = job) -> bool:
                ended.append(self.left_of_item[job.item_id] == 1)
                return ended[-1]

            try:
                await pub._deliver(adapter, job, self.summary, last_of_item)
            finally:
                q.popleft()
                self._done(job, published=bool(ended), checked=bool(ended) and ended[-1])
        if q:       # stopping, or the target is blocked for long: the rest goes back, unsent
            ids = [j.post_id for j in q]
            for job in list(q):
                q.popleft()
                self._done(job, published=False, checked=False)
            await asyncio.to_thread(pub._release, ids)

    def _done(self, job: _Job, *, published: bool, checked: bool) -> None:
        """A claimed post left this pass. Its item was checked in the post's own transaction if
        no sibling was in flight; if one was, the sibling that ends last checks, and when two
        ended at once neither did: such items are checked when the pass ends."""
        self.in_flight -= 1
        self.left_of_item[job.item_id] -= 1
        if checked:
            self.unchecked.discard(job.item_id)
        elif published:
            self.unchecked.add(job.item_id)
        if self.left_of_item[job.item_id] <= 0:
            del self.left_of_item[job.item_id]
        self.changed.set()

    async def _wait(self, low: int, timeout: float | None) -> None:
        """Until at most `low` claimed posts are left in flight (or `timeout` seconds)."""
        loop = asyncio.get_running_loop()
        end = None if timeout is None else loop.time() + max(0.0, timeout)
        while self.in_flight > low:
            self.changed.clear()
            left = None if end is None else end - loop.time()
            if left is not None and left <= 0:
                return
            try:
                await asyncio.wait_for(self.changed.wait(), left)
            except asyncio.TimeoutError:
                return

    async def _finish(self) -> None:
        workers = [t for t in self.workers.values() if not t.done()]
        if workers:
            results = await asyncio.gather(*workers, return_exceptions=True)
            errors = [r for r in results if isinstance(r, BaseException)]
            for e in errors:   # e.g. the database went away: the other targets were still served
                logger.error("publishing stopped for one target", exc_info=e)
            if errors:
                raise errors[0]
        # items whose posts ended here but were not checked in their last post's transaction
        # (a sibling was still in flight then): checked once now
        for item_id in sorted(self.unchecked):
            await asyncio.to_thread(self.pub._item_check, item_id)
