"""The audit trail: one append-only row per staff action — who (an OS user at a terminal or a
named staff account in the web console), what, when, on which item / post / question, and for
edits the fields before → after.

Rows are only ever inserted. The database itself refuses UPDATE and DELETE on `audit_log`
(triggers created by its migration on SQLite and PostgreSQL), so nothing in Loa — nor a
hand-typed SQL statement — can rewrite history. `record` adds a row inside the caller's
transaction: the action and its audit row commit together or not at all.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Iterable, Mapping

from sqlalchemy import JSON, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from content.db import Base, UTCDateTime
from content.errors import LoaError
from content.text import as_utc, nfc, now_utc

# What staff did, and how a person reads it. Other packages may add their own action codes;
# an unknown code is shown as is.
ACTIONS = {
    "item.add": "soạn bài",
    "item.edit": "sửa bài",
    "item.approve": "duyệt bài",
    "item.reject": "từ chối bài",
    "item.cancel": "hủy bài",
    "item.restore": "khôi phục bài",
    "item.withdraw": "gỡ bài đã đăng",
    "item.correct": "đính chính bài đã đăng",
    "post.retry": "gửi lại lượt đăng",
    "plan.import": "nhập kế hoạch",
    "calendar.build": "lập lịch nội dung",
    "qa.answer": "trả lời câu hỏi",
    "qa.assign": "chuyển câu hỏi",
    "qa.reject": "không tiếp nhận câu hỏi",
    "qa.correct_answer": "đính chính câu trả lời",
    "qa.publish": "công khai câu hỏi",
    "qa.erase": "xóa dữ liệu cá nhân",
    "qa.resend": "gửi lại thông báo",
    "qa.purge": "xóa câu hỏi quá hạn lưu",
    "access.refused": "bị từ chối vì không có quyền",
    "post.resolve": "xác nhận kết quả lượt đăng",
    "report.make": "lập báo cáo",
    "channel.test": "gửi tin thử vào nhóm cán bộ",
}


class AuditError(LoaError):
    """An audit row could not be written or read as asked."""


class AuditEntry(Base):
    """One staff action. Never updated, never deleted (the database refuses both)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
    actor: Mapped[str] = mapped_column(String(200))
    via: Mapped[str] = mapped_column(String(20), default="cli")     # cli | web | bot | system
    action: Mapped[str] = mapped_column(String(40), index=True)
    item_id: Mapped[int | None] = mapped_column(Integer, index=True)
    post_id: Mapped[int | None] = mapped_column(Integer, index=True)
    question_id: Mapped[int | None] = mapped_column(Integer, index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


@dataclass(frozen=True)
class Actor:
    """Who acts: a name and the door they came through ("cli", "web", "bot")."""

    name: str
    via: str = "cli"

    @classmethod
    def os_user(cls, given: str | None = None) -> "Actor":
        """The named person (`--by`) or else the operating-system user at the terminal."""
        if given and given.strip():
            return cls(nfc(given).strip(), "cli")
        try:
            name = getpass.getuser()
        except Exception:  # noqa: BLE001 - no login name (containers): say so rather than guess
            name = os.environ.get("USER") or "(không rõ)"
        return cls(name, "cli")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that differ, as (before, after) JSON-ready dicts."""
    keys = [k for k in after if _plain(before.get(k)) != _plain(after.get(k))]
    return {k: _plain(before.get(k)) for k in keys}, {k: _plain(after.get(k)) for k in keys}


def record(session: Session, actor: Actor, action: str, *, now: datetime, item_id: int | None = None,
           post_id: int | None = None, question_id: int | None = None, note: str = "",
           before: Mapping[str, Any] | None = None, after: Mapping[str, Any] | None = None) -> AuditEntry:
    """Append one row in the caller's transaction."""
    if not actor.name.strip():
        raise AuditError("Không ghi được nhật ký thao tác: thiếu tên người thực hiện.")
    entry = AuditEntry(at=now, actor=actor.name[:200], via=actor.via[:20], action=action[:40],
                       item_id=item_id, post_id=post_id, question_id=question_id, note=nfc(note),
                       before=dict(before) if before else None, after=dict(after) if after else None)
    session.add(entry)
    session.flush()
    return entry


def entries(session: Session, *, item_id: int | None = None, since: datetime | None = None,
            actor: str | None = None, action: str | None = None, until: datetime | None = None,
            limit: int | None = None) -> list[AuditEntry]:
    """Rows oldest first, filtered."""
    q = select(AuditEntry).order_by(AuditEntry.at, AuditEntry.id)
    if item_id is not None:
        q = q.where(AuditEntry.item_id == item_id)
    if since is not None:
        q = q.where(AuditEntry.at >= since)
    if until is not None:
        q = q.where(AuditEntry.at < until)
    if actor:
        q = q.where(AuditEntry.actor == actor)
    if action:
        q = q.where(AuditEntry.action == action)
    if limit is not None:
        q = q.order_by(None).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
        return list(reversed(list(session.scalars(q))))
    return list(session.scalars(q))


def action_name(action: str) -> str:
    return ACTIONS.get(action, action)


def as_dict(e: AuditEntry) -> dict[str, Any]:
    return {"id": e.id, "at": as_utc(e.at).isoformat(), "actor": e.actor, "via": e.via, "action": e.action,
            "action_name": action_name(e.action), "item_id": e.item_id, "post_id": e.post_id,
            "question_id": e.question_id, "note": e.note, "before": e.before, "after": e.after}


def describe_change(e: AuditEntry, labels: Mapping[str, str] | None = None, width: int = 60,
                    show: Callable[[str, Any], str] | None = None) -> str:
    """"tiêu đề: “A” → “B”; giờ đăng: … → …" — short, for tables. `show(key, value)` turns a
    stored value into what people read (local times, state names). A creation shows its title."""
    if not e.after:
        return ""
    if not e.before and "title" in e.after:
        return _short(e.after["title"], width)
    parts: list[str] = []
    for key, new in e.after.items():
        old = (e.before or {}).get(key)
        name = (labels or {}).get(key, key)
        if show is not None:
            old, new = (show(key, v) if v not in (None, "") else v for v in (old, new))
        parts.append(f"{name}: {_short(old, width)} → {_short(new, width)}")
    return "; ".join(parts)


def _short(value: Any, width: int) -> str:
    if value is None or value == "":
        return "(trống)"
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    text = " ".join(str(value).split())
    return f"“{text if len(text) <= width else text[:width - 1] + '…'}”"


def item_ids(rows: Iterable[AuditEntry]) -> list[int]:
    return sorted({r.item_id for r in rows if r.item_id is not None})
