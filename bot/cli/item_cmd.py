"""`loa item …`: staff write content once, a leader approves it, Loa queues it on every channel —
and mistakes can be put right at every step (edit, reject, restore, withdraw, correct).

A thin client of `channels.steering.Steering`: the rules, the audit row and the posts'
bookkeeping live there (the web console calls the same functions)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table
from sqlalchemy import select

from bot.cli.common import Fail, actor, confirm, console, print_json, when_option
from content.items import states
from content.items import workflow as items_mod
from content.items.body import read_body_file
from content.items.workflow import STATE_NAMES, NewItem
from content.models import Item, PlanRecord
from content.kinds import PUBLISHABLE
from content.kinds import CHANNEL_NAMES

app = typer.Typer(no_args_is_help=True)

BY = "Người thực hiện (tên cán bộ); mặc định là tài khoản máy tính đang dùng."
YES = "Không hỏi lại: đồng ý với những việc Loa báo trước."
AT = "Thời điểm đăng, ví dụ \"05/03/2024 08:00\", \"5/3 8h30\", \"8h30 thứ Hai tuần sau\"."


def _body(path: Optional[Path]) -> Optional[str]:
    return None if path is None else read_body_file(path)


def _steering(ctx: typer.Context, *, live: bool = False):  # noqa: ANN202
    from channels.steering import Steering

    obj = ctx.obj
    channels = None
    if live:
        from bot.wiring import live_channels

        channels = live_channels(obj.settings, obj.db)
    return Steering(obj.db, obj.settings, channels)


def _close(steer) -> None:  # noqa: ANN001
    async def go() -> None:
        for ch in steer.channels.values():
            try:
                await ch.aclose()
            except Exception:  # noqa: BLE001 - closing must not hide the result
                pass
    asyncio.run(go())


def _item_dict(item: Item, tz) -> dict:  # noqa: ANN001
    return {
        "id": item.id, "title": item.title, "state": item.state, "state_name": STATE_NAMES.get(item.state, item.state),
        "channels": list(item.channels), "plan_id": item.plan_id, "theme_id": item.theme_id, "slot_id": item.slot_id,
        "task_no": item.task_no,
        "publish_at": item.publish_at.astimezone(tz).isoformat() if item.publish_at else None,
        "image": item.image_path, "source": item.source, "source_url": item.source_url,
        "approved_by": item.approved_by, "note": item.note, "body": item.body, "summary": item.summary,
        "version": item.version,
    }


def _report(result, as_json: bool = False) -> None:  # noqa: ANN001
    if as_json:
        print_json(result.as_dict())
        return
    for line in result.done:
        console.print(line, markup=False)
    for line in result.warnings:
        console.print(f"[yellow]Chú ý:[/] {line}", highlight=False)
    if result.manual:
        console.print("[bold]Cần cán bộ xử lý tay:[/]")
        for line in result.manual:
            console.print(f"  - {line}", markup=False)


def _only_plan(ctx: typer.Context) -> Optional[int]:
    with ctx.obj.db.session() as s:
        ids = list(s.scalars(select(PlanRecord.id).limit(2)))
    return ids[0] if len(ids) == 1 else None


@app.command("add")
def add(
    ctx: typer.Context,
    title: str = typer.Option(..., "--title", help="Tiêu đề bài."),
    body_file: Optional[Path] = typer.Option(None, "--body-file", help="Tệp nội dung: Word .docx, Markdown .md "
                                             "hoặc văn bản .txt (UTF-8 hoặc Unicode UTF-16)."),
    body: Optional[str] = typer.Option(None, "--body", help="Nội dung ngắn (thay cho --body-file)."),
    theme: Optional[str] = typer.Option(None, "--theme", help="Mã chủ đề trong kế hoạch, ví dụ t3."),
    plan: Optional[int] = typer.Option(None, "--plan", help="Mã số kế hoạch; bỏ trống khi chỉ có một kế hoạch."),
    slot: Optional[int] = typer.Option(None, "--slot", help="Ô lịch mà bài này lấp."),
    task: Optional[str] = typer.Option(None, "--task", help="Số thứ tự nhiệm vụ trong phụ lục."),
    channels: Optional[str] = typer.Option(None, "--channels", help="Các kênh, ví dụ portal,telegram,radio."),
    at: Optional[str] = typer.Option(None, "--at", help=AT),
    image: Optional[Path] = typer.Option(None, "--image", help="Ảnh kèm theo."),
    summary: str = typer.Option("", "--summary", help="Sa pô (tóm tắt)."),
    by: Optional[str] = typer.Option(None, "--by", help="Người soạn; mặc định là tài khoản máy tính đang dùng."),
    yes: bool = typer.Option(False, "--yes", "-y", help=YES),
    as_json: bool = typer.Option(False, "--json", help="In kết quả dạng JSON."),
) -> None:
    """Soạn một bài mới (bản nháp, chờ duyệt)."""
    obj = ctx.obj
    settings = obj.settings
    if body_file is not None and body is not None:
        raise Fail("Chỉ dùng một trong hai: --body-file hoặc --body.")
    text = _body(body_file) if body_file is not None else (body or "")
    if not text.strip():
        raise Fail("Bài chưa có nội dung. Hãy dùng --body-file TỆP (.docx, .md, .txt) hoặc --body \"…\".")
    chans = items_mod.parse_channels(channels)
    when = when_option(at, settings, chans, yes=yes)
    linked = plan if plan is not None else (_only_plan(ctx) if slot is None else None)
    new = NewItem(title=title, body=text, channels=chans, theme_id=theme, plan_id=linked, slot_id=slot, task_no=task,
                  publish_at=when, image_path=str(image) if image else None, summary=summary,
                  created_by=actor(by).name)
    result = _steering(ctx).add(new, actor(by), confirm_past=True)
    with obj.db.session() as s:
        data = _item_dict(items_mod.get_item(s, result.item_id), settings.tz)
    if as_json:
        print_json(data)
        return
    console.print(f"Đã tạo bài số {data['id']}: “{data['title']}” ({STATE_NAMES[data['state']]}).", markup=False)
    if plan is None and linked is not None:
        console.print(f"Bài thuộc kế hoạch số {linked} (kế hoạch duy nhất đã nhập).")
    if data["slot_id"]:
        console.print(f"Bài lấp ô lịch số {data['slot_id']}.")
    if data["state"] == "draft":
        console.print(f"Xem trước: loa item preview {data['id']} — duyệt: loa item approve {data['id']}")


@app.command("list")
def list_items(
    ctx: typer.Context,
    state: Optional[str] = typer.Option(None, "--state", help="Lọc theo trạng thái: "
                                        + ", ".join(f"“{n}”" for n in STATE_NAMES.values())
                                        + " (gõ có dấu, không dấu hoặc mã trạng thái đều được)."),
    as_json: bool = typer.Option(False, "--json", help="In dạng JSON."),
) -> None:
    """Liệt kê các bài."""
    obj = ctx.obj
    code = states.parse_state(state) if state else None
    with obj.db.session() as s:
        q = select(Item).order_by(Item.id)
        if code:
            q = q.where(Item.state == code)
        rows = [_item_dict(i, obj.settings.tz) for i in s.scalars(q)]
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print("Chưa có bài nào." if not code else f"Không có bài nào “{STATE_NAMES[code]}”.")
        return
    t = Table(title="Các bài")
    t.add_column("Số", justify="right", no_wrap=True)
    t.add_column("Tiêu đề", ratio=1, overflow="fold")
    t.add_column("Trạng thái", no_wrap=True)
    t.add_column("Kênh", overflow="fold")
    t.add_column("Thời điểm đăng", no_wrap=True, min_width=10)
    for r in rows:
        t.add_row(str(r["id"]), r["title"], STATE_NAMES[r["state"]],
                  ", ".join(CHANNEL_NAMES.get(c, c) for c in r["channels"]), _show_time(r["publish_at"]))
    console.print(t)


def _show_time(iso: Optional[str]) -> str:
    if not iso:
        return "ngay khi duyệt"
    return datetime.fromisoformat(iso).strftime("%d/%m/%Y %H:%M")


@app.command("show")
def show(ctx: typer.Context, item_id: int = typer.Argument(..., metavar="SỐ_BÀI", help="Số bài."),
         as_json: bool = typer.Option(False, "--json", help="In dạng JSON.")) -> None:
    """Xem một bài và những việc có thể làm với nó."""
    from channels.models import Post

    obj = ctx.obj
    with obj.db.session() as s:
        item = items_mod.get_item(s, item_id)
        data = _item_dict(item, obj.settings.tz)
        posts = list(s.scalars(select(Post).where(Post.item_id == item_id)))
        sent = any(p.state in ("published", "withdrawn") or p.parts_done > 0 for p in posts)
    data["actions"] = states.actions_for(data["state"], sent)
    if as_json:
        print_json(data)
        return
    console.print(f"[bold]Bài số {data['id']}: {data['title']}[/]", highlight=False)
    console.print(f"Trạng thái: {STATE_NAMES[data['state']]}"
                  + (f" — lý do: {data['note']}" if data["state"] in ("rejected", "withdrawn") and data["note"] else ""),
                  markup=False)
    console.print(f"Kênh: {', '.join(CHANNEL_NAMES.get(c, c) for c in data['channels'])}")
    console.print(f"Thời điểm đăng: {_show_time(data['publish_at'])}")
    if data["theme_id"]:
        console.print(f"Chủ đề: {data['theme_id']} (kế hoạch số {data['plan_id']})")
    elif data["plan_id"]:
        console.print(f"Kế hoạch số {data['plan_id']}")
    if data["actions"]:
        console.print("Có thể: " + ", ".join(f"loa item {a} {item_id}" for a in data["actions"]))
    console.print()
    console.print(data["body"], markup=False)


@app.command("approve")
def approve(ctx: typer.Context, item_id: int = typer.Argument(..., metavar="SỐ_BÀI", help="Số bài."),
            by: Optional[str] = typer.Option(None, "--by", help="Người duyệt (tên lãnh đạo chịu trách nhiệm)."),
            yes: bool = typer.Option(False, "--yes", "-y", help=YES)) -> None:
    """Duyệt bài và đưa vào hàng đợi đăng trên các kênh."""
    steer = _steering(ctx, live=True)
    try:
        lines = steer.consequences(item_id, "approve")
        if lines:
            confirm(lines, yes)
        _report(steer.approve(item_id, actor(by), confirm_past=True))
    finally:
        _close(steer)


@app.command("reject")
def reject(ctx: typer.Context, item_id: int = typer.Argument(..., metavar="SỐ_BÀI", help="Số bài."),
           reason: str = typer.Option(..., "--reason", help="Lý do từ chối (người soạn sẽ đọc)."),
           by: Optional[str] = typer.Option(None, "--by", help=BY)) -> None:
    """Từ chối bài (cả bài đã lên lịch, chưa đăng): ghi lý do để người soạn sửa."""
    steer = _steering(ctx)
    for line in steer.consequences(item_id, "reject"):
        console.print(f"[yellow]•[/] {line}", highlight=False)
    _report(steer.reject(item_id, actor(by), reason))


@app.command("cancel")
def cancel(ctx: typer.Context, item_id: int = typer.Argument(..., metavar="SỐ_BÀI", help="Số bài."),
           by: Optional[str] = typer.Option(None, "--by", help=BY)) -> None:
    """Hủy bài chưa đăng; các lượt đăng chưa gửi cũng bị hủy (khôi phục được: loa item restore)."""
    steer = _steering(ctx)
    for line in steer.consequences(item_id, "cancel"):
        console.print(f"[yellow]•[/] {line}", highlight=False)
    _report(steer.cancel(item_id, actor(by)))


@app.command("restore")
def restore(ctx: typer.Context, item_id: int = typer.Argument(..., metavar="SỐ_BÀI", help="Số bài."),
            by: Optional[str] = typer.Option(None, "--by", help=BY)) -> None:
    """Khôi phục bài đã hủy hoặc bị từ chối về bản nháp."""
    _report(_steering(ctx).restore(item_id, actor(by)))


@app.command("edit")
def edit(
    ctx: typer.Context,
    item_id: int = typer.Argument(..., metavar="SỐ_BÀI", help="Số bài."),
    title: Optional[str] = typer.Option(None, "--title", help="Tiêu đề mới."),
    body_file: Optional[Path] = typer.Option(None, "--body-file", help="Tệp nội dung mới (.docx, .md, .txt)."),
    channels: Optional[str] = typer.Option(None, "--channels", help="Các kênh mới, ví dụ portal,telegram."),
    at: Optional[str] = typer.Option(None, "--at", help=AT),
    summary: Optional[str] = typer.Option(None, "--summary", help="Sa pô (tóm tắt) mới."),
    by: Optional[str] = typer.Option(None, "--by", help=BY),
    yes: bool = typer.Option(False, "--yes", "-y", help=YES),
) -> None:
    """Sửa bài chưa đăng. Bài đã duyệt hoặc đã lên lịch: các lượt đăng chưa gửi được rút khỏi
    hàng đợi và bài quay về bản nháp, cần duyệt lại."""
    from channels.steering import Changes

    settings = ctx.obj.settings
    chans = items_mod.parse_channels(channels) if channels else None
    changes = Changes(title=title, body=_body(body_file), summary=summary, channels=chans,
                      publish_at=when_option(at, settings, chans, yes=yes))
    steer = _steering(ctx)
    for line in steer.consequences(item_id, "edit"):
        console.print(f"[yellow]•[/] {line}", highlight=False)
    _report(steer.edit(item_id, actor(by), changes, confirm_past=True))


@app.command("withdraw")
def withdraw(ctx: typer.Context, item_id: int = typer.Argument(..., metavar="SỐ_BÀI", help="Số bài."),
             reason: str = typer.Option("", "--reason", help="Lý do gỡ bài (ghi vào nhật ký)."),
             by: Optional[str] = typer.Option(None, "--by", help=BY),
             yes: bool = typer.Option(False, "--yes", "-y", help=YES)) -> None:
    """Gỡ bài đã đăng khỏi các kênh cho phép gỡ; kênh nào không gỡ được thì liệt kê để cán bộ
    gỡ tay. Chạy lại lệnh để thử lại những kênh lần trước chưa gỡ được."""
    steer = _steering(ctx, live=True)
    try:
        confirm(steer.consequences(item_id, "withdraw"), yes, "Gỡ bài?")
        _report(asyncio.run(steer.withdraw(item_id, actor(by), reason)))
    finally:
        _close(steer)


@app.command("correct")
def correct(ctx: typer.Context, item_id: int = typer.Argument(..., metavar="SỐ_BÀI", help="Số bài."),
            body_file: Optional[Path] = typer.Option(None, "--body-file", help="Tệp nội dung đúng (.docx, .md, .txt)."),
            title: Optional[str] = typer.Option(None, "--title", help="Tiêu đề đúng."),
            summary: Optional[str] = typer.Option(None, "--summary", help="Sa pô đúng."),
            by: Optional[str] = typer.Option(None, "--by", help=BY),
            yes: bool = typer.Option(False, "--yes", "-y", help=YES)) -> None:
    """Đính chính bài đã đăng: sửa tại chỗ trên kênh cho phép sửa, kênh khác nhận tin đính chính."""
    body = _body(body_file)
    if body is None and title is None and summary is None:
        raise Fail("Hãy ghi nội dung đúng: --body-file TỆP và/hoặc --title \"…\".")
    steer = _steering(ctx, live=True)
    try:
        confirm(steer.consequences(item_id, "correct"), yes, "Đính chính?")
        _report(asyncio.run(steer.correct(item_id, actor(by), title=title, body=body, summary=summary)))
    finally:
        _close(steer)


@app.command("preview")
def preview(
    ctx: typer.Context,
    item_id: int = typer.Argument(..., metavar="SỐ_BÀI", help="Số bài."),
    channel: Optional[str] = typer.Option(None, "--channel", help="Chỉ xem một kênh."),
    output: Optional[Path] = typer.Option(None, "--output", help="Thư mục ghi bản xem trước (trang HTML, "
                                                                 "kịch bản .docx); mặc định var/preview."),
) -> None:
    """Xem trước bài trên từng kênh, trước khi duyệt: chữ đọc được ở đây, trang HTML ghi ra tệp."""
    from bot.wiring import body_limits, link_for
    from content.files import write_atomic
    from content.render.item import render   # Jinja2, markdown-it, nh3: only for previews
    from content.render.plain import html_to_text

    obj = ctx.obj
    settings = obj.settings
    if channel and channel not in PUBLISHABLE:
        raise Fail(f"Kênh không hợp lệ: {channel}. Có: {', '.join(PUBLISHABLE)}.")
    with obj.db.session() as s:
        item = items_mod.get_item(s, item_id)
        names = [channel] if channel else list(item.channels)
        article = items_mod.article_of(s, item, settings, link=link_for(settings, item))
    limits = body_limits(settings)
    folder = output or settings.resolve("var/preview")
    written: list[Path] = []

    def save(name: str, data: bytes | str) -> Path:
        try:
            written.append(write_atomic(folder / name, data))
        except OSError as e:
            raise Fail(f"Không ghi được bản xem trước vào {folder}: {e.strerror or e}") from None
        return written[-1]

    for name in names:
        r = render(article, name, settings, max_len=limits.get(name))
        console.rule(f"{CHANNEL_NAMES.get(name, name)} — {len(r.parts)} phần")
        for i, part in enumerate(r.parts, 1):
            if len(r.parts) > 1:
                console.print(f"[dim]— phần {i}/{len(r.parts)}, {len(part)} ký tự —[/]")
            if name == "portal":
                text = f"{r.title}\n{article.date:%d/%m/%Y}\n\n{html_to_text(part)}"
            elif name == "hotline":
                text = html_to_text(part)
            elif r.format == "html":
                text = html_to_text(part, newlines=True)
            else:
                text = part
            console.print(text, markup=False)
        if name == "portal":
            page = save(f"bai-{item_id}-cong-ttdt.html", r.extras.get("page") or r.parts[0])
            console.print(f"[dim]Trang đầy đủ (mở bằng trình duyệt):[/] {page}", highlight=False)
        if name == "hotline":
            page = save(f"bai-{item_id}-duong-day-nong.html", r.parts[0])
            console.print(f"[dim]Thông báo để in (mở bằng trình duyệt):[/] {page}", highlight=False)
            if r.extras.get("docx"):
                doc = save(f"bai-{item_id}-duong-day-nong.docx", r.extras["docx"])
                console.print(f"[dim]Bản Word để in:[/] {doc}", highlight=False)
        if name == "radio":
            secs = int(r.extras.get("duration_seconds", 0))
            console.print(f"[dim]Thời lượng ước tính: {secs // 60} phút {secs % 60} giây[/]")
            checks = r.extras.get("to_check") or []
            if checks:
                console.print("Người đọc cần kiểm tra:")
                for c in checks:
                    console.print(f"  • {c.describe() if hasattr(c, 'describe') else c}", markup=False)
            if r.extras.get("docx"):
                doc = save(f"bai-{item_id}-dai-truyen-thanh.docx", r.extras["docx"])
                console.print(f"[dim]Kịch bản Word để in:[/] {doc}", highlight=False)
        if name == "hotline" and r.extras.get("sms"):
            console.print(f"[dim]Tin nhắn SMS ({r.extras.get('sms_encoding')}, "
                          f"{r.extras.get('sms_segments')} tin):[/]")
            console.print(r.extras["sms"], markup=False)
        if output and name in ("telegram", "zalo"):
            save(f"bai-{item_id}-{name}.txt", "\n\n".join(
                html_to_text(p, newlines=True) if r.format == "html" else p for p in r.parts) + "\n")
    if written:
        console.print(f"Đã ghi {len(written)} tệp xem trước vào {folder}", highlight=False)
