"""The shared send queue with an injected clock: priorities, targets that must wait, 429s,
callers that go away, and the chat's limits counted from the server's answer."""

from __future__ import annotations

import asyncio

import pytest

from channels.base import Limits, RateLimited
from channels.pacing import Pacer
from channels.sending import ACK, PUBLICATION, REFUSAL, STAFF, SendQueue

TG = Limits(per_target_interval=1.0, per_target_per_minute=20, global_per_second=30)


class Clock:
    """Virtual seconds: `sleep` moves the clock instead of waiting."""

    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.t += max(0.0, seconds)
        await asyncio.sleep(0)


def queue(limits: Limits = TG, **pacer_kw) -> tuple[SendQueue, Clock, list[tuple[float, str]]]:  # noqa: ANN003
    clock = Clock()
    q = SendQueue(Pacer({"telegram": limits}, margin=0, global_margin=0, **pacer_kw), monotonic=clock, sleep=clock.sleep)
    return q, clock, []


def sender(q: SendQueue, clock: Clock, sent: list, target: str, label: str, priority: int):  # noqa: ANN201
    async def call() -> str:
        sent.append((clock.t, label))
        return label
    return q.send("telegram", target, call, priority=priority)


def test_acknowledgements_then_refusals_then_staff_then_publications():
    async def main() -> list:
        q, clock, sent = queue(Limits(global_per_second=1))
        first = asyncio.ensure_future(sender(q, clock, sent, "x", "first", PUBLICATION))
        await asyncio.sleep(0)       # the global slot is taken: the next four wait together
        rest = [sender(q, clock, sent, f"t{p}", name, p)
                for name, p in (("publication", PUBLICATION), ("staff", STAFF), ("refusal", REFUSAL), ("ack", ACK))]
        await asyncio.gather(first, *rest)
        return sent
    sent = asyncio.run(main())
    assert [label for _, label in sent] == ["first", "ack", "refusal", "staff", "publication"]
    assert [t for t, _ in sent] == pytest.approx([0.0, 1.0, 2.0, 3.0, 4.0])   # and one a second


def test_a_waiting_chat_does_not_hold_back_the_others():
    async def main() -> list:
        q, clock, sent = queue()
        await sender(q, clock, sent, "@a", "a1", ACK)
        await asyncio.gather(sender(q, clock, sent, "@a", "a2", ACK),            # must wait a second
                             sender(q, clock, sent, "@b", "b1", PUBLICATION))    # may go at once
        return sent
    sent = asyncio.run(main())
    assert [label for _, label in sent] == ["a1", "b1", "a2"]
    assert sent[2][0] == pytest.approx(1.0)


def test_a_429_gives_the_slot_back_and_blocks_that_chat_exactly():
    async def main() -> tuple[list, Pacer]:
        q, clock, sent = queue()

        async def refused() -> None:
            sent.append((clock.t, "refused"))
            raise RateLimited("chờ", retry_after=7)

        with pytest.raises(RateLimited):
            await q.send("telegram", "@a", refused)
        await sender(q, clock, sent, "@b", "b", PUBLICATION)
        await sender(q, clock, sent, "@a", "a", PUBLICATION)
        return sent, q.pacer
    sent, pacer = asyncio.run(main())
    assert [label for _, label in sent] == ["refused", "b", "a"]
    assert sent[1][0] == 0.0                         # the refused send's slot was given back
    assert sent[2][0] == pytest.approx(7.0)          # @a waited exactly retry_after


def test_a_caller_that_goes_away_leaves_nothing_behind():
    async def main() -> tuple[list, int]:
        q, clock, sent = queue()
        await sender(q, clock, sent, "@a", "a1", ACK)
        waiting = asyncio.ensure_future(sender(q, clock, sent, "@a", "a2", ACK))
        await asyncio.sleep(0)
        assert q.waiting() == 1
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        left = q.waiting()
        await sender(q, clock, sent, "@a", "a3", ACK)
        return sent, left
    sent, left = asyncio.run(main())
    assert left == 0 and [label for _, label in sent] == ["a1", "a3"]


def test_a_chat_counts_from_the_servers_answer():
    """The next message into a chat keeps its second from the answer to the previous one:
    however late the first reached the server, the two never arrive closer than a second."""
    async def main() -> list:
        q, clock, sent = queue()

        async def slow() -> str:
            sent.append((clock.t, "slow"))
            await clock.sleep(0.4)          # the answer takes 0.4 s
            return "slow"

        await q.send("telegram", "@a", slow)
        await sender(q, clock, sent, "@a", "next", ACK)
        return sent
    sent = asyncio.run(main())
    assert sent[1][0] == pytest.approx(1.4)


def test_channels_without_limits_go_straight_through():
    async def main() -> tuple[list, int]:
        q, clock, sent = queue(Limits())
        await asyncio.gather(*(sender(q, clock, sent, "", f"m{i}", PUBLICATION) for i in range(50)))
        return sent, q.waiting()
    sent, waiting = asyncio.run(main())
    assert len(sent) == 50 and all(t == 0.0 for t, _ in sent) and waiting == 0
