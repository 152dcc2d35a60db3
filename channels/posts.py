"""Every SQL statement about posts: creating an item's posts, what is due, claiming, recording
what happened to a claimed post, and the staff actions on one post (retry, resolve).

    pending ──claim──► sending ──► published
       ▲                  │  ├──► failed (retryable: next_attempt_at set) ──► … ──► dead
       │                  │  ├──► failed (permanent: next_attempt_at empty; staff told)
       └── retry/release ─┘  └──► unknown (may have been delivered; reconciled or staff check)

A claim marks posts `sending` for one worker with a lease, in one statement for many posts:
on PostgreSQL the rows are picked with `FOR UPDATE SKIP LOCKED`, so two processes never take
the same post; on SQLite the transaction starts with `BEGIN IMMEDIATE` and the statement is an
`UPDATE … RETURNING`. The due and stale queries read the (state, due_at), (state,
next_attempt_at) and (state, lease_until) indexes, so their cost follows the posts that are
due, not the posts that are pending. Functions take a session (the caller's transaction) or,
for the dispatcher's own steps, the Database (one transaction each).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Collection, Iterable, Mapping, Sequence

from sqlalchemy import and_, bindparam, case, exists, func, insert, or_, select, tuple_, union_all, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from channels import log as publog
from channels.base import Channel
from channels.models import Attempt, Post
from content.db import Database, UTCDateTime
from content.errors import LoaError
from content.models import Item

SCHEDULABLE_ITEM_STATES = ("approved", "scheduled", "published")
DONE_STATES = ("published", "cancelled")


class PostError(LoaError):
    """A request about a post that cannot be done; the message is Vietnamese."""


class Scheduled(list):
    """The item's posts (new and existing), plus `unavailable`: channels of the item that are
    not live (disabled or not configured) and so got no post."""

    def __init__(self, posts: list[Post], unavailable: list[str]):
        super().__init__(posts)
        self.unavailable = unavailable


# --------------------------------------------------------------------------------- creating
def schedule_item(session: Session, item: Item, channels: Mapping[str, Channel], *, now: datetime,
                  edition: str = "") -> Scheduled:
    """Create the posts of an approved item: every channel of the item that is live × its targets,
    due at the item's publish_at (or now). Idempotent: existing rows are kept as they are, except
    that a freshly approved item puts its posts withdrawn from the queue (never sent) back in it."""
    if item.state not in SCHEDULABLE_ITEM_STATES:
        raise PostError(f"Bài số {item.id} chưa được duyệt (trạng thái “{item.state}”), chưa thể lên lịch đăng.")
    existing = {(p.channel, p.target): p for p in session.scalars(
        select(Post).where(Post.item_id == item.id, Post.edition == edition))}
    due = item.publish_at or now
    out: list[Post] = []
    unavailable: list[str] = []
    created = False
    for name in item.channels:
        adapter = channels.get(name)
        if adapter is None:
            unavailable.append(name)
            continue
        for target in adapter.targets():
            post = existing.get((name, target))
            if post is not None and post.state == "cancelled" and post.parts_done == 0 and item.state == "approved":
                # withdrawn from the queue by an edit or a rejection, now approved again: the new
                # text goes out at the new time (nothing of this post ever reached the channel)
                post.state, post.due_at, post.attempts, post.next_attempt_at = "pending", due, 0, None
                post.last_error = post.claimed_by = post.lease_until = None
                post.updated_at = now
                created = True
            if post is None:
                post = Post(item_id=item.id, channel=name, target=target, edition=edition, state="pending",
                            due_at=due, attempts=0, parts_done=0, parts_total=0, created_at=now, updated_at=now)
                session.add(post)
                created = True
            out.append(post)
    if created or item.state == "approved":
        if out:
            item.state, item.updated_at = "scheduled", now
    session.flush()
    return Scheduled(out, unavailable)


# ----------------------------------------------------------------------------- what is due
def due_filter(now: datetime):
    """Posts to send at `now`: pending and due (and not waiting for a retry), or failed with
    their retry time come."""
    waiting = or_(Post.next_attempt_at.is_(None), Post.next_attempt_at <= now)
    return and_(Post.due_at <= now, or_(
        and_(Post.state == "pending", waiting),
        and_(Post.state == "failed", Post.next_attempt_at.is_not(None), Post.next_attempt_at <= now)))


def stale_filter(now: datetime):
    """Posts left `sending` whose lease ran out (their worker died or hung)."""
    return and_(Post.state == "sending", or_(Post.lease_until.is_(None), Post.lease_until < now))


@dataclass(frozen=True)
class Candidate:
    id: int
    channel: str
    target: str


def due_candidates(db: Database, now: datetime, channels: Collection[str], limit: int,
                   exclude: Collection[tuple[str, str]] = ()) -> list[Candidate]:
    """Up to `limit` due posts of `channels`, oldest due first, skipping the (channel, target)
    pairs in `exclude` (targets that cannot take a message now). Two index range scans: pending
    by due_at, failed by next_attempt_at."""
    if not channels:
        return []
    cols = (Post.id, Post.channel, Post.target, Post.due_at)
    keep = [Post.channel.in_(list(channels))]
    if exclude:
        keep.append(tuple_(Post.channel, Post.target).not_in(list(exclude)))
    pending = select(*cols).where(Post.state == "pending", Post.due_at <= now,
                                  or_(Post.next_attempt_at.is_(None), Post.next_attempt_at <= now), *keep)
    failed = select(*cols).where(Post.state == "failed", Post.next_attempt_at.is_not(None),
                                 Post.next_attempt_at <= now, Post.due_at <= now, *keep)
    both = union_all(pending, failed).subquery()
    stmt = select(both.c.id, both.c.channel, both.c.target).order_by(both.c.due_at, both.c.id).limit(limit)
    with db.session() as s:
        return [Candidate(*row) for row in s.execute(stmt)]


def skipped_due(db: Database, now: datetime, live: Collection[str]) -> dict[str, int]:
    """Due posts of channels that are not live (disabled or without credentials), per channel."""
    with db.session() as s:
        rows = s.execute(select(Post.channel, func.count()).where(due_filter(now), Post.channel.not_in(list(live)))
                         .group_by(Post.channel))
        return {channel: n for channel, n in rows}


def stale_ids(db: Database, now: datetime) -> list[int]:
    with db.session() as s:
        return list(s.scalars(select(Post.id).where(stale_filter(now)).order_by(Post.id)))


@dataclass(frozen=True)
class Upcoming:
    """What the dispatcher's clock needs: the next due times (ascending; `complete` when every
    pending post's time is in the list), the next retry and the next lease expiry."""

    due: list[datetime]
    complete: bool
    retry: datetime | None
    lease: datetime | None


def upcoming(db: Database, channels: Collection[str], limit: int = 512) -> Upcoming:
    """The next `limit` distinct due times of pending posts of `channels` (an index scan)."""
    live = Post.channel.in_(list(channels))
    with db.session() as s:
        due = list(s.scalars(select(Post.due_at).where(Post.state == "pending", live).distinct()
                             .order_by(Post.due_at).limit(limit)))
        retry = s.scalar(select(func.min(Post.next_attempt_at)).where(Post.state == "failed", live,
                                                                      Post.next_attempt_at.is_not(None)))
        lease = s.scalar(select(func.min(Post.lease_until)).where(Post.state == "sending"))
    return Upcoming(due, len(due) < limit, retry, lease)


def release_orphans(db: Database, now: datetime) -> int:
    """Make every `sending` post stale at once (SQLite at start: no other process can be sending)."""
    with db.session() as s:
        res = s.execute(update(Post).where(Post.state == "sending").values(lease_until=now - timedelta(seconds=1))
                        .execution_options(synchronize_session=False))
        return res.rowcount or 0


# ------------------------------------------------------------------------------- claiming
# The dispatcher's statements are built once, on the tables (no ORM unit of work), with bound
# parameters: a claim, a delivered part and its log line cost one statement each.
_P = Post.__table__
_I = Item.__table__
_L = Attempt.__table__
_NOW = bindparam("now", type_=UTCDateTime)
_AT = bindparam("at", type_=UTCDateTime)
_RETURNED = (_P.c.id, _P.c.item_id, _P.c.channel, _P.c.target, _P.c.edition, _P.c.attempts, _P.c.parts_done,
             _P.c.due_at)


def _due_rows(now=_NOW):  # noqa: ANN001, ANN202
    waiting = or_(_P.c.next_attempt_at.is_(None), _P.c.next_attempt_at <= now)
    return and_(_P.c.due_at <= now, or_(
        and_(_P.c.state == "pending", waiting),
        and_(_P.c.state == "failed", _P.c.next_attempt_at.is_not(None), _P.c.next_attempt_at <= now)))


def _stale_rows(now=_NOW):  # noqa: ANN001, ANN202
    return and_(_P.c.state == "sending", or_(_P.c.lease_until.is_(None), _P.c.lease_until < now))


def _claim_values(stale: bool) -> dict:
    values: dict = {"state": "sending", "claimed_by": bindparam("worker"),
                    "lease_until": bindparam("b_lease", type_=UTCDateTime), "updated_at": _AT}
    if not stale:
        values["attempts"] = _P.c.attempts + 1
    return values


def _claim_ids(stale: bool, postgres: bool):  # noqa: ANN202
    cond = _stale_rows() if stale else _due_rows()
    ids = bindparam("ids", expanding=True)
    if postgres:
        where = _P.c.id.in_(select(_P.c.id).where(_P.c.id.in_(ids), cond).with_for_update(skip_locked=True)
                            .scalar_subquery())
    else:
        where = and_(_P.c.id.in_(ids), cond)
    return update(_P).where(where).values(**_claim_values(stale)).returning(*_RETURNED)


def _claim_first(postgres: bool):  # noqa: ANN202
    """Claim the oldest due posts of some channels, up to :limit, without looking at them first."""
    chans = bindparam("channels", expanding=True)
    if postgres:
        picked = (select(_P.c.id).where(_due_rows(), _P.c.channel.in_(chans))
                  .order_by(_P.c.due_at, _P.c.id).limit(bindparam("limit")).with_for_update(skip_locked=True))
        where = _P.c.id.in_(picked.scalar_subquery())
    else:     # two index range scans (pending by due_at, failed by next_attempt_at)
        cols = (_P.c.id, _P.c.due_at)
        pending = select(*cols).where(_P.c.state == "pending", _P.c.due_at <= _NOW, _P.c.channel.in_(chans),
                                      or_(_P.c.next_attempt_at.is_(None), _P.c.next_attempt_at <= _NOW))
        failed = select(*cols).where(_P.c.state == "failed", _P.c.next_attempt_at.is_not(None),
                                     _P.c.next_attempt_at <= _NOW, _P.c.due_at <= _NOW, _P.c.channel.in_(chans))
        both = union_all(pending, failed).subquery()
        first = select(both.c.id).order_by(both.c.due_at, both.c.id).limit(bindparam("limit"))
        where = and_(_P.c.id.in_(first.scalar_subquery()), _due_rows())
    return update(_P).where(where).values(**_claim_values(False)).returning(*_RETURNED)


_CLAIM = {(stale, pg): _claim_ids(stale, pg) for stale in (False, True) for pg in (False, True)}
_CLAIM_FIRST = {pg: _claim_first(pg) for pg in (False, True)}


@dataclass(frozen=True)
class Claimed:
    id: int
    item_id: int
    channel: str
    target: str
    edition: str
    attempts: int
    parts_done: int
    due_at: datetime


def claim(s: Session | Connection, ids: Sequence[int], *, now: datetime, at: datetime, worker: str,
          lease_until: datetime, stale: bool = False, postgres: bool = False) -> list[Claimed]:
    """Mark the posts among `ids` that are still due (or stale, when recovering) `sending` for
    `worker`, in one statement; returns the ones this worker got, in the order of `ids`. A
    fresh claim counts an attempt."""
    if not ids:
        return []
    rows = s.execute(_CLAIM[(stale, postgres)], {"ids": list(ids), "now": now, "at": at, "worker": worker,
                                                  "b_lease": lease_until})
    got = [Claimed(*row) for row in rows]
    order = {post_id: n for n, post_id in enumerate(ids)}
    return sorted(got, key=lambda c: order.get(c.id, len(order)))


def claim_first(s: Session | Connection, channels: Collection[str], limit: int, *, now: datetime, at: datetime,
                worker: str, lease_until: datetime, postgres: bool = False) -> list[Claimed]:
    """Claim, in one statement, up to `limit` of the oldest due posts of `channels` (channels
    without limits to keep: any due post of theirs may go now). Returns them oldest due first."""
    if not channels or limit <= 0:
        return []
    rows = s.execute(_CLAIM_FIRST[postgres], {"channels": list(channels), "limit": limit, "now": now, "at": at,
                                               "worker": worker, "b_lease": lease_until})
    return sorted((Claimed(*row) for row in rows), key=lambda c: (c.due_at, c.id))


_RELEASE = (update(_P).where(_P.c.id.in_(bindparam("ids", expanding=True)), _P.c.state == "sending",
                             _P.c.claimed_by == bindparam("worker"), _P.c.parts_done == 0)
            .values(state="pending", claimed_by=None, lease_until=None, updated_at=_AT,
                    attempts=case((_P.c.attempts > 0, _P.c.attempts - 1), else_=0)))


def release(s: Session | Connection, ids: Iterable[int], worker: str, at: datetime) -> int:
    """Give back claimed posts that were not sent (stopping, or their target got blocked): they
    are pending again and the attempt counted at the claim is returned."""
    ids = list(ids)
    if not ids:
        return 0
    return s.execute(_RELEASE, {"ids": ids, "worker": worker, "at": at}).rowcount or 0


_ITEMS = select(_I).where(_I.c.id.in_(bindparam("ids", expanding=True)))


def items_for(s: Session | Connection, claimed: Iterable[Claimed]) -> dict[int, Any]:
    """The items of claimed posts as plain rows (attribute access; no ORM objects), by id."""
    ids = sorted({c.item_id for c in claimed})
    return {row.id: row for row in s.execute(_ITEMS, {"ids": ids})} if ids else {}


# ------------------------------------------------------------------------ what happened
_LOG = insert(_L)


def log_attempt(s: Session | Connection, c: Claimed, *, at: datetime, outcome: str, worker: str, part: int = 0,
                http_status: int | None = None, error: str | None = None, latency_ms: int | None = None,
                external_id: str | None = None, url: str | None = None) -> None:
    """Append one line to the publication log (one INSERT)."""
    s.execute(_LOG, {"at": at, "post_id": c.id, "item_id": c.item_id, "channel": c.channel, "target": c.target,
                     "edition": c.edition, "part": part, "outcome": outcome, "http_status": http_status,
                     "error": error, "latency_ms": latency_ms, "external_id": external_id, "url": url,
                     "worker": worker})


def _part_statement(done: bool):  # noqa: ANN202
    values: dict = {"parts_done": bindparam("part"), "parts_total": bindparam("total"), "updated_at": _AT,
                    "external_id": func.coalesce(_P.c.external_id, bindparam("ext")),
                    "url": func.coalesce(_P.c.url, bindparam("b_url"))}
    if done:
        values.update(state="published", next_attempt_at=None, claimed_by=None, lease_until=None,
                      last_error=None, published_at=_AT)
    else:
        values["lease_until"] = bindparam("b_lease", type_=UTCDateTime)
    return update(_P).where(_P.c.id == bindparam("b_id")).values(**values)


_PART = {done: _part_statement(done) for done in (False, True)}


def part_delivered(s: Session | Connection, c: Claimed, *, part: int, parts_total: int, at: datetime,
                   lease_until: datetime, external_id: str | None, url: str | None) -> bool:
    """Part `part` arrived: advance parts_done; the last part publishes the post. True when done."""
    done = part >= parts_total
    params = {"b_id": c.id, "part": part, "total": parts_total, "at": at, "ext": external_id, "b_url": url}
    if not done:
        params["b_lease"] = lease_until
    s.execute(_PART[done], params)
    return done


def finish(s: Session | Connection, post_id: int, state: str, *, at: datetime, error: str | None = None,
           next_at: datetime | None = None, attempts: int | None = None, published_at: datetime | None = None,
           parts_total: int | None = None) -> None:
    """End a claim: the post leaves `sending` for `state` (pending, failed, dead, unknown, published)."""
    values: dict = {"state": state, "next_attempt_at": next_at, "claimed_by": None, "lease_until": None,
                    "updated_at": at}
    if error is not None or state == "published":
        values["last_error"] = error
    if attempts is not None:
        values["attempts"] = attempts
    if published_at is not None:
        values["published_at"] = func.coalesce(_P.c.published_at, published_at)
    if parts_total is not None:
        values["parts_total"] = parts_total
    s.execute(update(_P).where(_P.c.id == post_id).values(**values))


def extend_lease(s: Session | Connection, post_id: int, lease_until: datetime, at: datetime) -> None:
    s.execute(update(_P).where(_P.c.id == post_id).values(lease_until=lease_until, updated_at=at))


def state_of(s: Session | Connection, post_id: int) -> tuple[str, str | None, int] | None:
    """(state, claimed_by, parts_done) of one post."""
    row = s.execute(select(_P.c.state, _P.c.claimed_by, _P.c.parts_done).where(_P.c.id == post_id)).first()
    return tuple(row) if row else None


_ITEM_LOCK = select(_I.c.id).where(_I.c.id == bindparam("item")).with_for_update()
_ITEM_DONE = (update(_I).where(_I.c.id == bindparam("item"), _I.c.state.in_(("approved", "scheduled")),
                               ~exists().where(_P.c.item_id == bindparam("item"), _P.c.state.not_in(DONE_STATES)))
              .values(state="published", updated_at=_AT, version=_I.c.version + 1))


def item_published_if_done(s: Session | Connection, item_id: int, at: datetime, *, lock: bool = False) -> bool:
    """The item becomes published when none of its posts is left to send (one conditional
    UPDATE). `lock` (PostgreSQL): take the item's row first, so that two workers finishing its
    last two posts at once do not each miss the other's (the second sees the first's commit)."""
    if lock:
        s.execute(_ITEM_LOCK, {"item": item_id})
    return bool(s.execute(_ITEM_DONE, {"item": item_id, "at": at}).rowcount)


# ------------------------------------------------------------------- staff, one post at a time
def retry_post(session: Session, post_id: int, now: datetime) -> Post:
    """Staff ask for a dead, failed or unknown post to be sent again, now (`loa post retry ID`).
    The attempt budget starts afresh; delivered parts are not resent."""
    post = session.get(Post, post_id)
    if post is None:
        raise PostError(f"Không có bài đăng số {post_id}.")
    if post.state == "published":
        raise PostError(f"Bài đăng số {post_id} đã đăng lúc trước; không gửi lại để tránh đăng trùng.")
    if post.state == "sending":
        raise PostError(f"Bài đăng số {post_id} đang được gửi; hãy chờ kết quả.")
    if post.state == "pending":
        raise PostError(f"Bài đăng số {post_id} đang chờ đăng; không cần thử lại.")
    if post.state == "cancelled":
        raise PostError(f"Bài đăng số {post_id} đã bị hủy.")
    post.state, post.next_attempt_at, post.attempts = "pending", now, 0
    post.claimed_by = post.lease_until = None
    post.due_at = min(post.due_at, now)
    post.updated_at = now
    item = session.get(Item, post.item_id)
    if item is not None and item.state == "published":
        item.state, item.updated_at = "scheduled", now
    return post


def resolve_unknown(session: Session, post_id: int, *, published: bool, now: datetime, by: str) -> Post:
    """Staff checked the channel for a post whose outcome was unknown: "đã đăng" records it as
    published (log outcome `reconciled`, the item published when nothing else is left);
    "chưa đăng" puts it back in the queue to be sent now."""
    post = session.get(Post, post_id)
    if post is None:
        raise PostError(f"Không có bài đăng số {post_id}.")
    if post.state != "unknown":
        raise PostError(f"Bài đăng số {post_id} không ở trạng thái “chưa rõ”; không cần xác nhận.")
    if not published:
        return retry_post(session, post_id, now)
    post.state, post.published_at, post.updated_at = "published", now, now
    post.claimed_by = post.lease_until = None
    publog.record(session, post, at=now, outcome="reconciled", error=f"cán bộ xác nhận đã đăng: {by}")
    session.flush()
    item = session.get(Item, post.item_id)
    left = session.scalar(select(func.count()).select_from(Post).where(
        Post.item_id == post.item_id, Post.state.not_in(DONE_STATES)))
    if item is not None and item.state in ("approved", "scheduled") and not left:
        item.state, item.updated_at = "published", now
    return post
