"""/reports: choose a period (quarter, half-year, year, or a range of days) and a plan, see the
report's figures and charts as `loa report` composes them, and download it:
GET /reports/download?period=2024-Q1&format=docx|html|md[&plan=ID] — the same document
`loa report --period 2024-Q1 --format docx` writes, ready to sign. Each download is audited."""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from bot.web.common import Console, actor, console, int_or_none
from bot.web.permissions import require
from content.audit import Actor, record
from content.errors import LoaError
from content.plan import store as plans_store
from content.plan.describe import label
from schedules.reports.build import FORMATS, ReportError, default_name, plan_for_period, render_report
from schedules.reports.data import STATUS_LABELS, ReportData, gather
from schedules.reports.html import html_blocks
from schedules.reports.period import (Period, PeriodError, date_range, half_year, parse_period, quarter,
                                      year_period)
from schedules.reports.text import compose
from schedules.reports.qa import report_figures

MEDIA_TYPES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
               "html": "text/html; charset=utf-8", "md": "text/markdown; charset=utf-8"}
FORMAT_NAMES = {"docx": "Word (.docx) để in, ký", "html": "Trang HTML để đăng cổng", "md": "Markdown (.md)"}


def period_choices(today: date, plan_years: set[int] | frozenset[int] = frozenset()) -> list[tuple[str, list[tuple[str, str]]]]:
    """The periods offered in the form, newest year first: (year, [(key, label)]) from this year
    back to the first year of a stored plan, or to last year (at most six years)."""
    first = min([today.year - 1, *plan_years])
    years = list(range(today.year, max(first, today.year - 5) - 1, -1))
    out = []
    for y in years:
        periods = [quarter(y, q) for q in range(1, 5)] + [half_year(y, 1), half_year(y, 2), year_period(y)]
        out.append((str(y), [(p.key, p.label[0].upper() + p.label[1:]) for p in periods if p.start <= today]))
    return [(y, ps) for y, ps in out if ps]


def _day(text: str) -> date:
    try:
        return datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError:
        raise PeriodError(f"Ngày “{text}” không hợp lệ: hãy ghi dạng dd/mm/yyyy, ví dụ 01/01/2024.") from None


def _period(request: Request, today: date) -> Period:
    q = request.query_params
    start, end = (q.get("from") or "").strip(), (q.get("to") or "").strip()
    if start or end:
        if not (start and end):
            raise PeriodError("Hãy ghi cả ngày bắt đầu và ngày kết thúc của khoảng báo cáo.")
        a, b = _day(start), _day(end)
        if b < a:
            raise PeriodError(f"Ngày kết thúc {b:%d/%m/%Y} đứng trước ngày bắt đầu {a:%d/%m/%Y}.")
        return date_range(a, b)
    if q.get("period"):
        return parse_period(q["period"])
    return quarter(today.year, (today.month - 1) // 3 + 1)


def _gather(c: Console, period: Period, plan_id: int | None) -> ReportData:
    with c.db.session() as s:
        rec = plan_for_period(s, period, plan_id)
        return gather(s, c.settings, period, rec, now=c.clock(), qa_provider=report_figures)


def reports_page(request: Request) -> Response:
    require(request, "reports")
    c = console(request)
    today = c.clock().astimezone(c.tz).date()
    plan_id = int_or_none(request.query_params.get("plan"))
    with c.db.session() as s:
        records = plans_store.list_plans(s)
        plans = [(rec.id, label(plans_store.load_plan(rec))) for rec in records]
        years = {d.year for rec in records for d in (rec.period_start, rec.period_end) if d}
        years |= {rec.year for rec in records if rec.year}
    base = dict(page_title="Báo cáo", choices=period_choices(today, years), plans=plans, plan_id=plan_id,
                formats=FORMAT_NAMES, status_labels=STATUS_LABELS,
                typed={"from": request.query_params.get("from", ""), "to": request.query_params.get("to", "")})
    try:
        period = _period(request, today)
        data = _gather(c, period, plan_id)
    except LoaError as e:            # PeriodError, ReportError
        return c.pages.render(request, "reports.html", status=400, error=str(e), period=None, data=None, **base)
    query = {"period": period.key, **({"plan": plan_id} if plan_id else {})}
    downloads = [(fmt, FORMAT_NAMES[fmt], "/reports/download?" + urlencode({**query, "format": fmt})) for fmt in FORMATS]
    return c.pages.render(request, "reports.html", error="", period=period, data=data,
                          blocks=html_blocks(compose(data, c.settings)), downloads=downloads, **base)


def download(request: Request) -> Response:
    require(request, "reports")
    c = console(request)
    q = request.query_params
    fmt = (q.get("format") or "docx").strip().lower()
    try:
        if fmt not in FORMATS:
            raise ReportError(f"Định dạng “{fmt}” không hỗ trợ. Chọn một trong: {', '.join(FORMATS)}.")
        period = parse_period(q.get("period", ""))
        plan_id = int_or_none(q.get("plan"))
        data = _gather(c, period, plan_id)
        body = render_report(data, c.settings, fmt)
    except LoaError as e:            # PeriodError, ReportError
        return c.pages.render(request, "error.html", status=400, page_title="Không lập được báo cáo",
                              message=str(e))
    with c.db.session() as s:
        which = f"kế hoạch mã số {data.plan_id}" if data.plan_id else "không gắn kế hoạch"
        record(s, Actor(actor(request), "web"), "report.make", now=c.clock(),
               note=f"báo cáo {period.label} ({which}), tải về dạng {fmt}")
    name = default_name(period, data.plan_id, fmt)
    return Response(body, media_type=MEDIA_TYPES[fmt],
                    headers={"content-disposition": f'attachment; filename="{name}"'})
