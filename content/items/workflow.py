"""Content items: creation, validation, and the changes staff make to one item's fields as it
moves through the state machine of `content.items.states` (which decides what is allowed).

Editing an approved, scheduled or rejected item sends it back to draft: what a leader approved
is what goes out. Whether a post of the item is already out (`sent`) is the caller's knowledge
(channels.steering looks at the posts); these functions only change the item row. Every
function takes the time; nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from content.errors import LoaError
from content.items import states
from content.items.states import STATE_NAMES
from content.calendar.store import DEAD_ITEM_STATES
from content.models import Item, PlanRecord, Slot
from content.render.article import Article
from content.config import Settings
from content.kinds import PUBLISHABLE
from content.text import as_utc, nfc

TITLE_MAX = 300
BODY_MAX = 100_000


class ItemError(LoaError):
    """A request about an item that cannot be done; the message is Vietnamese."""


@dataclass(frozen=True)
class NewItem:
    title: str
    body: str
    channels: tuple[str, ...] = PUBLISHABLE
    theme_id: str | None = None
    plan_id: int | None = None
    slot_id: int | None = None
    task_no: str | None = None
    publish_at: datetime | None = None
    image_path: str | None = None
    summary: str = ""
    source: str = "staff"
    source_key: str | None = None
    source_url: str | None = None
    created_by: str = ""


EDITABLE = ("title", "body", "summary", "channels", "publish_at", "image_path")
FIELD_NAMES = {"title": "tiêu đề", "body": "nội dung", "summary": "sa pô", "channels": "kênh",
               "publish_at": "thời điểm đăng", "image_path": "ảnh", "state": "trạng thái", "note": "ghi chú"}


def snapshot(item: Item) -> dict:
    """The fields staff change, for the audit trail's before → after."""
    return {"title": item.title, "body": item.body, "summary": item.summary, "channels": list(item.channels),
            "publish_at": item.publish_at, "image_path": item.image_path, "state": item.state,
            "note": item.note}


def parse_channels(text: str | None) -> tuple[str, ...]:
    """"portal, telegram" → ("portal", "telegram"); an unknown name is an ItemError."""
    if not text:
        return PUBLISHABLE
    names = tuple(dict.fromkeys(p.strip().lower() for p in text.split(",") if p.strip()))
    bad = [n for n in names if n not in PUBLISHABLE]
    if bad:
        raise ItemError(f"Kênh không hợp lệ: {', '.join(bad)}. Các kênh có: {', '.join(PUBLISHABLE)}.")
    if not names:
        raise ItemError("Cần ít nhất một kênh.")
    return names


def _clean_text(title: str, body: str) -> tuple[str, str]:
    title = nfc(title).strip()
    body = nfc(body).replace("\r\n", "\n").strip()
    if not title:
        raise ItemError("Tiêu đề không được để trống.")
    if len(title) > TITLE_MAX:
        raise ItemError(f"Tiêu đề dài {len(title)} ký tự, tối đa {TITLE_MAX}.")
    if len(body) > BODY_MAX:
        raise ItemError(f"Nội dung dài {len(body)} ký tự, tối đa {BODY_MAX}.")
    return title, body


def create_item(session: Session, new: NewItem, *, now: datetime, require_approval: bool = True,
                tz: ZoneInfo | None = None) -> Item:
    """Validate and add a new item. Given a theme and a publication time (and `tz`), the item
    fills the plan's empty publish slot for that theme on that day, if there is one."""
    title, body = _clean_text(new.title, new.body)
    channels = parse_channels(",".join(new.channels))
    plan_id = new.plan_id
    if new.slot_id is not None:
        slot = session.get(Slot, new.slot_id)
        if slot is None:
            raise ItemError(f"Không có ô lịch số {new.slot_id}.")
        if slot.kind != "publish":
            raise ItemError(f"Ô lịch số {new.slot_id} là sự kiện ({slot.label}), không nhận bài đăng.")
        taken = session.scalar(select(Item.id).where(Item.slot_id == slot.id,
                                                     Item.state.not_in(DEAD_ITEM_STATES)))
        if taken is not None:
            raise ItemError(f"Ô lịch số {slot.id} đã có bài số {taken}.")
        plan_id = plan_id or slot.plan_id
    theme_id = new.theme_id
    if theme_id is not None:
        plan = _plan_for_theme(session, plan_id)
        themes = {t["id"]: t["text"] for t in plan.data.get("themes", [])}
        if theme_id not in themes:
            raise ItemError(f"Kế hoạch số {plan.id} không có chủ đề “{theme_id}”. "
                            f"Các chủ đề: {', '.join(themes)}.")
        plan_id = plan.id
    slot_id = new.slot_id
    if slot_id is None and theme_id is not None and new.publish_at is not None and tz is not None:
        slot_id = find_slot(session, plan_id, theme_id, as_utc(new.publish_at).astimezone(tz).date(), channels)
    if new.image_path is not None and not Path(new.image_path).is_file():
        raise ItemError(f"Không tìm thấy ảnh: {new.image_path}")
    item = Item(
        title=title, body=body, summary=nfc(new.summary).strip(), plan_id=plan_id, theme_id=theme_id,
        task_no=new.task_no, slot_id=slot_id, channels=list(channels),
        publish_at=as_utc(new.publish_at) if new.publish_at else None,
        image_path=str(Path(new.image_path).resolve()) if new.image_path else None,
        state="draft", source=new.source, source_key=new.source_key, source_url=new.source_url,
        created_by=new.created_by, created_at=now, updated_at=now,
    )
    if not require_approval:
        item.state, item.approved_by, item.approved_at = "approved", "(tự động)", now
    session.add(item)
    session.flush()
    return item


def find_slot(session: Session, plan_id: int | None, theme_id: str, day: date,
              channels: tuple[str, ...]) -> int | None:
    """The id of an empty publish slot of the plan for this theme, day and one of the channels."""
    taken = select(Item.slot_id).where(Item.slot_id.is_not(None), Item.state.not_in(DEAD_ITEM_STATES))
    return session.scalar(select(Slot.id).where(
        Slot.plan_id == plan_id, Slot.kind == "publish", Slot.theme_id == theme_id, Slot.day == day,
        Slot.channel.in_(channels), Slot.id.not_in(taken)).order_by(Slot.id).limit(1))


def _plan_for_theme(session: Session, plan_id: int | None) -> PlanRecord:
    if plan_id is not None:
        plan = session.get(PlanRecord, plan_id)
        if plan is None:
            raise ItemError(f"Không có kế hoạch số {plan_id}.")
        return plan
    plan = session.scalars(select(PlanRecord).order_by(PlanRecord.updated_at.desc())).first()
    if plan is None:
        raise ItemError("Chưa có kế hoạch nào để chọn chủ đề. Hãy nhập kế hoạch trước: loa plan import FILE")
    return plan


def get_item(session: Session, item_id: int) -> Item:
    item = session.get(Item, item_id)
    if item is None:
        raise ItemError(f"Không có bài số {item_id}.")
    return item


def approve(item: Item, *, by: str, now: datetime) -> None:
    item.state = _next("approve", item)
    item.approved_by, item.approved_at, item.updated_at = by, now, now


def reject(item: Item, *, reason: str, now: datetime, sent: bool = False) -> None:
    if not reason.strip():
        raise ItemError("Hãy ghi lý do từ chối.")
    item.state = _next("reject", item, sent)
    item.note, item.updated_at = nfc(reason).strip(), now
    item.approved_by = item.approved_at = None


def cancel(item: Item, *, now: datetime, sent: bool = False) -> None:
    item.state, item.updated_at = _next("cancel", item, sent), now


def restore(item: Item, *, now: datetime) -> None:
    """A cancelled or rejected item back to draft, to be edited and approved again."""
    item.state, item.updated_at = _next("restore", item), now
    item.approved_by = item.approved_at = None


def withdraw(item: Item, *, reason: str, now: datetime, sent: bool = True) -> None:
    item.state = _next("withdraw", item, sent)
    if reason.strip():
        item.note = nfc(reason).strip()
    item.updated_at = now


def edit(item: Item, *, now: datetime, title: str | None = None, body: str | None = None,
         channels: tuple[str, ...] | None = None, publish_at: datetime | None = None,
         summary: str | None = None, sent: bool = False) -> None:
    """Change an item not yet out; an approved, scheduled or rejected item goes back to draft."""
    new_state = _next("edit", item, sent)
    _apply(item, title=title, body=body, channels=channels, publish_at=publish_at, summary=summary)
    if new_state != item.state or item.approved_by:
        item.state, item.approved_by, item.approved_at = new_state, None, None
    item.updated_at = now


def correct(item: Item, *, now: datetime, title: str | None = None, body: str | None = None,
            summary: str | None = None, sent: bool = True) -> None:
    """A new version of an item that is out; its state stays (the channels are updated by the caller)."""
    item.state = _next("correct", item, sent)
    _apply(item, title=title, body=body, summary=summary)
    item.updated_at = now


def _apply(item: Item, *, title: str | None = None, body: str | None = None,
           channels: tuple[str, ...] | None = None, publish_at: datetime | None = None,
           summary: str | None = None) -> None:
    new_title, new_body = _clean_text(title if title is not None else item.title,
                                      body if body is not None else item.body)
    item.title, item.body = new_title, new_body
    if channels is not None:
        item.channels = list(parse_channels(",".join(channels)))
    if publish_at is not None:
        item.publish_at = as_utc(publish_at)
    if summary is not None:
        item.summary = nfc(summary).strip()


def _next(action: str, item: Item, sent: bool = False) -> str:
    return states.next_state(action, item.state, sent=sent, item_id=item.id)


def theme_text(session: Session, item: Item) -> str:
    """The text of the item's theme: its own, else that of the calendar slot it fills."""
    plan_id, theme_id = item.plan_id, item.theme_id
    if not theme_id and item.slot_id is not None:
        slot = session.get(Slot, item.slot_id)
        if slot is not None:
            plan_id, theme_id = plan_id or slot.plan_id, slot.theme_id
    if not plan_id or not theme_id:
        return ""
    plan = session.get(PlanRecord, plan_id)
    if plan is None:
        return ""
    return next((t["text"] for t in plan.data.get("themes", []) if t["id"] == theme_id), "")


def article_of(session: Session, item: Item, settings: Settings, *, link: str | None = None,
               when: datetime | None = None) -> Article:
    """The render input for an item; its date is the publication time in the local zone."""
    at = when or item.publish_at or item.approved_at or item.created_at
    local = as_utc(at).astimezone(settings.tz)
    return Article(
        title=item.title, body=item.body, date=local.date(), id=item.id,
        summary=item.summary, theme=theme_text(session, item), image=item.image_path, link=link,
        at=local, source=item.source or "",
    )


def correction_article(article: Article, *, old_title: str, published: date) -> Article:
    """The correction notice for a channel that cannot edit what went out: says which article
    it corrects and gives the right text in full."""
    lead = (f"Bài “{old_title}” đăng ngày {published:%d/%m/%Y} có nội dung cần đính chính. "
            "Xin trân trọng đính chính; nội dung đúng như sau:")
    return Article(title=f"Đính chính: {article.title}", body=f"{lead}\n\n{article.body}", date=article.date,
                   id=article.id, summary=lead, theme=article.theme, image=None, link=article.link)
