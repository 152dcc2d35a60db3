"""One send queue for a bot's limits, shared by everything that writes through the bot: the
Q&A bot's acknowledgements and refusals, staff messages and the publisher's posts.

Telegram's limits are per bot (1 message/s into a chat, 20/min into a group, 30/s in all), so
whoever sends through one bot shares one `Pacer`. The queue decides who goes next: among the
messages whose target may take one now, the first by priority — acknowledgements, then
refusals, then staff messages, then publications — and, within a priority, the oldest. A
message whose target must wait does not hold back the others. Callers wait in the queue, not
in a slot of their own, and a caller that does not need the outcome can go on at once.

A message counts against the limits from its departure until the answer comes, then from the
answer (the latest moment the server can have counted it): the limits hold exactly, however
late a request reaches the server. A send refused with a rate limit (the caller's `refused(error)` returns the server's
retry_after) gives its slot back and blocks that target for exactly retry_after seconds; the
error goes back to the caller, who decides whether to queue the message again.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Awaitable, Callable, TypeVar

from channels.base import RateLimited
from channels.pacing import Pacer

ACK, REFUSAL, STAFF, PUBLICATION = range(4)
PRIORITY_NAMES = {ACK: "acknowledgement", REFUSAL: "refusal", STAFF: "staff", PUBLICATION: "publication"}
T = TypeVar("T")
Refused = Callable[[BaseException], "float | None"]


def rate_limited_wait(e: BaseException) -> float | None:
    """Loa's own RateLimited (adapters map the server's 429 to it): its retry_after."""
    if isinstance(e, RateLimited):
        return float(e.retry_after or 0.0)
    return None


@dataclass(eq=False)
class _Entry:
    seq: int
    priority: int
    channel: str
    target: str
    granted: asyncio.Future = field(repr=False)


class SendQueue:
    """A priority queue in front of a `Pacer` (see the module doc). `monotonic` and `sleep` are
    the clock the pacer's times are on and how to wait on it (tests inject both)."""

    def __init__(self, pacer: Pacer, *, monotonic: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[object]] = asyncio.sleep):
        self.pacer, self.monotonic, self.sleep = pacer, monotonic, sleep
        self._seq = itertools.count()
        self._waiting: dict[int, dict[tuple[str, str], deque[_Entry]]] = {p: {} for p in PRIORITY_NAMES}
        self._timer: asyncio.Task | None = None
        self._timer_at = float("inf")
        self.sent = {p: 0 for p in PRIORITY_NAMES}

    def waiting(self, priority: int | None = None) -> int:
        """How many messages wait for their turn (of one priority, or all)."""
        ps = [priority] if priority is not None else list(self._waiting)
        return sum(len(q) for p in ps for q in self._waiting[p].values())

    async def send(self, channel: str, target: str, call: Callable[[], Awaitable[T]], *,
                   priority: int = PUBLICATION, refused: Refused = rate_limited_wait) -> T:
        """Run `call` (one request to `target`) when it is this message's turn and the limits
        allow; returns its result or raises its error."""
        now = self.monotonic()
        if not self.pacer.paced(channel) and (self.pacer.blocked_until(channel, target) or now) <= now:
            return await self._run(channel, target, call, None, refused)
        entry = _Entry(next(self._seq), priority, channel, target, asyncio.get_running_loop().create_future())
        self._waiting[priority].setdefault((channel, target), deque()).append(entry)
        self._pump()
        try:
            at = await entry.granted
        except asyncio.CancelledError:
            if entry.granted.done() and not entry.granted.cancelled():
                self.pacer.release(channel, target, entry.granted.result())
                self._pump()
            else:
                self._forget(entry)
            raise
        delay = at - self.monotonic()
        if delay > 0:
            await self.sleep(delay)
        actual = max(at, self.monotonic())
        self.pacer.confirm(channel, target, at, actual)
        self.sent[priority] += 1
        return await self._run(channel, target, call, actual, refused)

    async def _run(self, channel: str, target: str, call: Callable[[], Awaitable[T]], at: float | None,
                   refused: Refused) -> T:
        try:
            result = await call()
        except BaseException as e:
            wait = refused(e) if isinstance(e, Exception) else None
            if wait is not None:     # not delivered: the slot is free again, the target waits exactly
                if at is not None:
                    self.pacer.release(channel, target, at)
                self.pacer.rate_limited(channel, target, self.monotonic(), wait)
            if at is not None or wait is not None:
                self._pump()
            raise
        if at is not None:
            # The server counted the message somewhere between its departure and the answer: from
            # here on it counts as sent at the answer, so the next one into this chat, and the one
            # that closes a window, keep their distance whatever the network's jitter.
            self.pacer.confirm(channel, target, at, max(at, self.monotonic()))
        return result

    # -- who goes next --------------------------------------------------------------------------
    def _forget(self, entry: _Entry) -> None:
        q = self._waiting[entry.priority].get((entry.channel, entry.target))
        if q is not None and entry in q:
            q.remove(entry)
            if not q:
                del self._waiting[entry.priority][(entry.channel, entry.target)]

    def _pump(self) -> None:
        """Grant every message that may go now, in priority order; then wait for the earliest
        moment another may."""
        now = self.monotonic()
        global_at: dict[str, float] = {}

        def global_time(channel: str) -> float:
            if channel not in global_at:
                global_at[channel] = self.pacer.global_time(channel, now, now)
            return global_at[channel]

        while True:
            best: tuple[int, tuple[str, str]] | None = None
            for priority in sorted(self._waiting):
                for key, q in self._waiting[priority].items():
                    if global_time(key[0]) <= now and self.pacer.target_time(key[0], key[1], now) <= now:
                        if best is None or q[0].seq < self._waiting[best[0]][best[1]][0].seq:
                            best = (priority, key)
                if best is not None:
                    break
            if best is None:
                break
            priority, key = best
            q = self._waiting[priority][key]
            entry = q.popleft()
            if not q:
                del self._waiting[priority][key]
            if entry.granted.done():      # its caller went away
                continue
            entry.granted.set_result(self.pacer.reserve(key[0], key[1], now))
            global_at.pop(key[0], None)
        self._arm(now)

    def _arm(self, now: float) -> None:
        # The earliest moment a waiting message may go: per channel, the global rate's earliest
        # time from the soonest target (the global rate's answer never decreases with the time
        # asked, so one question per channel is enough — a burst leaves hundreds of targets waiting).
        soonest: dict[str, float] = {}
        for buckets in self._waiting.values():
            for channel, target in buckets:
                t = self.pacer.target_time(channel, target, now)
                if t < soonest.get(channel, float("inf")):
                    soonest[channel] = t
        if not soonest:
            return
        earliest = min(self.pacer.global_time(channel, t, now) for channel, t in soonest.items())
        loop = asyncio.get_running_loop()
        timer = self._timer
        if timer is not None and not timer.done() and timer.get_loop() is loop and self._timer_at <= earliest:
            return
        if timer is not None and not timer.done() and timer.get_loop() is loop:
            timer.cancel()
        self._timer_at = earliest
        self._timer = loop.create_task(self._wake(max(0.0, earliest - now)))

    async def _wake(self, delay: float) -> None:
        await self.sleep(delay)
        self._timer = None
        self._timer_at = float("inf")
        self._pump()
