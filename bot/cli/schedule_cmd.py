"""`loa schedule preview --week 2024-W10`: what would go out that week, and what is missing."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import typer
from rich.table import Table
from sqlalchemy import or_, select

from bot.cli.common import Fail, console, print_json
from channels.log import POST_STATE_NAMES
from channels.models import Post
from content.models import Item
from content.text import fmt_date, where_name
from schedules.edition import CHANNEL_NAMES, week_contents
from schedules.models import Edition
from schedules.timing import parse_iso_week

app = typer.Typer(no_args_is_help=True)


@app.command("preview")
def preview(
    ctx: typer.Context,
    week: str = typer.Option(..., "--week", help="Tuần ISO, ví dụ 2024-W10."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Xem trước tuần: bài sẽ đăng, bản tin tuần, ô lịch còn trống."""
    obj = ctx.obj
    try:
        monday = parse_iso_week(week)
    except ValueError as e:
        raise Fail(str(e)) from None
    tz = obj.settings.tz
    start = datetime.combine(monday, time(0), tzinfo=tz)
    end = start + timedelta(days=7)
    with obj.db.session() as s:
        entries, gaps = week_contents(s, monday)
        posts = s.execute(
            select(Post.id, Post.channel, Post.target, Post.state, Post.due_at, Item.id, Item.title)
            .join(Item, Item.id == Post.item_id)
            .where(Post.due_at >= start, Post.due_at < end, Post.state != "cancelled")
            .order_by(Post.due_at, Post.id)).all()
        undated = s.execute(
            select(Item.id, Item.title, Item.state).where(
                Item.state.in_(("approved",)), or_(Item.publish_at.is_(None), Item.publish_at < end))
        ).all()
        edition = s.scalar(select(Edition).where(Edition.week_start == monday))
        edition_code = edition.code if edition else None
    data = {
        "week": week, "from": monday.isoformat(), "to": (monday + timedelta(days=6)).isoformat(),
        "posts": [{"post": p[0], "channel": p[1], "target": p[2], "state": p[3],
                   "due": p[4].astimezone(tz).isoformat(), "item": p[5], "title": p[6]} for p in posts],
        "edition": {"made": edition_code, "items": [{"item": e.item_id, "title": e.title} for e in entries]},
        "approved_not_queued": [{"item": u[0], "title": u[1]} for u in undated],
        "missing": [{"slot": g.slot_id, "day": g.day.isoformat(), "channel": g.channel, "theme": g.theme}
                    for g in gaps],
    }
    if as_json:
        print_json(data)
        return
    console.print(f"[bold]Tuần {week}: {fmt_date(monday)} – {fmt_date(monday + timedelta(days=6))}[/]")
    t = Table(title="Sẽ đăng")
    t.add_column("Thời điểm", no_wrap=True, min_width=16)
    for col in ("Kênh", "Bài", "Trạng thái"):
        t.add_column(col, overflow="fold")
    for p in posts:
        t.add_row(p[4].astimezone(tz).strftime("%d/%m/%Y %H:%M"),
                  where_name(p[1], p[2]), f"{p[5]}. {p[6]}", POST_STATE_NAMES.get(p[3], p[3]))
    console.print(t if posts else "Chưa có lượt đăng nào trong tuần.")
    if edition_code:
        console.print(f"Bản tin CCHC số {edition_code} đã được lập.")
    else:
        console.print(f"Bản tin tuần sẽ gồm {len(entries)} bài: "
                      + ("; ".join(e.title for e in entries) if entries else "(chưa có bài nào được duyệt)"))
    if gaps:
        g = Table(title=f"Còn thiếu {len(gaps)} ô lịch chưa có bài được duyệt")
        g.add_column("Ngày", no_wrap=True, min_width=10)
        for col in ("Kênh", "Chủ đề", "Ô lịch"):
            g.add_column(col, overflow="fold")
        for gap in gaps:
            g.add_row(fmt_date(gap.day), CHANNEL_NAMES.get(gap.channel, gap.channel), gap.theme, str(gap.slot_id))
        console.print(g)
    elif entries:
        console.print("Mọi ô lịch trong tuần đều đã có bài.")
    else:
        console.print("Tuần này không có ô lịch nào. Nếu chưa lập lịch, chạy: loa calendar build")
