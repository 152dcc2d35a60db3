"""/log: the publication log with filters, the posts that need staff (dead, unknown) with
"gửi lại" and "đã đăng / chưa đăng" buttons, and one post's attempts (/log?post=ID)."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from bot.web.common import actor, console, flash, form, int_or_none, redirect, text
from bot.web.permissions import require
from channels import log as publog
from channels.publisher import PostError, resolve_unknown
from channels.steering import Steering
from content.errors import LoaError
from content.audit import Actor, record
from content.kinds import PUBLISHABLE


def log_page(request: Request) -> Response:
    require(request, "view")
    c = console(request)
    q = request.query_params
    channel = q.get("channel") if q.get("channel") in PUBLISHABLE else None
    outcome = q.get("outcome") if q.get("outcome") in publog.OUTCOME_NAMES else None
    post_id = int_or_none(q.get("post"))
    with c.db.session() as s:
        entries = publog.recent(s, channel=channel, outcome=outcome, failed=q.get("failed") == "1",
                                post_id=post_id, item_id=int_or_none(q.get("item")), limit=200)
        stuck = publog.posts(s, state="dead") + publog.posts(s, state="unknown") if post_id is None else []
        post = publog.post(s, post_id) if post_id is not None else None
        item_posts = publog.posts(s, item_id=int_or_none(q.get("item"))) if q.get("item") else []
    return c.pages.render(request, "log.html", page_title="Nhật ký đăng bài", entries=entries, stuck=stuck,
                          post=post, item_posts=item_posts, outcome_names=publog.OUTCOME_NAMES,
                          post_states=publog.POST_STATE_NAMES, channels=PUBLISHABLE,
                          filters={"channel": channel or "", "outcome": outcome or "",
                                   "failed": q.get("failed") == "1"})


def post_action(request: Request) -> Response:
    """POST /log/posts/{id}/retry and /log/posts/{id}/resolve (`published` = 1 or 0)."""
    action = request.path_params["action"]
    if action not in ("retry", "resolve"):
        raise HTTPException(404)
    require(request, "retry_post")
    c = console(request)
    post_id = int(request.path_params["post_id"])
    who = Actor(actor(request), "web")
    try:
        if action == "retry":
            Steering(c.db, c.settings, clock=c.clock).retry(post_id, who)
            msg = f"Đã đưa bài đăng số {post_id} vào hàng chờ gửi lại."
        else:
            yes = text(form(request), "published") == "1"
            with c.db.session() as s:
                p = resolve_unknown(s, post_id, published=yes, now=c.clock(), by=who.name)
                record(s, who, "post.resolve", now=c.clock(), item_id=p.item_id, post_id=post_id,
                       note="đã đăng" if yes else "chưa đăng: gửi lại")
            msg = (f"Đã ghi nhận bài đăng số {post_id} đã lên kênh." if yes
                   else f"Bài đăng số {post_id} chưa lên kênh: đã đưa vào hàng chờ gửi lại.")
    except (PostError, LoaError) as e:
        flash(request, "error", str(e))
        return redirect(f"/log?post={post_id}")
    flash(request, "ok", msg)
    return redirect(f"/log?post={post_id}")
