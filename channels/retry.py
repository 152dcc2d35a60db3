"""Retry policy: what a failed attempt leads to, and when the next attempt is due.

Retries are persisted as state (a post's `next_attempt_at`), never slept through, so they
survive restarts. The delay comes from tenacity's wait strategies: exponential backoff with
full jitter (`wait_random_exponential`), except that a server's own hint — Telegram's
`retry_after`, HTTP `Retry-After` — is honoured exactly (`wait_server_hint`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tenacity import RetryCallState, wait_random_exponential
from tenacity.wait import wait_base

from channels.base import ChannelError, PermanentError, RateLimited, RetryableError, UnknownOutcome
from content import config

# What a failed attempt means for the post.
RETRY = "retry"            # try again at next_attempt_at
RATE_LIMITED = "rate_limited"
PERMANENT = "failed"       # never retried automatically; staff are told
DEAD = "dead"              # retryable, but the attempts are used up; staff are told
UNKNOWN = "unknown"        # may have been delivered: reconcile, never resend blindly


class wait_server_hint(wait_base):
    """Wait exactly what the server asked for (the exception's `retry_after`), else `fallback`."""

    def __init__(self, fallback: wait_base):
        self.fallback = fallback

    def __call__(self, retry_state: RetryCallState) -> float:
        exc = retry_state.outcome.exception() if retry_state.outcome else None
        hint = getattr(exc, "retry_after", None)
        if hint is not None and hint >= 0:
            return float(hint)
        return float(self.fallback(retry_state))


@dataclass(frozen=True)
class Decision:
    kind: str                      # RETRY | RATE_LIMITED | PERMANENT | DEAD | UNKNOWN
    delay: float | None = None     # seconds until the next attempt (RETRY, RATE_LIMITED)

    def next_at(self, now: datetime) -> datetime | None:
        return None if self.delay is None else now + timedelta(seconds=self.delay)


_DEFAULTS = config.PublisherSettings()     # the defaults live in one place: content/config.py


@dataclass(frozen=True)
class RetryPolicy:
    """`[publisher]` max_attempts, retry_initial, retry_min, retry_max (defaults: content/config.py)."""

    max_attempts: int = _DEFAULTS.max_attempts
    initial: float = _DEFAULTS.retry_initial
    minimum: float = _DEFAULTS.retry_min
    maximum: float = _DEFAULTS.retry_max

    @classmethod
    def from_config(cls, publisher: "config.PublisherSettings") -> "RetryPolicy":
        return cls(max_attempts=max(1, publisher.max_attempts), initial=publisher.retry_initial,
                   minimum=publisher.retry_min, maximum=publisher.retry_max)

    @property
    def wait(self) -> wait_base:
        return wait_server_hint(wait_random_exponential(multiplier=self.initial, min=self.minimum,
                                                        max=self.maximum))

    def delay(self, attempt: int, error: BaseException | None = None) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based)."""
        state = RetryCallState(retry_object=None, fn=None, args=(), kwargs={})  # type: ignore[arg-type]
        state.attempt_number = max(1, attempt)
        if error is not None:
            state.set_exception((type(error), error, error.__traceback__))
        return self.wait(state)

    def decide(self, error: BaseException, attempt: int) -> Decision:
        """What failed attempt number `attempt` of a post, ending in `error`, leads to.
        A 429 is the channel's flood control, not the post's fault: it never uses up attempts."""
        if isinstance(error, RateLimited):
            return Decision(RATE_LIMITED, max(0.0, float(error.retry_after or 0.0)))
        if isinstance(error, UnknownOutcome):
            return Decision(UNKNOWN)
        if isinstance(error, PermanentError):
            return Decision(PERMANENT)
        if isinstance(error, RetryableError):
            if attempt >= self.max_attempts:
                return Decision(DEAD)
            return Decision(RETRY, self.delay(attempt, error))
        if isinstance(error, ChannelError):   # an adapter's own subclass we do not know: be safe
            return Decision(PERMANENT)
        return Decision(UNKNOWN)               # a bug or an unmapped library error mid-request
