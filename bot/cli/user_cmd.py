"""`loa user add|list|disable|password`: the web console's accounts (biên tập, lãnh đạo, quản trị)."""

from __future__ import annotations

import getpass
import os
from typing import Optional

import typer
from rich.table import Table

from bot.cli.common import Fail, console, print_json
from content.text import fmt_datetime, now_utc
from content.users import ROLES, add_user, count_active, disable_user, list_users, set_password

app = typer.Typer(no_args_is_help=True)


def _password(env_var: Optional[str]) -> str:
    if env_var:
        value = os.environ.get(env_var, "")
        if not value:
            raise Fail(f"Biến môi trường {env_var} chưa có mật khẩu.")
        return value
    try:
        first = getpass.getpass("Mật khẩu: ")
        again = getpass.getpass("Nhập lại mật khẩu: ")
    except EOFError:
        raise Fail("Không đọc được mật khẩu. Dùng --password-env TÊN_BIẾN khi chạy không có bàn phím.") from None
    if first != again:
        raise Fail("Hai lần nhập mật khẩu không khớp.")
    return first


@app.command("add")
def add(
    ctx: typer.Context,
    username: str = typer.Argument(..., help="Tên đăng nhập, ví dụ nguyenvana."),
    name: str = typer.Option(..., "--name", help="Họ tên, ví dụ \"Nguyễn Văn A\"."),
    role: str = typer.Option(..., "--role", help="Vai trò: bien_tap (biên tập), lanh_dao (lãnh đạo), "
                                                 "quan_tri (quản trị)."),
    password_env: Optional[str] = typer.Option(None, "--password-env", help="Đọc mật khẩu từ biến môi trường này "
                                                                              "(không có: hỏi khi chạy)."),
) -> None:
    """Tạo tài khoản dùng trang quản trị web."""
    if role not in ROLES:
        raise Fail(f"Vai trò không hợp lệ: {role}. Có: " + ", ".join(f"{k} ({v})" for k, v in ROLES.items()) + ".")
    password = _password(password_env)
    with ctx.obj.db.session() as s:
        user = add_user(s, username, name=name, role=role, password=password, now=now_utc())
        shown = (user.username, user.name, user.role_name)
    console.print(f"Đã tạo tài khoản {shown[0]} — {shown[1]} ({shown[2]}).")


@app.command("list")
def list_cmd(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="In dạng JSON.")) -> None:
    """Liệt kê các tài khoản."""
    tz = ctx.obj.settings.tz
    now = now_utc()
    with ctx.obj.db.session() as s:
        rows = [{"username": u.username, "name": u.name, "role": u.role, "role_name": u.role_name,
                 "disabled": u.disabled_at is not None, "created_at": u.created_at.isoformat(),
                 "sessions": count_active(s, u.id, now)} for u in list_users(s)]
        created = {u.username: u.created_at for u in list_users(s)}
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print("Chưa có tài khoản nào. Tạo tài khoản quản trị đầu tiên: "
                      "loa user add TÊN --name \"Họ tên\" --role quan_tri")
        return
    t = Table(title="Tài khoản")
    for col in ("Tên đăng nhập", "Họ tên", "Vai trò", "Trạng thái", "Phiên đang mở", "Tạo lúc"):
        t.add_column(col)
    for r in rows:
        t.add_row(r["username"], r["name"], r["role_name"], "đã khóa" if r["disabled"] else "đang dùng",
                  str(r["sessions"]), fmt_datetime(created[r["username"]], tz))
    console.print(t)


@app.command("disable")
def disable(ctx: typer.Context, username: str = typer.Argument(..., help="Tên đăng nhập.")) -> None:
    """Khóa tài khoản: mọi phiên đang mở bị đăng xuất ngay."""
    with ctx.obj.db.session() as s:
        disable_user(s, username, now=now_utc())
    console.print(f"Đã khóa tài khoản {username}; các phiên đang mở đã bị đăng xuất.")


@app.command("password")
def password(
    ctx: typer.Context,
    username: str = typer.Argument(..., help="Tên đăng nhập."),
    password_env: Optional[str] = typer.Option(None, "--password-env", help="Đọc mật khẩu mới từ biến môi trường này."),
) -> None:
    """Đặt mật khẩu mới (các phiên đang mở bị đăng xuất)."""
    value = _password(password_env)
    with ctx.obj.db.session() as s:
        set_password(s, username, value, now=now_utc())
    console.print(f"Đã đặt mật khẩu mới cho {username}; các phiên đang mở đã bị đăng xuất.")
