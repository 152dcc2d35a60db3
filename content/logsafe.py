"""What may reach a log line: secrets never, and not the same warning five hundred times.

- `RedactFilter` is put on every handler Loa installs (`install`). It masks the secrets Loa
  was given (`remember_secret`, called with each token read from the environment) and anything
  shaped like a Telegram bot token (`123456:AA…`, also inside a Bot API URL
  `…/bot123456:AA…/sendMessage`), in the message, its arguments and a formatted traceback.
- `quiet_libraries(verbose)`: python-telegram-bot logs every request's parameters and every
  update at DEBUG (a citizen's text, name and phone), httpx every URL (the token): those
  loggers stay at INFO or above even with `loa -v`.
- `Throttle`: one line per kind of event per period, with the number left out since
  ("… (và 499 lần tương tự trong 60 giây qua)"), for warnings an outsider can trigger at will.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from typing import Callable

MASK = "****"
_TOKEN = re.compile(r"(?:(?<=bot)|(?<![\w]))(\d{3,12}):[A-Za-z0-9_-]{6,}")
_SECRETS: set[str] = set()
_LOCK = threading.Lock()
LIBRARIES = ("telegram", "httpx", "httpcore", "uvicorn", "apscheduler", "hpack", "urllib3", "asyncio")


def remember_secret(value: str | None) -> None:
    """From now on `value` is masked wherever Loa logs (ignored when shorter than 6 characters)."""
    if value and len(value) >= 6:
        with _LOCK:
            _SECRETS.add(value)


def redact(text: str) -> str:
    with _LOCK:
        secrets = sorted(_SECRETS, key=len, reverse=True)
    for s in secrets:
        if s in text:
            text = text.replace(s, MASK)
    return _TOKEN.sub(lambda m: f"{m.group(1)}:{MASK}", text)


class RedactFilter(logging.Filter):
    """Masks secrets in a record before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string is logged as it is
            message = str(record.msg)
        clean = redact(message)
        if clean != message or record.args:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_FILTER = RedactFilter()


def install(logger: logging.Logger | None = None) -> None:
    """Put the filter on every handler of `logger` (default: the root logger)."""
    for handler in (logger or logging.getLogger()).handlers:
        if _FILTER not in handler.filters:
            handler.addFilter(_FILTER)


def quiet_libraries(verbose: bool) -> None:
    """Third-party loggers at WARNING by default and at INFO with -v, never at DEBUG."""
    for name in LIBRARIES:
        logging.getLogger(name).setLevel(logging.INFO if verbose else logging.WARNING)


class Throttle:
    """`ready(kind)` is true at most once per `every` seconds per kind; `take(kind)` returns how
    many calls were left out since the last line (to say so in it)."""

    def __init__(self, every: float = 60.0, clock: Callable[[], float] = time.monotonic):
        self.every, self.clock = every, clock
        self._last: dict[str, float] = {}
        self._dropped: dict[str, int] = {}

    def ready(self, kind: str) -> int | None:
        """None: stay quiet this time; else log now, mentioning the returned count left out."""
        now = self.clock()
        last = self._last.get(kind)
        if last is not None and now - last < self.every:
            self._dropped[kind] = self._dropped.get(kind, 0) + 1
            return None
        self._last[kind] = now
        return self._dropped.pop(kind, 0)


__all__ = ["RedactFilter", "Throttle", "install", "quiet_libraries", "redact", "remember_secret"]
