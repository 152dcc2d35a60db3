"""Reminders to staff: empty calendar slots coming up, dead or unknown posts, plan task
deadlines and windows starting soon. The rules are pure functions of rows and `today`;
`collect` queries, `deliver` sends each reminder once (the Notice table remembers keys)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from channels.models import Post
from channels.publisher import alert_text
from content.models import Item, PlanRecord, Slot
from content.plan.parse import Plan
from content.text import fmt_date
from schedules.edition import LIVE
from content.kinds import CHANNEL_NAMES
from schedules.models import Notice


@dataclass(frozen=True)
class Reminder:
    key: str
    text: str


def empty_slots(slots: Iterable[tuple[int, date, str, str]], today: date, days_ahead: int) -> list[Reminder]:
    """(slot id, day, channel, theme) of unfilled publish slots → reminders for those due soon."""
    horizon = today + timedelta(days=days_ahead)
    out = []
    for slot_id, day, channel, theme in slots:
        if today <= day <= horizon:
            when = "hôm nay" if day == today else f"ngày {fmt_date(day)}"
            out.append(Reminder(f"slot:{slot_id}",
                                f"Ô lịch {slot_id} ({CHANNEL_NAMES.get(channel, channel)}, {when}) chưa có bài "
                                f"được duyệt. Chủ đề: {theme}."))
    return out


def stuck_posts(rows: Iterable[tuple[int, int, str, str, str, str, str | None]]) -> list[Reminder]:
    """(post id, item id, item title, channel, target, state, last error) of posts still dead or
    unknown since before yesterday. The publisher told staff when it happened; this is the one
    follow-up, in the same words."""
    return [Reminder(f"post:{post_id}:{state}",
                     "Vẫn chưa xử lý: " + alert_text(state, post_id, item_id, title, channel, target, error))
            for post_id, item_id, title, channel, target, state, error in rows]


def task_deadlines(plan_id: int, plan: Plan, today: date, days_ahead: int) -> list[Reminder]:
    horizon = today + timedelta(days=days_ahead)
    out = []
    for t in plan.tasks:
        tm = t.timing
        if tm.kind == "deadline" and tm.due and today <= tm.due <= horizon:
            out.append(Reminder(f"task:{plan_id}:{t.no}:due:{tm.due}",
                                f"Nhiệm vụ {t.no} ({t.lead}) hết hạn ngày {fmt_date(tm.due)}: {t.content}"))
        if tm.kind == "window" and tm.start and today <= tm.start <= horizon:
            out.append(Reminder(f"task:{plan_id}:{t.no}:start:{tm.start}",
                                f"Nhiệm vụ {t.no} ({t.lead}) bắt đầu từ {fmt_date(tm.start)}"
                                f"{f' đến {fmt_date(tm.end)}' if tm.end else ''}: {t.content}"))
    return out


def collect(session: Session, today: date, days_ahead: int = 3) -> list[Reminder]:
    end = today + timedelta(days=days_ahead)
    slots = session.scalars(select(Slot).where(Slot.kind == "publish", Slot.day >= today, Slot.day <= end)).all()
    filled = set(session.scalars(select(Item.slot_id).where(Item.slot_id.in_([s.id for s in slots]),
                                                            Item.state.in_(LIVE))))
    plans = {p.id: p for p in session.scalars(select(PlanRecord))}
    theme = {(pid, t["id"]): t["text"] for pid, p in plans.items() for t in p.data.get("themes", [])}
    out = empty_slots(((s.id, s.day, s.channel, theme.get((s.plan_id, s.theme_id), s.label))
                       for s in slots if s.id not in filled), today, days_ahead)
    since = datetime.combine(today - timedelta(days=1), time(0), tzinfo=timezone.utc)
    rows = session.execute(select(Post.id, Post.item_id, Item.title, Post.channel, Post.target, Post.state,
                                  Post.last_error)
                           .join(Item, Item.id == Post.item_id)
                           .where(Post.state.in_(("dead", "unknown")), Post.updated_at < since)
                           .order_by(Post.id))
    out += stuck_posts(rows)
    for pid, rec in plans.items():
        out += task_deadlines(pid, Plan.from_dict(rec.data), today, days_ahead)
    return out


def deliver(session: Session, reminders: Iterable[Reminder], send: Callable[[str], None], *,
            now: datetime) -> list[Reminder]:
    """Send the reminders not sent before; record each so a later pass stays quiet."""
    fresh = [r for r in reminders if session.get(Notice, r.key) is None]
    for r in fresh:
        send(r.text)
        session.add(Notice(key=r.key, text=r.text, sent_at=now))
    return fresh
