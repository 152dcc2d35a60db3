"""`loa doctor`: what is configured, what is not, and what to do about it — for the operator."""

from __future__ import annotations

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text
from sqlalchemy import func, select, text

from bot.cli.common import Fail, _safe_url, console
from channels.log import POST_STATE_NAMES
from channels.models import Post
from content.kinds import CHANNEL_NAMES
from channels.state import StateStore
from content.config import ConfigError, config_path

MODES = {"live": "đang đăng thật", "outbox": "ghi vào hộp thư đi (chưa có mã truy cập)", "disabled": "tắt"}


def doctor(ctx: typer.Context) -> None:
    """Kiểm tra cấu hình, cơ sở dữ liệu và các kênh."""
    from channels.registry import channel_status

    obj = ctx.obj
    try:
        settings = obj.settings
    except ConfigError as e:
        console.print(escape(f"Tệp cấu hình: {config_path(obj.config_path)}"))
        for line in e.problems:
            console.print(Text.assemble(("- " + line, "red")))
        raise Fail(f"Cấu hình có {len(e.problems)} lỗi (xem ở trên).", code=2) from None
    console.print(escape(f"Tệp cấu hình: {settings.path or '(không có tệp config.toml: dùng cấu hình mặc định)'}"))
    console.print(escape(f"Đơn vị: {settings.unit.name} · múi giờ {settings.timezone}"))
    console.print(escape(f"Cơ sở dữ liệu: {_safe_url(settings.database_url)}"))
    problems = 0
    with obj.db.session() as s:
        version = s.execute(text("SELECT version_num FROM alembic_version")).scalar()
        stuck = dict(s.execute(select(Post.state, func.count()).where(
            Post.state.in_(("dead", "unknown", "failed"))).group_by(Post.state)).all())
    console.print(f"  lược đồ: phiên bản {version}")
    t = Table(title="Các kênh")
    for col in ("Kênh", "Chế độ", "Ghi chú"):
        t.add_column(col, overflow="fold")
    for st in channel_status(settings, StateStore(obj.db)):
        t.add_row(CHANNEL_NAMES.get(st.name, st.name), MODES.get(st.mode, st.mode), escape(st.reason_vi))
    console.print(t)
    tg = settings.channel("telegram")
    if not tg.staff_chat_id:
        console.print("[yellow]Chưa đặt staff_chat_id (\\[channels.telegram]): nhắc việc và câu hỏi của "
                      "người dân chỉ ghi vào nhật ký.[/]")
    for line in _qa_lines(settings):
        console.print(line, markup=False)
    if not settings.feeds:
        console.print("Chưa khai báo nguồn tin ([[feeds]] trong config.toml).", markup=False)
    for state, n in stuck.items():
        problems += 1
        name = POST_STATE_NAMES.get(state, state)
        console.print(f"[red]{n} bài đăng ở trạng thái “{name}”: xem loa post list --state \"{name}\"[/]")
    if problems:
        raise Fail(f"Có {problems} việc cần xử lý (xem ở trên).", code=1)
    console.print("Mọi thứ sẵn sàng.")


def _qa_lines(settings) -> list[str]:  # noqa: ANN001
    """Where citizens' questions come in ("Dân hỏi – Chính quyền trả lời"), and what is missing."""
    from bot.qa.intake import intake_lines

    return ["Hỏi – đáp (Dân hỏi – Chính quyền trả lời):"] + [f"  {line}" for line in intake_lines(settings)]
