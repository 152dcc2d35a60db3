"""ORM rows the scheduler owns: weekly editions, feed polling state and sent notices
(so that a reminder or alert reaches staff once, not on every pass)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from content.db import Base, UTCDateTime
from content.text import now_utc


class Edition(Base):
    """"Bản tin CCHC số N/YYYY": one per ISO week; numbered within its year only when it goes
    out (a week with nothing to publish keeps its row, so it is not made again, but no number)."""

    __tablename__ = "editions"
    __table_args__ = (UniqueConstraint("year", "number", name="uq_edition_year_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    week_start: Mapped[date] = mapped_column(Date, unique=True)
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id", ondelete="SET NULL"))
    missing: Mapped[str] = mapped_column(Text, default="")       # slots with no approved content
    caught_up: Mapped[int] = mapped_column(Integer, default=0)   # 1 when made late, on start-up
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    @property
    def code(self) -> str:
        """"3/2024"; "" for a week that published no edition."""
        return f"{self.number}/{self.year}" if self.number is not None else ""


class FeedState(Base):
    __tablename__ = "feed_state"

    url: Mapped[str] = mapped_column(String(1000), primary_key=True)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    entries_added: Mapped[int] = mapped_column(Integer, default=0)


class Notice(Base):
    """A message sent to staff, keyed so the same reminder is not sent twice."""

    __tablename__ = "notices"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
