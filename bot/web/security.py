"""The console's outer layer, around every request: the server-side session (resolved once,
before routing), the CSRF check on every state-changing request, a same-origin check as a
second layer, the request-size cap (larger for the paths named in `path_limits`), and the
security headers on every response.

CSRF: the synchronizer-token pattern. The token lives in the session's database row and every
form carries it as `csrf_token`; a POST whose token is missing or differs (compared in constant
time) gets 403 before any view runs. Paths with their own authentication are opted out by name
in `CSRF_EXEMPT`. A browser's `Sec-Fetch-Site` (or, without it, `Origin`) naming another site is
refused too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Awaitable, Callable, Mapping
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from content.db import Database
from content.users import SessionInfo, csrf_ok, load_session

COOKIE = "loa_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Paths that authenticate requests their own way (a signature), so carry no form token.
CSRF_EXEMPT = frozenset({"/zalo/webhook"})
FORM_SLACK = 256 * 1024            # room for the text fields beside an upload

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


class TooLarge(Exception):
    pass


def client_address(scope: Scope, trust_proxy: bool) -> str:
    if trust_proxy:
        fwd = Headers(scope=scope).get("x-forwarded-for", "")
        if fwd.strip():
            return fwd.split(",")[0].strip()[:64]
    client = scope.get("client")
    return (client[0] if client else "")[:64]


def is_https(scope: Scope, trust_proxy: bool) -> bool:
    if scope.get("scheme") == "https":
        return True
    return trust_proxy and Headers(scope=scope).get("x-forwarded-proto", "").lower() == "https"


def same_origin(scope: Scope, trust_proxy: bool = False) -> bool:
    """False when the browser says the request comes from another site."""
    headers = Headers(scope=scope)
    site = headers.get("sec-fetch-site")
    if site is not None:
        return site in ("same-origin", "none")
    origin = headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    host = (headers.get("x-forwarded-host") if trust_proxy else None) or headers.get("host", "")
    return urlsplit(origin).netloc.lower() == host.lower()


class ConsoleMiddleware:
    """Session, CSRF, origin and size checks, security headers. `refuse(request, status, text)`
    renders the console's error page."""

    def __init__(self, app: ASGIApp, *, db: Database, clock: Callable[[], datetime], max_body: int,
                 https: bool, trust_proxy: bool,
                 refuse: Callable[[Request, int, str], Awaitable[Response]],
                 path_limits: Mapping[str, int] | None = None):
        self.app, self.db, self.clock, self.max_body = app, db, clock, max_body
        self.path_limits = dict(path_limits or {})      # a larger cap for named upload paths
        self.https, self.trust_proxy, self.refuse = https, trust_proxy, refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        secure = self.https or is_https(scope, self.trust_proxy)
        scope["loa.address"] = client_address(scope, self.trust_proxy)
        scope["loa.secure"] = secure
        state = scope.setdefault("state", {})
        token = Request(scope).cookies.get(COOKIE)
        if scope["path"].startswith("/static/") or scope["path"] == "/healthz":
            info = None
        else:
            info = await run_in_threadpool(self._load, token)
        state["session"] = info
        send = _with_headers(send, secure)
        form: FormData | None = None
        try:
            if scope["method"] not in SAFE_METHODS and scope["path"] not in CSRF_EXEMPT:
                request = Request(scope)
                if not same_origin(scope, self.trust_proxy):
                    await (await self.refuse(request, 403, "Yêu cầu đến từ trang khác: đã bị từ chối."))(
                        scope, receive, send)
                    return
                limit = self.path_limits.get(scope["path"], self.max_body)
                try:
                    body = await _read_body(scope, receive, limit)
                except TooLarge:
                    mb = limit // (1024 * 1024) or 1
                    await (await self.refuse(request, 413, f"Dữ liệu gửi lên quá lớn (tối đa khoảng {mb} MB)."))(
                        scope, receive, send)
                    return
                receive = _replay(body)
                form = await Request(scope, receive).form(max_files=4, max_fields=200)
                scope["loa.form"] = form
                receive = _replay(b"")
                given = form.get("csrf_token")
                if info is None or not csrf_ok(info.csrf_token, given if isinstance(given, str) else None):
                    await (await self.refuse(request, 403, "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. "
                                             "Hãy tải lại trang rồi thử lại."))(scope, receive, send)
                    return
            await self.app(scope, receive, send)
        finally:
            if form is not None:
                await form.close()

    def _load(self, token: str | None) -> SessionInfo | None:
        if not token:
            return None
        with self.db.session() as s:
            return load_session(s, token, now=self.clock())


async def _read_body(scope: Scope, receive: Receive, limit: int) -> bytes:
    declared = Headers(scope=scope).get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise TooLarge
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise TooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}
    return receive


def _with_headers(send: Send, secure: bool) -> Send:
    extra: list[tuple[bytes, bytes]] = [
        (b"content-security-policy", CSP.encode()),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"same-origin"),
        (b"x-content-type-options", b"nosniff"),
        (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
        (b"cross-origin-opener-policy", b"same-origin"),
    ]
    if secure:
        extra.append((b"strict-transport-security", b"max-age=31536000"))

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers: list[Any] = list(message.get("headers", []))
            names = {k.lower() for k, _ in headers}
            headers += [(k, v) for k, v in extra if k not in names]
            if b"cache-control" not in names:
                headers.append((b"cache-control", b"no-store"))
            message = {**message, "headers": headers}
        await send(message)
    return wrapped
