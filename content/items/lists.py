"""Lists of content items for staff (the web console's /items): filters by state, channel, plan
and ISO week, newest publication time first, one page at a time. Read-only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session

from content.models import Item, PlanRecord

PAGE_SIZE = 50


@dataclass(frozen=True)
class ItemRow:
    id: int
    title: str
    state: str
    channels: tuple[str, ...]
    publish_at: datetime | None
    plan_id: int | None
    theme_id: str | None
    created_by: str
    approved_by: str | None


@dataclass(frozen=True)
class ItemPage:
    rows: list[ItemRow]
    total: int
    page: int
    pages: int


def list_items(session: Session, *, tz: ZoneInfo, state: str | None = None, channel: str | None = None,
               plan_id: int | None = None, week: date | None = None, page: int = 1,
               page_size: int = PAGE_SIZE) -> ItemPage:
    """Items matching every given filter; `week` is the Monday of an ISO week (local time)."""
    q = select(Item)
    if state:
        q = q.where(Item.state == state)
    if channel:
        q = q.where(cast(Item.channels, String).like(f'%"{channel}"%'))
    if plan_id is not None:
        q = q.where(Item.plan_id == plan_id)
    if week is not None:
        start = datetime(week.year, week.month, week.day, tzinfo=tz)
        q = q.where(Item.publish_at >= start, Item.publish_at < start + timedelta(days=7))
    total = session.scalar(select(func.count()).select_from(q.subquery())) or 0
    pages = max(1, -(-total // page_size))
    page = min(max(page, 1), pages)
    rows = session.scalars(q.order_by(Item.publish_at.desc().nulls_first(), Item.id.desc())
                           .offset((page - 1) * page_size).limit(page_size))
    return ItemPage([ItemRow(i.id, i.title, i.state, tuple(i.channels or ()), i.publish_at, i.plan_id,
                             i.theme_id, i.created_by, i.approved_by) for i in rows], total, page, pages)


def plan_choices(session: Session) -> list[tuple[int, str, list[tuple[str, str]]]]:
    """Every stored plan as (id, name, [(theme id, theme text)]) for the composer's choices."""
    out = []
    for rec in session.scalars(select(PlanRecord).order_by(PlanRecord.id)):
        name = " – ".join(x for x in (rec.number or "", rec.title or "") if x) or f"Kế hoạch {rec.id}"
        out.append((rec.id, name, [(t["id"], t["text"]) for t in (rec.data or {}).get("themes", [])]))
    return out
