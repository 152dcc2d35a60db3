"""Periodic reports, end to end: gather the figures, compose the words, write .docx/.html/.md.

`make_report` is what `loa report` calls; `draft_report` is what the scheduler calls N days
before a report falls due (see `report_period.due_reports`) — it writes the .docx draft into
a folder and returns its path, for staff to complete, sign and send."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from content.calendar.workdays import is_working_day
from content.errors import LoaError
from content.models import PlanRecord
from content.plan import Plan
from content.config import Settings
from schedules.reports.data import QAProvider, ReportData, gather
from content.files import write_atomic
from schedules.reports.docx import render_docx, write_docx
from schedules.reports.html import render_html, write_html
from schedules.reports.md import render_md, write_md
from schedules.reports.period import Period, due_reports
from schedules.reports.text import Report, compose

WRITERS: dict[str, Callable[[Report, Path], Path]] = {"docx": write_docx, "html": write_html, "md": write_md}
RENDERERS: dict[str, Callable[[Report], bytes | str]] = {"docx": render_docx, "html": render_html, "md": render_md}
FORMATS = tuple(WRITERS)


class ReportError(LoaError):
    """A report that cannot be written where or how it was asked (Vietnamese message)."""


def format_for(path: Path | None, fmt: str | None) -> str:
    """The format to write: the one asked for, else the output file's extension, else docx.
    A file name whose extension is not the format's is refused (a Word file named .md)."""
    asked = (fmt or "").strip().lower().lstrip(".") or None
    if asked is not None and asked not in FORMATS:
        raise ReportError(f"Định dạng “{asked}” không hỗ trợ. Chọn một trong: {', '.join(FORMATS)}.")
    ext = path.suffix.lower().lstrip(".") if path is not None and path.suffix else None
    if asked is None:
        if ext is None:
            return "docx"
        if ext not in FORMATS:
            raise ReportError(f"Không biết ghi báo cáo dạng “.{ext}” ({path}). "
                              f"Đặt tên tệp đuôi {', '.join('.' + f for f in FORMATS)} hoặc chọn --format.")
        return ext
    if ext is not None and ext != asked and not (path is not None and path.is_dir()):
        raise ReportError(f"Tệp {path} có đuôi “.{ext}” nhưng định dạng là {asked}: "
                          f"đặt tên tệp đuôi .{asked} hoặc chọn --format {ext}.")
    return asked


def default_name(period: Period, plan_id: int | None, fmt: str) -> str:
    """e.g. bao-cao-2024-Q1-kh3.docx (a range becomes 2024-01-01_2024-03-31)."""
    key = re.sub(r"[^0-9A-Za-z-]+", "_", period.key)
    return f"bao-cao-{key}{f'-kh{plan_id}' if plan_id else ''}.{fmt}"


def render_report(data: ReportData, settings: Settings, fmt: str) -> bytes | str:
    """The report's document in `fmt` (docx: bytes; html, md: text)."""
    if fmt not in RENDERERS:
        raise ReportError(f"Định dạng “{fmt}” không hỗ trợ. Chọn một trong: {', '.join(FORMATS)}.")
    return RENDERERS[fmt](compose(data, settings))


def write_report(data: ReportData, settings: Settings, fmt: str, path: Path, *, overwrite: bool = True) -> Path:
    """Compose and write the report, whole or not at all (readable by others: 0644 under umask 022).
    With `overwrite=False` an existing file is left untouched and ReportError says so."""
    content = render_report(data, settings, fmt)
    try:
        return write_atomic(path, content, overwrite=overwrite)
    except FileExistsError:
        raise ReportError(f"Tệp {path} đã có. Chọn tên khác, hoặc thêm --force để ghi đè.") from None


def make_report(session: Session, settings: Settings, period: Period, plan_record: PlanRecord | None,
                fmt: str, path: Path, *, now: datetime | None = None,
                qa_provider: QAProvider | None = None, overwrite: bool = True,
                with_audit: bool = False) -> tuple[Path, ReportData]:
    data = gather(session, settings, period, plan_record, now=now, qa_provider=qa_provider, with_audit=with_audit)
    return write_report(data, settings, fmt, path, overwrite=overwrite), data


def draft_report(session: Session, settings: Settings, plan_record: PlanRecord | None, period: Period,
                 out_dir: Path, *, now: datetime | None = None, fmt: str = "docx",
                 qa_provider: QAProvider | None = None) -> Path:
    """Write the draft report on `period` into `out_dir` and return its path (overwrites a
    previous draft of the same period and plan, so the newest figures win)."""
    path = Path(out_dir) / default_name(period, plan_record.id if plan_record else None, fmt)
    return make_report(session, settings, period, plan_record, fmt, path, now=now, qa_provider=qa_provider)[0]


def plan_for_period(session: Session, period: Period, plan_id: int | None = None) -> PlanRecord | None:
    """The plan a report is on: the one asked for (ReportError when there is no such plan), else
    the newest plan whose time span (or year) overlaps the period, else None."""
    if plan_id is not None:
        rec = session.get(PlanRecord, plan_id)
        if rec is None:
            raise ReportError(f"Không có kế hoạch mã số {plan_id}. Xem danh sách bằng “loa plan list”.")
        return rec
    plans = session.scalars(select(PlanRecord).order_by(PlanRecord.imported_at.desc(), PlanRecord.id.desc())).all()
    for rec in plans:
        start, end = rec.period_start, rec.period_end
        if (start is None or end is None) and rec.year:
            start, end = date(rec.year, 1, 1), date(rec.year, 12, 31)
        if start is not None and end is not None and start <= period.end and period.start <= end:
            return rec
    return None


@dataclass(frozen=True)
class DueReport:
    """A periodic report a stored plan asks for, falling due soon."""
    plan_id: int
    plan_label: str      # the plan's number, else its title, else its id
    period: Period
    due: date


def reports_due(session: Session, settings: Settings, today: date, days_ahead: int) -> list[DueReport]:
    """Every stored plan's reports due from `today` to `today + days_ahead`, earliest first; a due
    day off moves to the working day before, as the scheduler's drafts do."""
    def off(d: date) -> bool:
        return not is_working_day(d, settings.holidays)

    out = []
    for rec in session.scalars(select(PlanRecord).order_by(PlanRecord.id)).all():
        for period, due in due_reports(Plan.from_dict(rec.data).reports, today, days_ahead, is_off=off):
            out.append(DueReport(rec.id, rec.number or rec.title or str(rec.id), period, due))
    return sorted(out, key=lambda r: (r.due, r.plan_id, r.period.start))
