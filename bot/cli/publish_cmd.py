"""`loa publish --due`, `loa log` and `loa post retry|list|show`: deliver what is due, read the
publication log, and put a failed post back in the queue."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Optional

import typer
from rich.table import Table

from bot.cli.common import Fail, console, print_json
from channels import log as publog
from channels.models import POST_STATES
from content.kinds import CHANNEL_NAMES
from content.text import fmt_datetime, now_utc, where_name

if TYPE_CHECKING:
    from channels.publisher import Summary

post_app = typer.Typer(no_args_is_help=True, help="Xem và gửi lại từng bài đăng trên các kênh.")


def register(app: typer.Typer) -> None:
    """Add `publish`, `log` and `post …` to the root `loa` app."""
    app.command("publish")(publish)
    app.command("log")(log)
    app.add_typer(post_app, name="post", help="Xem và gửi lại từng bài đăng trên các kênh.")


def _when(text: Optional[str], tz, option: str) -> Optional[datetime]:  # noqa: ANN001
    """A date/time as staff type it (content.items.when); a date alone means its midnight."""
    if not text:
        return None
    from content.items.when import WhenError, parse_when

    try:
        return parse_when(text, now_utc(), 0, tz=tz).at
    except WhenError as e:
        raise Fail(f"{option}: {e.message}") from None


def _where(channel: str, target: str) -> str:
    return where_name(channel, target)


# ---------------------------------------------------------------------------------- publish
def publish(
    ctx: typer.Context,
    due: bool = typer.Option(False, "--due", help="Đăng mọi bài đã đến hạn."),
    now: Optional[str] = typer.Option(None, "--now", help="Coi thời điểm hiện tại là lúc này, "
                                      "ví dụ \"2024-03-04 08:00\" (để thử)."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="Đăng nhiều nhất chừng này bài."),
    as_json: bool = typer.Option(False, "--json", help="In kết quả dạng JSON."),
) -> None:
    """Đăng các bài đã đến hạn lên các kênh."""
    if not due:
        raise Fail("Hãy ghi rõ: loa publish --due (đăng mọi bài đã đến hạn).")
    obj = ctx.obj
    settings = obj.settings
    start = _when(now, settings.tz, "--now") or now_utc()
    db = obj.db
    from bot.wiring import live_channels
    from channels.publisher import Publisher   # the renderers and adapters: only when publishing

    channels = live_channels(settings, db)
    began = time.monotonic()

    def clock() -> datetime:  # --now shifts the clock; time still runs during the command
        return start + timedelta(seconds=time.monotonic() - began)

    async def go() -> Summary:
        publisher = Publisher(db, channels, settings, clock=clock, notify=lambda _text: None)
        try:
            return await publisher.publish_due(start)
        finally:
            for ch in channels.values():
                try:
                    await ch.aclose()
                except Exception:  # noqa: BLE001 - closing must not hide the results
                    pass

    summary = asyncio.run(go())
    if as_json:
        print_json(summary.as_dict())
        return
    _print_summary(summary, fmt_datetime(start, settings.tz))


def _print_summary(s: Summary, when: str) -> None:
    t = Table(title=f"Kết quả đăng bài đến hạn ({when})")
    t.add_column("Kết quả")
    t.add_column("Số bài", justify="right")
    rows = [("Đã đăng", s.published), ("Xác nhận đã lên sau khi mất kết nối", s.reconciled),
            ("Sẽ thử lại sau", s.retried), ("Lỗi, không tự thử lại", s.failed),
            ("Bỏ cuộc sau nhiều lần thử", s.dead), ("Chưa rõ đã lên hay chưa", s.unknown),
            ("Lần bị kênh giới hạn tốc độ (429)", s.rate_limited)]
    for label, n in rows:
        t.add_row(label, str(n))
    console.print(t)
    for channel, n in sorted(s.skipped.items()):
        console.print(f"Kênh {CHANNEL_NAMES.get(channel, channel)} chưa sẵn sàng: {n} bài đến hạn đang chờ. "
                      "Kiểm tra cấu hình kênh này.")
    if s.notices:
        console.print("[bold]Cần cán bộ xử lý:[/]")
        for text in s.notices:
            console.print(f"  - {text}", markup=False)
    if not any((s.published, s.reconciled, s.retried, s.failed, s.dead, s.unknown, s.skipped)):
        console.print("Không có bài nào đến hạn.")


# -------------------------------------------------------------------------------------- log
def log(
    ctx: typer.Context,
    channel: Optional[str] = typer.Option(None, "--channel", help="Chỉ kênh này, ví dụ telegram."),
    since: Optional[str] = typer.Option(None, "--since", help="Từ ngày/giờ này, ví dụ 2024-03-01."),
    failed: bool = typer.Option(False, "--failed", help="Chỉ các lần gửi không thành công."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="Chỉ chừng này dòng mới nhất."),
    as_json: bool = typer.Option(False, "--json", help="In dạng JSON."),
) -> None:
    """Nhật ký đăng bài: mọi lần gửi, kết quả và lỗi."""
    obj = ctx.obj
    tz = obj.settings.tz
    if channel and channel not in CHANNEL_NAMES:
        raise Fail(f"Kênh không hợp lệ: {channel}. Các kênh có: {', '.join(CHANNEL_NAMES)}.")
    start = _when(since, tz, "--since")
    with obj.db.session() as s:
        entries = publog.query(s, channel=channel, since=start, failed=failed, limit=limit)
    if as_json:
        print_json([{**e.as_dict(), "at_local": fmt_datetime(e.at, tz)} for e in entries])
        return
    if not entries:
        console.print("Nhật ký đăng bài chưa có dòng nào" + (" khớp điều kiện lọc." if (channel or since or failed)
                                                             else "."))
        return
    wide = console.width >= 120                   # latency and address only where there is room
    editions = wide or any(e.edition for e in entries)
    t = Table(title="Nhật ký đăng bài")
    t.add_column("Thời gian", no_wrap=True, min_width=16)      # dates are never cut
    t.add_column("Kênh", overflow="fold")
    t.add_column("Bài", overflow="fold", no_wrap=True)
    if editions:
        t.add_column("Số phát hành", overflow="fold")
    t.add_column("Kết quả", overflow="fold")
    t.add_column("Mã HTTP/lỗi", overflow="fold", ratio=2)
    if wide:
        t.add_column("Độ trễ", overflow="fold", no_wrap=True)
        t.add_column("Địa chỉ", overflow="fold", ratio=1)
    for e in entries:
        item = f"{e.item_id}" + (f" (phần {e.part})" if e.part > 1 else "")
        code = " ".join(x for x in (str(e.http_status) if e.http_status else "", e.error or "") if x)
        row = [fmt_datetime(e.at, tz), _where(e.channel, e.target), item]
        if editions:
            row.append(e.edition or "—")
        row += [publog.OUTCOME_NAMES.get(e.outcome, e.outcome), code or "—"]
        if wide:
            row += [f"{e.latency_ms} ms" if e.latency_ms is not None else "—", e.url or e.external_id or "—"]
        t.add_row(*row)
    console.print(t)
    if not wide:
        console.print("[dim]Độ trễ và địa chỉ bài: xem loa log --json, hoặc mở rộng cửa sổ.[/]")


# ------------------------------------------------------------------------------------- post
@post_app.command("retry")
def post_retry(ctx: typer.Context, post_id: int = typer.Argument(..., help="Số bài đăng."),
               by: Optional[str] = typer.Option(None, "--by", help="Người thực hiện (tên cán bộ); mặc định là "
                                                "tài khoản máy tính đang dùng.")) -> None:
    """Gửi lại một bài đăng bị lỗi, bỏ cuộc hoặc chưa rõ kết quả."""
    from bot.cli.common import actor
    from channels.steering import Steering

    obj = ctx.obj
    p = Steering(obj.db, obj.settings).retry(post_id, actor(by))
    where, parts = _where(p.channel, p.target), (p.parts_done, p.parts_total)
    console.print(f"Đã đưa bài đăng số {post_id} ({where}) vào hàng chờ"
                  + (f", gửi tiếp từ phần {parts[0] + 1}/{parts[1]}" if parts[0] else "")
                  + ". Bài sẽ được gửi ở lần chạy kế tiếp (loa publish --due).")


def _post_state(text: Optional[str]) -> Optional[str]:
    """A post state typed as its code ("dead") or its Vietnamese name ("bỏ cuộc")."""
    if not text:
        return None
    from content.items.when import fold

    key = " ".join(fold(text.strip()).split())
    for code in POST_STATES:
        if key in (code, " ".join(fold(publog.POST_STATE_NAMES.get(code, code)).split())):
            return code
    raise Fail(f"Trạng thái không hợp lệ: “{text}”. Có: "
               + ", ".join(f"{publog.POST_STATE_NAMES.get(x, x)} ({x})" for x in POST_STATES) + ".")


@post_app.command("list")
def post_list(
    ctx: typer.Context,
    state: Optional[str] = typer.Option(None, "--state", help="Lọc theo trạng thái: "
                                        + ", ".join(f"“{publog.POST_STATE_NAMES.get(x, x)}”" for x in POST_STATES)
                                        + " (gõ có dấu, không dấu hoặc mã trạng thái đều được)."),
    as_json: bool = typer.Option(False, "--json", help="In dạng JSON."),
) -> None:
    """Liệt kê các bài đăng trên các kênh."""
    obj = ctx.obj
    tz = obj.settings.tz
    state = _post_state(state)
    with obj.db.session() as s:
        rows = publog.posts(s, state=state)
    if as_json:
        print_json([r.as_dict() for r in rows])
        return
    if not rows:
        console.print("Chưa có bài đăng nào." if not state
                      else f"Không có bài đăng nào “{publog.POST_STATE_NAMES[state]}”.")
        return
    t = Table(title="Các bài đăng")
    for col in ("Số", "Bài", "Kênh", "Trạng thái"):
        t.add_column(col, overflow="fold")
    t.add_column("Hạn đăng", no_wrap=True, min_width=16)
    for col in ("Lần", "Phần"):
        t.add_column(col, overflow="fold", no_wrap=True)
    t.add_column("Lỗi gần nhất", overflow="fold", ratio=1)
    for r in rows:
        t.add_row(str(r.id), f"{r.item_id} {r.title}", _where(r.channel, r.target),
                  publog.POST_STATE_NAMES.get(r.state, r.state), fmt_datetime(r.due_at, tz), str(r.attempts),
                  f"{r.parts_done}/{r.parts_total}" if r.parts_total else "—", r.last_error or "")
    console.print(t)


@post_app.command("show")
def post_show(ctx: typer.Context, post_id: int = typer.Argument(..., help="Số bài đăng."),
              as_json: bool = typer.Option(False, "--json", help="In dạng JSON.")) -> None:
    """Xem một bài đăng và nhật ký các lần gửi."""
    obj = ctx.obj
    tz = obj.settings.tz
    with obj.db.session() as s:
        p = publog.post(s, post_id)
        entries = publog.query(s, post_id=post_id) if p else []
    if p is None:
        raise Fail(f"Không có bài đăng số {post_id}.")
    if as_json:
        print_json({**p.as_dict(), "log": [e.as_dict() for e in entries]})
        return
    console.print(f"[bold]Bài đăng số {p.id}[/] — bài số {p.item_id} “{p.title}”", highlight=False)
    console.print(f"Kênh: {_where(p.channel, p.target)}" + (f" — số phát hành {p.edition}" if p.edition else ""))
    console.print(f"Trạng thái: {publog.POST_STATE_NAMES.get(p.state, p.state)}")
    console.print(f"Hạn đăng: {fmt_datetime(p.due_at, tz)}")
    if p.next_attempt_at and p.state in ("pending", "failed"):
        console.print(f"Lần thử kế tiếp: {fmt_datetime(p.next_attempt_at, tz)}")
    console.print(f"Số lần thử: {p.attempts}; phần đã gửi: {p.parts_done}/{p.parts_total or '?'}")
    if p.published_at:
        console.print(f"Đã đăng lúc: {fmt_datetime(p.published_at, tz)}")
    if p.url or p.external_id:
        console.print(f"Địa chỉ: {p.url or p.external_id}")
    if p.last_error:
        console.print(f"Lỗi gần nhất: {p.last_error}", markup=False)
    if p.state in ("dead", "failed", "unknown"):
        console.print(f"Gửi lại: loa post retry {p.id}")
    for e in entries:
        code = " ".join(x for x in (str(e.http_status) if e.http_status else "", e.error or "") if x)
        console.print(f"  {fmt_datetime(e.at, tz)}  phần {e.part}  {publog.OUTCOME_NAMES.get(e.outcome, e.outcome)}"
                      + (f"  {code}" if code else "") + (f"  {e.latency_ms} ms" if e.latency_ms is not None else ""),
                      markup=False)
