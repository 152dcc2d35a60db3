"""A fake Zalo Official Account API (openapi.zalo.me) and its OAuth server (oauth.zaloapp.com)
on one 127.0.0.1 port.

    with FakeZaloAPI() as zalo:      # access "AT-1", refresh "RT-1"
        config: base_url = zalo.base_url, oauth_url = zalo.oauth_url, app_id = zalo.app_id

Implemented, as documented:
- `POST /v3.0/oa/message/cs` (also /transaction, /promotion): header `access_token`, JSON
  `{"recipient":{"user_id"},"message":{"text"}}`, text ≤ 2000 characters;
- `POST /v2.0/article/create` → `data.token`; `POST /v2.0/article/verify {token}` → `data.id`;
  `GET /v2.0/article/getslice?offset&limit` lists articles, newest first;
  `POST /v2.0/article/update` (the full article plus `id`; same checks as create) replaces an
  article (old versions in `article_versions`); `POST /v2.0/article/remove {id}` removes it
  (it leaves `articles` and getslice); an unknown or removed id → -201 "article not found";
- there is no API to recall or edit a message already sent to a user;
- `POST /v4/oa/access_token` (form refresh_token, app_id, grant_type=refresh_token; header
  `secret_key`) → a NEW pair; the used refresh token stops working (single use).

Answers are HTTP 200 with `{"error": 0 | negative, "message": …}`: -216 access token invalid
(or expired, after `expire_access()`), -201 invalid parameters, -213 user not following,
-32 rate limit; a bad refresh token gives `error -14014` with `error_name`/`error_reason`.
`fail_next(...)` scripts an HTTP status (5xx), a Zalo error code, a delay or a dropped
connection for the next matching requests; `before_refresh` (one shot) runs just before a refresh
is processed, e.g. to let "another instance" spend the refresh token first (`use_refresh_token`).
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from typing import Any, Callable

from tests.fakes.http import FakeServer, Request, Response

TEXT_MAX = 2000
MESSAGE_PATHS = {"/v3.0/oa/message/cs", "/v3.0/oa/message/transaction", "/v3.0/oa/message/promotion"}


@dataclass
class _Failure:
    remaining: int
    path: str | None
    status: int
    error: int | None
    message: str
    drop: bool
    delay: float


class FakeZaloAPI(FakeServer):
    def __init__(self, *, access_token: str = "AT-1", refresh_token: str = "RT-1", app_id: str = "1234567890",
                 secret_key: str = "ZALO-SECRET", expires_in: int = 90000):
        super().__init__()
        self.app_id = app_id
        self.secret_key = secret_key
        self.expires_in = expires_in
        self.valid_access: set[str] = {access_token}
        self.valid_refresh: set[str] = {refresh_token}
        self.issued: list[dict[str, Any]] = []          # pairs handed out by refresh
        self.refresh_calls: list[dict[str, Any]] = []
        self.messages: list[dict[str, Any]] = []        # accepted OA messages
        self.articles: list[dict[str, Any]] = []        # created articles (with "id" once verified)
        self.removed_articles: list[dict[str, Any]] = []
        self.article_versions: list[dict[str, Any]] = []
        self.calls: list[dict[str, Any]] = []           # every request: path, status, error, token
        self.blocked_users: set[str] = set()            # users who do not follow the OA (-213)
        self.before_refresh: Callable[[str], None] | None = None   # one-shot hook: gets the refresh token
        self._failures: list[_Failure] = []
        self._seq = itertools.count(1)
        self._generation = itertools.count(2)   # AT-2/RT-2, AT-3/RT-3, …

    @property
    def base_url(self) -> str:
        return self.root

    @property
    def oauth_url(self) -> str:
        return self.root

    # -- scripting -------------------------------------------------------------------------

    def expire_access(self) -> None:
        """Every access token issued so far stops working (-216)."""
        with self.lock:
            self.valid_access.clear()

    def revoke_refresh(self) -> None:
        """Every refresh token stops working (an expired or already-used one)."""
        with self.lock:
            self.valid_refresh.clear()

    def fail_next(self, n: int = 1, *, path: str | None = None, status: int = 200, error: int | None = None,
                  message: str = "", drop: bool = False, delay: float = 0.0) -> None:
        """The next `n` requests to `path` (None: any) answer `status` (with Zalo `error` if
        given), or are dropped after being processed, or answer after `delay` seconds."""
        with self.lock:
            self._failures.append(_Failure(n, path, status, error, message, drop, delay))

    @property
    def current_access(self) -> str | None:
        with self.lock:
            return self.issued[-1]["access_token"] if self.issued else next(iter(self.valid_access), None)

    # -- HTTP ------------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        with self.lock:
            failure = self._take_failure(request.path)
            if failure and not failure.drop and (failure.status != 200 or failure.error is not None):
                body: Any = ({"error": failure.error, "message": failure.message or "Lỗi giả lập"}
                             if failure.error is not None else failure.message or "Internal Server Error")
                self._log(request, failure.status, failure.error)
                return Response(failure.status, body, delay=failure.delay)
            resp = self._route(request)
            self._log(request, resp.status, resp.body.get("error") if isinstance(resp.body, dict) else None)
        if failure:
            resp.drop, resp.delay = failure.drop, failure.delay
        return resp

    def _log(self, request: Request, status: int, error: Any) -> None:
        self.calls.append({"path": request.path, "status": status, "error": error,
                           "access_token": request.headers.get("access_token"), "at": time.monotonic()})

    def _take_failure(self, path: str) -> _Failure | None:
        for f in self._failures:
            if f.remaining > 0 and (f.path is None or f.path == path):
                f.remaining -= 1
                if f.remaining == 0:
                    self._failures.remove(f)
                return f
        return None

    def _route(self, req: Request) -> Response:
        if req.path == "/v4/oa/access_token" and req.method == "POST":
            return self._refresh(req)
        token = req.headers.get("access_token", "")
        known = req.path in MESSAGE_PATHS or req.path.startswith("/v2.0/article/")
        if not known:
            return Response(200, {"error": 404, "message": "You are accessing an empty or invalid API"})
        if token not in self.valid_access:
            return _err(-216, "Access token is invalid")
        if req.path in MESSAGE_PATHS:
            return self._message(req)
        if req.path == "/v2.0/article/create":
            return self._article_create(req)
        if req.path == "/v2.0/article/verify":
            return self._article_verify(req)
        if req.path == "/v2.0/article/getslice":
            return self._article_list(req)
        if req.path == "/v2.0/article/update":
            return self._article_update(req)
        if req.path == "/v2.0/article/remove":
            return self._article_remove(req)
        return Response(200, {"error": 404, "message": "You are accessing an empty or invalid API"})

    def _refresh(self, req: Request) -> Response:
        self.refresh_calls.append({"form": dict(req.form), "secret_key": req.headers.get("secret_key")})
        if req.headers.get("secret_key") != self.secret_key:
            return Response(200, {"error": -14002, "error_name": "Invalid parameter",
                                  "error_reason": "Invalid secret key", "error_description": "secret_key is invalid"})
        if req.form.get("app_id") != self.app_id:
            return Response(200, {"error": -14001, "error_name": "Invalid parameter",
                                  "error_reason": "Invalid app id", "error_description": "app_id is invalid"})
        if req.form.get("grant_type") != "refresh_token":
            return Response(200, {"error": -14003, "error_name": "Invalid parameter",
                                  "error_reason": "Invalid grant type", "error_description": "grant_type is invalid"})
        refresh = req.form.get("refresh_token", "")
        if self.before_refresh is not None:
            hook, self.before_refresh = self.before_refresh, None
            hook(refresh)
        pair = self.use_refresh_token(refresh)
        if pair is None:
            return Response(200, {"error": -14014, "error_name": "Invalid parameter",
                                  "error_reason": "Invalid refresh token",
                                  "error_description": "Refresh token is invalid or expired"})
        return Response(200, dict(pair))

    def use_refresh_token(self, refresh: str) -> dict[str, str] | None:
        """Spend a refresh token (single use) for a new pair; None if it is not valid. Tests call
        it to play another Loa instance that renewed the pair first."""
        with self.lock:
            if refresh not in self.valid_refresh:
                return None
            self.valid_refresh.discard(refresh)
            n = next(self._generation)
            pair = {"access_token": f"AT-{n}", "refresh_token": f"RT-{n}", "expires_in": str(self.expires_in)}
            self.valid_access.add(pair["access_token"])
            self.valid_refresh.add(pair["refresh_token"])
            self.issued.append(pair)
            return pair

    def _message(self, req: Request) -> Response:
        data = req.json if isinstance(req.json, dict) else {}
        user_id = str((data.get("recipient") or {}).get("user_id") or "")
        text = (data.get("message") or {}).get("text")
        if not user_id or not isinstance(text, str) or not text:
            return _err(-201, "Parameters are invalid")
        if len(text) > TEXT_MAX:
            return _err(-201, "Parameters are invalid: text is too long")
        if user_id in self.blocked_users:
            return _err(-213, "User has not followed OA")
        message_id = f"msg-{next(self._seq)}"
        self.messages.append({"path": req.path, "user_id": user_id, "text": text, "message_id": message_id})
        return Response(200, {"error": 0, "message": "Success", "data": {"message_id": message_id,
                                                                         "user_id": user_id}})

    def _article_create(self, req: Request) -> Response:
        data = req.json if isinstance(req.json, dict) else {}
        title, author = data.get("title") or "", data.get("author") or ""
        body = data.get("body")
        if (data.get("type") != "normal" or not title or len(title) > 150 or not author or len(author) > 50
                or len(data.get("description") or "") > 300 or not isinstance(body, list) or not body):
            return _err(-201, "Parameters are invalid")
        token = f"art-token-{next(self._seq)}"
        self.articles.append({**data, "token": token, "id": None})
        return Response(200, {"error": 0, "message": "Success", "data": {"token": token}})

    def _article_verify(self, req: Request) -> Response:
        token = (req.json or {}).get("token") if isinstance(req.json, dict) else None
        for art in self.articles:
            if art["token"] == token:
                art["id"] = art["id"] or f"article-{next(self._seq)}"
                return Response(200, {"error": 0, "message": "Success", "data": {"id": art["id"]}})
        return _err(-201, "Parameters are invalid: token not found")

    def _find(self, req: Request) -> dict[str, Any] | None:
        wanted = (req.json or {}).get("id") if isinstance(req.json, dict) else None
        return next((a for a in self.articles if wanted and a["id"] == str(wanted)), None)

    def _article_update(self, req: Request) -> Response:
        data = req.json if isinstance(req.json, dict) else {}
        art = self._find(req)
        if art is None:
            return _err(-201, "Parameters are invalid: article not found")
        title, author, body = data.get("title") or "", data.get("author") or "", data.get("body")
        if (data.get("type") != "normal" or not title or len(title) > 150 or not author or len(author) > 50
                or len(data.get("description") or "") > 300 or not isinstance(body, list) or not body):
            return _err(-201, "Parameters are invalid")
        self.article_versions.append(dict(art))
        art.update({k: v for k, v in data.items() if k != "id"})
        return Response(200, {"error": 0, "message": "Success", "data": {"id": art["id"]}})

    def _article_remove(self, req: Request) -> Response:
        art = self._find(req)
        if art is None:
            return _err(-201, "Parameters are invalid: article not found")
        self.articles.remove(art)
        self.removed_articles.append(art)
        return Response(200, {"error": 0, "message": "Success", "data": {"id": art["id"]}})

    def _article_list(self, req: Request) -> Response:
        offset = int(req.query.get("offset", 0) or 0)
        limit = int(req.query.get("limit", 10) or 10)
        medias = [{"id": a["id"], "title": a["title"], "status": a.get("status", "show"), "type": "normal"}
                  for a in reversed(self.articles) if a["id"]][offset:offset + limit]
        return Response(200, {"error": 0, "message": "Success",
                              "data": {"medias": medias, "total": len(medias)}})


def _err(code: int, message: str) -> Response:
    return Response(200, {"error": code, "message": message})
