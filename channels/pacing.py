"""Flood control: when may the next message go to one target of one channel.

Pure bookkeeping with the time passed in (seconds on any monotonic scale): no sleeping, no I/O.
A `Pacer` knows every channel's `Limits` and keeps, per (channel, target), the recent send
times and a "blocked until" set by a server's retry_after; per channel, the times reserved
against the global rate. `reserve` answers the earliest moment a message may go *and* takes
that moment, so concurrent senders into different targets never claim the same global slot;
`confirm` moves a reservation to the moment the request actually left, and `release` gives
back the slot of a request that was not delivered — one refused with 429 included, since the
server did not count it. After a 429, `rate_limited` blocks that target only, for exactly
`retry_after` seconds.

The server counts a message when it arrives, somewhere between our departure and its answer;
the send queue records a message at its departure and moves it to the answer when that comes
(`confirm`), so "one message a second into a chat", "the 21st message into a group 60 s after
the 1st" and "the 31st of the second a second after the 1st" hold however late a request
reaches the server (at the cost of a round trip per window). A small safety margin is kept
where a window closes — the 21st message into a group goes `margin` after the 60 s, the 31st
message of the second `global_margin` after its second — not between every two messages, so
the global rate reaches 30 / (1 + global_margin) per second. Inside the second,
messages go at least `1/(2 × rate)` apart: a sender woken late (a busy event loop) catches up
instead of losing the time for good, and there is never a burst of 30 at once. The interval
between two messages into one target (a window of one message) keeps `margin`.
"""

from __future__ import annotations

import bisect
from collections import deque
from dataclasses import dataclass, field
from typing import Mapping

from channels.base import Limits

WINDOW = 60.0          # seconds of the per-minute sliding window
GLOBAL_WINDOW = 1.0    # seconds of the per-second (global) window
CATCH_UP = 2.0         # inside the global window messages may go this many times the rate apart
_EPS = 1e-9


@dataclass
class _Target:
    sent: deque[float] = field(default_factory=deque)  # recent send (or reserved) times, ascending
    blocked_until: float = float("-inf")


class Pacer:
    """Per-target and per-channel pacing for every channel in `limits` (name → Limits)."""

    def __init__(self, limits: Mapping[str, Limits], *, margin: float = 0.02, global_margin: float | None = None):
        self.limits = dict(limits)
        self.margin = margin
        self.global_margin = min(margin, 0.005) if global_margin is None else global_margin
        self._targets: dict[tuple[str, str], _Target] = {}
        self._global: dict[str, list[float]] = {}

    # -- queries -----------------------------------------------------------------------------
    def next_time(self, channel: str, target: str, now: float) -> float:
        """The earliest time ≥ now at which a message to (channel, target) may go (no record)."""
        return self.global_time(channel, self.target_time(channel, target, now), now)

    def blocked_until(self, channel: str, target: str) -> float | None:
        st = self._targets.get((channel, target))
        return st.blocked_until if st and st.blocked_until != float("-inf") else None

    def any_blocked(self, channel: str, now: float) -> bool:
        """Whether a target of the channel is blocked by a server's retry_after at `now`."""
        return any(ch == channel and st.blocked_until > now for (ch, _), st in self._targets.items())

    def paced(self, channel: str) -> bool:
        """Whether the channel has any limit to keep (else a message may always go at once)."""
        lim = self._lim(channel)
        return bool(lim.per_target_interval or lim.per_target_per_minute or lim.global_per_second)

    def target_time(self, channel: str, target: str, now: float) -> float:
        """The earliest time ≥ now that this target's own limits allow (the global rate aside)."""
        lim = self._lim(channel)
        st = self._targets.get((channel, target))
        if st is None:
            return now
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

    def slots(self, channel: str, target: str, now: float, until: float, most: int) -> tuple[int, float | None]:
        """How many messages (up to `most`) this target's own limits let go between `now` and
        `until`, and the earliest time the next one could go (None when `most` fit)."""
        lim = self._lim(channel)
        st = self._targets.get((channel, target))
        sent = list(st.sent) if st else []
        t = max(now, st.blocked_until) if st else now
        n = lim.per_target_per_minute
        for k in range(most):
            if sent and lim.per_target_interval > 0:
                t = max(t, sent[-1] + lim.per_target_interval + self.margin)
            if n and len(sent) >= n:
                t = max(t, sent[-n] + WINDOW + self.margin)
            if t > until:
                return k, t
            sent.append(t)
        return most, None

    def global_time(self, channel: str, t: float, now: float) -> float:
        """The earliest time ≥ t that the channel's global rate allows."""
        rate = self._lim(channel).global_per_second
        if not rate:
            return t
        gap = 1.0 / rate / CATCH_UP
        per_window = max(1, int(rate * GLOBAL_WINDOW + _EPS))
        width = GLOBAL_WINDOW + self.global_margin
        times = self._global.setdefault(channel, [])
        cut = bisect.bisect_left(times, now - width - gap)
        if cut:
            del times[:cut]
        while True:
            i = bisect.bisect_left(times, t)
            if i > 0 and t - times[i - 1] < gap - _EPS:
                t = times[i - 1] + gap
                continue
            if i < len(times) and times[i] - t < gap - _EPS:
                t = times[i] + gap
                continue
            # every `per_window` reserved times around t, with t, must span a whole window
            moved = False
            for j in range(max(0, i - per_window), i + 1):
                seg = times[j:j + per_window]
                if len(seg) < per_window:
                    continue
                if seg[0] <= t < seg[0] + width and seg[-1] < seg[0] + width:
                    t = seg[0] + width
                elif t < seg[0] and seg[-1] < t + width:
                    t = seg[-1] + gap
                else:
                    continue
                moved = True
                break
            if not moved:
                return t

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
        self.release(channel, target, reserved)
        self._record(channel, target, actual)

    def release(self, channel: str, target: str, reserved: float) -> None:
        """A reservation that was not used (nothing was delivered): give the slot back."""
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
