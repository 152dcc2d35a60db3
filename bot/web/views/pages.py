"""The reading pages: this week (/), the month calendar (/calendar), the health check (/healthz)."""

from __future__ import annotations

import calendar as pycal
import re
from datetime import date, timedelta

from sqlalchemy import text as sql_text
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.web.common import console
from bot.web.permissions import require
from channels.log import POST_STATE_NAMES
from content.calendar.export import WEEKDAY_NAMES, slot_title, theme_number
from content.items.states import STATE_NAMES
from schedules.overview import month_calendar, week_overview
from schedules.reports.build import reports_due
from schedules.timing import parse_iso_week, week_start

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
REPORT_DAYS = 14          # the dashboard lists reports falling due within two weeks


def dashboard(request: Request) -> Response:
    require(request, "view")
    c = console(request)
    now = c.clock()
    today = now.astimezone(c.tz).date()
    week_text = request.query_params.get("week", "")
    try:
        week = parse_iso_week(week_text) if week_text else week_start(today)
    except ValueError:
        week = week_start(today)
    with c.db.session() as s:
        view = week_overview(s, c.settings, week, now)
        due = reports_due(s, c.settings, today, REPORT_DAYS)
    iso = week.isocalendar()
    prev_w, next_w = (week - timedelta(days=7)).isocalendar(), (week + timedelta(days=7)).isocalendar()
    return c.pages.render(
        request, "dashboard.html", page_title="Tuần này", view=view, today=today,
        week_label=f"Tuần {iso.week}/{iso.year} ({view.week.strftime('%d/%m')} – "
                   f"{(view.week + timedelta(days=6)).strftime('%d/%m/%Y')})",
        prev_week=f"{prev_w.year}-W{prev_w.week:02d}", next_week=f"{next_w.year}-W{next_w.week:02d}",
        weekday_names=WEEKDAY_NAMES, item_states=STATE_NAMES, post_states=POST_STATE_NAMES, reports_due=due)


def calendar(request: Request) -> Response:
    require(request, "view")
    c = console(request)
    today = c.clock().astimezone(c.tz).date()
    m = MONTH_RE.match(request.query_params.get("month", ""))
    month = date(int(m[1]), int(m[2]), 1) if m and 1 <= int(m[2]) <= 12 else today.replace(day=1)
    with c.db.session() as s:
        cal = month_calendar(s, c.settings, month)
    prev_m = (month - timedelta(days=1)).replace(day=1)
    next_m = month.replace(day=pycal.monthrange(month.year, month.month)[1]) + timedelta(days=1)
    return c.pages.render(
        request, "calendar.html", page_title=f"Lịch tháng {month.month:02d}/{month.year}", cal=cal,
        today=today, prev_month=prev_m.strftime("%Y-%m"), next_month=next_m.strftime("%Y-%m"),
        weekday_names=WEEKDAY_NAMES, slot_title=slot_title, theme_number=theme_number, item_states=STATE_NAMES)


def healthz(request: Request) -> Response:
    """No login: database reachable, scheduler alive, last pass (JSON)."""
    c = console(request)
    try:
        with c.db.engine.connect() as conn:
            conn.execute(sql_text("SELECT 1"))
        database = "ok"
    except Exception as e:  # noqa: BLE001 - reported, not raised
        database = f"lỗi: {type(e).__name__}"
    body = {"database": database, **c.health()}
    ok = database == "ok" and body.get("scheduler") != "stalled"
    return JSONResponse(body, status_code=200 if ok else 503)
