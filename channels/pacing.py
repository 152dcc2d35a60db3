"""Flood control: when may the next message go to one target of one channel.

Pure bookkeeping with the time passed in (seconds on any monotonic scale): no sleeping, no I/O.
A `Pacer` knows every channel's `Limits` and keeps, per (channel, target), the recent send
times and a "blocked until" set by a server's retry_after; per channel, the times reserved
against the global rate. `reserve` answers the earliest moment a message may go *and* takes
that moment, so concurrent senders into different targets never claim the same global slot;
`confirm` moves a reservation to the moment the request actually left. After `RateLimited`,
`rate_limited` blocks that target only, for exactly `retry_after` seconds.

A small `margin` (seconds) is added to intervals and windows: the server measures arrival,
we measure departure, and the two clocks disagree by a few milliseconds.
"""

from __future__ import annotations

import bisect
from collections import deque
from dataclasses import dataclass, field
from typing import Mapping

from channels.base import Limits

WINDOW = 60.0  # seconds of the per-minute sliding window


@dataclass
class _Target:
    sent: deque[float] = field(default_factory=deque)  # recent send (or reserved) times, ascending
    blocked_until: float = float("-inf")


class Pacer:
    """Per-target and per-channel pacing for every channel in `limits` (name → Limits)."""

    def __init__(self, limits: Mapping[str, Limits], *, margin: float = 0.05):
        self.limits = dict(limits)
        self.margin = margin
        self._targets: dict[tuple[str, str], _Target] = {}
        self._global: dict[str, list[float]] = {}

    # -- queries -----------------------------------------------------------------------------
    def next_time(self, channel: str, target: str, now: float) -> float:
        """The earliest time ≥ now at which a message to (channel, target) may go (no record)."""
        t = self._target_time(channel, target, now)
        return self._global_time(channel, t, now)

    def blocked_until(self, channel: str, target: str) -> float | None:
        st = self._targets.get((channel, target))
        return st.blocked_until if st and st.blocked_until != float("-inf") else None

    # -- updates -----------------------------------------------------------------------------
    def reserve(self, channel: str, target: str, now: float) -> float:
        """Take the earliest allowed time for the next message to this target and return it."""
        at = self.next_time(channel, target, now)
        self._record(channel, target, at)
        return at

    def confirm(self, channel: str, target: str, reserved: float, actual: float) -> None:
        """The message reserved at `reserved` actually left at `actual` (normally a bit later)."""
        if actual == reserved:
            return
        st = self._state(channel, target)
        if reserved in st.sent:
            st.sent.remove(reserved)
        _insort_deque(st.sent, actual)
        times = self._global.get(channel)
        if times is not None:
            i = bisect.bisect_left(times, reserved)
            if i < len(times) and times[i] == reserved:
                del times[i]
            bisect.insort(times, actual)

    def release(self, channel: str, target: str, reserved: float) -> None:
        """A reservation that was not used (nothing was sent): give the slot back."""
        st = self._state(channel, target)
        if reserved in st.sent:
            st.sent.remove(reserved)
        times = self._global.get(channel)
        if times is not None:
            i = bisect.bisect_left(times, reserved)
            if i < len(times) and times[i] == reserved:
                del times[i]

    def rate_limited(self, channel: str, target: str, now: float, retry_after: float) -> float:
        """The server said 429 for this target: nothing goes there before now + retry_after."""
        st = self._state(channel, target)
        st.blocked_until = max(st.blocked_until, now + max(0.0, retry_after))
        return st.blocked_until

    # -- internals ---------------------------------------------------------------------------
    def _state(self, channel: str, target: str) -> _Target:
        return self._targets.setdefault((channel, target), _Target())

    def _lim(self, channel: str) -> Limits:
        return self.limits.get(channel) or Limits()

    def _target_time(self, channel: str, target: str, now: float) -> float:
        lim, st = self._lim(channel), self._state(channel, target)
        t = max(now, st.blocked_until)
        if st.sent and lim.per_target_interval > 0:
            t = max(t, st.sent[-1] + lim.per_target_interval + self.margin)
        n = lim.per_target_per_minute
        if n:
            while len(st.sent) > n:           # only the last n sends matter for the window
                st.sent.popleft()
            if len(st.sent) >= n:
                t = max(t, st.sent[-n] + WINDOW + self.margin)
        elif len(st.sent) > 1:
            while len(st.sent) > 1:
                st.sent.popleft()
        return t

    def _global_time(self, channel: str, t: float, now: float) -> float:
        rate = self._lim(channel).global_per_second
        if not rate:
            return t
        gap = (1.0 / rate) * (1 + 1e-9) + self.margin / 10
        times = self._global.setdefault(channel, [])
        cut = bisect.bisect_left(times, now - 1.0 - gap)
        if cut:
            del times[:cut]
        # earliest t' ≥ t at least `gap` away from every reserved time
        i = bisect.bisect_left(times, t - gap + 1e-12)
        while i < len(times) and times[i] < t + gap:
            t = max(t, times[i] + gap)
            i += 1
        return t

    def _record(self, channel: str, target: str, at: float) -> None:
        _insort_deque(self._state(channel, target).sent, at)
        if self._lim(channel).global_per_second:
            bisect.insort(self._global.setdefault(channel, []), at)


def _insort_deque(d: deque[float], value: float) -> None:
    if not d or d[-1] <= value:
        d.append(value)
        return
    items = sorted([*d, value])
    d.clear()
    d.extend(items)
