"""The scheduler: one pass of everything that is due (`tick`), and the long-running loop
(`serve`) that `loa run` hosts.

The database rows are the truth (posts, editions, notices, feed state); APScheduler only
wakes the process for the weekly edition, feed polling and the daily reminders. Due posts are
dispatched by a small loop that keeps the next due times (and the next retry, the next lease
to run out) in an in-memory heap, read from the database every `poll_seconds` (so posts queued
by another process are seen) and at once when this process queues some; it sleeps until the
heap's first time, which keeps publication within a second of its time without a fixed
polling lag and without a query per post. The clock is injected; a clock that runs faster than
the wall clock (benchmarks) says so in its `speed` attribute, and the loop's waits shrink to
match.
"""

from __future__ import annotations

import asyncio
import heapq
import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable, Mapping

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from channels import posts
from channels.base import Channel
from channels.publisher import Publisher, Summary, schedule_item
from channels.sending import SendQueue
from channels.staff import StaffChat
from content.db import Database
from content.models import PlanRecord
from content.plan import Plan
from content.render.item import portal_home
from content.config import Settings
from content.text import fmt_date, now_utc
from schedules import feeds as feedmod
from schedules import reminders
from schedules.edition import gaps_text, make_edition
from schedules.models import Edition, Notice
from schedules.reports.build import draft_report
from schedules.reports.period import due_reports
from schedules.reports.qa import report_figures
from content.qa.stats import due_questions, reminder_text
from content.calendar.workdays import is_working_day
from schedules.timing import Weekly, edition_due, week_start

log = logging.getLogger("loa.schedule")
DIGEST_CHANNELS = ("portal", "telegram", "zalo", "radio")


@dataclass
class PassReport:
    edition: str | None = None
    edition_gaps: int = 0
    published: Summary = field(default_factory=Summary)
    feed_items: int = 0
    reminders: list[str] = field(default_factory=list)
    reports: list[str] = field(default_factory=list)


class StaffNotifier:
    """Tells staff: always the log; the staff chat when one is configured, through the one
    staff-chat sender (`channels.staff.StaffChat`: the telegram adapter, in the send queue the
    publisher shares). Safe to call from worker threads: texts are queued and sent by `flush()`
    on the event loop."""

    def __init__(self, staff: StaffChat | None = None):
        self.staff = staff
        self._pending: list[str] = []
        self._lock = threading.Lock()
        self.sent: list[str] = []

    def __call__(self, text: str) -> None:
        log.warning("[gửi cán bộ] %s", text)
        with self._lock:
            self._pending.append(text)

    async def flush(self) -> None:
        with self._lock:
            texts, self._pending = self._pending, []
        for text in texts:
            self.sent.append(text)
            if self.staff is None:
                continue
            try:
                await self.staff.send(text)
            except Exception as e:  # noqa: BLE001 - the log already holds the text
                log.error("could not tell staff on Telegram: %s", e)


class Runner:
    def __init__(self, db: Database, settings: Settings, channels: Mapping[str, Channel], *,
                 worker_id: str | None = None, clock: Callable[[], datetime] = now_utc,
                 qa_column: Callable[..., Any] | None = None, sender: SendQueue | None = None):
        self.db, self.settings, self.channels, self.clock = db, settings, dict(channels), clock
        self.notify = StaffNotifier()
        self.publisher = Publisher(db, self.channels, settings, worker_id=worker_id, clock=clock,
                                   notify=self.notify, sender=sender)
        self.notify.staff = StaffChat.of(settings, self.channels, self.publisher.sender)
        sched = settings.schedule
        self.weekly = Weekly.parse(settings.weekly)
        self.grace = timedelta(hours=sched.catch_up_hours)
        self.poll_seconds = sched.poll_seconds
        self.remind_days = sched.remind_days_ahead
        self.report_days = sched.report_days_ahead
        self.qa_column = qa_column
        self._wake = asyncio.Event()
        self.last_pass: datetime | None = None      # when the dispatcher last looked for due posts

    # ---------------------------------------------------------------- one pass
    async def tick(self, now: datetime | None = None) -> PassReport:
        """Everything due at `now`, once: edition, posts, feeds, reminders, report drafts."""
        now = now or self.clock()
        self.last_pass = now
        report = PassReport()
        report.edition, report.edition_gaps = await asyncio.to_thread(self.make_edition_if_due, now)
        report.published = await self.publisher.publish_due(now)
        report.feed_items = await asyncio.to_thread(self.poll_feeds, now)
        report.reminders = await asyncio.to_thread(self.send_reminders, now)
        report.reports = await asyncio.to_thread(self.draft_reports, now)
        await self.notify.flush()
        return report

    def release_orphans(self, now: datetime) -> int:
        """At start with SQLite (we hold the only lock), no other process can be sending: posts
        left `sending` by a crash are stale at once instead of after their lease."""
        if not self.db.is_sqlite:
            return 0
        return posts.release_orphans(self.db, now)

    # ---------------------------------------------------------------- weekly edition
    def make_edition_if_due(self, now: datetime) -> tuple[str | None, int]:
        tz = self.settings.tz
        with self.db.session() as s:
            since = week_start(now.astimezone(tz).date()) - timedelta(days=14)
            made = set(s.scalars(select(Edition.week_start).where(Edition.week_start >= since)))
        due = edition_due(self.weekly, tz, now, made_for=made, grace=self.grace)
        if due is None:
            return None, 0
        week, caught_up = due
        fire_day = now.astimezone(tz).date()
        try:
            with self.db.session() as s:
                qa_item = self.qa_column(s, self.settings, week, now) if self.qa_column else None
                # The hotline notice goes out monthly: with the edition of each month's first week.
                first_week_of_month = (week - timedelta(days=7)).month != week.month
                chans = DIGEST_CHANNELS + (("hotline",) if first_week_of_month else ())
                chans = tuple(c for c in chans if c in self.channels) or ("portal",)
                edition, digest, gaps = make_edition(
                    s, week, now=now, fire_day=fire_day, caught_up=caught_up, channels=chans,
                    weekly=self.weekly, tz=tz, home=portal_home(self.settings),
                    qa_item=qa_item if qa_item is not None and qa_item.state != "draft" else None)
                for item in (digest, qa_item):
                    # the Q&A column waits for a leader's approval (queued then, by `loa item approve`)
                    if item is not None and item.state != "draft":
                        schedule_item(s, item, self.channels, now=now, edition=edition.code)
                column_waits = qa_item.id if qa_item is not None and qa_item.state == "draft" else None
                code = edition.code
        except IntegrityError:
            log.info("the edition of week %s was made by another instance", week)
            return None, 0
        how = "bù (máy tắt lúc đến giờ)" if caught_up else "đúng giờ"
        name = f"Bản tin CCHC số {code}" if code else f"Bản tin tuần {fmt_date(week)}"
        log.info("%s lập %s", name, how)
        if column_waits is not None:
            self.notify(f"Chuyên mục “Dân hỏi – Chính quyền trả lời” tuần {fmt_date(week)} đã soạn (bài số "
                        f"{column_waits}, câu hỏi đã ẩn thông tin cá nhân) và chờ lãnh đạo duyệt: xem "
                        f"“loa item show {column_waits}”, duyệt “loa item approve {column_waits}”.")
        if gaps:
            self.notify(f"{name}: {len(gaps)} ô lịch trong tuần chưa có bài được duyệt:\n" + gaps_text(gaps))
        if digest is None:
            self.notify(f"{name} không phát: tuần trước không có tin, bài nào được đăng "
                        "và không có chuyên mục Dân hỏi – Chính quyền trả lời.")
        self._wake.set()
        return code or None, len(gaps)

    # ---------------------------------------------------------------- feeds, reminders, reports
    def poll_feeds(self, now: datetime) -> int:
        added = 0
        for feed in self.settings.feeds:
            result = feedmod.poll(self.db, feed, now=now)
            added += len(result.added)
            if result.added:
                self.notify(f"Có {len(result.added)} tin mới từ {feed.label} đang chờ duyệt "
                            f"(loa item list --state draft).")
        return added

    def send_reminders(self, now: datetime) -> list[str]:
        today = now.astimezone(self.settings.tz).date()
        with self.db.session() as s:
            found = reminders.collect(s, today, self.remind_days)
            fresh = reminders.deliver(s, found, self.notify, now=now)
            texts = [r.text for r in fresh]
            # Questions near or past their due date: reminded each working day, not once.
            due = due_questions(s, now, self.settings)
            if due and is_working_day(today, self.settings.holidays):
                key = f"qa-due:{today.isoformat()}"
                if s.get(Notice, key) is None:
                    text = reminder_text(due)
                    s.add(Notice(key=key, text=text, sent_at=now))
                    self.notify(text)
                    texts.append(text)
        return texts

    def draft_reports(self, now: datetime) -> list[str]:
        today = now.astimezone(self.settings.tz).date()
        out_dir = self.settings.resolve(self.settings.report.path)
        made: list[str] = []
        with self.db.session() as s:
            for rec in s.scalars(select(PlanRecord).order_by(PlanRecord.id)).all():
                plan = Plan.from_dict(rec.data)
                off = lambda d: not is_working_day(d, self.settings.holidays)  # noqa: E731
                for period, due in due_reports(plan.reports, today, self.report_days, is_off=off):
                    key = f"report:{rec.id}:{period.key}"
                    if s.get(Notice, key) is not None:
                        continue
                    path = draft_report(s, self.settings, rec, period, out_dir, now=now,
                                        qa_provider=report_figures)
                    text = (f"Đã soạn sẵn dự thảo báo cáo {period.label} theo kế hoạch "
                            f"{rec.number or rec.title or rec.id}, hạn nộp {fmt_date(due)}: {path}. "
                            "Hãy kiểm tra, bổ sung phần “…” rồi trình ký.")
                    s.add(Notice(key=key, text=text, sent_at=now))
                    self.notify(text)
                    made.append(str(path))
        return made

    # ---------------------------------------------------------------- the long-running loop
    def next_due(self) -> datetime | None:
        """The earliest moment something may be due: a post's due time, a retry, a lease."""
        up = posts.upcoming(self.db, list(self.channels), limit=1)
        times = [t for t in (*up.due, up.retry, up.lease) if t is not None]
        return min(times) if times else None

    async def _dispatch(self, stop: asyncio.Event) -> None:
        speed = float(getattr(self.clock, "speed", 1.0) or 1.0)
        live = list(self.channels)
        heap: list[datetime] = []
        complete = True            # every pending post's due time is in the heap
        lease: datetime | None = None
        refresh_at = 0.0           # monotonic
        while not stop.is_set():
            if time.monotonic() >= refresh_at or (not heap and not complete):
                up = await asyncio.to_thread(posts.upcoming, self.db, live)
                heap, complete, lease = list(up.due), up.complete, up.lease
                heap += [t for t in (up.retry, up.lease) if t is not None]
                heapq.heapify(heap)
                refresh_at = time.monotonic() + self.poll_seconds / speed
            now = self.clock()
            self.last_pass = now
            ahead = self.publisher.ahead       # the publisher claims that far ahead and waits
            if heap and heap[0] <= now + ahead:
                while heap and heap[0] <= now + ahead:
                    heapq.heappop(heap)
                recover = lease is not None and lease <= now
                progressed = False
                try:
                    done = await self.publisher.publish_due(recover=recover, count_skipped=False)
                    lease = None if recover else lease
                    progressed = done.progressed
                    if done.retried or done.rate_limited:
                        refresh_at = 0.0      # new retry times to read
                except Exception:  # noqa: BLE001 - keep the daemon alive; the next pass retries
                    log.exception("publishing pass failed")
                await self.notify.flush()
                if progressed:
                    continue
                # due posts that cannot go yet (channel off, chat rate-limited): look again at
                # the next poll, not at once
                refresh_at = max(refresh_at, time.monotonic() + self.poll_seconds / speed)
            # sleep until the heap's first time or the next look at the database, never spin
            wait = refresh_at - time.monotonic()
            if heap:
                wait = min(wait, (heap[0] - self.publisher.ahead - self.clock()).total_seconds() / speed)
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=max(wait, 0.001))
                refresh_at = 0.0           # this process queued posts: look now
            except asyncio.TimeoutError:
                pass

    async def _job(self, fn: Callable[[datetime], Any]) -> None:
        try:
            await asyncio.to_thread(fn, self.clock())
        except Exception:  # noqa: BLE001
            log.exception("scheduled job %s failed", getattr(fn, "__name__", fn))
        await self.notify.flush()

    async def serve(self, stop: asyncio.Event) -> None:
        """Run until `stop` is set; in-flight posts finish, nothing new is claimed after."""
        from apscheduler.schedulers.asyncio import AsyncIOScheduler
        from apscheduler.triggers.cron import CronTrigger
        from apscheduler.triggers.interval import IntervalTrigger

        tz = self.settings.tz
        now = self.clock()
        await asyncio.to_thread(self.release_orphans, now)
        scheduler = AsyncIOScheduler(timezone=tz, job_defaults={
            "coalesce": True, "max_instances": 1, "misfire_grace_time": int(self.grace.total_seconds())})
        scheduler.add_job(self._job, CronTrigger(timezone=tz, **self.weekly.cron_kwargs()),
                          args=[self.make_edition_if_due], id="weekly")
        if self.settings.feeds:
            minutes = self.settings.schedule.feeds_every_minutes
            scheduler.add_job(self._job, IntervalTrigger(minutes=minutes, timezone=tz), args=[self.poll_feeds],
                              id="feeds", next_run_time=now)
        hour = self.settings.schedule.remind_hour
        for name, fn in (("reminders", self.send_reminders), ("reports", self.draft_reports)):
            scheduler.add_job(self._job, CronTrigger(day_of_week="mon-fri", hour=hour, timezone=tz),
                              args=[fn], id=name)
        scheduler.start()
        # A missed weekly run (machine off on Monday morning) is caught up once, here.
        await self._job(self.make_edition_if_due)
        await self._job(self.send_reminders)
        dispatcher = asyncio.create_task(self._dispatch(stop))
        try:
            await stop.wait()
        finally:
            scheduler.shutdown(wait=False)
            self.publisher.stopping = True
            self._wake.set()
            await dispatcher
            await self.notify.flush()
