"""The staff's view of citizens' questions (the web console's /qa): the inbox with filters and
one question with its citizen, attachments and history. Read-only; personal data is returned
for staff screens only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from content.calendar.workdays import working_days_between
from content.qa.models import OPEN_STATES, Q_STATES, Attachment, Citizen, Question, QuestionEvent, StaffMessage
from content.config import Settings
from content.text import as_utc

FILTERS = {"": "tất cả", "overdue": "quá hạn", "week": "hạn trong tuần này", "mine": "của tôi",
           "unassigned": "chưa chuyển đơn vị"}
PAGE = 100


@dataclass(frozen=True)
class InboxRow:
    code: str
    channel: str
    received_at: datetime
    due_on: date
    days_left: int | None       # working days left for open questions (negative: overdue)
    state: str
    unit: str
    answered_by: str | None
    excerpt: str


def inbox(session: Session, settings: Settings, now: datetime, *, which: str = "", state: str | None = None,
          me: tuple[str, ...] = (), limit: int = PAGE) -> tuple[list[InboxRow], int]:
    """Questions newest first (open ones by due date when filtering by deadline); and how many matched."""
    tz = settings.tz
    today = as_utc(now).astimezone(tz).date()
    q = select(Question)
    if state in Q_STATES:
        q = q.where(Question.state == state)
    if which == "overdue":
        q = q.where(Question.state.in_(OPEN_STATES), Question.due_on < today)
    elif which == "week":
        monday = today - timedelta(days=today.weekday())
        q = q.where(Question.state.in_(OPEN_STATES), Question.due_on >= monday,
                    Question.due_on < monday + timedelta(days=7))
    elif which == "unassigned":
        q = q.where(Question.state == "received")
    elif which == "mine" and me:
        q = q.where(or_(Question.unit.in_(me), Question.answered_by.in_(me)))
    total = session.scalar(select(func.count()).select_from(q.subquery())) or 0
    order = (Question.due_on, Question.id) if which in ("overdue", "week") else (Question.received_at.desc(),
                                                                               Question.id.desc())
    rows = []
    days: dict[date, int] = {}
    for r in session.scalars(q.order_by(*order).limit(limit)):
        left = None
        if r.state in OPEN_STATES:
            if r.due_on not in days:
                days[r.due_on] = working_days_between(today, r.due_on, settings.holidays)
            left = days[r.due_on]
        text = " ".join((r.text or "").split())
        rows.append(InboxRow(r.code, r.channel, r.received_at, r.due_on, left, r.state, r.unit, r.answered_by,
                             text if len(text) <= 120 else text[:119] + "…"))
    return rows, total


@dataclass(frozen=True)
class Event:
    at: datetime
    actor: str
    action: str
    detail: str


def history(session: Session, question_id: int) -> list[Event]:
    return [Event(e.at, e.actor, e.action, e.detail) for e in session.scalars(
        select(QuestionEvent).where(QuestionEvent.question_id == question_id).order_by(QuestionEvent.at, QuestionEvent.id))]


def attachments(session: Session, question_id: int) -> list[tuple[str, str, str | None]]:
    """(kind, file id or URL, stored path) of each attachment."""
    return [(a.kind, a.file_id, a.path) for a in session.scalars(
        select(Attachment).where(Attachment.question_id == question_id).order_by(Attachment.id))]


def citizen(session: Session, q: Question) -> Citizen | None:
    return session.get(Citizen, q.citizen_id) if q.citizen_id else None


def card_message(session: Session, question_id: int) -> tuple[str, int] | None:
    """(staff chat, message id) of the question's card, when it was posted."""
    row = session.execute(select(StaffMessage.chat_id, StaffMessage.message_id)
                          .where(StaffMessage.question_id == question_id, StaffMessage.purpose == "card")
                          .order_by(StaffMessage.message_id).limit(1)).first()
    return (row[0], int(row[1])) if row else None
