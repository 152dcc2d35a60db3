"""The citizens' Q&A figures of a report ("Dân hỏi – Chính quyền trả lời"): questions received,
answered, answered on time, overdue and the median time to answer over the report's period —
anonymised counts from `content.qa.stats`, in the report's `QAFigures`."""

from __future__ import annotations

from sqlalchemy.orm import Session

from content.config import Settings
from content.qa.stats import qa_stats
from schedules.reports.data import QAFigures, utc_bounds
from schedules.reports.period import Period


def report_figures(session: Session, settings: Settings, period: Period) -> QAFigures:
    """The `QAProvider` of `schedules.reports.build`: (session, settings, Period) → QAFigures."""
    start, end = utc_bounds(period, settings)
    s = qa_stats(session, start, end, tz=settings.tz)
    return QAFigures(received=s["received"], answered=s["answered"], on_time=s["on_time"],
                     overdue=s["overdue"], median_hours=s["median_hours"])
