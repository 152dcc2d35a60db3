"""ORM rows of the citizens' Q&A ("Dân hỏi – Chính quyền trả lời").

Personal data lives apart from the question text: `citizens` holds who asked (channel, chat or
user id, display name, phone); `questions` holds what was asked and links to the citizen by id
only, so erasing a citizen (or one question's link) leaves anonymised statistics behind.
`staff_messages` maps a message in the staff chat to its question, so a staff member's reply
is routed by the database, never by Telegram's forwarding metadata. `question_events` is the
audit trail (who, when, what), including refused attempts. `qa_seen` remembers which incoming
deliveries (Telegram update ids, Zalo message ids) were already handled, so a delivery
repeated by the platform (a retry, a restart, a second poller) makes nothing twice.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column

import content.models  # noqa: F401 - registers `items`, which Question.item_id references
from content.db import Base, UTCDateTime

Q_STATES = ("received", "assigned", "answered", "rejected")
OPEN_STATES = ("received", "assigned")
STATE_NAMES = {"received": "đã tiếp nhận", "assigned": "đã chuyển đơn vị xử lý",
               "answered": "đã trả lời", "rejected": "không tiếp nhận"}
STAFF_PURPOSES = ("card", "answer", "assign", "reject", "public_text", "attachment")


class Citizen(Base):
    """Who asked: one row per (channel, external id). Personal data; erasable."""

    __tablename__ = "qa_citizens"
    __table_args__ = (UniqueConstraint("channel", "external_id", name="uq_qa_citizen_channel_ext"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))            # telegram | zalo
    external_id: Mapped[str] = mapped_column(String(100))       # Telegram chat id / Zalo user id
    display_name: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_message_at: Mapped[datetime] = mapped_column(UTCDateTime)   # Zalo's 48-hour window


class Question(Base):
    __tablename__ = "qa_questions"
    __table_args__ = (UniqueConstraint("year", "seq", name="uq_qa_question_year_seq"),
                      # open questions by due date (the dashboard, the daily reminder) without
                      # walking every answered question
                      Index("ix_qa_questions_state_due_on", "state", "due_on"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("qa_citizens.id", ondelete="SET NULL"),
                                                   index=True)
    channel: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20), default="received", index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    public_text: Mapped[str | None] = mapped_column(Text)         # staff-edited; default: scrubbed
    follows_code: Mapped[str | None] = mapped_column(String(20))  # a follow-up of an older question
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    unit: Mapped[str] = mapped_column(String(300), default="")
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answer: Mapped[str | None] = mapped_column(Text)
    public_answer: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[str | None] = mapped_column(String(200))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reject_reason: Mapped[str | None] = mapped_column(Text)
    consent: Mapped[bool | None] = mapped_column(Boolean)        # None: not given (= no)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    public: Mapped[bool] = mapped_column(Boolean, default=False)  # staff: may go in the column
    public_by: Mapped[str | None] = mapped_column(String(200))
    public_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id", ondelete="SET NULL"), index=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last notice to the citizen (answer, transfer, refusal) when it could not be delivered:
    # "owed" (tried again at notice_next_at) or "failed" (given up; staff were told).
    notice_state: Mapped[str | None] = mapped_column(String(20), index=True)
    notice_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    notice_next_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notice_error: Mapped[str | None] = mapped_column(Text)
    # The staff chat refused this question's card for a reason about the message itself (not
    # the chat): reported to staff once, and the other cards go on (`awaiting_card` skips it).
    card_error: Mapped[str | None] = mapped_column(Text)
    card_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Who the forwarded message came from, as Telegram tells it (staff only; erased; never public).
    forwarded_from: Mapped[str | None] = mapped_column(String(200))


class QuestionEvent(Base):
    """Audit trail: every action and every refused attempt."""

    __tablename__ = "qa_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[int | None] = mapped_column(ForeignKey("qa_questions.id", ondelete="CASCADE"),
                                                    index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="")


class Attachment(Base):
    __tablename__ = "qa_attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("qa_questions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))           # photo | document | image (Zalo)
    file_id: Mapped[str] = mapped_column(Text, default="")  # Telegram file_id or Zalo URL
    path: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class StaffMessage(Base):
    """A message in the staff chat that belongs to a question (the card, a prompt)."""

    __tablename__ = "qa_staff_messages"

    chat_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    message_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    question_id: Mapped[int] = mapped_column(ForeignKey("qa_questions.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20), default="card")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SeenDelivery(Base):
    """An incoming delivery already handled: (source, key) = ("telegram:<bot id>", update_id) or
    ("zalo:<app id>", msg_id). Kept for `content.qa.replay.KEEP` after `seen_at`, then pruned."""

    __tablename__ = "qa_seen"

    source: Mapped[str] = mapped_column(String(60), primary_key=True)
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
