"""/audit (leaders, admins): the audit trail, newest first, filtered by item, person, action, day."""

from __future__ import annotations

from datetime import datetime, timedelta

from starlette.requests import Request
from starlette.responses import Response

from bot.web.common import console, int_or_none
from bot.web.permissions import require
from content import audit
from content.items.states import STATE_NAMES
from content.items.workflow import FIELD_NAMES

LIMIT = 300


def audit_page(request: Request) -> Response:
    require(request, "audit")
    c = console(request)
    q = request.query_params
    item_id = int_or_none(q.get("item"))
    action = q.get("action") if q.get("action") in audit.ACTIONS else None
    who = (q.get("actor") or "").strip() or None
    since = None
    if q.get("since"):
        try:
            d = datetime.strptime(q["since"].strip(), "%d/%m/%Y")
            since = d.replace(tzinfo=c.tz)
        except ValueError:
            since = None
    with c.db.session() as s:
        rows = audit.entries(s, item_id=item_id, action=action, actor=who, since=since, limit=LIMIT)
        lines = [{"at": r.at, "actor": r.actor, "via": r.via, "action": audit.action_name(r.action),
                  "code": r.action, "item_id": r.item_id, "post_id": r.post_id, "note": r.note,
                  "change": _change(r)} for r in reversed(rows)]
    return c.pages.render(request, "audit.html", page_title="Nhật ký thao tác", lines=lines,
                          actions=audit.ACTIONS, limit=LIMIT,
                          filters={"item": item_id or "", "action": action or "", "actor": who or "",
                                   "since": q.get("since", "") if since else ""})


def _change(row: audit.AuditEntry) -> str:
    """Before → after in words; a new item shows only its title and channels."""
    if row.action == "item.add" and row.after:
        return f"tiêu đề “{row.after.get('title', '')}”"
    text = audit.describe_change(row, FIELD_NAMES)
    for code, name in STATE_NAMES.items():
        text = text.replace(f"“{code}”", f"“{name}”")
    return text
