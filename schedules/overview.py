"""What staff see at a glance (the web console's dashboard and month calendar): read-only views
over items, posts, calendar slots and citizens' questions. No writes; times in the configured zone.

- `week_overview(session, settings, week, now)`: for the week starting Monday `week`, what goes
  out when and where (posts, and items waiting for approval), the publish slots still empty,
  posts stuck dead/unknown, questions near or past their due date.
- `month_calendar(session, settings, month)`: a Monday-first grid of the month's days with their
  calendar slots (filled or gap, events) and the items dated that day that fill no slot.
"""

from __future__ import annotations

import calendar as pycal
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from channels.models import Post
from content.calendar.store import DEAD_ITEM_STATES, SlotView, one_day_slots
from content.models import Item, PlanRecord, Slot
from content.qa.stats import DueQuestion, due_questions
from content.config import Settings
from schedules.edition import LIVE, Gap
from schedules.timing import local_day_bounds

STUCK_STATES = ("dead", "unknown")
DAY_LIST_MAX = 4          # entries listed per day in the month grid; the rest are counted


@dataclass(frozen=True)
class Outgoing:
    """One line of the week: a post (item on a channel) or an item with no posts yet."""

    at: datetime
    item_id: int
    title: str
    channel: str          # "" for an item not yet queued: see `channels`
    channels: tuple[str, ...]
    state: str            # post state, or the item's state when post_id is None
    post_id: int | None = None


@dataclass(frozen=True)
class WeekOverview:
    week: date
    days: list[tuple[date, list[Outgoing]]]
    gaps: list[Gap]
    stuck: dict[str, int]
    questions: list[DueQuestion]


def week_overview(session: Session, settings: Settings, week: date, now: datetime) -> WeekOverview:
    tz = settings.tz
    start, _ = local_day_bounds(week, tz)
    end, _ = local_day_bounds(week + timedelta(days=7), tz)
    lines: list[Outgoing] = []
    for p_id, item_id, channel, state, due_at, title in session.execute(
            select(Post.id, Post.item_id, Post.channel, Post.state, Post.due_at, Item.title)
            .join(Item, Item.id == Post.item_id)
            .where(Post.due_at >= start, Post.due_at < end, Post.state != "cancelled")
            .order_by(Post.due_at, Post.item_id, Post.channel, Post.id)):
        lines.append(Outgoing(due_at, item_id, title, channel, (channel,), state, p_id))
    queued = select(Post.id).where(Post.item_id == Item.id).exists()
    for item in session.scalars(select(Item).where(Item.publish_at >= start, Item.publish_at < end,
                                                   Item.state.in_(("draft", "approved")), ~queued)
                                .order_by(Item.publish_at, Item.id)):
        lines.append(Outgoing(item.publish_at, item.id, item.title, "", tuple(item.channels), item.state))
    lines.sort(key=lambda o: (o.at, o.item_id, o.channel))
    by_day: dict[date, list[Outgoing]] = {week + timedelta(days=i): [] for i in range(7)}
    for o in lines:
        by_day.setdefault(o.at.astimezone(tz).date(), []).append(o)
    gaps = week_gaps(session, week)
    stuck = {state: n for state, n in session.execute(
        select(Post.state, func.count()).where(Post.state.in_(STUCK_STATES)).group_by(Post.state))}
    return WeekOverview(week, sorted(by_day.items()), gaps, {s: stuck.get(s, 0) for s in STUCK_STATES},
                        due_questions(session, now, settings))


def week_gaps(session: Session, week: date) -> list[Gap]:
    """The week's publish slots that no approved (or later) item fills — the same rule as the
    weekly edition's gaps (schedules.edition.week_contents), in one query."""
    filled = select(Item.id).where(Item.slot_id == Slot.id, Item.state.in_(LIVE)).exists()
    rows = session.execute(select(Slot.id, Slot.day, Slot.channel, Slot.plan_id, Slot.theme_id, Slot.label)
                           .where(Slot.kind == "publish", Slot.day >= week, Slot.day < week + timedelta(days=7),
                                  ~filled)
                           .order_by(Slot.day, Slot.channel)).all()
    themes = theme_texts(session, {r.plan_id for r in rows})
    return [Gap(r.id, r.day, r.channel, themes.get((r.plan_id, r.theme_id), r.label)) for r in rows]


def theme_texts(session: Session, plan_ids: set[int]) -> dict[tuple[int, str], str]:
    out: dict[tuple[int, str], str] = {}
    if plan_ids:
        for plan_id, data in session.execute(select(PlanRecord.id, PlanRecord.data).where(PlanRecord.id.in_(plan_ids))):
            for t in (data or {}).get("themes", []):
                out[(plan_id, t["id"])] = t["text"]
    return out


@dataclass(frozen=True)
class DayItem:
    item_id: int
    title: str
    at: datetime | None
    state: str
    channels: tuple[str, ...]


@dataclass
class Day:
    day: date
    in_month: bool
    slots: list[SlotView] = field(default_factory=list)
    items: list[DayItem] = field(default_factory=list)
    more_items: int = 0

    @property
    def gaps(self) -> int:
        return sum(1 for s in self.slots if s.kind == "publish" and not s.filled)


@dataclass(frozen=True)
class MonthCalendar:
    month: date
    weeks: list[list[Day]]
    themes: dict[tuple[int, str], str]
    titles: dict[int, str]          # item id → title, for the items filling slots
    gaps: int


def month_calendar(session: Session, settings: Settings, month: date) -> MonthCalendar:
    tz = settings.tz
    first = month.replace(day=1)
    last = first.replace(day=pycal.monthrange(first.year, first.month)[1])
    grid_start = first - timedelta(days=first.weekday())
    grid_end = last + timedelta(days=6 - last.weekday())
    days = {grid_start + timedelta(days=i): Day(grid_start + timedelta(days=i),
                                                (grid_start + timedelta(days=i)).month == first.month)
            for i in range((grid_end - grid_start).days + 1)}
    slots = one_day_slots(session, grid_start, grid_end)
    for s in slots:
        if s.day in days:
            days[s.day].slots.append(s)
    filled_ids = {i for s in slots for i in s.item_ids}
    titles = dict(session.execute(select(Item.id, Item.title).where(Item.id.in_(filled_ids)))) if filled_ids else {}
    start, _ = local_day_bounds(grid_start, tz)
    end, _ = local_day_bounds(grid_end + timedelta(days=1), tz)
    # slot_id is tested here, not in SQL: "slot_id IS NULL" would lure SQLite onto that index.
    for item_id, title, at, state, chans, slot_id in session.execute(
            select(Item.id, Item.title, Item.publish_at, Item.state, Item.channels, Item.slot_id)
            .where(Item.publish_at >= start, Item.publish_at < end, Item.state.not_in(DEAD_ITEM_STATES))
            .order_by(Item.publish_at, Item.id)):
        d = days.get(at.astimezone(tz).date())
        if d is None or slot_id is not None:
            continue
        if len(d.items) < DAY_LIST_MAX:
            d.items.append(DayItem(item_id, title, at, state, tuple(chans or ())))
        else:
            d.more_items += 1
    themes = theme_texts(session, {s.plan_id for s in slots})
    ordered = [days[k] for k in sorted(days)]
    weeks = [ordered[i:i + 7] for i in range(0, len(ordered), 7)]
    gaps = sum(d.gaps for d in ordered if d.in_month)
    return MonthCalendar(first, weeks, themes, titles, gaps)
