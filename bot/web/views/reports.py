"""/reports: choose a period (quarter, half-year, year, month or a range), see the figures and
charts in the page, download the report ready to sign (.docx) or as HTML/Markdown
(/reports/download?period=2024-Q1&format=docx). The same data and renderers as `loa report`."""

from __future__ import annotations

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from bot.cli.common import Fail
from bot.cli.report_cmd import _plan_for
from bot.web.common import console, int_or_none
from bot.web.permissions import require
from content.errors import LoaError
from content.items.lists import plan_choices
from content.qa.stats import report_figures
from schedules.reports.build import RENDERERS, default_name
from schedules.reports.charts import bar_chart
from schedules.reports.data import gather
from schedules.reports.period import PeriodError, parse_period
from schedules.reports.text import compose

MEDIA = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "html": "text/html; charset=utf-8", "md": "text/markdown; charset=utf-8"}


def _default_period(c) -> str:  # noqa: ANN001
    """The quarter before the current one (what is usually being reported)."""
    today = c.clock().astimezone(c.tz).date()
    q = (today.month - 1) // 3
    return f"{today.year}-Q{q}" if q else f"{today.year - 1}-Q4"


def _data(c, period_text: str, plan_id: int | None):  # noqa: ANN001, ANN202
    try:
        period = parse_period(period_text)
    except PeriodError as e:
        raise LoaError(str(e)) from None
    with c.db.session() as s:
        try:
            rec = _plan_for(s, plan_id, period)
        except Fail as e:
            raise LoaError(e.message) from None
        data = gather(s, c.settings, period, rec, now=c.clock(), qa_provider=report_figures)
    return period, rec.id if rec else None, data


def reports_page(request: Request) -> Response:
    require(request, "reports")
    c = console(request)
    period_text = (request.query_params.get("period") or _default_period(c)).strip()
    plan_id = int_or_none(request.query_params.get("plan"))
    with c.db.session() as s:
        plans = plan_choices(s)
    error, data, charts, period, rec_id = "", None, [], None, None
    try:
        period, rec_id, data = _data(c, period_text, plan_id)
        charts = [Markup(bar_chart([(x.name, x.posts) for x in data.by_channel], "Số lượt đăng theo kênh")),
                  Markup(bar_chart([(x.name, x.items) for x in data.by_theme], "Số tin, bài theo nội dung"))]
    except LoaError as e:
        error = e.message
    return c.pages.render(request, "reports.html", status=400 if error else 200, page_title="Báo cáo",
                          period_text=period_text, plan_id=plan_id or "", plans=plans, data=data, charts=charts,
                          period=period, rec_id=rec_id, error=error)


def reports_download(request: Request) -> Response:
    require(request, "reports")
    c = console(request)
    fmt = request.query_params.get("format", "docx")
    if fmt not in RENDERERS:
        raise LoaError(f"Định dạng “{fmt}” không hỗ trợ. Chọn docx, html hoặc md.")
    period, rec_id, data = _data(c, request.query_params.get("period", ""), int_or_none(request.query_params.get("plan")))
    content = RENDERERS[fmt](compose(data, c.settings))
    body = content.encode("utf-8") if isinstance(content, str) else content
    name = default_name(period, rec_id, fmt)
    return Response(body, media_type=MEDIA[fmt],
                    headers={"content-disposition": f'attachment; filename="{name}"', "cache-control": "no-store"})
