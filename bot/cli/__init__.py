"""The `loa` command line for staff. Each command group lives in its own module; this one
builds the app, loads the config once and turns every expected failure into a Vietnamese
message with exit code 2 (no traceback)."""

from __future__ import annotations

import logging
import os
import sys

import click
import typer
from rich.text import Text

from bot.cli.common import AppContext, Fail, console_err
from content.errors import LoaError

app = typer.Typer(
    name="loa",
    help="Loa — lập lịch và đăng tin tuyên truyền cải cách hành chính.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _root(
    ctx: typer.Context,
    config: str = typer.Option(None, "--config", "-c", envvar="LOA_CONFIG",
                               help="Đường dẫn tệp cấu hình (mặc định ./config.toml)."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="In thêm nhật ký chi tiết."),
) -> None:
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    ctx.obj = AppContext(config_path=config)


def _register() -> None:
    from bot.cli import (calendar_cmd, doctor_cmd, item_cmd, plan_cmd, publish_cmd, qa_cmd, report_cmd, run_cmd,
                         schedule_cmd)

    app.add_typer(plan_cmd.app, name="plan", help="Đọc, nhập và xem kế hoạch tuyên truyền.")
    app.add_typer(calendar_cmd.app, name="calendar", help="Lịch nội dung theo kế hoạch.")
    app.add_typer(item_cmd.app, name="item", help="Soạn, duyệt, xem trước và hủy bài.")
    app.add_typer(schedule_cmd.app, name="schedule", help="Xem trước lịch đăng theo tuần.")
    app.add_typer(qa_cmd.app, name="qa", help="Hỏi – đáp với người dân (Dân hỏi – Chính quyền trả lời).")
    app.command("serve", help="Chạy riêng bot hỏi – đáp (Telegram, webhook Zalo).")(qa_cmd.serve_cmd)
    publish_cmd.register(app)
    app.command("doctor", help="Kiểm tra cấu hình, cơ sở dữ liệu và các kênh.")(doctor_cmd.doctor)
    app.command("run", help="Chạy Loa: đăng bài đúng giờ, bản tin tuần, nguồn tin, nhắc việc.")(run_cmd.run)
    app.command("report", help="Lập báo cáo kết quả tuyên truyền cải cách hành chính theo kỳ.")(report_cmd.report)


_register()


def main() -> None:
    try:
        code = app(standalone_mode=False)     # click returns a typer.Exit's code instead of exiting
        if isinstance(code, int) and code:
            sys.exit(code)
    except Fail as e:
        console_err.print(f"[bold red]Lỗi:[/] {e.message}", highlight=False)
        sys.exit(e.code)
    except LoaError as e:
        console_err.print(Text.assemble(("Lỗi: ", "bold red"), e.message))
        sys.exit(e.exit_code)
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
    except click.exceptions.Abort:
        console_err.print("Đã hủy.")
        sys.exit(130)
    except click.ClickException as e:
        e.show()
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as e:  # noqa: BLE001 - last resort: no traceback for staff
        if os.environ.get("LOA_DEBUG"):
            raise
        console_err.print(f"[bold red]Lỗi không mong đợi:[/] {type(e).__name__}: {e}\n"
                          "Chạy lại với biến môi trường LOA_DEBUG=1 để xem chi tiết, "
                          "và gửi thông báo này cho người quản trị.", highlight=False)
        sys.exit(1)
