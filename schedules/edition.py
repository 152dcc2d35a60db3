"""The weekly edition, "Bản tin CCHC số N/YYYY".

The rule (what a communications officer expects of a weekly digest, and what makes every link
work): **the edition that fires at time F summarises what was published in the week before
it** — every item whose first post went out in [F − 7 days, F), whatever its theme, its plan or
whether it fills a calendar slot (an approved item with no theme counts like any other). F is
the nominal fire time (`[schedule] weekly`, Monday 07:00 by default), also when the edition is
caught up late, so consecutive editions cover consecutive weeks: every published item is in
exactly one edition. It links an item only to its page that already exists (the URL of its
published portal post, http(s) only), never to a page still to come; radio therefore never
reads an item before the item's own slot. Items that are themselves editions or the citizens'
Q&A column are not entries (each edition points to that week's column in its own section).
No edition goes out when the week published nothing and there is no column; staff are told, and
that week takes no number, so the published numbers run without gaps.

The week's empty calendar slots (the slots of the fire week that no approved item fills) are
listed for staff, never filled with filler.

`edition_contents` reads the database and is what both the scheduler (`make_edition`) and
`loa schedule preview` use, so the preview shows exactly what the edition will contain (plus
what is still scheduled before F: in the edition if it goes out on time). `compose_digest` is
pure; `make_edition` records the Edition row, which is what makes the edition happen once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from channels.models import Post
from content.items.workflow import NewItem, create_item
from content.models import Item, PlanRecord, Slot
from content.text import as_utc, fmt_date
from content.kinds import CHANNEL_NAMES
from schedules.models import Edition
from schedules.timing import Weekly

LIVE = ("approved", "scheduled", "published")
NOT_ENTRIES = ("edition", "qa")       # item sources that are not news of the week


def edition_window(weekly: Weekly, tz: ZoneInfo, week: date) -> tuple[datetime, datetime]:
    """[F − 7 days, F) as aware datetimes, F the nominal fire time in the week starting `week`."""
    fire = datetime.combine(week + timedelta(days=weekly.weekday), weekly.at, tzinfo=tz)
    return fire - timedelta(days=7), fire


@dataclass(frozen=True)
class Entry:
    item_id: int
    title: str
    summary: str
    link: str | None
    at: datetime | None = None        # first publication (or, for an expected entry, when due)


@dataclass(frozen=True)
class Gap:
    slot_id: int
    day: date
    channel: str
    theme: str


@dataclass
class Contents:
    """What the edition of one week holds: `entries` (published in the window, in order),
    `expected` (still due before the fire time: in the edition if published on time), and the
    fire week's empty slots (`gaps`, for staff)."""

    start: datetime
    end: datetime
    entries: list[Entry] = field(default_factory=list)
    expected: list[Entry] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)


def _portal_links(session: Session, item_ids: list[int]) -> dict[int, str]:
    rows = session.execute(select(Post.item_id, Post.url).where(
        Post.item_id.in_(item_ids), Post.channel == "portal", Post.state == "published",
        Post.url.is_not(None)).order_by(Post.published_at, Post.id)).all()
    out: dict[int, str] = {}
    for item_id, url in rows:
        if url and url.startswith(("https://", "http://")):
            out.setdefault(item_id, url)
    return out


def edition_contents(session: Session, weekly: Weekly, tz: ZoneInfo, week: date) -> Contents:
    """The edition of the week starting `week`, by the rule of the module docstring."""
    start, end = edition_window(weekly, tz, week)
    first = (select(Post.item_id, func.min(Post.published_at).label("at"))
             .where(Post.state == "published", Post.edition == "").group_by(Post.item_id).subquery())
    rows = session.execute(
        select(Item, first.c.at).join(first, first.c.item_id == Item.id)
        .where(first.c.at >= as_utc(start), first.c.at < as_utc(end),
               Item.state.in_(LIVE), Item.source.not_in(NOT_ENTRIES))
        .order_by(first.c.at, Item.id)).all()
    links = _portal_links(session, [item.id for item, _ in rows])
    out = Contents(start, end, gaps=week_contents(session, week)[1])
    out.entries = [Entry(item.id, item.title, item.summary or _first_paragraph(item.body), links.get(item.id),
                         as_utc(at)) for item, at in rows]
    published = select(Post.item_id).where(Post.state == "published", Post.edition == "")
    due = (select(Post.item_id, func.min(Post.due_at).label("due"))
           .where(Post.state.in_(("pending", "sending", "failed")), Post.edition == "",
                  Post.item_id.not_in(published)).group_by(Post.item_id).subquery())
    for item, at in session.execute(
            select(Item, due.c.due).join(due, due.c.item_id == Item.id)
            .where(due.c.due < as_utc(end), Item.state.in_(LIVE), Item.source.not_in(NOT_ENTRIES))
            .order_by(due.c.due, Item.id)).all():
        out.expected.append(Entry(item.id, item.title, item.summary or _first_paragraph(item.body), None,
                                  as_utc(at)))
    queued = select(Post.item_id)
    for item in session.scalars(select(Item).where(
            Item.state == "approved", Item.publish_at < as_utc(end), Item.id.not_in(queued),
            Item.source.not_in(NOT_ENTRIES)).order_by(Item.publish_at, Item.id)):
        out.expected.append(Entry(item.id, item.title, item.summary or _first_paragraph(item.body), None,
                                  as_utc(item.publish_at)))
    return out


def week_contents(session: Session, week: date) -> tuple[list[Entry], list[Gap]]:
    """The week's publish slots: the items filling them (approved or later) and the slots left
    empty. (Not the edition's contents: see `edition_contents`.)"""
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


def compose_digest(code: str, start: date, end: date, entries: list[Entry], qa_title: str | None = None,
                   *, home: str | None = None) -> tuple[str, str]:
    """Title and Markdown body of the edition (pure). Each entry's title links to its page when
    it has one, so radio reads the title and no "Xem chi tiết" per entry; `home` (the portal's
    address) is named once at the end."""
    title = f"Bản tin CCHC số {code}"
    lines = [f"Bản tin cải cách hành chính số {code}: các tin, bài đã đăng từ ngày {fmt_date(start)} "
             f"đến ngày {fmt_date(end)}.", ""]
    for n, e in enumerate(entries, 1):
        heading = f"[{_md_text(e.title)}]({e.link})" if e.link else _md_text(e.title)
        lines += [f"## {n}. {heading}", "", e.summary, ""]
    if qa_title:
        lines += ["## Dân hỏi – Chính quyền trả lời", "", f"Mời bà con theo dõi chuyên mục “{qa_title}”.", ""]
    if home and any(e.link for e in entries):
        lines += [f"Toàn văn các tin, bài đăng trên trang thông tin điện tử: <{home}>", ""]
    return title, "\n".join(lines).strip() + "\n"


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~!{}])")


def _md_text(text: str) -> str:
    """A title as literal Markdown text (no emphasis, links or HTML)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def gaps_text(gaps: list[Gap]) -> str:
    return "\n".join(f"- {fmt_date(g.day)} · {CHANNEL_NAMES.get(g.channel, g.channel)} · {g.theme} (ô lịch {g.slot_id})"
                     for g in gaps)


def next_number(session: Session, year: int) -> int:
    return (session.scalar(select(func.max(Edition.number)).where(Edition.year == year)) or 0) + 1


def make_edition(session: Session, week: date, *, now: datetime, fire_day: date, caught_up: bool,
                 channels: tuple[str, ...], weekly: Weekly, tz: ZoneInfo, home: str | None = None,
                 qa_item: Item | None = None) -> tuple[Edition, Item | None, list[Gap]]:
    """Record the edition of `week` and create its digest item (approved, not yet queued).

    The caller queues the digest through the publisher in the same transaction. Raises
    IntegrityError if another process made this week's edition first (unique week_start)."""
    contents = edition_contents(session, weekly, tz, week)
    year = fire_day.year
    goes_out = bool(contents.entries) or qa_item is not None
    edition = Edition(week_start=week, year=year, number=next_number(session, year) if goes_out else None,
                      missing=gaps_text(contents.gaps), caught_up=int(caught_up), created_at=now)
    session.add(edition)
    session.flush()
    digest = None
    if goes_out:
        start = contents.start.astimezone(tz).date()
        last = (contents.end - timedelta(microseconds=1)).astimezone(tz).date()
        title, body = compose_digest(edition.code, start, last, contents.entries,
                                     qa_item.title if qa_item else None, home=home)
        digest = create_item(session, NewItem(title=title, body=body, channels=channels, source="edition",
                                              source_key=f"edition:{week.isoformat()}",
                                              created_by="Loa (bản tin tự động)"),
                             now=now, require_approval=False)
        edition.item_id = digest.id
    return edition, digest, contents.gaps
