"""Pacing with an injected clock: per-target interval, per-minute window, global rate, 429s."""

from __future__ import annotations

import pytest

from channels.base import Limits
from channels.pacing import Pacer

TG = Limits(body_maxlen=4096, per_target_interval=1.0, per_target_per_minute=20, global_per_second=30)


def test_first_message_goes_now():
    p = Pacer({"telegram": TG}, margin=0)
    assert p.reserve("telegram", "@a", 100.0) == 100.0


def test_one_per_second_per_target_not_more_than_needed():
    p = Pacer({"telegram": TG}, margin=0)
    times = [p.reserve("telegram", "@a", 0.0) for _ in range(5)]
    assert times == [0.0, 1.0, 2.0, 3.0, 4.0]
    # asking later than the interval costs nothing
    assert p.reserve("telegram", "@a", 10.0) == 10.0


def test_margin_added_to_interval():
    p = Pacer({"telegram": TG}, margin=0.05)
    p.reserve("telegram", "@a", 0.0)
    assert p.next_time("telegram", "@a", 0.0) == pytest.approx(1.05)


def test_per_minute_sliding_window():
    p = Pacer({"telegram": TG}, margin=0)
    times = [p.reserve("telegram", "@g", 0.0) for _ in range(22)]
    assert times[:20] == [float(i) for i in range(20)]
    assert times[20] == 60.0      # 60 s after the first of the last 20
    assert times[21] == 61.0
    # every 60-second window holds at most 20
    for t in times:
        assert sum(1 for u in times if t <= u < t + 60) <= 20


def test_targets_do_not_wait_for_each_other():
    p = Pacer({"telegram": TG}, margin=0)
    for _ in range(3):
        p.reserve("telegram", "@a", 0.0)
    assert p.next_time("telegram", "@b", 0.0) < 0.1


def test_global_rate_spreads_many_targets():
    p = Pacer({"telegram": TG}, margin=0)
    times = sorted(p.reserve("telegram", f"@c{i}", 0.0) for i in range(90))
    assert times[0] == 0.0
    # at most 30 in any one-second window, and no slower than needed
    for t in times:
        assert sum(1 for u in times if t <= u < t + 1.0) <= 30
    assert times[-1] <= 89 / 30 + 0.01
    # never a burst: at most twice the rate over any stretch inside the window
    assert all(b - a >= 1 / 60 - 1e-9 for a, b in zip(times, times[1:]))


def test_global_rate_is_per_channel():
    p = Pacer({"telegram": TG, "zalo": Limits(global_per_second=1)}, margin=0)
    for i in range(30):
        p.reserve("telegram", f"@c{i}", 0.0)
    assert p.reserve("zalo", "u1", 0.0) == 0.0
    assert p.reserve("zalo", "u2", 0.0) == pytest.approx(1.0)


def test_reservation_fills_a_gap_earlier_in_time():
    p = Pacer({"x": Limits(global_per_second=2)}, margin=0)
    assert p.reserve("x", "a", 0.0) == 0.0
    assert p.reserve("x", "b", 5.0) == 5.0
    # a later request for "now" is not pushed behind the future reservation
    assert p.reserve("x", "c", 1.0) == 1.0
    assert p.reserve("x", "d", 4.8) == pytest.approx(5.25)     # half a rate's gap after "b", 2 in the second


def test_rate_limited_blocks_that_target_exactly():
    p = Pacer({"telegram": TG}, margin=0)
    p.reserve("telegram", "@a", 0.0)
    until = p.rate_limited("telegram", "@a", 0.2, 7)
    assert until == pytest.approx(7.2)
    assert p.next_time("telegram", "@a", 0.3) == pytest.approx(7.2)
    assert p.blocked_until("telegram", "@a") == pytest.approx(7.2)
    # other targets are not affected
    assert p.next_time("telegram", "@b", 0.3) == pytest.approx(0.3)
    assert p.blocked_until("telegram", "@b") is None


def test_confirm_moves_the_reservation_to_the_real_departure():
    p = Pacer({"telegram": TG}, margin=0)
    at = p.reserve("telegram", "@a", 0.0)
    p.confirm("telegram", "@a", at, 0.4)          # the request left late
    assert p.next_time("telegram", "@a", 0.5) == pytest.approx(1.4)


def test_release_gives_the_slot_back():
    p = Pacer({"telegram": TG}, margin=0)
    at = p.reserve("telegram", "@a", 0.0)
    p.release("telegram", "@a", at)
    assert p.next_time("telegram", "@a", 0.0) == 0.0


def test_unlimited_channel_never_waits():
    p = Pacer({"outbox": Limits()}, margin=0)
    assert [p.reserve("outbox", "", 3.0) for _ in range(100)] == [3.0] * 100
    assert p.reserve("unknown", "", 3.0) == 3.0


def test_global_margin_only_where_the_second_closes():
    """The margin comes once per window, so the rate stays at 30 / (1 + margin) — not
    30 / (1 + 30 × margin) as with a margin between every two messages."""
    p = Pacer({"telegram": TG}, margin=0.05, global_margin=0.02)
    times = [p.reserve("telegram", f"@c{i}", 0.0) for i in range(300)]
    assert times[30] == pytest.approx(1.02)               # the 31st: a second and the margin after the 1st
    for t in times:                                        # never 31 in a second, even 20 ms late
        assert sum(1 for u in times if t <= u < t + 1.02 - 1e-9) <= 30
    assert 300 / times[-1] >= 30 / 1.02 * 0.99


def test_a_late_sender_catches_up_within_the_window():
    """A sender woken late by a busy event loop does not lose the time for good: the next
    messages may go closer together (never more than twice the rate), the window still holds."""
    p = Pacer({"telegram": TG}, margin=0, global_margin=0)
    first = [p.reserve("telegram", f"@a{i}", i / 30) for i in range(10)]     # on time
    late = p.reserve("telegram", "@b", 10 / 30 + 0.1)                           # woken 100 ms late
    after = [p.reserve("telegram", f"@c{i}", late) for i in range(19)]
    times = first + [late] + after
    assert after[0] - late == pytest.approx(1 / 60)
    assert times[-1] < 1.0                                  # the 30 of the first second still fit in it
    for t in times:
        assert sum(1 for u in times if t <= u < t + 1.0) <= 30


def test_a_refused_send_does_not_count_in_the_window():
    p = Pacer({"telegram": TG}, margin=0)
    times = [p.reserve("telegram", "@g", 0.0) for _ in range(20)]
    p.release("telegram", "@g", times[-1])                # the 20th was refused (429): not counted
    p.rate_limited("telegram", "@g", 19.0, 1)
    assert p.reserve("telegram", "@g", 19.0) == pytest.approx(20.0)   # not 60 s after the 1st


def test_target_time_leaves_the_global_rate_aside():
    p = Pacer({"telegram": TG}, margin=0)
    for i in range(30):
        p.reserve("telegram", f"@c{i}", 0.0)
    assert p.target_time("telegram", "@new", 0.5) == 0.5
    assert p.next_time("telegram", "@new", 0.5) == pytest.approx(1.0)
    assert p.paced("telegram") and not Pacer({"outbox": Limits()}).paced("outbox")
