"""Shared helpers of the Q&A tests: settings wired to the fake servers, and running `serve()`
in-process for the length of a test body."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any, Awaitable, Callable

from bot.qa.zalo import SIGNATURE_HEADER, zalo_signature
from bot.qa.serve import ServeInfo, serve
from content.db import Database
from content.config import Settings
from tests.helpers import make_settings

STAFF_CHAT = -1001234567890
STAFF_USER = 42
STRANGER = 666
USER = "8417593125617700001"    # a Zalo user id


def event(app_id: str, text: str, *, msg_id: str = "m1", name: str = "user_send_text", at: float | None = None,
          **extra) -> dict:  # noqa: ANN003
    """A Zalo webhook event from USER, stamped now (or at `at`, seconds since the epoch)."""
    stamp = str(int((time.time() if at is None else at) * 1000))
    return {"app_id": app_id, "event_name": name, "sender": {"id": USER}, "recipient": {"id": "OA-1"},
            "message": {"text": text, "msg_id": msg_id, **extra}, "timestamp": stamp, "user_id_by_app": "x"}


def signed(app_id: str, body: dict, secret: str = "OA-SECRET") -> tuple[bytes, dict[str, str]]:
    """The raw body and the headers Zalo would send, signed with the OA secret key."""
    raw = json.dumps(body, ensure_ascii=False).encode()
    return raw, {SIGNATURE_HEADER: zalo_signature(app_id, raw, body["timestamp"], secret),
                 "Content-Type": "application/json"}


def qa_settings(tmp_path: Path, *, tg=None, zalo=None, qa: dict | None = None,  # noqa: ANN001
                env: dict[str, str] | None = None) -> Settings:
    channels: dict[str, Any] = {}
    full_env = dict(env or {})
    if tg is not None:
        channels["telegram"] = {"token_env": "LOA_TELEGRAM_TOKEN", "base_url": tg.base_url, "chat_ids": [],
                                "staff_chat_id": str(STAFF_CHAT), "staff_user_ids": [STAFF_USER]}
        full_env["LOA_TELEGRAM_TOKEN"] = tg.token
    if zalo is not None:
        channels["zalo"] = {"access_token_env": "LOA_ZALO_ACCESS_TOKEN", "refresh_token_env": "LOA_ZALO_REFRESH_TOKEN",
                            "secret_key_env": "LOA_ZALO_SECRET_KEY", "oa_secret_key_env": "LOA_ZALO_OA_SECRET_KEY",
                            "app_id": zalo.app_id, "base_url": zalo.base_url, "oauth_url": zalo.oauth_url}
        full_env.update(LOA_ZALO_ACCESS_TOKEN="AT-1", LOA_ZALO_REFRESH_TOKEN="RT-1",
                        LOA_ZALO_SECRET_KEY=zalo.secret_key, LOA_ZALO_OA_SECRET_KEY="OA-SECRET")
    extra = {"channels": channels, "qa": {"webhook_port": 0, "poll_timeout": 1, **(qa or {})}}
    return make_settings(tmp_path, extra, env=full_env)


def run_serving(settings: Settings, db: Database, body: Callable[[ServeInfo], Awaitable[Any]], **kw: Any) -> Any:
    """Start serve(), run `body(info)` once it is ready, stop and return body's result."""
    async def main() -> Any:
        stop = asyncio.Event()
        ready = asyncio.Event()
        holder: dict[str, ServeInfo] = {}

        def on_ready(info: ServeInfo) -> None:
            holder["info"] = info
            ready.set()
        task = asyncio.create_task(serve(settings, db, stop=stop, ready=on_ready, **kw))
        waiter = asyncio.create_task(ready.wait())
        await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            task.result()
        try:
            return await body(holder["info"])
        finally:
            stop.set()
            await asyncio.wait_for(task, 20)
    return asyncio.run(main())


async def wait(fake, predicate, timeout: float = 10.0) -> None:  # noqa: ANN001
    ok = await asyncio.to_thread(fake.wait_for, predicate, timeout)
    assert ok, "timed out waiting for the bot"
