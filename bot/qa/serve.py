"""Runs the citizens' Q&A in the current event loop until `stop` is set: the Telegram bot
(long polling via getUpdates) and the Zalo webhook (uvicorn), sharing one QAService, plus an
hourly retention purge. `loa run` hosts it beside the scheduler; `loa serve` runs it alone.

Each part starts only when configured: Telegram needs its token; the Zalo webhook needs
`[channels.zalo] app_id` and the secret key (address from `[qa] webhook_host`/`webhook_port`,
default 127.0.0.1:8090). A part that is not configured is logged and skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, Mapping

from bot.qa import texts as T
from bot.qa.erasure import fix_columns
from bot.qa.relay import relay_from_settings
from bot.qa.service import QAService
from bot.qa.telegram import build_application
from bot.qa.intake import WEBHOOK_PATH, telegram_ready, zalo_ready  # noqa: F401 - also this module's face
from bot.qa.zalo import make_zalo_app
from channels.base import Channel
from channels.pacing import Pacer
from channels.sending import SendQueue
from channels.registry import build_channels
from channels.state import StateStore
from schedules.instance import PollLock
from content.db import Database
from content.errors import LoaError
from content.qa import replay
from content.qa.column import columns_to_fix
from content.qa.workflow import purge_expired
from content.config import Settings
from content.text import now_utc

log = logging.getLogger("loa.qa.serve")


@dataclass
class ServeInfo:
    """What is running, for the host and tests (filled before `ready` is called)."""

    telegram: bool = False
    zalo_url: str | None = None
    notes: list[str] = field(default_factory=list)
    service: QAService | None = None

    def lines(self) -> list[str]:
        """What staff see when it starts (Vietnamese)."""
        head = ("Bot hỏi – đáp đang chạy: Telegram " + ("bật" if self.telegram else "tắt")
                + (f", webhook Zalo {self.zalo_url}" if self.zalo_url else ", webhook Zalo tắt") + ".")
        return [head] + [f"  {note}" for note in self.notes]


def _bind(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.setblocking(False)
    return sock


def poll_lock(settings: Settings) -> PollLock | None:
    """The lock on receiving this bot's Telegram updates (None: no Telegram bot configured)."""
    if not telegram_ready(settings):
        return None
    token = settings.secret(settings.channel("telegram").token_env) or ""
    return PollLock(settings.database_url, token.split(":", 1)[0] or "bot")


def claim_polling(settings: Settings) -> PollLock | None:
    """For `loa run` and `loa serve` before they start anything: take the poll lock. With
    SQLite another holder is a refusal (`AlreadyPolling`, in Vietnamese); with PostgreSQL this
    process waits its turn (serve() keeps trying)."""
    lock = poll_lock(settings)
    if lock is not None and not lock.try_acquire() and lock.sqlite:
        raise AlreadyPolling(lock.refusal())
    return lock


async def serve(settings: Settings, db: Database, *, stop: asyncio.Event, base_url: str | None = None,
                ready: Callable[[ServeInfo], None] | None = None, clock: Callable[[], datetime] = now_utc,
                poll_timeout: float | None = None, pacer: Pacer | None = None,
                lock: PollLock | None = None, channels: Mapping[str, Channel] | None = None,
                sender: SendQueue | None = None) -> ServeInfo:
    """Run the Q&A bot (Telegram polling, the Zalo webhook, owed cards, retention) until `stop`.
    `sender` (or `pacer`): share the publisher's send queue (Telegram's limits are per bot, and
    acknowledgements go before publications) when both run in one process. `lock`: the
    poll lock already taken by the command (`claim_polling`); taken here when not given. Only
    its holder polls Telegram; with PostgreSQL the others stand by and take over. `channels`:
    the publisher's adapters (to take erased questions out of published columns)."""
    info = ServeInfo()
    application = (build_application(settings, db, base_url=base_url, clock=clock, pacer=pacer, sender=sender)
                   if telegram_ready(settings) else None)
    if application is not None:
        service: QAService = application.bot_data["qa"]
        info.telegram = True
        lock = lock or claim_polling(settings)
        if lock is not None and not lock.held:
            info.notes.append("Telegram: một tiến trình Loa khác đang nhận tin nhắn của bot; tiến trình này "
                              "chờ và sẽ nhận thay khi tiến trình kia dừng.")
    else:
        info.notes.append("Telegram: chưa có mã bot, không nhận câu hỏi qua Telegram.")
        service = QAService(settings, db, relay_from_settings(settings, db, pacer=pacer, sender=sender), clock=clock)
    info.service = service
    server = sock = None
    if zalo_ready(settings):
        import uvicorn

        class _Server(uvicorn.Server):
            @contextlib.contextmanager
            def capture_signals(self):  # noqa: ANN202 - the host owns the signals
                yield

        host = settings.qa.webhook_host
        sock = _bind(host, settings.qa.webhook_port)
        app = make_zalo_app(settings, db, service=service)
        server = _Server(uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False))
        info.zalo_url = f"http://{host}:{sock.getsockname()[1]}{WEBHOOK_PATH}"
    else:
        info.notes.append("Zalo: thiếu app_id hoặc khóa bí mật, không mở webhook.")
    for note in info.notes:
        log.warning(note)
    if application is None and server is None:
        if ready:
            ready(info)
        await stop.wait()
        return info

    tasks: list[asyncio.Task] = []
    try:
        if application is not None:
            await application.initialize()
            timeout = poll_timeout if poll_timeout is not None else settings.qa.poll_timeout
            polling = _Polling(application, lock, int(max(timeout, 0)))
            await polling.update()
            await application.start()
            tasks.append(asyncio.create_task(
                polling.keep(stop, settings.qa.poll_lock_seconds), name="qa-poll-lock"))
        if server is not None:
            tasks.append(asyncio.create_task(server.serve(sockets=[sock]), name="zalo-webhook"))
            while not server.started and not tasks[0].done():
                await asyncio.sleep(0.01)
        tasks.append(asyncio.create_task(_maintenance(settings, db, stop, clock), name="qa-retention"))
        tasks.append(asyncio.create_task(
            _staff_chat_upkeep(service, stop, settings.qa.card_retry_seconds, channels), name="qa-cards"))
        if ready:
            ready(info)
        await stop.wait()
    finally:
        if server is not None:
            server.should_exit = True
        for t in tasks:
            if t.get_name() in ("qa-retention", "qa-cards", "qa-poll-lock"):
                t.cancel()
        await service.close()
        for t in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await t
        if application is not None:
            if application.updater.running:
                await application.updater.stop()
            if application.running:
                await application.stop()
            await application.shutdown()
        if sock is not None:
            sock.close()
        if lock is not None:
            lock.release()
    return info


class AlreadyPolling(LoaError):
    """Another process receives this bot's Telegram updates (SQLite: no taking turns)."""


class _Polling:
    """Polls Telegram while this process holds the poll lock; stands by otherwise."""

    def __init__(self, application, lock: PollLock | None, timeout: int):  # noqa: ANN001
        self.app, self.lock, self.timeout = application, lock, timeout

    async def update(self) -> None:
        """Start or stop polling to match who holds the lock now."""
        mine = self.lock is None or (self.lock.held and await asyncio.to_thread(self.lock.alive)) \
            or await asyncio.to_thread(self.lock.try_acquire)
        running = self.app.updater.running
        if mine and not running:
            if self.lock is not None and not self.lock.sqlite:
                log.warning("Telegram: this process now receives the bot's updates")
            await self.app.updater.start_polling(poll_interval=0.0, timeout=self.timeout,
                                                 allowed_updates=["message", "callback_query"])
        elif running and not mine:
            log.warning("Telegram: lost the poll lock; another process receives the bot's updates now")
            await self.app.updater.stop()

    async def keep(self, stop: asyncio.Event, every: float) -> None:
        while not stop.is_set():
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=every)
            if stop.is_set():
                return
            try:
                await self.update()
            except Exception:  # noqa: BLE001 - the database may be away; try again
                log.exception("Telegram poll lock check failed")


async def _staff_chat_upkeep(service: QAService, stop: asyncio.Event, every: float,
                             channels: Mapping[str, Channel] | None = None) -> None:
    """At start and then every `every` seconds: post the staff cards still owed (the staff chat
    was unreachable, or Loa stopped before a burst of cards was through), send again the notices
    to citizens that failed for a passing reason, and take questions erased meanwhile
    (`loa qa erase`, the web console, retention) out of the staff chat and out of the weekly
    column they went into."""
    while not stop.is_set():
        service.cards_due()
        try:
            for line in await service.resend_owed():
                await service.relay.to_staff(line)
            manual = await service.clean_erased()
            if manual:
                await service.relay.to_staff(T.erased_left(manual))
            if await service.run(columns_to_fix):
                if channels is None:            # `loa serve` alone: the adapters, built once
                    channels = await asyncio.to_thread(build_channels, service.settings, StateStore(service.db))
                lines = await fix_columns(service.db, service.settings, channels, by="loa", via="bot",
                                          clock=service.clock)
                if lines:
                    await service.relay.to_staff(T.esc("\n".join(lines)))
        except Exception:  # noqa: BLE001 - try again next round
            log.exception("staff chat upkeep failed")
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every)


async def _maintenance(settings: Settings, db: Database, stop: asyncio.Event,
                       clock: Callable[[], datetime]) -> None:
    """Hourly: erase personal data past `[qa] retention_days`; forget handled deliveries past
    the replay horizon."""
    while not stop.is_set():
        try:
            def purge() -> int:
                with db.session() as s:
                    replay.prune(s, clock())          # deliveries older than the replay horizon
                    return purge_expired(s, settings, clock())
            n = await asyncio.to_thread(purge)
            if n:
                log.info("Q&A retention: personal data of %d questions erased", n)
        except Exception:  # noqa: BLE001 - try again next hour
            log.exception("Q&A retention purge failed")
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=3600)


__all__ = ["AlreadyPolling", "ServeInfo", "claim_polling", "serve", "telegram_ready", "zalo_ready"]
