"""`loa item …`: staff write content once, a leader approves it, Loa queues it on every channel."""

from __future__ import annotations

import getpass
from datetime import datetime
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table
from sqlalchemy import select

from bot.cli.common import Fail, console, print_json
from content.items import workflow as items_mod
from content.items.workflow import STATE_NAMES, ItemError, NewItem
from content.models import Item
from content.render.item import render
from content.settings import PUBLISHABLE
from content.text import CHANNEL_NAMES, now_utc, parse_local

app = typer.Typer(no_args_is_help=True)



def _read_body(path: Optional[Path]) -> str:
    if path is None:
        return ""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise Fail(f"Không tìm thấy tệp nội dung: {path}") from None
    except IsADirectoryError:
        raise Fail(f"{path} là thư mục, không phải tệp nội dung.") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Fail(f"Tệp {path} không phải văn bản UTF-8. Hãy lưu lại tệp ở dạng UTF-8 (Unicode).") from None


def _when(text: Optional[str], tz) -> Optional[datetime]:
    if not text:
        return None
    try:
        return parse_local(text, tz)
    except ValueError as e:
        raise Fail(str(e)) from None


def _item_dict(item: Item, tz) -> dict:
    return {
        "id": item.id, "title": item.title, "state": item.state, "channels": list(item.channels),
        "plan_id": item.plan_id, "theme_id": item.theme_id, "slot_id": item.slot_id, "task_no": item.task_no,
        "publish_at": item.publish_at.astimezone(tz).isoformat() if item.publish_at else None,
        "image": item.image_path, "source": item.source, "source_url": item.source_url,
        "approved_by": item.approved_by, "note": item.note, "body": item.body, "summary": item.summary,
    }


def _actor(by: Optional[str]) -> str:
    if by:
        return by
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001
        return "(không rõ)"


@app.command("add")
def add(
    ctx: typer.Context,
    title: str = typer.Option(..., "--title", help="Tiêu đề bài."),
    body_file: Optional[Path] = typer.Option(None, "--body-file", help="Tệp nội dung (Markdown, UTF-8)."),
    body: Optional[str] = typer.Option(None, "--body", help="Nội dung ngắn (thay cho --body-file)."),
    theme: Optional[str] = typer.Option(None, "--theme", help="Mã chủ đề trong kế hoạch, ví dụ t3."),
    plan: Optional[int] = typer.Option(None, "--plan", help="Mã số kế hoạch."),
    slot: Optional[int] = typer.Option(None, "--slot", help="Ô lịch mà bài này lấp."),
    task: Optional[str] = typer.Option(None, "--task", help="Số thứ tự nhiệm vụ trong phụ lục."),
    channels: Optional[str] = typer.Option(None, "--channels", help="Các kênh, ví dụ portal,telegram,radio."),
    at: Optional[str] = typer.Option(None, "--at", help="Thời điểm đăng, ví dụ \"2024-03-04 08:00\"."),
    image: Optional[Path] = typer.Option(None, "--image", help="Ảnh kèm theo."),
    summary: str = typer.Option("", "--summary", help="Sa pô (tóm tắt)."),
    by: Optional[str] = typer.Option(None, "--by", help="Người soạn."),
    as_json: bool = typer.Option(False, "--json", help="In kết quả dạng JSON."),
) -> None:
    """Soạn một bài mới (bản nháp, chờ duyệt)."""
    obj = ctx.obj
    settings = obj.settings
    if body_file is not None and body is not None:
        raise Fail("Chỉ dùng một trong hai: --body-file hoặc --body.")
    text = _read_body(body_file) if body_file is not None else (body or "")
    if not text.strip():
        raise Fail("Bài chưa có nội dung. Hãy dùng --body-file TỆP.md hoặc --body \"…\".")
    try:
        new = NewItem(
            title=title, body=text, channels=items_mod.parse_channels(channels), theme_id=theme, plan_id=plan,
            slot_id=slot, task_no=task, publish_at=_when(at, settings.tz),
            image_path=str(image) if image else None, summary=summary, created_by=_actor(by),
        )
        with obj.db.session() as s:
            item = items_mod.create_item(s, new, now=now_utc(), require_approval=settings.require_approval,
                                          tz=settings.tz)
            data = _item_dict(item, settings.tz)
    except ItemError as e:
        raise Fail(str(e)) from None
    if as_json:
        print_json(data)
        return
    console.print(f"Đã tạo bài số {data['id']}: “{data['title']}” ({STATE_NAMES[data['state']]}).")
    if data["slot_id"]:
        console.print(f"Bài lấp ô lịch số {data['slot_id']}.")
    if data["state"] == "draft":
        console.print(f"Xem trước: loa item preview {data['id']} — duyệt: loa item approve {data['id']}")


@app.command("list")
def list_items(
    ctx: typer.Context,
    state: Optional[str] = typer.Option(None, "--state", help="Lọc theo trạng thái."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Liệt kê các bài."""
    obj = ctx.obj
    if state and state not in STATE_NAMES:
        raise Fail(f"Trạng thái không hợp lệ: {state}. Có: {', '.join(STATE_NAMES)}.")
    with obj.db.session() as s:
        q = select(Item).order_by(Item.id)
        if state:
            q = q.where(Item.state == state)
        rows = [_item_dict(i, obj.settings.tz) for i in s.scalars(q)]
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print("Chưa có bài nào." if not state else f"Không có bài nào “{STATE_NAMES[state]}”.")
        return
    t = Table(title="Các bài")
    for col in ("Số", "Tiêu đề", "Trạng thái", "Kênh", "Thời điểm đăng"):
        t.add_column(col)
    for r in rows:
        t.add_row(str(r["id"]), r["title"], STATE_NAMES[r["state"]],
                  ", ".join(CHANNEL_NAMES.get(c, c) for c in r["channels"]),
                  _show_time(r["publish_at"]))
    console.print(t)


def _show_time(iso: Optional[str]) -> str:
    if not iso:
        return "ngay khi duyệt"
    return datetime.fromisoformat(iso).strftime("%d/%m/%Y %H:%M")


@app.command("show")
def show(ctx: typer.Context, item_id: int = typer.Argument(..., help="Số bài."),
         as_json: bool = typer.Option(False, "--json")) -> None:
    """Xem một bài."""
    obj = ctx.obj
    with obj.db.session() as s:
        try:
            data = _item_dict(items_mod.get_item(s, item_id), obj.settings.tz)
        except ItemError as e:
            raise Fail(str(e)) from None
    if as_json:
        print_json(data)
        return
    console.print(f"[bold]Bài số {data['id']}: {data['title']}[/]")
    console.print(f"Trạng thái: {STATE_NAMES[data['state']]}"
                  + (f" — lý do: {data['note']}" if data["state"] == "rejected" and data["note"] else ""))
    console.print(f"Kênh: {', '.join(CHANNEL_NAMES.get(c, c) for c in data['channels'])}")
    console.print(f"Thời điểm đăng: {_show_time(data['publish_at'])}")
    if data["theme_id"]:
        console.print(f"Chủ đề: {data['theme_id']} (kế hoạch số {data['plan_id']})")
    console.print()
    console.print(data["body"], markup=False)


def _transition(ctx: typer.Context, item_id: int, action) -> dict:
    obj = ctx.obj
    try:
        with obj.db.session() as s:
            item = items_mod.get_item(s, item_id)
            extra = action(s, item)
            data = _item_dict(item, obj.settings.tz)
            data["extra"] = extra
            return data
    except ItemError as e:
        raise Fail(str(e)) from None


@app.command("approve")
def approve(ctx: typer.Context, item_id: int = typer.Argument(...),
            by: Optional[str] = typer.Option(None, "--by", help="Người duyệt.")) -> None:
    """Duyệt bài và đưa vào hàng đợi đăng trên các kênh."""
    from bot.cli.wiring import live_channels, queue_item

    settings = ctx.obj.settings
    channels = live_channels(settings, ctx.obj.db)

    def act(s, item):
        items_mod.approve(item, by=_actor(by), now=now_utc())
        return queue_item(s, item, settings, channels)

    data = _transition(ctx, item_id, act)
    console.print(f"Đã duyệt bài số {item_id}: “{data['title']}”.")
    queued, missing = data["extra"]
    if queued:
        console.print(f"Đã xếp {queued} lượt đăng, lúc {_show_time(data['publish_at'])}.")
    for name, reason in missing:
        console.print(f"[yellow]Chú ý:[/] kênh {CHANNEL_NAMES.get(name, name)} không đăng được: {reason}.")


@app.command("reject")
def reject(ctx: typer.Context, item_id: int = typer.Argument(...),
           reason: str = typer.Option(..., "--reason", help="Lý do từ chối.")) -> None:
    """Từ chối bài (ghi lý do để người soạn sửa)."""
    _transition(ctx, item_id, lambda s, item: items_mod.reject(item, reason=reason, now=now_utc()))
    console.print(f"Đã từ chối bài số {item_id}.")


@app.command("cancel")
def cancel(ctx: typer.Context, item_id: int = typer.Argument(...)) -> None:
    """Hủy bài; các lượt đăng chưa gửi cũng bị hủy."""
    from bot.cli.wiring import cancel_posts

    def act(s, item):
        items_mod.cancel(item, now=now_utc())
        return cancel_posts(s, item)

    data = _transition(ctx, item_id, act)
    console.print(f"Đã hủy bài số {item_id}" + (f" và {data['extra']} lượt đăng chưa gửi." if data["extra"] else "."))


@app.command("edit")
def edit(
    ctx: typer.Context,
    item_id: int = typer.Argument(...),
    title: Optional[str] = typer.Option(None, "--title"),
    body_file: Optional[Path] = typer.Option(None, "--body-file"),
    channels: Optional[str] = typer.Option(None, "--channels"),
    at: Optional[str] = typer.Option(None, "--at"),
    summary: Optional[str] = typer.Option(None, "--summary"),
) -> None:
    """Sửa bài (bài đã duyệt sẽ quay về bản nháp, cần duyệt lại)."""
    settings = ctx.obj.settings
    body = _read_body(body_file) if body_file else None
    chans = items_mod.parse_channels(channels) if channels else None
    when = _when(at, settings.tz)

    def act(s, item):
        before = item.state
        items_mod.edit(item, now=now_utc(), title=title, body=body, channels=chans, publish_at=when,
                       summary=summary)
        return before

    try:
        data = _transition(ctx, item_id, act)
    except ItemError as e:
        raise Fail(str(e)) from None
    console.print(f"Đã sửa bài số {item_id}.")
    if data["extra"] in ("approved", "rejected"):
        console.print("Bài đã quay về bản nháp: cần duyệt lại (loa item approve).")


@app.command("preview")
def preview(
    ctx: typer.Context,
    item_id: int = typer.Argument(...),
    channel: Optional[str] = typer.Option(None, "--channel", help="Chỉ xem một kênh."),
    output: Optional[Path] = typer.Option(None, "--output", help="Thư mục ghi bản xem trước (trang HTML, "
                                                                 "kịch bản .docx); mặc định var/preview."),
) -> None:
    """Xem trước bài trên từng kênh, trước khi duyệt: chữ đọc được ở đây, trang HTML ghi ra tệp."""
    from bot.cli.wiring import body_limits, link_for
    from content.files import write_atomic
    from content.render.plain import html_to_text

    obj = ctx.obj
    settings = obj.settings
    if channel and channel not in PUBLISHABLE:
        raise Fail(f"Kênh không hợp lệ: {channel}. Có: {', '.join(PUBLISHABLE)}.")
    with obj.db.session() as s:
        try:
            item = items_mod.get_item(s, item_id)
        except ItemError as e:
            raise Fail(str(e)) from None
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
