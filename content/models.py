"""ORM rows for the content layer: stored plans, calendar slots and content items."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from content.db import Base, UTCDateTime
from content.text import now_utc

SLOT_KINDS = ("publish", "task_deadline", "task_window", "report_due", "holiday")


class PlanRecord(Base):
    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(400), unique=True)
    number: Mapped[str | None] = mapped_column(String(100))
    issuer: Mapped[str | None] = mapped_column(String(400))
    title: Mapped[str | None] = mapped_column(Text)
    year: Mapped[int | None] = mapped_column(Integer)
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    source_name: Mapped[str] = mapped_column(String(400), default="")
    source_sha256: Mapped[str] = mapped_column(String(64), default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)


class Slot(Base):
    """One dated entry of the content calendar: a theme due on a channel, or an event
    (task deadline/window, report due date, public holiday) that publishes nothing."""

    __tablename__ = "slots"
    __table_args__ = (UniqueConstraint("plan_id", "key", name="uq_slot_plan_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(200))
    day: Mapped[date] = mapped_column(Date, index=True)
    end_day: Mapped[date | None] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(20), default="")
    theme_id: Mapped[str] = mapped_column(String(20), default="")
    label: Mapped[str] = mapped_column(Text, default="")


class Item(Base):
    """A piece of content written once and rendered for every channel it goes to."""

    __tablename__ = "items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="SET NULL"), index=True)
    theme_id: Mapped[str | None] = mapped_column(String(20))
    task_no: Mapped[str | None] = mapped_column(String(20))
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("slots.id", ondelete="SET NULL"), index=True)
    channels: Mapped[list[str]] = mapped_column(JSON, default=list)
    publish_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    image_path: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    source: Mapped[str] = mapped_column(String(20), default="staff")
    source_key: Mapped[str | None] = mapped_column(String(500), unique=True)
    source_url: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(200), default="")
    approved_by: Mapped[str | None] = mapped_column(String(200))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)
    # Optimistic locking: every ORM update checks and bumps it, so two people (two shells, two
    # browsers) saving the same item cannot overwrite each other; the second save is refused.
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}
