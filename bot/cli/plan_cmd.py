"""`loa plan …`: read a plan file (parse), store it (import), and look at stored plans
(list, show). Bad files end in a Vietnamese message and exit code 2, with nothing stored."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from bot.cli.common import Fail, actor, console, console_err, print_json
from content import audit
from content.calendar import store as calendar_store
from content.plan import store as plans_store
from content.plan.parse import Plan, Reading, read_plan_text
from content.plan.reader import PlanSource, read_plan_source
from content.text import fmt_date, now_utc

app = typer.Typer(no_args_is_help=True)

KIND_NAMES = {
    "portal": "cổng/trang thông tin điện tử", "zalo": "Zalo", "telegram": "Telegram",
    "social": "mạng xã hội", "radio": "truyền thanh cơ sở", "hotline": "đường dây nóng",
    "press": "báo chí, phát thanh – truyền hình", "notice_board": "niêm yết công khai",
    "print": "ấn phẩm, pa nô, tờ rơi", "event": "hội nghị, tập huấn, hội thi", "internal": "nội bộ",
}
TIMING_NAMES = {"deadline": "hạn chót", "window": "trong khoảng", "recurring": "định kỳ",
                "ongoing": "thường xuyên", "external": "theo kế hoạch khác"}
EVERY_NAMES = {"week": "hằng tuần", "month": "hằng tháng", "quarter": "hằng quý",
               "half_year": "6 tháng", "year": "hằng năm"}


FIELD_NAMES = {"number": "Số hiệu", "date": "Ngày ban hành", "place": "Nơi ban hành", "issuer": "Cơ quan ban hành",
               "title": "Tên kế hoạch", "signer": "Người ký", "theme": "Nội dung", "form": "Hình thức",
               "task": "Nhiệm vụ", "report": "Báo cáo"}


def _read(path: Path) -> tuple[PlanSource, Reading]:
    source = read_plan_source(path)
    reading = read_plan_text(source.text)
    for w in source.warnings:
        console_err.print(f"[yellow]Cảnh báo:[/] {w}", highlight=False)
    return source, reading


def _load(path: Path) -> tuple[PlanSource, Plan]:
    source, reading = _read(path)
    return source, reading.plan


def _origin(source: PlanSource, line: int) -> str:
    if source.origins and line < len(source.origins):
        return source.origins[line]
    return f"dòng {line + 1}"


def show_explain(source: PlanSource, reading: Reading) -> None:
    """Each fact with the line it was read from (`loa plan parse --explain`)."""
    console.print(f"[bold]Loa đọc “{source.name}” như sau[/] (mỗi thông tin kèm dòng gốc):", highlight=False)
    for ev in reading.evidence:
        where = _origin(source, ev.line)
        text = reading.lines[ev.line] if ev.line < len(reading.lines) else ""
        text = text.replace("\t", " | ")
        if len(text) > 110:
            text = text[:107] + "…"
        label = ev.value
        if ev.field == "report":
            every, _, due = ev.value.partition(" (")
            label = REPORT_EVERY_NAMES.get(every, every)
            if due:
                month, day = due.rstrip(")").split("-")
                label += f" (trước ngày {day}/{month})" if every == "year" else f" (ngày {day} tháng cuối kỳ)"
        console.print(f"  {FIELD_NAMES.get(ev.field, ev.field)}: {label}", highlight=False)
        console.print(f"      ← {where}: {text}", highlight=False)


REPORT_EVERY_NAMES = {"month": "hằng tháng", "quarter": "hằng quý", "half_year": "6 tháng", "year": "hằng năm"}


def _print_warnings(reading: Reading) -> None:
    for w in reading.warnings:
        console_err.print(f"[yellow]Chưa đọc được:[/] {w}", highlight=False)


def _label(plan: Plan) -> str:
    if plan.number:
        return f"số {plan.number}"
    return f"“{plan.title}”" if plan.title else "(không số)"


def _d(d) -> str:  # noqa: ANN001
    return fmt_date(d) if d else "—"


def _period(plan: Plan) -> str:
    return f"{_d(plan.period.start)} – {_d(plan.period.end)}" if plan.period else "—"


def _timing(t) -> str:  # noqa: ANN001
    if t.kind == "deadline":
        return f"hạn {_d(t.due)}"
    if t.kind in ("window", "ongoing") and t.start:
        return f"{TIMING_NAMES[t.kind]} {_d(t.start)} – {_d(t.end)}"
    if t.kind == "recurring":
        return EVERY_NAMES.get(t.every or "", "định kỳ")
    return TIMING_NAMES.get(t.kind, t.kind)


def _reports(plan: Plan) -> str:
    parts = []
    for r in plan.reports:
        text = EVERY_NAMES[r.every] if r.every != "half_year" else "6 tháng một lần"
        if r.due:
            month, day = r.due.split("-")
            text += f" (trước ngày {day}/{month})"
        parts.append(text)
    return ", ".join(parts) or "không nêu"


def show_plan(plan: Plan) -> None:
    """The human summary printed by `parse` and `show`."""
    c = console
    c.print(f"[bold]Kế hoạch {_label(plan)}[/]", highlight=False)
    c.print(f"  Tên: {plan.title or '—'}")
    c.print(f"  Cơ quan ban hành: {plan.issuer or '—'}")
    c.print(f"  Nơi ban hành, ngày: {plan.place or '—'}, {_d(plan.date) if plan.date else 'chưa ghi ngày'}")
    c.print(f"  Năm: {plan.year or '—'} · Thời gian thực hiện: {_period(plan)}")
    if plan.signer.name:
        c.print(f"  Người ký: {plan.signer.name} ({plan.signer.position or '—'})")
    c.print(f"  Gồm {len(plan.themes)} nội dung, {len(plan.forms)} hình thức, {len(plan.tasks)} nhiệm vụ; "
            f"báo cáo: {_reports(plan)}")
    c.print("\n[bold]Nội dung tuyên truyền[/]")
    for t in plan.themes:
        c.print(f"  {t.id}. {t.text}", highlight=False)
    c.print("\n[bold]Hình thức → kênh[/]")
    for f in plan.forms:
        c.print(f"  - {f.text}\n    → {', '.join(KIND_NAMES[k] for k in f.channels)}", highlight=False)
    if plan.channels:
        c.print(f"  Các kênh: {', '.join(plan.channels)}")
    if plan.tasks:
        table = Table(title="Nhiệm vụ (phụ lục)", show_lines=False)
        for col in ("TT", "Nội dung", "Chủ trì", "Phối hợp", "Thời gian"):
            table.add_column(col)
        for task in plan.tasks:
            table.add_row(task.no, task.content, task.lead, "\n".join(task.partners),
                          f"{task.timing.text}\n({_timing(task.timing)})")
        c.print(table)
    if plan.references:
        c.print(f"\nVăn bản được dẫn: {', '.join(plan.references)}", highlight=False)


@app.command("parse")
def parse_cmd(
    file: Path = typer.Argument(..., help="Tệp kế hoạch (.docx, .pdf, .md hoặc .txt).", show_default=False),
    as_json: bool = typer.Option(False, "--json", help="In kết quả dạng JSON."),
    explain: bool = typer.Option(False, "--explain", help="In từng thông tin kèm dòng gốc của nó trong tệp."),
) -> None:
    """Đọc một tệp kế hoạch và in những gì Loa hiểu được (không lưu)."""
    source, reading = _read(file)
    if as_json:
        print_json(reading.plan.to_dict())
    elif explain:
        show_explain(source, reading)
    else:
        show_plan(reading.plan)
    _print_warnings(reading)


@app.command("import")
def import_cmd(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="Tệp kế hoạch (.docx, .pdf, .md hoặc .txt).", show_default=False),
) -> None:
    """Nhập kế hoạch vào cơ sở dữ liệu (nhập lại cùng kế hoạch thì cập nhật)."""
    source, plan = _load(file)
    rebuilt = None
    with ctx.obj.db.session() as s:
        rec, created = plans_store.import_plan(s, plan, source.name, source.sha256)
        plan_id = rec.id
        if not created and calendar_store.count_slots(s, [rec.id]):
            # The plan changed under an existing calendar: bring it up to date in the same
            # transaction (filled slots are kept), so staff never work from a stale one.
            rebuilt = calendar_store.rebuild(s, rec, ctx.obj.settings)
        audit.record(s, actor(None), "plan.import", now=now_utc(),
                     note=f"{'nhập' if created else 'cập nhật'} kế hoạch {_label(plan)} (mã số {plan_id}) "
                          f"từ tệp {source.name}")
    verb = "Đã nhập" if created else "Đã cập nhật"
    console.print(f"{verb} kế hoạch {_label(plan)}, mã số {plan_id}: {len(plan.themes)} nội dung, "
                  f"{len(plan.forms)} hình thức, {len(plan.tasks)} nhiệm vụ.", highlight=False)
    if rebuilt is not None:
        console.print(f"Đã lập lại lịch nội dung: {rebuilt.total} mục — thêm {rebuilt.added}, cập nhật "
                      f"{rebuilt.updated}, xóa {rebuilt.removed}.", highlight=False)
    elif created:
        console.print(f"Bước tiếp theo: lập lịch nội dung bằng lệnh “loa calendar build --plan {plan_id}”.",
                      highlight=False)


def _iso(d) -> str | None:  # noqa: ANN001
    return d.isoformat() if d else None


@app.command("list")
def list_cmd(ctx: typer.Context,
             as_json: bool = typer.Option(False, "--json", help="In danh sách dạng JSON.")) -> None:
    """Danh sách kế hoạch đã nhập."""
    with ctx.obj.db.session() as s:
        rows = plans_store.list_plans(s)
        if as_json:
            print_json([{"id": r.id, "number": r.number, "issuer": r.issuer, "title": r.title, "year": r.year,
                         "period": {"start": _iso(r.period_start), "end": _iso(r.period_end)},
                         "source": r.source_name} for r in rows])
            return
        if not rows:
            console.print("Chưa có kế hoạch nào. Dùng “loa plan import TỆP” để nhập.")
            return
        table = Table(title="Kế hoạch đã nhập")
        table.add_column("Mã", no_wrap=True)
        table.add_column("Số hiệu", no_wrap=True)
        table.add_column("Cơ quan ban hành", ratio=1)
        table.add_column("Thời gian", no_wrap=True)
        table.add_column("ND/NV", no_wrap=True)
        for rec in rows:
            data = rec.data or {}
            period = f"{rec.period_start.year}" if rec.period_start else "—"
            if rec.period_start and rec.period_end and rec.period_end.year != rec.period_start.year:
                period = f"{rec.period_start.year}–{rec.period_end.year}"
            table.add_row(str(rec.id), rec.number or "(không số)", rec.issuer or "—", period,
                          f"{len(data.get('themes', []))}/{len(data.get('tasks', []))}")
        console.print(table)
        console.print("ND/NV: số nội dung tuyên truyền / số nhiệm vụ trong phụ lục. "
                      "Xem chi tiết: loa plan show MÃ")
        console.print(table)


@app.command("show")
def show_cmd(
    ctx: typer.Context,
    plan_id: str = typer.Argument(..., metavar="ID", help="Mã số kế hoạch (xem “loa plan list”).",
                                  show_default=False),
    as_json: bool = typer.Option(False, "--json", help="In kế hoạch dạng JSON."),
) -> None:
    """Xem một kế hoạch đã nhập."""
    if not plan_id.strip().isdigit():
        raise Fail(f"Mã số kế hoạch phải là số, ví dụ “loa plan show 1” (nhận được “{plan_id}”).")
    with ctx.obj.db.session() as s:
        rec = plans_store.get_plan(s, int(plan_id))
        if rec is None:
            raise Fail(f"Không có kế hoạch mã số {int(plan_id)}. Xem danh sách bằng “loa plan list”.")
        plan = plans_store.load_plan(rec)
    if as_json:
        print_json(plan.to_dict())
    else:
        show_plan(plan)
