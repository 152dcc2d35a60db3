"""Plan parsing speed: median time to parse each sample plan (target < 20 ms per plan), plus
the .docx path (read + parse) for the largest plan against its Markdown parse (target ≤ 3×),
and its PDF from the corpus (target ≤ 10×)."""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

from content.plan.parse import parse_plan

TARGET_MS = 20.0
DOCX_TARGET_RATIO = 3.0
PDF_TARGET_RATIO = 10.0
CORPUS_BUILT = Path(__file__).resolve().parents[1] / "tests" / "data" / "plan_corpus" / "built"
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
        from content.plan.reader import decode_plan_bytes

        text = biggest.read_text(encoding="utf-8")
        data = _as_docx(text)
        md_ms = _median_ms(lambda: parse_plan(text))
        ms = _median_ms(lambda: parse_plan(decode_plan_bytes(data, "plan.docx")))
        ratio = ms / md_ms
        lines.append(f"read+parse {biggest.stem}.docx (built here)  {ms:6.2f} ms vs Markdown {md_ms:.2f} ms: "
                     f"{ratio:.1f}× (target ≤ {DOCX_TARGET_RATIO:.0f}×) "
                     f"{'ok' if ratio <= DOCX_TARGET_RATIO else 'SLOWER THAN TARGET'}")
        pdf = CORPUS_BUILT / f"{biggest.stem}.pdf"
        if pdf.exists():
            pdf_data = pdf.read_bytes()
            ms = _median_ms(lambda: parse_plan(decode_plan_bytes(pdf_data, pdf.name)))
            ratio = ms / md_ms
            lines.append(f"read+parse {pdf.name} (tests/data/plan_corpus)  {ms:6.2f} ms vs Markdown {md_ms:.2f} ms: "
                         f"{ratio:.1f}× (target ≤ {PDF_TARGET_RATIO:.0f}×) "
                         f"{'ok' if ratio <= PDF_TARGET_RATIO else 'SLOWER THAN TARGET'}")
    return lines


def _as_docx(text: str) -> bytes:
    """The plan as Word users make it: one paragraph per line, tab rows as a Word table."""
    import io

    from docx import Document

    doc = Document()
    rows: list[list[str]] = []

    def flush() -> None:
        if rows:
            table = doc.add_table(rows=len(rows), cols=max(len(r) for r in rows))
            for r, cells in enumerate(rows):
                for c, value in enumerate(cells):
                    table.cell(r, c).text = value
            rows.clear()

    for line in text.split("\n"):
        if "\t" in line:
            rows.append(line.split("\t"))
            continue
        flush()
        doc.add_paragraph(line.replace("**", "").lstrip("# "))
    flush()
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
