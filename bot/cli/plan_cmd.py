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
from content.plan.describe import KIND_NAMES, day, facts, label, period_text, reports_text, timing_text
from content.plan.parse import Plan, Reading, read_plan_text
from content.plan.reader import PlanSource, read_plan_source
from content.text import now_utc

app = typer.Typer(no_args_is_help=True)


def _read(path: Path) -> tuple[PlanSource, Reading]:
    source = read_plan_source(path)
    reading = read_plan_text(source.text)
    for w in source.warnings:
        console_err.print(f"[yellow]Cảnh báo:[/] {w}", highlight=False)
    return source, reading


def _load(path: Path) -> tuple[PlanSource, Plan]:
    source, reading = _read(path)
    return source, reading.plan


def show_explain(source: PlanSource, reading: Reading) -> None:
    """Each fact with the line it was read from (`loa plan parse --explain`)."""
    console.print(f"[bold]Loa đọc “{source.name}” như sau[/] (mỗi thông tin kèm dòng gốc):", highlight=False)
    for fact in facts(source, reading):
        console.print(f"  {fact.label}: {fact.value}", highlight=False)
        console.print(f"      ← {fact.where}: {fact.line}", highlight=False)


def _print_warnings(reading: Reading) -> None:
    for w in reading.warnings:
        console_err.print(f"[yellow]Chưa đọc được:[/] {w}", highlight=False)


def show_plan(plan: Plan) -> None:
    """The human summary printed by `parse` and `show`."""
    c = console
    c.print(f"[bold]Kế hoạch {label(plan)}[/]", highlight=False)
    c.print(f"  Tên: {plan.title or '—'}")
    c.print(f"  Cơ quan ban hành: {plan.issuer or '—'}")
    c.print(f"  Nơi ban hành, ngày: {plan.place or '—'}, {day(plan.date) if plan.date else 'chưa ghi ngày'}")
    c.print(f"  Năm: {plan.year or '—'} · Thời gian thực hiện: {period_text(plan)}")
    if plan.signer.name:
        c.print(f"  Người ký: {plan.signer.name} ({plan.signer.position or '—'})")
    c.print(f"  Gồm {len(plan.themes)} nội dung, {len(plan.forms)} hình thức, {len(plan.tasks)} nhiệm vụ; "
            f"báo cáo: {reports_text(plan)}")
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
                          f"{task.timing.text}\n({timing_text(task.timing)})")
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
                     note=f"{'nhập' if created else 'cập nhật'} kế hoạch {label(plan)} (mã số {plan_id}) "
                          f"từ tệp {source.name}")
    verb = "Đã nhập" if created else "Đã cập nhật"
    console.print(f"{verb} kế hoạch {label(plan)}, mã số {plan_id}: {len(plan.themes)} nội dung, "
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
