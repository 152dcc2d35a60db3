"""A fake generic HTTP SMS gateway on 127.0.0.1 (the shape most Vietnamese brandname/OTT
gateways share: POST JSON or form with recipient, text and sender; an API key as a bearer
token, HTTP Basic or a custom header).

    with FakeSMSGateway(auth="bearer", secret="KEY") as gw:
        config: sms_url = gw.url, sms_auth = "bearer", sms_auth_env = "SMS_KEY"

Answers 200 `{"status":"queued","id":…}`; wrong or missing credentials → 401
`{"error":"unauthorized"}`; a missing field → 400; `fail_next(status=…, retry_after=…)`
scripts 429/5xx (with Retry-After) or a dropped connection. `messages` holds accepted SMS
with the field names the gateway was configured for.
"""

from __future__ import annotations

import base64
import itertools
from dataclasses import dataclass
from typing import Any

from tests.fakes.http import FakeServer, Request, Response


@dataclass
class _Failure:
    remaining: int
    status: int
    retry_after: int | None
    drop: bool


class FakeSMSGateway(FakeServer):
    def __init__(self, *, auth: str = "bearer", secret: str = "SMS-KEY",
                 fields: dict[str, str] | None = None):
        """`auth` is "bearer", "basic" (secret "user:password") or "header:<Name>"."""
        super().__init__()
        self.auth = auth
        self.secret = secret
        self.fields = fields or {"to": "to", "text": "message", "sender": "from"}
        self.messages: list[dict[str, Any]] = []
        self.calls: list[dict[str, Any]] = []
        self._failures: list[_Failure] = []
        self._ids = itertools.count(1)

    @property
    def url(self) -> str:
        return f"{self.root}/api/sms/send"

    def fail_next(self, n: int = 1, *, status: int, retry_after: int | None = None, drop: bool = False) -> None:
        """The next `n` requests answer `status` ≥ 400 (with Retry-After if given); with
        `drop=True` and a status < 400 the SMS is accepted, then the connection is closed."""
        with self.lock:
            self._failures.append(_Failure(n, status, retry_after, drop))

    def _authorised(self, req: Request) -> bool:
        if self.auth == "bearer":
            return req.headers.get("authorization", "") == f"Bearer {self.secret}"
        if self.auth == "basic":
            expected = base64.b64encode(self.secret.encode()).decode()
            return req.headers.get("authorization", "") == f"Basic {expected}"
        if self.auth.startswith("header:"):
            return req.headers.get(self.auth.split(":", 1)[1].lower(), "") == self.secret
        return True

    def handle(self, request: Request) -> Response:
        with self.lock:
            failure = next((f for f in self._failures if f.remaining > 0), None)
            if failure:
                failure.remaining -= 1
                if failure.remaining == 0:
                    self._failures.remove(failure)
            if failure and not failure.drop and failure.status >= 400:
                self.calls.append({"status": failure.status})
                headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
                return Response(failure.status, {"error": "rate_limited" if failure.status == 429 else "server_error"},
                                headers=headers)
            resp = self._accept(request)
            self.calls.append({"status": resp.status})
        if failure:
            resp.drop = failure.drop
        return resp

    def _accept(self, req: Request) -> Response:
        if req.method != "POST" or req.path != "/api/sms/send":
            return Response(404, {"error": "not_found"})
        if not self._authorised(req):
            return Response(401, {"error": "unauthorized", "message": "Sai khóa API"})
        values = {role: req.param(name) for role, name in self.fields.items()}
        if not values.get("to") or not values.get("text"):
            return Response(400, {"error": "invalid_request", "message": "Thiếu số điện thoại hoặc nội dung"})
        sms_id = f"sms-{next(self._ids)}"
        self.messages.append({**{k: str(v) for k, v in values.items() if v is not None}, "id": sms_id})
        return Response(200, {"status": "queued", "id": sms_id})
