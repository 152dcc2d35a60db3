"""Blocking HTTP for adapters built on `requests`, with transport failures mapped to Loa's
error types. The rule: a failure before the request left us (connection refused, connect
timeout, DNS) is retryable; a failure after it left (read timeout, connection dropped before an
answer) is an unknown outcome — the server may have acted on it.

Adapters run these calls with `asyncio.to_thread`.
"""

from __future__ import annotations

from email.utils import parsedate_to_datetime
from datetime import datetime, timezone
from typing import Any

import requests
from urllib3.exceptions import ProtocolError

from channels.base import PermanentError, RateLimited, RetryableError, UnknownOutcome

DEFAULT_TIMEOUT = (5.0, 30.0)   # (connect, read) seconds


def request(session: requests.Session, method: str, url: str, *, what: str,
            timeout: Any = DEFAULT_TIMEOUT, **kwargs: Any) -> requests.Response:
    """Send one request; transport failures become RetryableError / UnknownOutcome.
    `what` names the service in Vietnamese ("Zalo", "WordPress", "cổng SMS")."""
    try:
        return session.request(method, url, timeout=timeout, **kwargs)
    except requests.ConnectTimeout as e:
        raise RetryableError(f"Không kết nối được {what} (quá thời gian chờ kết nối).", detail=str(e)) from e
    except requests.ReadTimeout as e:
        raise UnknownOutcome(f"{what} không trả lời kịp; yêu cầu có thể đã được xử lý — "
                             "hãy kiểm tra trước khi gửi lại.", detail=str(e)) from e
    except requests.ConnectionError as e:
        if _sent(e):
            raise UnknownOutcome(f"Mất kết nối với {what} trước khi nhận được trả lời; yêu cầu có thể "
                                 "đã được xử lý — hãy kiểm tra trước khi gửi lại.", detail=str(e)) from e
        raise RetryableError(f"Không kết nối được {what}.", detail=str(e)) from e
    except requests.RequestException as e:
        raise RetryableError(f"Lỗi mạng khi gọi {what}.", detail=str(e)) from e


def _sent(exc: requests.ConnectionError) -> bool:
    """True when the connection broke after the request was written (no answer came back)."""
    reason = exc.args[0] if exc.args else None
    return isinstance(reason, ProtocolError)


def retry_after(resp: requests.Response) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), if present."""
    value = resp.headers.get("Retry-After")
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def raise_for_status(resp: requests.Response, *, what: str, detail: str | None = None) -> None:
    """Map an HTTP error status: 429 (and 503 with Retry-After) → RateLimited; other 5xx and
    408 → RetryableError; 401/403 → PermanentError about credentials; other 4xx → PermanentError."""
    status = resp.status_code
    if status < 400:
        return
    detail = detail or resp.text[:500]
    wait = retry_after(resp)
    if status == 429 or (status == 503 and wait is not None):
        raise RateLimited(f"{what} báo gửi quá nhanh (HTTP {status}); sẽ thử lại sau {wait or 60:.0f} giây.",
                          retry_after=wait or 60.0, http_status=status, detail=detail)
    if status >= 500 or status == 408:
        raise RetryableError(f"{what} đang gặp lỗi tạm thời (HTTP {status}); sẽ thử lại.",
                             retry_after=wait, http_status=status, detail=detail)
    if status in (401, 403):
        raise PermanentError(f"{what} từ chối thông tin đăng nhập (HTTP {status}); hãy kiểm tra tài khoản "
                             "và mật khẩu/khóa trong biến môi trường.", http_status=status, detail=detail)
    raise PermanentError(f"{what} từ chối yêu cầu (HTTP {status}).", http_status=status, detail=detail)


def json_or_none(resp: requests.Response) -> Any:
    try:
        return resp.json()
    except ValueError:
        return None
