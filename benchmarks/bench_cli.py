"""CLI start-up: the wall time of `loa --help` and of light commands (`plan list`, `item list`,
`log`) on a fresh SQLite database, each the median of 5 runs of the real console script (goal
< 0.5 s), and the heaviest imports of `loa --help` (`python -X importtime`)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL = 0.5
RUNS = 5


def _loa() -> list[str]:
    script = Path(sys.executable).with_name("loa")
    return [str(script)] if script.exists() else [sys.executable, "-c", "from bot.cli import main; main()"]


def _median(args: list[str], cwd: Path, env: dict[str, str]) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        subprocess.run(_loa() + args, cwd=cwd, env=env, capture_output=True, check=False)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _heaviest_imports(env: dict[str, str], cwd: Path, n: int = 3) -> str:
    out = subprocess.run([sys.executable, "-X", "importtime", "-c",
                          "import sys; sys.argv = ['loa', '--help']\nfrom bot.cli import main\ntry:\n main()\n"
                          "except SystemExit:\n pass"],
                         cwd=cwd, env=env, capture_output=True, text=True, check=False).stderr
    rows = []
    for line in out.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit() and not parts[2].startswith("  "):
            rows.append((int(parts[1]), parts[2].strip()))
    rows.sort(reverse=True)
    return ", ".join(f"{name} {us / 1000:.0f} ms" for us, name in rows[:n])


def run() -> list[str]:
    root = Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory() as tmp:
        cwd = Path(tmp)
        (cwd / "config.toml").write_text('timezone = "Asia/Ho_Chi_Minh"\n[database]\nurl = "sqlite:///loa.db"\n'
                                         '[unit]\nname = "Ủy ban nhân dân xã Ngọc Lâm"\n', encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("LOA_")}
        env.update({"LOA_CONFIG": str(cwd / "config.toml"), "COLUMNS": "120", "NO_COLOR": "1",
                    "PYTHONPATH": os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH", "")]))})
        subprocess.run(_loa() + ["plan", "list"], cwd=cwd, env=env, capture_output=True, check=False)  # migrate
        lines = []
        for args in (["--help"], ["plan", "list"], ["item", "list"], ["log"]):
            t = _median(args, cwd, env)
            lines.append(f"loa {' '.join(args):<10} {t * 1000:5.0f} ms (median of {RUNS}; goal < {GOAL * 1000:.0f} ms)"
                         + ("" if t < GOAL else " SLOWER THAN GOAL"))
        lines.append(f"heaviest top-level imports of loa --help: {_heaviest_imports(env, cwd)}")
    return lines


if __name__ == "__main__":
    for line in run():
        print(line)
