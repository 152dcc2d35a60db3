"""`loa run`: the one process to start. It publishes due posts, makes the weekly edition,
polls feeds, reminds staff and (when configured) hosts the citizens' Q&A bot and webhook.
`loa run --once [--now …]` does one pass as if at that time and exits (for cron and tests)."""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Optional

import typer

from bot.cli.common import Fail, console
from bot.cli.web_cmd import serve_console, web_config
from bot.wiring import live_channels
from bot.web.config import web_configured
from content.qa.column import column_item
from content.items.when import parse_local
from content.text import fmt_datetime, now_utc
from schedules.instance import InstanceLock
from schedules.runner import PassReport, Runner

log = logging.getLogger("loa.run")


def run(
    ctx: typer.Context,
    once: bool = typer.Option(False, "--once", help="Chạy một lượt rồi thoát (dùng cho cron, kiểm thử)."),
    now: Optional[str] = typer.Option(None, "--now", help="Giả định thời điểm hiện tại, ví dụ 2024-03-04T07:00."),
) -> None:
    """Chạy Loa: đăng bài đến giờ, lập bản tin tuần, lấy tin từ nguồn, nhắc việc."""
    obj = ctx.obj
    settings = obj.settings
    if now and not once:
        raise Fail("--now chỉ dùng cùng --once (chạy thử một lượt tại thời điểm giả định).")
    at = None
    if now:
        try:
            at = parse_local(now, settings.tz)
        except ValueError as e:
            raise Fail(str(e)) from None
    lock = InstanceLock(settings.database_url)
    lock.acquire()        # another `loa run` on this database: AlreadyRunning (a LoaError)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    if once:  # the summary printed below already says what staff are told
        logging.getLogger("loa.schedule").setLevel(logging.ERROR)
    else:
        logging.getLogger().setLevel(min(logging.getLogger().level, logging.INFO))
    try:
        db = obj.db
        channels = live_channels(settings, db)
        if once:
            moment = at or now_utc()
            runner = Runner(db, settings, channels, clock=lambda: moment, qa_column=column_item)
            runner.release_orphans(moment)
            report = asyncio.run(_once(runner, moment))
            _print(report, moment, settings.tz)
        else:
            from bot.qa.serve import claim_polling   # PTB and uvicorn: only for the daemon

            polling = claim_polling(settings)     # one process receives the bot's updates
            try:
                asyncio.run(_forever(settings, db, channels, polling))
            finally:
                if polling is not None:
                    polling.release()
    finally:
        lock.release()


async def _once(runner: Runner, moment) -> PassReport:
    try:
        return await runner.tick(moment)
    finally:
        for ch in runner.channels.values():
            await ch.aclose()


async def _forever(settings, db, channels, polling=None) -> None:  # noqa: ANN001
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    runner = Runner(db, settings, channels, qa_column=column_item)
    tasks = [asyncio.create_task(runner.serve(stop))]
    from bot.qa.serve import serve as serve_bot  # the Q&A bot: Telegram polling, Zalo webhook

    def ready(info) -> None:  # noqa: ANN001
        for line in info.lines():
            console.print(line, markup=False)
    tasks.append(asyncio.create_task(serve_bot(settings, db, stop=stop, ready=ready,
                                                sender=runner.publisher.sender, lock=polling,
                                                channels=runner.channels)))
    if web_configured(settings):  # the staff web console, in this process and event loop
        tasks.append(asyncio.create_task(serve_console(
            settings, db, web_config(settings), stop, channels=channels, health=lambda: _health(runner),
            ready=lambda line: console.print(line, markup=False))))
    console.print(f"Loa đang chạy (PID {__import__('os').getpid()}). Nhấn Ctrl+C để dừng.")
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        for t in done:
            if t.exception() is not None:
                stop.set()
                raise t.exception()
        await asyncio.gather(*tasks)
    finally:
        for ch in channels.values():
            await ch.aclose()
        console.print("Loa đã dừng.")


def _health(runner: Runner) -> dict:
    """/healthz's view of the scheduler: alive when the dispatcher looked for due posts lately."""
    last = runner.last_pass
    stalled = last is None or (now_utc() - last).total_seconds() > max(60.0, runner.poll_seconds * 10)
    return {"scheduler": "stalled" if stalled else "ok", "last_pass": last.isoformat() if last else None}


def _print(report: PassReport, moment, tz) -> None:
    console.print(f"Một lượt chạy lúc {fmt_datetime(moment, tz)}:")
    if report.edition:
        console.print(f"  Bản tin CCHC số {report.edition} đã lập"
                      + (f" (còn {report.edition_gaps} ô lịch chưa có bài)" if report.edition_gaps else "") + ".")
    p = report.published
    console.print(f"  Đăng thành công: {p.published} · lỗi: {p.failed} · hỏng hẳn: {p.dead} · "
                  f"chưa rõ: {p.unknown} · hẹn thử lại: {p.retried}")
    for ch, n in p.skipped.items():
        console.print(f"  [yellow]{n} lượt đăng kênh {ch} bị bỏ qua vì kênh đang tắt.[/]")
    if report.feed_items:
        console.print(f"  Tin mới từ nguồn: {report.feed_items} (chờ duyệt).")
    for text in report.reminders:
        console.print(f"  Nhắc việc: {text}")
    for path in report.reports:
        console.print(f"  Dự thảo báo cáo: {path}")
