"""/login and /logout. A browser gets a session (and its CSRF token) before it signs in; signing
in replaces that session with a new one, so a token planted before login is worth nothing."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from bot.web.common import console, form, redirect, safe_next, text
from bot.web.security import COOKIE
from content.users import (SESSION_IDLE, LoginRefused, LoginThrottled, SessionInfo, authenticate, end_session,
                           start_session)


def _set_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(COOKIE, token, max_age=int(SESSION_IDLE.total_seconds()), path="/", httponly=True,
                        samesite="lax", secure=bool(request.scope.get("loa.secure")))


def login(request: Request) -> Response:
    c = console(request)
    info = request.state.session
    nxt = safe_next(request.query_params.get("next"))
    if request.method == "GET":
        if info is not None and info.user_id is not None:
            return redirect(nxt)
        token = None
        if info is None:
            with c.db.session() as s:
                token, row = start_session(s, user_id=None, address=request.scope["loa.address"], now=c.clock())
                request.state.session = SessionInfo(row.id, row.csrf_token, None, None, None, None)
        response = c.pages.render(request, "login.html", page_title="Đăng nhập", error="", username="", next=nxt)
        if token:
            _set_cookie(request, response, token)
        return response
    f = form(request)
    username = text(f, "username")
    nxt = safe_next(text(f, "next"))
    with c.db.session() as s:
        try:
            user = authenticate(s, username, text(f, "password"), address=request.scope["loa.address"],
                                now=c.clock())
        except LoginRefused as e:
            error, status = e.message, 429 if isinstance(e, LoginThrottled) else 400
            # caught inside the transaction: the failure it recorded is committed
        else:
            error, status = "", 200
            end_session(s, info.id)
            token, _ = start_session(s, user_id=user.id, address=request.scope["loa.address"], now=c.clock())
    if error:
        return c.pages.render(request, "login.html", status=status,
                              page_title="Đăng nhập", error=error, username=username, next=nxt)
    response = redirect(nxt)
    _set_cookie(request, response, token)
    return response


def logout(request: Request) -> Response:
    c = console(request)
    info = request.state.session
    if request.method == "GET":
        if info is None or info.user_id is None:
            return redirect("/login")
        return c.pages.render(request, "logout.html", page_title="Đăng xuất")
    with c.db.session() as s:
        end_session(s, info.id)
    response = redirect("/login")
    response.delete_cookie(COOKIE, path="/")
    return response
