"""What every view shares: the console's parts (settings, database, pages, clock), the parsed
form, flash messages and redirects (Post/Redirect/Get)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Mapping
from urllib.parse import urlsplit

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse

import logging

from bot.web.config import WebConfig
from bot.web.templating import Pages
from content.audit import Actor, record
from content.db import Database
from content.config import Settings
from content.users import add_flash

logger = logging.getLogger("loa.web")


@dataclass
class Console:
    settings: Settings
    db: Database
    pages: Pages
    clock: Callable[[], datetime]
    web: WebConfig
    channels: Callable[[], Mapping[str, Any]]           # live adapters, built once
    health: Callable[[], dict[str, Any]] = field(default=lambda: {})

    @property
    def tz(self):  # noqa: ANN201
        return self.settings.tz

    def audit_refusal(self, request: Request, exc: Exception) -> None:
        """A refused action goes to the audit trail with the account's name."""
        info = request.state.session
        logger.warning("refused: %s tried %s on %s %s", info.username if info else "?",
                       getattr(exc, "action", "?"), request.method, request.url.path)
        item_id = request.path_params.get("item_id")
        with self.db.session() as s:
            record(s, Actor(actor(request), "web"), "access.refused", now=self.clock(),
                   item_id=item_id if isinstance(item_id, int) else None,
                   post_id=request.path_params.get("post_id"),
                   note=f"{getattr(exc, 'action', '?')}: {request.method} {request.url.path}")


def console(request: Request) -> Console:
    return request.app.state.console


def form(request: Request) -> FormData:
    """The POST body, parsed (and CSRF-checked) by the middleware before the view runs."""
    return request.scope.get("loa.form") or FormData()


def text(f: FormData, name: str, default: str = "") -> str:
    v = f.get(name)
    return v if isinstance(v, str) else default


def actor(request: Request) -> str:
    """The account's name as the audit trail and the items record it: "Họ tên (tên đăng nhập)"."""
    info = request.state.session
    return f"{info.name} ({info.username})" if info and info.username else "(không rõ)"


def flash(request: Request, kind: str, message: str) -> None:
    info = request.state.session
    if info is None:
        return
    with console(request).db.session() as s:
        add_flash(s, info.id, kind, message)


def redirect(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def safe_next(target: str | None, default: str = "/") -> str:
    """A local path to go back to after login; anything else (another host, //, \\) → default."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None
