"""Stored calendar: `rebuild` turns a stored plan into its `slots` rows; `slots_between` reads
them back with whether staff have filled them.

`rebuild` is idempotent and runs inside the caller's transaction (`Database.session()`), so it
is all or nothing. It matches rows to `build_calendar`'s specs by their stable key:

- a spec with no row → inserted (`added`);
- an unfilled row whose day, end day, kind, channel, theme or label differs → updated;
- a **filled** row (any `Item.slot_id` points to it, whatever the item's state) keeps its day,
  channel and theme — the content was written for them — and only its label follows the plan;
- a row no longer generated (plan edited, cadence or holidays changed) → deleted when
  unfilled (`removed`), kept when filled (`kept_filled`).

The plan row is locked first (`FOR UPDATE` on PostgreSQL; SQLite's `BEGIN IMMEDIATE` already
serialises writers), so two rebuilds of one plan cannot both insert the same keys.

For display, a slot counts as filled (`SlotView.filled`) when an item that is not cancelled
or rejected points to it — the same rule `content.items.workflow.find_slot` uses to offer it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from content.calendar.build import SlotSpec, build_calendar, plan_span, publish_channels
from content.calendar.holidays import holidays_between
from content.models import Item, PlanRecord, Slot
from content.plan.parse import Plan
from content.config import Settings

DEAD_ITEM_STATES = ("cancelled", "rejected", "withdrawn")   # items that no longer fill a slot
_FIELDS = ("day", "end_day", "kind", "channel", "theme_id", "label")
_CHUNK = 500


@dataclass(frozen=True)
class RebuildResult:
    plan_id: int
    added: int
    updated: int
    removed: int
    kept_filled: int
    total: int  # the plan's slots after the rebuild


@dataclass(frozen=True)
class SlotView:
    id: int
    plan_id: int
    key: str
    day: date
    end_day: date | None
    kind: str
    channel: str
    theme_id: str
    label: str
    item_ids: tuple[int, ...]  # live items (not cancelled or rejected) filling it

    @property
    def filled(self) -> bool:
        return bool(self.item_ids)


def specs_for(plan: Plan, settings: Settings, *, report_due_day: int | None = None) -> list[SlotSpec]:
    """`build_calendar` with the settings' cadence and holidays; every `[channels.X]` section,
    enabled or not, counts as configured when `social` is expanded."""
    span = plan_span(plan)
    holidays = holidays_between(span[0], span[1], settings.holidays) if span else []
    return build_calendar(plan, cadence=settings.cadence, holidays=holidays,
                          channels_configured=set(settings.channels), report_due_day=report_due_day)


def rebuild(session: Session, plan_record: PlanRecord, settings: Settings, *,
            report_due_day: int | None = None) -> RebuildResult:
    """Bring the plan's slots in line with the plan and the settings (rules in the docstring)."""
    plan_id = plan_record.id
    session.execute(select(PlanRecord.id).where(PlanRecord.id == plan_id).with_for_update())
    specs = specs_for(Plan.from_dict(plan_record.data), settings, report_due_day=report_due_day)

    existing = {s.key: s for s in session.scalars(select(Slot).where(Slot.plan_id == plan_id))}
    referenced = set(session.scalars(
        select(Item.slot_id).join(Slot, Slot.id == Item.slot_id).where(Slot.plan_id == plan_id).distinct()))

    new_rows, updated = [], 0
    wanted = set()
    for spec in specs:
        wanted.add(spec.key)
        row = existing.get(spec.key)
        if row is None:
            new_rows.append({"plan_id": plan_id, "key": spec.key, **{f: getattr(spec, f) for f in _FIELDS}})
            continue
        fields = ("label",) if row.id in referenced else _FIELDS
        changed = False
        for f in fields:
            if getattr(row, f) != getattr(spec, f):
                setattr(row, f, getattr(spec, f))
                changed = True
        updated += changed

    stale = [row for key, row in existing.items() if key not in wanted]
    gone = [row.id for row in stale if row.id not in referenced]
    session.flush()
    for i in range(0, len(gone), _CHUNK):
        session.execute(delete(Slot).where(Slot.id.in_(gone[i:i + _CHUNK])),
                        execution_options={"synchronize_session": False})
    for row in stale:
        if row.id not in referenced:
            session.expunge(row)
    if new_rows:
        session.execute(insert(Slot), new_rows)
    session.flush()
    return RebuildResult(plan_id=plan_id, added=len(new_rows), updated=updated, removed=len(gone),
                         kept_filled=len(stale) - len(gone), total=len(existing) - len(gone) + len(new_rows))


def slots_between(session: Session, start: date | None, end: date | None,
                  plan_id: int | None = None) -> list[SlotView]:
    """Slots overlapping start..end inclusive (None = unbounded), by day, with their live items."""
    q = select(Slot)
    if end is not None:
        q = q.where(Slot.day <= end)
    if start is not None:
        q = q.where(func.coalesce(Slot.end_day, Slot.day) >= start)
    if plan_id is not None:
        q = q.where(Slot.plan_id == plan_id)
    rows = session.scalars(q.order_by(Slot.day, Slot.plan_id, Slot.key)).all()

    items: dict[int, list[int]] = {}
    in_range = select(Slot.id)
    if end is not None:
        in_range = in_range.where(Slot.day <= end)
    if start is not None:
        in_range = in_range.where(func.coalesce(Slot.end_day, Slot.day) >= start)
    if plan_id is not None:
        in_range = in_range.where(Slot.plan_id == plan_id)
    # IN (subquery) lets the database walk the slots first and use the index on items.slot_id.
    iq = select(Item.slot_id, Item.id).where(Item.slot_id.in_(in_range), Item.state.not_in(DEAD_ITEM_STATES))
    for slot_id, item_id in session.execute(iq.order_by(Item.id)):
        items.setdefault(slot_id, []).append(item_id)

    return [SlotView(r.id, r.plan_id, r.key, r.day, r.end_day, r.kind, r.channel, r.theme_id, r.label,
                     tuple(items.get(r.id, ()))) for r in rows]


def one_day_slots(session: Session, start: date, end: date) -> list[SlotView]:
    """Slots between start and end inclusive for a day-by-day display: spans (task windows)
    appear on their first day only when it falls in the range, holidays once per day."""
    seen: set[tuple[date, str]] = set()
    out: list[SlotView] = []
    for s in slots_between(session, start, end):
        if s.day < start:
            continue
        if s.kind == "holiday":
            if (s.day, s.label) in seen:
                continue
            seen.add((s.day, s.label))
        out.append(s)
    return out


def count_slots(session: Session, plan_ids: list[int] | None = None) -> int:
    q = select(func.count(Slot.id))
    if plan_ids is not None:
        q = q.where(Slot.plan_id.in_(plan_ids))
    return session.scalar(q) or 0


def calendar_warnings(plan: Plan, settings: Settings, label: str) -> list[str]:
    """Why a plan's calendar has no publishing slots, if it has none (Vietnamese; `label` names
    the plan, e.g. "số 12/KH-UBND")."""
    if plan_span(plan) is None:
        return [f"Kế hoạch {label} không ghi năm hay thời gian thực hiện, nên lịch chỉ có hạn các nhiệm vụ."]
    if not publish_channels(plan, settings.channels):
        return [f"Kế hoạch {label} không nêu kênh nào Loa đăng được (cổng thông tin, Zalo, Telegram, mạng xã "
                "hội, truyền thanh, đường dây nóng), nên không có ô đăng bài."]
    return []
