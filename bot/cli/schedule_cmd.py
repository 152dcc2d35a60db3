"""`loa schedule preview --week 2024-W10`: what would go out that week, the weekly edition
exactly as the scheduler will make it (`schedules.edition.edition_contents`: what was published
in the week before its fire time, plus what is still due before then), and what is missing."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import typer
from rich.table import Table
from sqlalchemy import or_, select

from bot.cli.common import Fail, console, print_json
from channels.log import POST_STATE_NAMES
from channels.models import Post
from content.models import Item
from content.qa.column import compose_column
from content.text import fmt_date, now_utc, where_name
from schedules.edition import edition_contents, week_contents
from content.kinds import CHANNEL_NAMES
from schedules.models import Edition
from schedules.timing import Weekly, parse_iso_week

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
    weekly = Weekly.parse(obj.settings.weekly)
    with obj.db.session() as s:
        contents = edition_contents(s, weekly, tz, monday)
        entries, expected, gaps = contents.entries, contents.expected, contents.gaps
        filled, _ = week_contents(s, monday)
        made_column = s.scalar(select(Item.title).where(Item.source_key == f"qa-column:{monday.isoformat()}"))
        column = made_column or getattr(compose_column(s, obj.settings, monday, max(now_utc(), contents.end)),
                                        "title", None)
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
        silent = edition is not None and not edition.code      # made, but nothing went out
    if edition is not None:
        expected = []               # made: what it holds is final
    data = {
        "week": week, "from": monday.isoformat(), "to": (monday + timedelta(days=6)).isoformat(),
        "posts": [{"post": p[0], "channel": p[1], "target": p[2], "state": p[3],
                   "due": p[4].astimezone(tz).isoformat(), "item": p[5], "title": p[6]} for p in posts],
        "edition": {"made": edition_code, "fires": contents.end.astimezone(tz).isoformat(),
                    "covers": [contents.start.astimezone(tz).isoformat(), contents.end.astimezone(tz).isoformat()],
                    "items": [{"item": e.item_id, "title": e.title, "link": e.link,
                               "published": e.at.astimezone(tz).isoformat() if e.at else None} for e in entries],
                    "expected": [{"item": e.item_id, "title": e.title,
                                  "due": e.at.astimezone(tz).isoformat() if e.at else None} for e in expected],
                    "qa_column": column},
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
    fires = contents.end.astimezone(tz)
    first, last = contents.start.astimezone(tz), fires - timedelta(minutes=1)
    head = (f"Bản tin CCHC số {edition_code} (đã lập)" if edition_code
            else "Bản tin tuần (đã lập, không phát)" if silent else "Bản tin tuần")
    console.print(f"[bold]{head}[/], phát lúc {fires:%H:%M %d/%m/%Y}: các tin, bài đã đăng từ "
                  f"{first:%H:%M %d/%m/%Y} đến {last:%H:%M %d/%m/%Y}.")
    for n, e in enumerate(entries, 1):
        when = e.at.astimezone(tz).strftime("%d/%m %H:%M") if e.at else ""
        console.print(f"  {n}. {e.title} (bài số {e.item_id}, đăng {when})"
                      + (f" — {e.link}" if e.link else " — chưa có trang trên cổng, không kèm liên kết"),
                      markup=False)
    for e in expected:
        when = e.at.astimezone(tz).strftime("%d/%m %H:%M") if e.at else "khi duyệt"
        console.print(f"  + {e.title} (bài số {e.item_id}, hẹn đăng {when}): có trong bản tin nếu đăng trước giờ phát",
                      markup=False)
    if column is not None:
        console.print(f"  Kèm chuyên mục “{column}”.", markup=False)
    if not entries and not expected and column is None:
        console.print("  Chưa có tin, bài nào: bản tin sẽ không phát.")
    if gaps:
        g = Table(title=f"Còn thiếu {len(gaps)} ô lịch chưa có bài được duyệt")
        g.add_column("Ngày", no_wrap=True, min_width=10)
        for col in ("Kênh", "Chủ đề", "Ô lịch"):
            g.add_column(col, overflow="fold")
        for gap in gaps:
            g.add_row(fmt_date(gap.day), CHANNEL_NAMES.get(gap.channel, gap.channel), gap.theme, str(gap.slot_id))
        console.print(g)
    elif filled:
        console.print("Mọi ô lịch trong tuần đều đã có bài.")
    else:
        console.print("Tuần này không có ô lịch nào. Nếu chưa lập lịch, chạy: loa calendar build")
