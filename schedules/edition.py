"""The weekly edition, "Bản tin CCHC số N/YYYY": the approved items for the week's calendar
slots (plus the citizens' Q&A column when there is one), gathered into one digest item that
is published on every channel. Slots with no approved content are listed for staff, never
filled with filler.

`week_contents` reads the database; `compose_digest` is pure; `make_edition` does both in one
transaction and records the Edition row, which is what makes the edition happen once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from content.items.workflow import NewItem, create_item
from content.models import Item, PlanRecord, Slot
from content.text import CHANNEL_NAMES, fmt_date
from schedules.models import Edition

LIVE = ("approved", "scheduled", "published")


@dataclass(frozen=True)
class Entry:
    item_id: int
    title: str
    summary: str
    link: str | None


@dataclass(frozen=True)
class Gap:
    slot_id: int
    day: date
    channel: str
    theme: str


def week_contents(session: Session, week: date) -> tuple[list[Entry], list[Gap]]:
    """Items filling the week's publish slots (approved or later), and the slots left empty."""
    end = week + timedelta(days=7)
    slots = session.scalars(select(Slot).where(Slot.kind == "publish", Slot.day >= week, Slot.day < end)
                            .order_by(Slot.day, Slot.channel)).all()
    filled = {i.slot_id: i for i in session.scalars(
        select(Item).where(Item.slot_id.in_([s.id for s in slots]), Item.state.in_(LIVE)))}
    themes: dict[tuple[int, str], str] = {}
    for plan in session.scalars(select(PlanRecord).where(PlanRecord.id.in_({s.plan_id for s in slots}))):
        for t in plan.data.get("themes", []):
            themes[(plan.id, t["id"])] = t["text"]
    entries: dict[int, Entry] = {}
    gaps: list[Gap] = []
    for s in slots:
        item = filled.get(s.id)
        if item is None:
            gaps.append(Gap(s.id, s.day, s.channel, themes.get((s.plan_id, s.theme_id), s.label)))
        elif item.id not in entries:
            entries[item.id] = Entry(item.id, item.title, item.summary or _first_paragraph(item.body), None)
    return list(entries.values()), gaps


def _first_paragraph(body: str, limit: int = 300) -> str:
    para = next((p.strip() for p in body.split("\n\n") if p.strip() and not p.lstrip().startswith("#")), "")
    para = " ".join(para.split())
    return para if len(para) <= limit else para[: limit - 1].rsplit(" ", 1)[0] + "…"


def compose_digest(code: str, week: date, entries: list[Entry], qa_title: str | None = None) -> tuple[str, str]:
    """Title and Markdown body of the edition (pure)."""
    title = f"Bản tin CCHC số {code}"
    lines = [f"Bản tin cải cách hành chính tuần từ {fmt_date(week)} đến {fmt_date(week + timedelta(days=6))}.", ""]
    for n, e in enumerate(entries, 1):
        lines += [f"## {n}. {e.title}", "", e.summary]
        if e.link:
            lines += ["", f"[Xem chi tiết]({e.link})"]
        lines.append("")
    if qa_title:
        lines += ["## Dân hỏi – Chính quyền trả lời", "", f"Mời bà con theo dõi chuyên mục “{qa_title}”.", ""]
    return title, "\n".join(lines).strip() + "\n"


def gaps_text(gaps: list[Gap]) -> str:
    return "\n".join(f"- {fmt_date(g.day)} · {CHANNEL_NAMES.get(g.channel, g.channel)} · {g.theme} (ô lịch {g.slot_id})"
                     for g in gaps)


def next_number(session: Session, year: int) -> int:
    return (session.scalar(select(func.max(Edition.number)).where(Edition.year == year)) or 0) + 1


def make_edition(session: Session, week: date, *, now: datetime, fire_day: date, caught_up: bool,
                 channels: tuple[str, ...], link_for=lambda item_id, title: None,
                 qa_item: Item | None = None) -> tuple[Edition, Item | None, list[Gap]]:
    """Record the edition of `week` and create its digest item (approved, not yet queued).

    The caller queues the digest through the publisher in the same transaction. Raises
    IntegrityError if another process made this week's edition first (unique week_start)."""
    entries, gaps = week_contents(session, week)
    entries = [Entry(e.item_id, e.title, e.summary, link_for(e.item_id, e.title)) for e in entries]
    year = fire_day.year
    edition = Edition(week_start=week, year=year, number=next_number(session, year), missing=gaps_text(gaps),
                      caught_up=int(caught_up), created_at=now)
    session.add(edition)
    session.flush()
    digest = None
    if entries or qa_item is not None:
        title, body = compose_digest(edition.code, week, entries, qa_item.title if qa_item else None)
        digest = create_item(session, NewItem(title=title, body=body, channels=channels, source="edition",
                                              source_key=f"edition:{week.isoformat()}",
                                              created_by="Loa (bản tin tự động)"),
                             now=now, require_approval=False)
        edition.item_id = digest.id
    return edition, digest, gaps
