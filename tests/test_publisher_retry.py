"""The retry policy: backoff with jitter from tenacity, server hints honoured exactly,
permanent errors and unknown outcomes never retried blindly."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from channels.base import PermanentError, RateLimited, RetryableError, UnknownOutcome
from channels.retry import DEAD, PERMANENT, RATE_LIMITED, RETRY, UNKNOWN, RetryPolicy
from content.config import PublisherSettings


def test_backoff_grows_with_jitter_within_bounds():
    p = RetryPolicy(max_attempts=10, initial=30, minimum=5, maximum=3600)
    for attempt in range(1, 9):
        ceiling = min(3600, 30 * 2 ** (attempt - 1))
        delays = [p.delay(attempt, RetryableError("x")) for _ in range(200)]
        assert all(5 <= d <= ceiling for d in delays)
        assert len(set(delays)) > 1            # jitter, not a fixed schedule
    assert max(p.delay(20) for _ in range(200)) <= 3600


def test_server_retry_after_is_honoured_exactly():
    p = RetryPolicy()
    assert p.delay(1, RetryableError("x", retry_after=17)) == 17
    d = p.decide(RetryableError("Máy chủ bận", retry_after=42, http_status=503), 2)
    assert (d.kind, d.delay) == (RETRY, 42)
    now = datetime(2024, 3, 4, 1, tzinfo=timezone.utc)
    assert (d.next_at(now) - now).total_seconds() == 42


def test_rate_limit_waits_exactly_and_never_kills_a_post():
    p = RetryPolicy(max_attempts=2)
    d = p.decide(RateLimited("Quá nhiều tin", retry_after=3, http_status=429), attempt=99)
    assert (d.kind, d.delay) == (RATE_LIMITED, 3)


def test_dead_after_max_attempts():
    p = RetryPolicy(max_attempts=3)
    assert p.decide(RetryableError("x"), 2).kind == RETRY
    assert p.decide(RetryableError("x"), 3).kind == DEAD


@pytest.mark.parametrize("error, kind", [
    (PermanentError("Yêu cầu sai", http_status=400), PERMANENT),
    (PermanentError("Bot bị chặn", http_status=403), PERMANENT),
    (UnknownOutcome("Mất kết nối"), UNKNOWN),
    (ConnectionResetError("reset"), UNKNOWN),
])
def test_not_retried_blindly(error, kind):
    d = RetryPolicy().decide(error, 1)
    assert d.kind == kind and d.delay is None and d.next_at(datetime.now(timezone.utc)) is None


def test_policy_from_config():
    p = RetryPolicy.from_config(PublisherSettings(max_attempts=7, retry_initial=10, retry_max=600))
    assert (p.max_attempts, p.initial, p.maximum) == (7, 10.0, 600.0)
    assert RetryPolicy.from_config(PublisherSettings()).max_attempts == 5
