"""An erased question leaves every place Loa wrote it (Law 91/2025/QH15: the right to delete).

`content.qa.workflow.erase` clears the database row; the staff chat is cleaned by
`QAService.clean_erased`; this module takes the question out of the weekly column it went
into, through the same steering staff use for any item (`channels.steering`):
- a column already out (published, or a post of it sent): corrected in place where the
  channel can edit (static portal: the page re-rendered; WordPress: updated), elsewhere a
  correction goes out and staff are told what to remove by hand (the radio station's script);
  when no question is left, the column is withdrawn;
- a column not out yet: its body is rewritten and it goes back to a leader's approval (or is
  cancelled when no question is left);
- a rejected, cancelled or withdrawn column: its body is rewritten in the database.

`loa qa erase` runs it at once; `loa run` runs it every few minutes for erasures made
elsewhere (the web console), since a column's body that still carries an erased question's
code is the sign (`content.qa.column.columns_to_fix`).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Callable, Mapping

from sqlalchemy import select

from channels.base import Channel
from channels.models import Post
from channels.steering import Changes, Steering
from content.audit import Actor
from content.db import Database
from content.models import Item
from content.qa.column import body_without_erased, columns_to_fix
from content.config import Settings
from content.text import now_utc

log = logging.getLogger("loa.qa")
GONE = ("Chuyên mục “Dân hỏi – Chính quyền trả lời”: các câu hỏi của kỳ này đã được gỡ theo yêu cầu "
        "của người hỏi.")


def _plan(db: Database, settings: Settings, item_id: int) -> tuple[str, bool, str | None]:
    """(item state, whether a post of it went out, the new body or None when nothing is left)."""
    with db.session() as s:
        item = s.get(Item, item_id)
        sent = any(p.state in ("published", "withdrawn") or (p.parts_done or 0) > 0
                   for p in s.scalars(select(Post).where(Post.item_id == item_id)))
        return item.state, sent, body_without_erased(s, settings, item)


def _rewrite(db: Database, item_id: int, body: str, now: datetime) -> None:
    with db.session() as s:
        item = s.get(Item, item_id)
        item.body, item.updated_at = body, now


async def fix_columns(db: Database, settings: Settings, channels: Mapping[str, Channel], *, by: str,
                      via: str = "cli", clock: Callable[[], datetime] = now_utc) -> list[str]:
    """Take erased questions out of the columns they went into; returns what was done and
    what staff must still do by hand (Vietnamese lines)."""
    steering = Steering(db, settings, channels, clock=clock)
    actor = Actor(by, via)
    lines: list[str] = []
    for item_id in await asyncio.to_thread(lambda: _columns(db)):
        state, sent, body = await asyncio.to_thread(_plan, db, settings, item_id)
        head = f"Chuyên mục (bài số {item_id}): "
        try:
            if state in ("published", "scheduled") and sent:
                result = (await steering.correct(item_id, actor, body=body) if body is not None
                          else await steering.withdraw(item_id, actor, "câu hỏi đã bị xóa theo yêu cầu của người hỏi"))
            elif state in ("draft", "approved", "scheduled"):
                result = (await asyncio.to_thread(steering.edit, item_id, actor, Changes(body=body))
                          if body is not None else await asyncio.to_thread(steering.cancel, item_id, actor))
            else:
                result = None
            if body is None or result is None:          # nothing of the question may stay in the row
                await asyncio.to_thread(_rewrite, db, item_id, body or GONE, clock())
        except Exception as e:  # noqa: BLE001 - the next round tries again; staff hear why
            log.exception("could not take an erased question out of column item %s", item_id)
            lines.append(head + f"chưa gỡ được câu hỏi đã xóa ({e}); Loa sẽ thử lại.")
            continue
        if result is not None:
            lines += [head + line for line in result.done + result.warnings]
            lines += [head + "cần làm tay: " + line for line in result.manual]
        else:
            lines.append(head + "đã xóa câu hỏi khỏi nội dung lưu trong cơ sở dữ liệu.")
    return lines


def _columns(db: Database) -> list[int]:
    with db.session() as s:
        return columns_to_fix(s)


__all__ = ["fix_columns"]
