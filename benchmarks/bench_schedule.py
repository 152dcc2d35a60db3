"""Scheduler lateness, as before: N posts due over M minutes, dispatched in real time by the
`Runner.serve` loop into the Telegram outbox (50 chats). Now one scenario of bench_dispatch
(which also prints CPU per post and peak RSS, and runs the 10-minute case on a compressed clock).

    .venv/bin/python -m benchmarks.bench_schedule [posts] [minutes]
"""

from __future__ import annotations

import sys

from benchmarks.bench_dispatch import one


def run(posts: int = 1000, minutes: float = 1.0) -> list[str]:
    r = one(posts, minutes, 0, 1.0)
    return [f"posts due: {r['posts']} over {minutes:g} min into 50 chats (outbox); published: {r['published']}",
            f"lateness p50: {r['late_p50_ms']:.0f} ms, p99: {r['late_p99_ms']:.0f} ms, max: {r['late_max_ms']:.0f} ms "
            "(target p99 < 1000 ms)",
            f"CPU: {r['cpu_ms_per_post']:.2f} ms per post; peak RSS: {r['rss_mb']:.0f} MB (target < 150 MB)"]


if __name__ == "__main__":
    args = [float(a) for a in sys.argv[1:]]
    for line in run(int(args[0]) if args else 1000, args[1] if len(args) > 1 else 1.0):
        print(line)
