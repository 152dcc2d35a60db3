"""Pages: one Jinja2 environment (autoescape on), the base context every page gets, and static
files served from memory with a content hash in their URLs.

The base context is a contract (tests check it): `request`, `user`, `csrf_token`, `messages`,
`nav`, `can`, `static_url`, `unit_name`, `fmt_date`, `fmt_datetime`, `channel_names`,
`page_title`. A page adds its own keys on top.
"""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Undefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from bot.web.permissions import allowed
from content.config import Settings
from content.text import fmt_date, fmt_datetime
from content.kinds import CHANNEL_NAMES

HERE = Path(__file__).resolve().parent
BASE_CONTEXT = ("request", "user", "csrf_token", "messages", "nav", "can", "static_url", "unit_name",
                "fmt_date", "fmt_datetime", "channel_names", "page_title")

NAV = (  # (path, label, action needed to see it)
    ("/", "Tuần này", "view"),
    ("/calendar", "Lịch tháng", "view"),
    ("/items", "Bài viết", "view"),
    ("/log", "Nhật ký đăng", "view"),
    ("/qa", "Hỏi – đáp", "view"),
    ("/plans", "Kế hoạch", "plans"),
    ("/reports", "Báo cáo", "reports"),
    ("/audit", "Nhật ký thao tác", "audit"),
    ("/channels", "Các kênh", "channels"),
)


@dataclass(frozen=True)
class StaticFile:
    body: bytes
    media_type: str
    digest: str


def load_static(folder: Path = HERE / "static") -> dict[str, StaticFile]:
    files: dict[str, StaticFile] = {}
    for path in sorted(folder.iterdir()):
        if path.is_file():
            body = path.read_bytes()
            media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            if media.startswith("text/") or media == "application/javascript":
                media += "; charset=utf-8"
            files[path.name] = StaticFile(body, media, hashlib.sha256(body).hexdigest()[:12])
    return files


def static_response(files: dict[str, StaticFile], name: str, given_hash: str | None) -> Response:
    f = files.get(name)
    if f is None:
        return Response("Không tìm thấy.", status_code=404, media_type="text/plain; charset=utf-8")
    # Long cache only for the URL carrying the current hash; anything else is revalidated.
    cache = "public, max-age=31536000, immutable" if given_hash == f.digest else "no-cache"
    return Response(f.body, media_type=f.media_type, headers={"cache-control": cache, "etag": f'"{f.digest}"'})


class Pages:
    """Renders templates with the base context."""

    def __init__(self, settings: Settings, static: dict[str, StaticFile], *, strict: bool = False,
                 pop_flash: Callable[[str], None] | None = None):
        self.settings = settings
        self.static = static
        self.pop_flash = pop_flash
        self.env = Environment(loader=FileSystemLoader(str(HERE / "templates")),
                               autoescape=select_autoescape(default=True, default_for_string=True),
                               undefined=StrictUndefined if strict else Undefined,
                               trim_blocks=True, lstrip_blocks=True)
        tz = settings.tz
        self.env.filters["d"] = lambda v: fmt_date(v, tz) if v else ""
        self.env.filters["dt"] = lambda v: fmt_datetime(v, tz) if v else ""
        self.env.filters["chans"] = lambda cs: ", ".join(CHANNEL_NAMES.get(c, c) for c in cs)
        self.env.filters["hm"] = lambda v: v.astimezone(tz).strftime("%H:%M") if v else ""

    def static_url(self, name: str) -> str:
        f = self.static[name]
        return f"/static/{name}?h={f.digest}"

    def context(self, request: Request, **extra: Any) -> dict[str, Any]:
        info = request.state.session
        role = info.role if info is not None else None
        user = None
        if info is not None and info.user_id is not None:
            user = {"username": info.username, "name": info.name, "role": info.role}
        ctx: dict[str, Any] = {
            "request": request, "user": user,
            "csrf_token": info.csrf_token if info is not None else "",
            "messages": list(info.flash) if info is not None else [],
            "nav": [(p, label) for p, label, action in NAV if user and allowed(role, action)],
            "can": lambda action: allowed(role, action),
            "static_url": self.static_url, "unit_name": self.settings.unit.name,
            "fmt_date": lambda v: fmt_date(v, self.settings.tz),
            "fmt_datetime": lambda v: fmt_datetime(v, self.settings.tz),
            "channel_names": CHANNEL_NAMES, "page_title": "",
        }
        ctx.update(extra)
        return ctx

    def render(self, request: Request, name: str, status: int = 200, **extra: Any) -> HTMLResponse:
        ctx = self.context(request, **extra)
        html = self.env.get_template(name).render(ctx)
        info = request.state.session
        if ctx["messages"] and info is not None and self.pop_flash is not None:
            self.pop_flash(info.id)
        return HTMLResponse(html, status_code=status)
