"""`python -m benchmarks [name …]` prints the speed and memory figures the issues set targets for.

Each benchmark module exposes `run() -> list[str]`. Targets are printed next to the figures;
nothing here fails a build — the figures go into the issue notes.
"""

from __future__ import annotations

import importlib
import sys
import time

BENCHMARKS = ["bench_cli", "bench_plan", "plan_accuracy", "bench_calendar", "bench_dispatch", "bench_publish",
              "bench_qa", "bench_spoken", "bench_web", "bench_site"]


def main(argv: list[str]) -> int:
    names = [n if n.startswith("bench_") or n in BENCHMARKS else f"bench_{n}" for n in argv] or BENCHMARKS
    for name in names:
        try:
            module = importlib.import_module(f"benchmarks.{name}")
        except ModuleNotFoundError as e:
            if e.name == f"benchmarks.{name}":
                print(f"== {name}: not present")
                continue
            raise
        print(f"== {name}")
        started = time.perf_counter()
        for line in module.run():
            print(f"   {line}", flush=True)
        print(f"   ({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
