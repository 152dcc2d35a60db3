"""/channels (admins): each channel live / outbox / disabled and why — the facts `loa doctor`
prints —, its last success and last error, stuck posts, Zalo's token expiry, the Telegram bot's
identity (asked of Telegram), the feeds' last fetch and where citizens' questions come in; and
POST /channels/test, a test message into the Telegram staff chat, sent and audited.

Async views: Telegram is asked on the server's event loop through a fresh adapter built as the
registry builds it (live, or the outbox when the token is missing), closed after the request;
database work runs in the thread pool."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from bot.qa.intake import intake_lines
from bot.web.common import Console, actor, console, flash, redirect
from bot.web.permissions import require
from channels.base import ChannelError
from channels.health import (BotIdentity, channel_health, send_staff_test, staff_chat, telegram_adapter,
                             telegram_identity, zalo_token)
from channels.log import OUTCOME_NAMES, POST_STATE_NAMES
from channels.state import StateStore
from content.audit import Actor, record
from content.text import fmt_datetime
from content.kinds import CHANNEL_NAMES
from schedules.feeds import feed_views


def _facts(c: Console) -> dict[str, Any]:
    state = StateStore(c.db)
    with c.db.session() as s:
        health = channel_health(s, c.settings, state)
        feeds = feed_views(s, c.settings.feeds)
    zalo = next((h for h in health if h.name == "zalo"), None)
    token = zalo_token(c.settings, state, zalo.mode) if zalo is not None else None
    return {"health": health, "feeds": feeds, "zalo_token": token, "staff_chat": staff_chat(c.settings),
            "qa_lines": intake_lines(c.settings)}


async def channels_page(request: Request) -> Response:
    require(request, "channels")
    c = console(request)
    facts = await run_in_threadpool(_facts, c)
    telegram = next((h for h in facts["health"] if h.name == "telegram"), None)
    identity = BotIdentity(error="Kênh Telegram đang tắt.")
    if telegram is not None and telegram.mode == "live":
        adapter = await run_in_threadpool(telegram_adapter, c.settings, StateStore(c.db))
        try:
            identity = await telegram_identity(adapter)
        finally:
            if adapter is not None:
                await adapter.aclose()
    elif telegram is not None and telegram.mode == "outbox":
        identity = BotIdentity(error=f"Chưa hỏi được Telegram: {telegram.reason}")
    now = c.clock()
    return await run_in_threadpool(
        c.pages.render, request, "channels.html", page_title="Tình trạng các kênh", identity=identity, now=now,
        outcome_names=OUTCOME_NAMES, post_states=POST_STATE_NAMES, channel_label=_label,
        hours_left=lambda at: _hours(at, now), **facts)


def _label(name: str) -> str:
    return CHANNEL_NAMES.get(name, name)


def _hours(at: datetime, now: datetime) -> str:
    seconds = (at - now).total_seconds()
    if seconds <= 0:
        return "đã hết hạn"
    hours = seconds / 3600
    return f"còn {hours:.0f} giờ" if hours >= 1 else f"còn {seconds / 60:.0f} phút"


async def send_test(request: Request) -> Response:
    """Send a test message into the staff chat; the outcome is shown and audited."""
    require(request, "channels")
    c = console(request)
    chat = staff_chat(c.settings)
    adapter = await run_in_threadpool(telegram_adapter, c.settings, StateStore(c.db)) if chat else None
    who = actor(request)
    if not chat:
        outcome, kind, message = "chưa đặt nhóm cán bộ", "error", (
            "Chưa đặt staff_chat_id trong [channels.telegram] của config.toml: chưa có nhóm cán bộ để gửi "
            "tin nhắn thử.")
    elif adapter is None:
        outcome, kind, message = "kênh Telegram đang tắt", "error", (
            "Kênh Telegram đang tắt: không gửi được tin nhắn thử.")
    else:
        text = (f"Loa: tin nhắn thử từ trang quản trị, do {who} gửi lúc {fmt_datetime(c.clock(), c.tz)}. "
                "Nhóm cán bộ nhận được tin này là kết nối đã thông.")
        try:
            receipt = await send_staff_test(adapter, chat, text)
        except ChannelError as e:
            outcome, kind, message = f"lỗi: {e.message}", "error", (
                f"Không gửi được tin nhắn thử vào nhóm cán bộ: {e.message}")
        else:
            folder = getattr(adapter, "folder", None)
            if folder is not None:      # the outbox stands in for Telegram
                outcome, kind, message = f"ghi vào hộp thư đi {folder}", "warn", (
                    f"Kênh Telegram chưa đăng thật nên tin nhắn thử đã được ghi vào hộp thư đi {folder}, "
                    "không gửi đến nhóm.")
            else:
                outcome, kind, message = f"đã gửi (tin số {receipt.external_id})", "ok", (
                    f"Đã gửi tin nhắn thử vào nhóm cán bộ {chat} (tin số {receipt.external_id}).")
        finally:
            await adapter.aclose()

    def audit_and_tell() -> None:
        with c.db.session() as s:
            record(s, Actor(who, "web"), "channel.test", now=c.clock(), note=f"nhóm {chat or '—'}: {outcome}")
        flash(request, kind, message)

    await run_in_threadpool(audit_and_tell)
    return redirect("/channels")
