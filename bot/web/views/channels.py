"""/channels (admins): each channel live, outbox or disabled and why, last success and error,
Zalo's token expiry, the Telegram bot's identity, the feeds; POST /channels/test sends a test
message to the staff chat."""

from __future__ import annotations

import asyncio

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from bot.web.common import actor, console, flash, redirect
from bot.web.permissions import require
from channels.registry import channel_status
from channels.state import StateStore
from schedules.health import channel_health

MODES = {"live": "đang đăng thật", "outbox": "ghi vào hộp thư đi", "disabled": "tắt"}


def _facts(c):  # noqa: ANN001, ANN202
    statuses = channel_status(c.settings, StateStore(c.db))
    with c.db.session() as s:
        return channel_health(s, c.settings, statuses)


async def _bot_identity(c) -> str:  # noqa: ANN001
    from bot.qa.relay import relay_from_settings

    relay = relay_from_settings(c.settings, c.db)
    if relay.bot is None:
        return "chưa có mã bot (token)"
    try:
        async with relay.bot:
            me = await asyncio.wait_for(relay.bot.get_me(), timeout=5)
        return f"@{me.username} ({me.first_name}, id {me.id})"
    except Exception as e:  # noqa: BLE001 - shown to the admin as it is
        return f"không hỏi được Telegram: {type(e).__name__}: {e}"


async def channels_page(request: Request) -> Response:
    require(request, "channels")
    c = console(request)
    health = await run_in_threadpool(_facts, c)
    identity = await _bot_identity(c)
    return await run_in_threadpool(c.pages.render, request, "channels.html", 200, page_title="Các kênh",
                                   health=health, modes=MODES, identity=identity)


async def channels_test(request: Request) -> Response:
    require(request, "channels")
    from bot.qa.relay import relay_from_settings

    c = console(request)
    if not c.settings.channel("telegram").staff_chat_id:
        await run_in_threadpool(flash, request, "error", "Chưa đặt staff_chat_id ([channels.telegram]): không có "
                                                         "nhóm cán bộ để gửi thử.")
        return redirect("/channels")
    relay = relay_from_settings(c.settings, c.db)
    text = f"Loa: tin nhắn thử từ trang quản trị, do {actor(request)} gửi."
    try:
        if relay.bot is not None:
            async with relay.bot:
                sent = await relay.to_staff(text)
        else:
            sent = await relay.to_staff(text)
    except Exception as e:  # noqa: BLE001
        sent, why = None, f"{type(e).__name__}: {e}"
    else:
        why = "nhóm cán bộ không nhận (xem nhật ký)"
    await run_in_threadpool(flash, request, "ok" if sent is not None else "error",
                            "Đã gửi tin nhắn thử vào nhóm cán bộ." if sent is not None
                            else f"Không gửi được tin nhắn thử: {why}.")
    return redirect("/channels")
