"""What every CLI command shares: the lazily loaded settings and database, the error type
that becomes a clean Vietnamese message, and consoles for output."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape

from content import logsafe
from content.config import CHANNEL_SETTINGS, Settings, load
from content.errors import LoaError

if TYPE_CHECKING:   # the database (SQLAlchemy) is imported by the commands that use it
    from content import db as dbmod

console = Console(highlight=False, soft_wrap=True)
console_err = Console(stderr=True, highlight=False, soft_wrap=True)


class Fail(LoaError):
    """A command's own expected failure (bad option, nothing to do): a `LoaError` that `main()`
    prints as `Lỗi: <message>`, exiting with `code`."""

    def __init__(self, message: str, code: int = 2):
        super().__init__(message, exit_code=code)

    @property
    def code(self) -> int:
        return self.exit_code


@dataclass
class AppContext:
    config_path: str | None = None
    _settings: Settings | None = field(default=None, repr=False)
    _db: dbmod.Database | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load(self.config_path)     # ConfigError: a LoaError, exit 2
            remember_secrets(self._settings)
            if self._settings.path is None:
                console_err.print(
                    f"Không có tệp cấu hình config.toml trong {Path.cwd()}: Loa dùng cấu hình mặc định; cơ sở dữ "
                    f"liệu: {_safe_url(self._settings.database_url)}. Chỉ tệp cấu hình bằng --config hoặc biến "
                    "môi trường LOA_CONFIG.", highlight=False, markup=False)
        return self._settings

    @property
    def db(self) -> dbmod.Database:
        if self._db is None:
            from content import db as dbmod

            try:
                self._db = dbmod.open_db(self.settings.database_url)
            except Exception as e:  # noqa: BLE001 - any driver error becomes a clear message
                raise Fail(f"Không mở được cơ sở dữ liệu ({_safe_url(self.settings.database_url)}): "
                           f"{type(e).__name__}: {e}") from None
        return self._db


def remember_secrets(settings: Settings) -> None:
    """Every secret the configuration names (tokens, keys, the database password) is masked in logs."""
    from urllib.parse import unquote, urlsplit   # not SQLAlchemy: light commands start fast

    for name in CHANNEL_SETTINGS:       # a channel without a section still has its default names
        ch = settings.channel(name)
        for f in dataclasses.fields(ch):
            value = getattr(ch, f.name)
            if f.name.endswith("_env") and isinstance(value, str):
                logsafe.remember_secret(settings.secret(value))
    try:
        logsafe.remember_secret(unquote(urlsplit(settings.database_url).password or ""))
    except Exception:  # noqa: BLE001 - a broken URL is reported when it is opened
        pass


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001
        return "(URL không hợp lệ)"


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def actor(by: str | None):  # noqa: ANN201
    """Who acts: the named person (--by) or the operating-system user."""
    from content.audit import Actor

    return Actor.os_user(by)


def confirm(lines: list[str], yes: bool, question: str = "Tiếp tục?") -> None:
    """Say what will happen, then go on only with --yes or a "y" typed at a terminal."""
    for line in lines:      # on stderr: stdout stays clean for --json
        console_err.print(f"[yellow]•[/] {escape(line)}", highlight=False)
    if yes:
        return
    if not sys.stdin.isatty():
        raise Fail("Việc này cần xác nhận: chạy lại lệnh với --yes nếu đúng ý.")
    import typer

    typer.confirm(question, default=False, abort=True)     # "n": main() says "Đã hủy.", exit 1


def when_option(text: str | None, settings, channels=None, *, yes: bool = False, option: str = "--at"):  # noqa: ANN001, ANN201
    """Parse a date/time typed by staff (content.items.when); say which default hour was used;
    a time in the past needs confirmation."""
    if not text:
        return None
    from content.items.when import default_hour_for, parse_when
    from content.kinds import PUBLISHABLE
    from content.text import now_utc

    hour, source = default_hour_for(settings, list(channels or PUBLISHABLE))
    w = parse_when(text, now_utc(), hour, tz=settings.tz)
    if w.hour_assumed:
        console_err.print(f"Không ghi giờ: dùng {w.local:%H:%M} ({source}).", highlight=False, markup=False)
    if w.past and option == "--at":
        confirm([f"Thời điểm {w.shown()} đã qua: bài sẽ được đăng ngay khi duyệt."], yes)
    return w.at
