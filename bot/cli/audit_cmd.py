"""`loa audit`: the audit trail of staff actions (who, what, when, on which item; before → after)."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

import typer
from rich.table import Table

from bot.cli.common import console, print_json
from content import audit
from content.items.when import parse_when
from content.items.states import STATE_NAMES
from content.items.workflow import FIELD_NAMES
from content.text import fmt_datetime, now_utc
from content.kinds import CHANNEL_NAMES


def _shown(key: str, value, tz) -> str:  # noqa: ANN001
    if key == "publish_at":
        return fmt_datetime(datetime.fromisoformat(str(value)), tz)
    if key == "state":
        return STATE_NAMES.get(str(value), str(value))
    if key == "channels" and isinstance(value, list):
        return ", ".join(CHANNEL_NAMES.get(c, c) for c in value)
    return value


def audit_cmd(
    ctx: typer.Context,
    item: Optional[int] = typer.Option(None, "--item", help="Chỉ các thao tác trên bài số này."),
    since: Optional[str] = typer.Option(None, "--since", help="Từ ngày/giờ này, ví dụ 01/03/2024 hoặc “thứ Hai”."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="Chỉ chừng này dòng mới nhất."),
    as_json: bool = typer.Option(False, "--json", help="In dạng JSON."),
) -> None:
    """Nhật ký thao tác của cán bộ: ai, làm gì, lúc nào, trên bài nào, sửa gì."""
    obj = ctx.obj
    tz = obj.settings.tz
    start = parse_when(since, now_utc(), 0, tz=tz).at if since else None
    with obj.db.session() as s:
        rows = audit.entries(s, item_id=item, since=start, limit=limit)
        data = [{**audit.as_dict(r), "at_local": fmt_datetime(r.at, tz)} for r in rows]
        changes = [audit.describe_change(r, FIELD_NAMES, width=30, show=lambda k, v: _shown(k, v, tz)) for r in rows]
    if as_json:
        print_json(data)
        return
    if not data:
        console.print("Nhật ký thao tác chưa có dòng nào" + (" khớp điều kiện lọc." if (item or since) else "."))
        return
    t = Table(title="Nhật ký thao tác")
    t.add_column("Thời gian", no_wrap=True, min_width=16)
    t.add_column("Người", overflow="fold", max_width=14)
    t.add_column("Việc", overflow="fold")
    t.add_column("Bài", justify="right", no_wrap=True)
    t.add_column("Chi tiết", overflow="fold", ratio=1)
    for d, change in zip(data, changes):
        detail = "; ".join(x for x in (d["note"], change) if x)
        target = str(d["item_id"]) if d["item_id"] else (f"đăng {d['post_id']}" if d["post_id"] else "—")
        t.add_row(d["at_local"], d["actor"], d["action_name"], target, detail or "—")
    console.print(t)
