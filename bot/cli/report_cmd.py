"""`loa report`: the periodic report on the communication plan (.docx to print and sign,
.html for the portal, .md for quick reading), from what was actually published."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from bot.cli.common import Fail, console
from schedules.reports.build import default_name, format_for, make_report, plan_for_period
from schedules.reports.period import parse_period
from schedules.reports.qa import report_figures


def report(
    ctx: typer.Context,
    period: str = typer.Option(..., "--period", "-p", show_default=False,
                               help="Kỳ báo cáo: 2024-Q1 (quý), 2024-H1 (6 tháng), 2024 (năm), "
                                    "2024-03 (tháng) hoặc 2024-01-01..2024-03-31."),
    plan: Optional[int] = typer.Option(None, "--plan", help="Mã số kế hoạch (mặc định: kế hoạch "
                                                             "mới nhất có thời gian trùng kỳ báo cáo)."),
    fmt: Optional[str] = typer.Option(None, "--format", "-f", show_default=False,
                                      help="docx (để in, ký), html (đăng cổng) hoặc md; mặc định theo đuôi "
                                           "tệp --output, không có thì docx."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Tệp kết quả (mặc định: "
                                                                       "bao-cao-<kỳ>.<định dạng> ở thư mục hiện tại)."),
    force: bool = typer.Option(False, "--force", help="Ghi đè tệp kết quả nếu đã có."),
    with_audit: bool = typer.Option(False, "--audit", help="Thêm phụ lục nhật ký thao tác của cán bộ trong kỳ."),
) -> None:
    """Lập báo cáo kết quả tuyên truyền cải cách hành chính theo kỳ."""
    fmt = format_for(output, fmt)
    p = parse_period(period)
    settings = ctx.obj.settings
    with ctx.obj.db.session() as s:
        rec = plan_for_period(s, p, plan)
        path = output or Path(default_name(p, rec.id if rec else None, fmt))
        if path.exists() and path.is_dir():
            path = path / default_name(p, rec.id if rec else None, fmt)
        try:
            written, data = make_report(s, settings, p, rec, fmt, path, qa_provider=report_figures,
                                        overwrite=force, with_audit=with_audit)
        except OSError as e:
            raise Fail(f"Không ghi được tệp {path}: {e.strerror or e}") from None
    which = f"theo kế hoạch {data.plan_number or f'mã số {data.plan_id}'}" if data.plan_id else "(không gắn kế hoạch)"
    console.print(f"Đã lập báo cáo {p.label} {which}: {written}", highlight=False)
    console.print(f"  {data.total_posts} lượt đăng, {data.total_items} tin, bài; {len(data.tasks)} nhiệm vụ; "
                  f"{len(data.missed)} lượt theo lịch chưa đăng; {len(data.failures)} lượt đăng lỗi.",
                  highlight=False)
