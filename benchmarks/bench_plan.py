"""Plan parsing speed: median time to parse each sample plan (target < 20 ms per plan), plus
the .docx path (decode + parse) for the largest plan."""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

from content.plan.parse import parse_plan

TARGET_MS = 20.0
RUNS = 25


def _plans_dir() -> Path | None:
    for candidate in (os.environ.get("LOA_PLANS_DIR"),
                      Path(__file__).resolve().parents[1].parent / "shared" / "plans",
                      Path(__file__).resolve().parents[1] / "tests" / "data" / "plans"):
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None


def _median_ms(fn, runs: int = RUNS) -> float:  # noqa: ANN001
    fn()  # warm-up (imports, regex compilation)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def run() -> list[str]:
    plans = _plans_dir()
    if plans is None:
        return ["sample plans not found (set LOA_PLANS_DIR)"]
    lines = []
    for path in sorted(plans.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        ms = _median_ms(lambda: parse_plan(text))
        verdict = "ok" if ms < TARGET_MS else "SLOWER THAN TARGET"
        lines.append(f"parse {path.name:<32} {len(text) / 1024:5.1f} KB  {ms:6.2f} ms "
                     f"(median of {RUNS}; target < {TARGET_MS:.0f} ms) {verdict}")
    biggest = max(plans.glob("*.md"), key=lambda p: p.stat().st_size, default=None)
    if biggest is not None:
        import io

        from docx import Document

        from content.plan.reader import decode_plan_bytes

        doc = Document()
        for line in biggest.read_text(encoding="utf-8").split("\n"):
            doc.add_paragraph(line.replace("**", "").lstrip("# "))
        buf = io.BytesIO()
        doc.save(buf)
        data = buf.getvalue()
        ms = _median_ms(lambda: parse_plan(decode_plan_bytes(data, "plan.docx")), runs=10)
        lines.append(f"read+parse {biggest.stem}.docx (built here)  {ms:6.2f} ms (median of 10; no target)")
    return lines
