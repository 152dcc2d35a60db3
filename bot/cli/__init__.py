"""The `loa` command line for staff. Each command group lives in its own module; this one
builds the app, loads the config once and turns every expected failure into a Vietnamese
message with exit code 2 (no traceback)."""

from __future__ import annotations

import importlib
import logging
import os
import sys

import click
import typer
from rich.markup import escape
from typer.core import TyperGroup

from bot.cli import vietnamese
from bot.cli.common import AppContext, console_err
from content import logsafe
from content.errors import LoaError

vietnamese.install()


class LazyGroup(TyperGroup):
    """The root group: a command's module is imported only when that command runs, so
    `loa --help` and light commands do not pay for PTB, APScheduler, python-docx… at start.
    Help listings use the names and texts of `COMMANDS` without importing anything."""

    _listing = False

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(dict.fromkeys([*COMMANDS, *self.commands]))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands or cmd_name not in COMMANDS:
            return self.commands.get(cmd_name)
        module, attr, kind, text = COMMANDS[cmd_name]
        if self._listing:
            return click.Command(cmd_name, help=text)
        cmd = _load(cmd_name, module, attr, kind, text)
        self.commands[cmd_name] = cmd
        return cmd

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


# Every `loa` command, in help order (add new ones here; nothing is imported until used).
# name → (module, attribute, kind, help): kind "group" is a typer.Typer added as a sub-group,
# "command" a function, "register" a module function that adds commands to an app.
COMMANDS: dict[str, tuple[str, str, str, str]] = {
    "plan": ("bot.cli.plan_cmd", "app", "group", "Đọc, nhập và xem kế hoạch tuyên truyền."),
    "calendar": ("bot.cli.calendar_cmd", "app", "group", "Lịch nội dung theo kế hoạch."),
    "item": ("bot.cli.item_cmd", "app", "group",
             "Soạn, sửa, duyệt, xem trước, hủy, gỡ và đính chính bài."),
    "schedule": ("bot.cli.schedule_cmd", "app", "group", "Xem trước lịch đăng theo tuần."),
    "qa": ("bot.cli.qa_cmd", "app", "group", "Hỏi – đáp với người dân (Dân hỏi – Chính quyền trả lời)."),
    "serve": ("bot.cli.qa_cmd", "serve_cmd", "command", "Chạy riêng bot hỏi – đáp (Telegram, webhook Zalo)."),
    "publish": ("bot.cli.publish_cmd", "register", "register", "Đăng các bài đã đến hạn lên các kênh."),
    "log": ("bot.cli.publish_cmd", "register", "register", "Nhật ký đăng bài: mọi lần gửi, kết quả và lỗi."),
    "post": ("bot.cli.publish_cmd", "register", "register", "Xem và gửi lại từng bài đăng trên các kênh."),
    "audit": ("bot.cli.audit_cmd", "audit_cmd", "command",
              "Nhật ký thao tác của cán bộ: ai, làm gì, lúc nào, trên bài nào."),
    "doctor": ("bot.cli.doctor_cmd", "doctor", "command", "Kiểm tra cấu hình, cơ sở dữ liệu và các kênh."),
    "run": ("bot.cli.run_cmd", "run", "command",
            "Chạy Loa: đăng bài đúng giờ, bản tin tuần, nguồn tin, nhắc việc."),
    "user": ("bot.cli.user_cmd", "app", "group", "Tài khoản trang quản trị web (biên tập, lãnh đạo, quản trị)."),
    "web": ("bot.cli.web_cmd", "web", "command", "Chạy riêng trang quản trị web cho cán bộ."),
    "report": ("bot.cli.report_cmd", "report", "command",
               "Lập báo cáo kết quả tuyên truyền cải cách hành chính theo kỳ."),
}


def _load(name: str, module: str, attr: str, kind: str, text: str) -> click.Command:
    """Import one command's module and build its click command the way typer would."""
    from typer.main import get_group

    obj = getattr(importlib.import_module(module), attr)
    holder = typer.Typer()
    if kind == "group":
        holder.add_typer(obj, name=name, help=text)
    elif kind == "command":
        holder.command(name, help=text)(obj)
    else:
        obj(holder)
    return get_group(holder).commands[name]


app = typer.Typer(
    name="loa",
    cls=LazyGroup,
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
    logsafe.install()                   # tokens masked in every line Loa's handlers write
    logsafe.quiet_libraries(verbose)    # PTB/httpx DEBUG lines carry citizens' texts and URLs with tokens
    ctx.obj = AppContext(config_path=config)


def _click_errors() -> tuple[type[BaseException], ...]:
    """Typer's own Click's usage errors (missing or unknown option, bad value, unknown command)."""
    from typer._click.exceptions import UsageError

    return (UsageError,)


def main() -> None:
    try:
        code = app(standalone_mode=False)     # click returns a typer.Exit's code instead of exiting
        if isinstance(code, int) and code:
            sys.exit(code)
    except LoaError as e:               # the one place a LoaError becomes text and an exit code
        console_err.print(f"[bold red]Lỗi:[/] {escape(e.message)}", highlight=False)
        sys.exit(e.exit_code)
    except _click_errors() as e:
        if type(e).__name__ == "NoArgsIsHelpError":
            e.show()
            sys.exit(0)
        console_err.print(f"[bold red]Lỗi:[/] {escape(vietnamese.usage_error(e))}", highlight=False)
        sys.exit(2)
    except (typer.Exit, click.exceptions.Exit) as e:
        sys.exit(e.exit_code)
    except (typer.Abort, click.exceptions.Abort):      # "n" to a confirmation, Ctrl-C at a prompt
        console_err.print("Đã hủy.")
        sys.exit(1)
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
