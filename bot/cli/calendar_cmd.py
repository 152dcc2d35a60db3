"""`loa calendar …`: build the content calendar from stored plans, show a week or a month,
export it as iCalendar or CSV. Rules for the slots: `content.calendar.build`; storage:
`content.calendar.store`; files: `content.calendar.export`."""

from __future__ import annotations

import re
import sys
from calendar import monthrange
from datetime import date, timedelta
from pathlib import Path

import typer
from rich.table import Table

from bot.cli.common import Fail, actor, console, console_err, print_json
from content import audit
from content.calendar import store as calendar_store
from content.plan import store as plans_store
from content.calendar.export import (KIND_NAMES, channel_name, one_holiday_per_day, slot_title, theme_number,
                                     to_csv, to_ics, weekday_name)
from content.models import PlanRecord
from content.plan.parse import Plan
from content.text import fmt_date, now_utc

app = typer.Typer(no_args_is_help=True)

PLAN_HELP = "Mã số kế hoạch (xem “loa plan list”); bỏ trống = mọi kế hoạch."
TABLE_TEXT_MAX = 140  # long themes are cut in the table; `export` has them in full
NO_PLANS = "Chưa có kế hoạch nào trong cơ sở dữ liệu. Hãy nhập kế hoạch trước: loa plan import TỆP"


def _plan_label(rec: PlanRecord) -> str:
    if rec.number:
        return f"số {rec.number}"
    return f"“{rec.title}”" if rec.title else f"mã số {rec.id}"


def _plans(session, plan_id: str | None) -> list[PlanRecord]:  # noqa: ANN001
    """The plans a command works on; Fail when there is none or the id is unknown."""
    if plan_id is not None:
        if not plan_id.strip().isdigit():
            raise Fail(f"Mã số kế hoạch phải là số, ví dụ “--plan 1” (nhận được “{plan_id}”).")
        rec = plans_store.get_plan(session, int(plan_id))
        if rec is None:
            known = ", ".join(str(r.id) for r in plans_store.list_plans(session))
            hint = f"Các mã hiện có: {known}." if known else NO_PLANS
            raise Fail(f"Không có kế hoạch mã số {int(plan_id)}. {hint} Xem danh sách: loa plan list")
        return [rec]
    rows = plans_store.list_plans(session)
    if not rows:
        raise Fail(NO_PLANS)
    return rows


@app.command("build")
def build(ctx: typer.Context, plan_id: str = typer.Option(None, "--plan", help=PLAN_HELP)) -> None:
    """Lập (hoặc lập lại) lịch nội dung từ kế hoạch đã nhập; giữ nguyên các ô lịch đã có bài."""
    settings = ctx.obj.settings
    with ctx.obj.db.session() as s:
        for rec in _plans(s, plan_id):
            r = calendar_store.rebuild(s, rec, settings)
            audit.record(s, actor(None), "calendar.build", now=now_utc(),
                         note=f"lịch nội dung của kế hoạch mã số {rec.id}: {r.total} mục (thêm {r.added}, "
                              f"cập nhật {r.updated}, xóa {r.removed})")
            plan = Plan.from_dict(rec.data)
            kept = (f" Giữ lại {r.kept_filled} ô đã có bài dù kế hoạch hoặc cấu hình không còn tạo ra."
                    if r.kept_filled else "")
            console.print(f"Kế hoạch {_plan_label(rec)} (mã số {rec.id}): {r.total} mục lịch — thêm {r.added}, "
                          f"cập nhật {r.updated}, xóa {r.removed}.{kept}", highlight=False)
            for warning in calendar_store.calendar_warnings(plan, settings, _plan_label(rec)):
                console_err.print(f"[yellow]Cảnh báo:[/] {warning[0].lower()}{warning[1:]}", highlight=False)


def parse_month(text: str) -> tuple[date, date]:
    """"2024-03" → (01/03/2024, 31/03/2024). Fail (Vietnamese) for anything else."""
    m = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", text or "")
    if not m or not 1 <= int(m[2]) <= 12 or not 1900 <= int(m[1]) <= 2200:
        raise Fail(f"Tháng “{text}” không hợp lệ. Hãy viết dạng năm-tháng, ví dụ 2024-03.")
    y, mo = int(m[1]), int(m[2])
    return date(y, mo, 1), date(y, mo, monthrange(y, mo)[1])


def parse_week(text: str) -> tuple[date, date]:
    """"2024-W10" → (Monday 04/03/2024, Sunday 10/03/2024). Fail (Vietnamese) otherwise."""
    m = re.fullmatch(r"\s*(\d{4})-?W(\d{1,2})\s*", text or "", re.IGNORECASE)
    try:
        monday = date.fromisocalendar(int(m[1]), int(m[2]), 1) if m else None
    except ValueError:
        monday = None
    if monday is None:
        raise Fail(f"Tuần “{text}” không hợp lệ. Hãy viết dạng năm-W-số tuần ISO (1–52, có năm 53), "
                   f"ví dụ 2024-W10.")
    return monday, monday + timedelta(days=6)


def _short(text: str, limit: int = TABLE_TEXT_MAX) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _day_text(slot) -> str:  # noqa: ANN001
    if slot.end_day and slot.end_day != slot.day:
        return f"{fmt_date(slot.day)} – {fmt_date(slot.end_day)}"
    return fmt_date(slot.day)


@app.command("show")
def show(
    ctx: typer.Context,
    week: str = typer.Option(None, "--week", help="Tuần ISO, ví dụ 2024-W10 (mặc định: tuần này)."),
    month: str = typer.Option(None, "--month", help="Tháng, ví dụ 2024-03."),
    plan_id: str = typer.Option(None, "--plan", help=PLAN_HELP),
    as_json: bool = typer.Option(False, "--json", help="In dạng JSON."),
) -> None:
    """Xem lịch nội dung của một tuần hoặc một tháng."""
    if week and month:
        raise Fail("Chỉ chọn một trong hai: --week hoặc --month.")
    if month:
        start, end = parse_month(month)
        what = f"tháng {start.month}/{start.year}"
    else:
        if week:
            start, end = parse_week(week)
        else:
            today = now_utc().astimezone(ctx.obj.settings.tz).date()
            start = today - timedelta(days=today.weekday())
            end = start + timedelta(days=6)
        y, w, _ = start.isocalendar()
        what = f"tuần {w}/{y}"
    with ctx.obj.db.session() as s:
        plans = _plans(s, plan_id)
        ids = [p.id for p in plans]
        slots = one_holiday_per_day(calendar_store.slots_between(s, start, end, int(plan_id) if plan_id else None))
        built = calendar_store.count_slots(s, ids) > 0
    if as_json:
        print_json({"from": start.isoformat(), "to": end.isoformat(), "slots": [
            {"id": v.id, "plan": v.plan_id, "key": v.key, "day": v.day.isoformat(),
             "end_day": v.end_day.isoformat() if v.end_day else None, "kind": v.kind, "channel": v.channel,
             "theme": v.theme_id, "label": v.label, "title": slot_title(v), "items": list(v.item_ids)}
            for v in slots]})
        return
    if not built:
        raise Fail("Chưa có lịch nội dung. Hãy lập lịch trước: loa calendar build")
    span = f"{fmt_date(start)} – {fmt_date(end)}"
    if not slots:
        console.print(f"Không có mục lịch nào trong {what} ({span}).", highlight=False)
        return
    table = Table(title=f"Lịch nội dung {what} ({span})")
    if len(plans) > 1:
        table.add_column("KH", no_wrap=True)
    for col, opts in (("Mã", {"no_wrap": True}), ("Ngày", {"no_wrap": True}), ("Thứ", {}), ("Kênh", {}),
                      ("Loại", {}), ("Nội dung", {"ratio": 1, "min_width": 30}), ("Bài", {})):
        table.add_column(col, **opts)
    for v in slots:
        if v.kind == "publish":
            text = f"Chủ đề {theme_number(v.theme_id)}: {_short(v.label)}"
            filled = ", ".join(f"số {i}" for i in v.item_ids) if v.filled else "chưa có"
        else:
            text, filled = _short(v.label), ""
        row = [str(v.id), _day_text(v), weekday_name(v.day), channel_name(v.channel) if v.channel else "",
               KIND_NAMES.get(v.kind, v.kind), text, filled]
        plan_cell = "" if v.kind == "holiday" else str(v.plan_id)  # one row for every plan's holiday
        table.add_row(*([plan_cell] if len(plans) > 1 else []), *row)
    console.print(table)
    empty = sum(1 for v in slots if v.kind == "publish" and not v.filled)
    if empty:
        console.print(f"{empty} ô đăng bài chưa có bài. Viết bài cho một ô: loa item add … --slot MÃ",
                      highlight=False)


@app.command("export")
def export(
    ctx: typer.Context,
    fmt: str = typer.Option("ics", "--format", "-f", help="ics (lịch Google/Outlook) hoặc csv (Excel)."),
    output: Path = typer.Option(None, "--output", "-o", help="Tệp ghi ra; bỏ trống = in ra màn hình."),
    plan_id: str = typer.Option(None, "--plan", help=PLAN_HELP),
    delimiter: str = typer.Option(",", "--delimiter", help="Dấu phân cách cột của CSV: “,” (mặc định), “;” "
                                  "(Excel cài đặt vùng Việt Nam) hoặc “tab”."),
) -> None:
    """Xuất lịch nội dung ra tệp iCalendar (.ics) hoặc CSV."""
    fmt = (fmt or "").strip().lower()
    if fmt not in ("ics", "csv"):
        raise Fail(f"Định dạng “{fmt}” không hỗ trợ. Chọn --format ics hoặc --format csv.")
    sep = {",": ",", ";": ";", "tab": "\t", "\\t": "\t", "\t": "\t"}.get(delimiter.lower())
    if sep is None:
        raise Fail(f"Dấu phân cách “{delimiter}” không hỗ trợ. Chọn --delimiter \",\", --delimiter \";\" "
                   "hoặc --delimiter tab.")
    settings = ctx.obj.settings
    with ctx.obj.db.session() as s:
        plans = _plans(s, plan_id)
        names = {p.id: f"Kế hoạch {_plan_label(p)}" for p in plans}
        slots = one_holiday_per_day(calendar_store.slots_between(s, None, None, plans[0].id if plan_id else None))
    if not slots:
        raise Fail("Chưa có lịch nội dung để xuất. Hãy lập lịch trước: loa calendar build")
    if fmt == "ics":
        data = to_ics(slots, now=now_utc(), plan_names=names,
                      calendar_name=f"Lịch tuyên truyền CCHC – {settings.unit.name}")
    else:
        data = to_csv(slots, plan_names=names, delimiter=sep)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(data)
    except OSError as e:
        raise Fail(f"Không ghi được tệp {output}: {e.strerror or e}.") from None
    console.print(f"Đã ghi {len(slots)} mục lịch vào {output}.", highlight=False)
