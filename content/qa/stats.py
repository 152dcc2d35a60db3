"""Deadlines, statistics and retention for the citizens' Q&A.

- `due_questions(session, now, settings)`: open questions within one working day of their due
  date or past it, for the scheduler's daily reminder to staff.
- `qa_stats(session, start, end)`: received, answered, answered on time, overdue, median
  hours to answer, over questions received in [start, end) — anonymised figures only.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from content.qa.models import OPEN_STATES, Question
from content.config import Settings
from content.text import as_utc, fmt_date, now_utc
from content.calendar.workdays import working_days_between

DEFAULT_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class DueQuestion:
    id: int
    code: str
    channel: str
    state: str
    unit: str
    due_on: date
    working_days_left: int      # 0: due today; negative: overdue by that many working days

    @property
    def overdue(self) -> bool:
        return self.working_days_left < 0

    def text(self) -> str:
        where = f" (đơn vị: {self.unit})" if self.unit else ""
        if self.overdue:
            return f"{self.code}{where}: quá hạn {-self.working_days_left} ngày làm việc (hạn {fmt_date(self.due_on)})."
        if self.working_days_left == 0:
            return f"{self.code}{where}: hết hạn trả lời hôm nay ({fmt_date(self.due_on)})."
        return f"{self.code}{where}: hạn trả lời {fmt_date(self.due_on)} (còn 1 ngày làm việc)."


def due_questions(session: Session, now: datetime, settings: Settings | None = None) -> list[DueQuestion]:
    """Open questions due within one working day, or overdue; most urgent first."""
    tz = settings.tz if settings else DEFAULT_TZ
    holidays = settings.holidays if settings else ()
    today = as_utc(now).astimezone(tz).date()
    horizon = today + timedelta(days=14)   # cheap prefilter; exact test below
    out: list[DueQuestion] = []
    rows = session.execute(select(Question.id, Question.code, Question.channel, Question.state, Question.unit,
                                  Question.due_on)
                           .where(Question.state.in_(OPEN_STATES), Question.due_on <= horizon)
                           .order_by(Question.due_on, Question.id))
    left_on: dict[date, int] = {}      # many questions share a due date: count its working days once
    for qid, code, channel, state, unit, due_on in rows:
        if due_on not in left_on:
            left_on[due_on] = working_days_between(today, due_on, holidays)
        if left_on[due_on] <= 1:
            out.append(DueQuestion(qid, code, channel, state, unit, due_on, left_on[due_on]))
    return out


def reminder_text(due: list[DueQuestion]) -> str:
    """One staff message listing what is due; empty when nothing is."""
    if not due:
        return ""
    late = sum(d.overdue for d in due)
    head = (f"Câu hỏi của người dân cần trả lời: {len(due)} câu"
            + (f", trong đó {late} câu đã quá hạn" if late else "") + ".")
    return "\n".join([head, *("• " + d.text() for d in due)])


def qa_stats(session: Session, start: datetime, end: datetime, *, now: datetime | None = None,
             tz: ZoneInfo = DEFAULT_TZ) -> dict:
    """Figures over questions received in [start, end): the keys match the report's QAFigures
    (received, answered, on_time, overdue, median_hours) plus rejected and open."""
    now = now or now_utc()
    today = as_utc(now).astimezone(tz).date()
    rows = session.execute(select(Question.state, Question.received_at, Question.answered_at, Question.due_on)
                           .where(Question.received_at >= start, Question.received_at < end)).all()
    answered = on_time = overdue = rejected = still_open = 0
    hours: list[float] = []
    for state, received, answered_at, due_on in rows:
        if answered_at is not None:
            answered += 1
            hours.append((as_utc(answered_at) - as_utc(received)).total_seconds() / 3600)
            if as_utc(answered_at).astimezone(tz).date() <= due_on:
                on_time += 1
            else:
                overdue += 1
        elif state == "rejected":
            rejected += 1
        else:
            still_open += 1
            if due_on < today:
                overdue += 1
    return {"received": len(rows), "answered": answered, "on_time": on_time, "overdue": overdue,
            "median_hours": round(statistics.median(hours), 1) if hours else None,
            "rejected": rejected, "open": still_open}
