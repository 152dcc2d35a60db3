"""Periodic reports, end to end: gather the figures, compose the words, write .docx/.html/.md.

`make_report` is what `loa report` calls; `draft_report` is what the scheduler calls N days
before a report falls due (see `report_period.due_reports`) — it writes the .docx draft into
a folder and returns its path, for staff to complete, sign and send."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Callable

from sqlalchemy.orm import Session

from content.models import PlanRecord
from content.config import Settings
from schedules.reports.data import QAProvider, ReportData, gather
from schedules.reports.docx import write_docx
from schedules.reports.html import write_html
from schedules.reports.md import write_md
from schedules.reports.period import Period
from schedules.reports.text import Report, compose

WRITERS: dict[str, Callable[[Report, Path], Path]] = {"docx": write_docx, "html": write_html, "md": write_md}
FORMATS = tuple(WRITERS)


def default_name(period: Period, plan_id: int | None, fmt: str) -> str:
    """e.g. bao-cao-2024-Q1-kh3.docx (a range becomes 2024-01-01_2024-03-31)."""
    key = re.sub(r"[^0-9A-Za-z-]+", "_", period.key)
    return f"bao-cao-{key}{f'-kh{plan_id}' if plan_id else ''}.{fmt}"


def write_report(data: ReportData, settings: Settings, fmt: str, path: Path) -> Path:
    if fmt not in WRITERS:
        raise ValueError(f"Định dạng “{fmt}” không hỗ trợ; chọn một trong: {', '.join(FORMATS)}.")
    return WRITERS[fmt](compose(data, settings), path)


def make_report(session: Session, settings: Settings, period: Period, plan_record: PlanRecord | None,
                fmt: str, path: Path, *, now: datetime | None = None,
                qa_provider: QAProvider | None = None) -> tuple[Path, ReportData]:
    data = gather(session, settings, period, plan_record, now=now, qa_provider=qa_provider)
    return write_report(data, settings, fmt, path), data


def draft_report(session: Session, settings: Settings, plan_record: PlanRecord | None, period: Period,
                 out_dir: Path, *, now: datetime | None = None, fmt: str = "docx",
                 qa_provider: QAProvider | None = None) -> Path:
    """Write the draft report on `period` into `out_dir` and return its path (overwrites a
    previous draft of the same period and plan, so the newest figures win)."""
    path = Path(out_dir) / default_name(period, plan_record.id if plan_record else None, fmt)
    return make_report(session, settings, period, plan_record, fmt, path, now=now, qa_provider=qa_provider)[0]
