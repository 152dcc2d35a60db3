"""The publication log (append-only: one row per attempt, per part) and read-only views of
posts, for `loa log` and `loa post list|show`. Functions take a session; nothing commits."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from channels.models import POST_STATES, Attempt, Post
from content.models import Item

OUTCOMES = ("published", "reconciled", "retry", "rate_limited", "failed", "dead", "unknown",
            "unqueued", "withdrawn", "withdraw_failed", "manual", "corrected", "correction", "correct_failed")
OK_OUTCOMES = ("published", "reconciled", "unqueued", "withdrawn", "corrected", "correction")

OUTCOME_NAMES = {
    "published": "đã đăng",
    "reconciled": "đã xác nhận",
    "retry": "sẽ thử lại",
    "rate_limited": "bị giới hạn tốc độ",
    "failed": "lỗi",
    "dead": "bỏ cuộc",
    "unknown": "chưa rõ",
    "unqueued": "rút khỏi hàng đợi",
    "withdrawn": "đã gỡ khỏi kênh",
    "withdraw_failed": "gỡ không được",
    "manual": "cần cán bộ xử lý tay",
    "corrected": "đã sửa trên kênh",
    "correction": "đã gửi đính chính",
    "correct_failed": "đính chính không được",
}
POST_STATE_NAMES = {
    "pending": "chờ đăng",
    "sending": "đang gửi",
    "published": "đã đăng",
    "failed": "lỗi",
    "dead": "bỏ cuộc",
    "unknown": "chưa rõ",
    "cancelled": "đã hủy",
    "withdrawn": "đã gỡ",
}


def record(session: Session, post: Post, *, at: datetime, outcome: str, part: int = 0,
           http_status: int | None = None, error: str | None = None, latency_ms: int | None = None,
           external_id: str | None = None, url: str | None = None, worker: str | None = None) -> Attempt:
    """Append one attempt to the log."""
    row = Attempt(at=at, post_id=post.id, item_id=post.item_id, channel=post.channel, target=post.target,
                  edition=post.edition, part=part, outcome=outcome, http_status=http_status, error=error,
                  latency_ms=latency_ms, external_id=external_id, url=url, worker=worker)
    session.add(row)
    return row


@dataclass(frozen=True)
class LogEntry:
    id: int
    at: datetime
    post_id: int
    item_id: int
    title: str
    channel: str
    target: str
    edition: str
    part: int
    outcome: str
    http_status: int | None
    error: str | None
    latency_ms: int | None
    external_id: str | None
    url: str | None
    worker: str | None

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["at"] = self.at.isoformat()
        return d


def query(session: Session, *, channel: str | None = None, since: datetime | None = None,
          failed: bool = False, post_id: int | None = None, limit: int | None = None) -> list[LogEntry]:
    """Log rows, oldest first; `failed` keeps only attempts that did not deliver."""
    stmt = (select(Attempt, Item.title).join(Item, Item.id == Attempt.item_id, isouter=True)
            .order_by(Attempt.at, Attempt.id))
    if channel:
        stmt = stmt.where(Attempt.channel == channel)
    if since is not None:
        stmt = stmt.where(Attempt.at >= since)
    if failed:
        stmt = stmt.where(Attempt.outcome.not_in(OK_OUTCOMES))
    if post_id is not None:
        stmt = stmt.where(Attempt.post_id == post_id)
    rows = session.execute(stmt).all()
    if limit is not None:
        rows = rows[-limit:]
    return [_entry(a, title) for a, title in rows]


def recent(session: Session, *, channel: str | None = None, outcome: str | None = None,
           failed: bool = False, item_id: int | None = None, post_id: int | None = None,
           limit: int = 100) -> list[LogEntry]:
    """The newest log rows first (for screens: the database does the limiting)."""
    stmt = (select(Attempt, Item.title).join(Item, Item.id == Attempt.item_id, isouter=True)
            .order_by(Attempt.at.desc(), Attempt.id.desc()).limit(limit))
    if channel:
        stmt = stmt.where(Attempt.channel == channel)
    if outcome:
        stmt = stmt.where(Attempt.outcome == outcome)
    if failed:
        stmt = stmt.where(Attempt.outcome.not_in(OK_OUTCOMES))
    if item_id is not None:
        stmt = stmt.where(Attempt.item_id == item_id)
    if post_id is not None:
        stmt = stmt.where(Attempt.post_id == post_id)
    return [_entry(a, title) for a, title in session.execute(stmt).all()]


def sent_count(session: Session, item_id: int) -> int:
    """How many of the item's posts are already out on their channel."""
    from sqlalchemy import func

    return session.scalar(select(func.count()).select_from(Post).where(
        Post.item_id == item_id, Post.state == "published")) or 0


def _entry(a: Attempt, title: str | None) -> LogEntry:
    return LogEntry(id=a.id, at=a.at, post_id=a.post_id, item_id=a.item_id, title=title or "",
                    channel=a.channel, target=a.target, edition=a.edition, part=a.part, outcome=a.outcome,
                    http_status=a.http_status, error=a.error, latency_ms=a.latency_ms,
                    external_id=a.external_id, url=a.url, worker=a.worker)


@dataclass(frozen=True)
class PostView:
    id: int
    item_id: int
    title: str
    channel: str
    target: str
    edition: str
    state: str
    due_at: datetime
    next_attempt_at: datetime | None
    attempts: int
    parts_done: int
    parts_total: int
    external_id: str | None
    url: str | None
    last_error: str | None
    published_at: datetime | None
    claimed_by: str | None

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("due_at", "next_attempt_at", "published_at"):
            d[k] = d[k].isoformat() if d[k] else None
        return d


def posts(session: Session, *, state: str | None = None, item_id: int | None = None,
          channel: str | None = None) -> list[PostView]:
    if state is not None and state not in POST_STATES:
        raise ValueError(f"Trạng thái không hợp lệ: “{state}”. Các trạng thái: {', '.join(POST_STATES)}.")
    stmt = select(Post, Item.title).join(Item, Item.id == Post.item_id).order_by(Post.due_at, Post.id)
    if state:
        stmt = stmt.where(Post.state == state)
    if item_id is not None:
        stmt = stmt.where(Post.item_id == item_id)
    if channel:
        stmt = stmt.where(Post.channel == channel)
    return [view(p, t) for p, t in session.execute(stmt).all()]


def post(session: Session, post_id: int) -> PostView | None:
    row = session.execute(select(Post, Item.title).join(Item, Item.id == Post.item_id)
                          .where(Post.id == post_id)).first()
    return view(*row) if row else None


def view(p: Post, title: str) -> PostView:
    return PostView(id=p.id, item_id=p.item_id, title=title, channel=p.channel, target=p.target,
                    edition=p.edition, state=p.state, due_at=p.due_at, next_attempt_at=p.next_attempt_at,
                    attempts=p.attempts, parts_done=p.parts_done, parts_total=p.parts_total,
                    external_id=p.external_id, url=p.url, last_error=p.last_error,
                    published_at=p.published_at, claimed_by=p.claimed_by)


def counts(entries: Sequence[LogEntry]) -> dict[str, int]:
    out: dict[str, int] = {}
    for e in entries:
        out[e.outcome] = out.get(e.outcome, 0) + 1
    return out
