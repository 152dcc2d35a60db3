"""`loa web [--host H] [--port P]`: the staff web console alone (without the scheduler);
`loa run` serves it too when config.toml has a [web] section. Both use `serve_console`."""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Any, Callable, Mapping, Optional

import typer

from bot.cli.common import console
from bot.web.config import WebConfig
from content.errors import LoaError

log = logging.getLogger("loa.web")


def web_config(settings, host: Optional[str] = None, port: Optional[int] = None) -> WebConfig:  # noqa: ANN001
    return WebConfig.from_settings(settings, host=host, port=port)


async def serve_console(settings, db, web: WebConfig, stop: asyncio.Event, *,  # noqa: ANN001
                        channels: Mapping[str, Any] | None = None,
                        health: Callable[[], dict[str, Any]] | None = None,
                        ready: Callable[[str], None] | None = None) -> None:
    """Serve the console with uvicorn in this event loop until `stop` is set."""
    import uvicorn

    from bot.web import make_console_app

    app = make_console_app(settings, db, web=web, channels=channels, health=health)
    config = uvicorn.Config(app, host=web.host, port=web.port, log_level="warning", access_log=False,
                            proxy_headers=web.trust_proxy, forwarded_allow_ips="*" if web.trust_proxy else None,
                            server_header=False, lifespan="off")
    server = uvicorn.Server(config)
    server.install_signal_handlers = lambda: None  # type: ignore[method-assign]  # loa handles signals

    async def watch() -> None:
        await stop.wait()
        server.should_exit = True

    watcher = asyncio.create_task(watch())
    if ready:
        ready(f"Trang quản trị: http://{web.host}:{web.port}/")
    try:
        await server.serve()
        if not server.started:
            raise LoaError(f"Không mở được cổng {web.host}:{web.port} cho trang quản trị "
                           "(cổng đang bị chiếm?). Đổi [web] port hoặc dùng --port.")
    finally:
        watcher.cancel()


def web(
    ctx: typer.Context,
    host: Optional[str] = typer.Option(None, "--host", help="Địa chỉ lắng nghe (mặc định [web] host hoặc 127.0.0.1)."),
    port: Optional[int] = typer.Option(None, "--port", help="Cổng (mặc định [web] port hoặc 8080)."),
) -> None:
    """Chạy riêng trang quản trị web cho cán bộ."""
    obj = ctx.obj
    settings = obj.settings
    cfg = web_config(settings, host, port)
    db = obj.db

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await serve_console(settings, db, cfg, stop, ready=lambda line: console.print(line, markup=False))

    asyncio.run(main())
    console.print("Trang quản trị đã dừng.")
