"""`make_console_app(settings, db, *, clock)`: the staff web console as one Starlette app.

The route list below is the site map. Nothing is read at import: templates, static files and
the database come in through the factory. Every view is a plain function that checks the
account's permission first, parses the request, calls the domain and renders or redirects.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Callable, Mapping

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.web.common import Console, actor, redirect
from bot.web.config import WebConfig
from bot.web.permissions import Forbidden, NotSignedIn
from bot.web.security import ConsoleMiddleware
from bot.web.templating import Pages, load_static, static_response
from bot.web.uploads import UploadError
from bot.web.views import audit, auth, items, log, pages, plans, qa, reports
from bot.web.views import channels as channel_pages
from bot.wiring import live_channels as build_live_channels
from content.db import Database
from content.errors import LoaError
from content.config import Settings
from content.text import now_utc
from content.users import pop_flash

logger = logging.getLogger("loa.web")


def routes() -> list[Route]:
    return [
        Route("/login", auth.login, methods=["GET", "POST"]),
        Route("/logout", auth.logout, methods=["GET", "POST"]),
        Route("/", pages.dashboard),
        Route("/calendar", pages.calendar),
        Route("/items", items.items_list),
        Route("/items/new", items.item_new, methods=["GET", "POST"]),
        Route("/items/{item_id:int}", items.item_page, methods=["GET", "POST"]),
        Route("/items/{item_id:int}/{action:str}", items.item_action, methods=["POST"]),
        Route("/log", log.log_page),
        Route("/log/posts/{post_id:int}/{action:str}", log.post_action, methods=["POST"]),
        Route("/qa", qa.qa_list),
        Route("/qa/{code:str}", qa.qa_page),
        Route("/qa/{code:str}/{action:str}", qa.qa_action, methods=["POST"]),
        Route("/plans", plans.plans_page),
        Route("/plans/upload", plans.upload, methods=["POST"]),
        Route("/plans/import", plans.import_plan, methods=["POST"]),
        Route("/reports", reports.reports_page),
        Route("/reports/download", reports.download),
        Route("/channels", channel_pages.channels_page),
        Route("/channels/test", channel_pages.send_test, methods=["POST"]),
        Route("/audit", audit.audit_page),
        Route("/healthz", pages.healthz),
        Route("/static/{name:str}", _static),
    ]


ITEM_ACTIONS = ("approve", "reject", "withdraw", "correct")
POST_ACTIONS = ("retry", "resolve")


def _static(request: Request) -> Response:
    files = request.app.state.static
    return static_response(files, request.path_params["name"], request.query_params.get("h"))


def make_console_app(settings: Settings, db: Database, *, clock: Callable[[], datetime] = now_utc,
                     web: WebConfig | None = None, channels: Mapping[str, Any] | None = None,
                     health: Callable[[], dict[str, Any]] | None = None, strict_templates: bool = False) -> Starlette:
    """The console. `channels`: live adapters to queue approved items on (built once when not
    given); `health`: what /healthz says about the scheduler (when `loa run` hosts the console)."""
    web = web or WebConfig.from_settings(settings)
    static = load_static()

    def _pop(session_id: str) -> None:
        with db.session() as s:
            pop_flash(s, session_id)

    pages_ = Pages(settings, static, strict=strict_templates, pop_flash=_pop)
    built: dict[str, Any] = {}

    def live_channels() -> Mapping[str, Any]:
        if channels is not None:
            return channels
        if "c" not in built:
            built["c"] = build_live_channels(settings, db)
        return built["c"]

    the_console = Console(settings=settings, db=db, pages=pages_, clock=clock, web=web, channels=live_channels,
                          health=health or (lambda: {"scheduler": "không chạy trong tiến trình này (loa web)"}))

    async def refuse(request: Request, status: int, message: str) -> Response:
        return await run_in_threadpool(pages_.render, request, "error.html", status,
                                       page_title="Không thực hiện được", message=message)

    async def not_signed_in(request: Request, exc: Exception) -> Response:
        if request.method == "GET":
            return redirect(f"/login?next={request.url.path}")
        return await refuse(request, 403, "Hãy đăng nhập lại rồi thử lại.")

    async def forbidden(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Forbidden)
        await run_in_threadpool(the_console.audit_refusal, request, exc)
        return await refuse(request, 403, exc.message)

    async def loa_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, LoaError)
        return await refuse(request, 400, exc.message)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        text = {404: "Không có trang này.", 405: "Trang này không nhận cách gửi đó."}.get(
            exc.status_code, "Yêu cầu không hợp lệ.")
        return await refuse(request, exc.status_code, text)

    async def server_error(request: Request, exc: Exception) -> Response:
        logger.exception("console error on %s %s", request.method, request.url.path, exc_info=exc)
        return await refuse(request, 500, "Có lỗi không mong đợi. Hãy thử lại; nếu vẫn lỗi, báo người quản trị.")

    app = Starlette(
        routes=routes(),
        middleware=[Middleware(ConsoleMiddleware, db=db, clock=clock, max_body=web.upload_max_bytes + 256 * 1024,
                               https=web.https, trust_proxy=web.trust_proxy, refuse=refuse,
                               path_limits={"/plans/upload": plans.UPLOAD_LIMIT + 256 * 1024})],
        exception_handlers={NotSignedIn: not_signed_in, Forbidden: forbidden, UploadError: loa_error,
                            LoaError: loa_error, HTTPException: http_error, Exception: server_error},
    )
    app.state.console = the_console
    app.state.static = static
    return app
