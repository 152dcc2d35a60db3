"""`python -m benchmarks.plan_accuracy`: field-level accuracy of the plan reader over the corpus in
tests/data/plan_corpus (target ≥ 98%).

Each corpus entry (expected.json) names a text source and the renderings built from it
(built/<name>.pdf, built/<name>.docx, see build.py); every version is read through the same
path as `loa plan parse` and its facts are compared with the expected ones: number, issuer,
place, date, year, period, title, signer, number of themes, forms and tasks, channel kinds,
task timing kinds, and report duties. Misses are listed so they can be looked at.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "plan_corpus"
FIELDS = ("number", "issuer", "place", "date", "year", "period", "title", "signer", "themes", "forms", "channels",
          "tasks", "task_timings", "reports")
TARGET = 0.98


def facts(plan) -> dict:  # noqa: ANN001
    """The facts of a `Plan` in the shape of expected.json."""
    return {
        "number": plan.number, "issuer": plan.issuer, "place": plan.place,
        "date": plan.date.isoformat() if plan.date else None, "year": plan.year,
        "period": [plan.period.start.isoformat(), plan.period.end.isoformat()] if plan.period else None,
        "title": plan.title, "signer": [plan.signer.name, plan.signer.position],
        "themes": len(plan.themes), "forms": len(plan.forms), "channels": list(plan.channels),
        "tasks": len(plan.tasks), "task_timings": [t.timing.kind for t in plan.tasks],
        "reports": [[r.every, r.due] for r in plan.reports],
    }


def versions(name: str, entry: dict) -> list[Path]:
    out = [ROOT / entry["source"]]
    out += [CORPUS / "built" / f"{name}.{ext}" for ext in entry.get("renders", [])]
    return out


def evaluate() -> tuple[dict[str, list[int]], list[str]]:
    """Per field [right, total], and a description of each miss."""
    from content.plan.parse import PlanError, parse_plan
    from content.plan.reader import read_plan_source

    expected = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
    score = {f: [0, 0] for f in FIELDS}
    misses = []
    for name, entry in expected.items():
        for path in versions(name, entry):
            try:
                got = facts(parse_plan(read_plan_source(path).text))
            except (PlanError, OSError) as e:
                got = {}
                misses.append(f"{path.name}: not read ({e})")
            for f in FIELDS:
                score[f][1] += 1
                if got.get(f) == entry[f]:
                    score[f][0] += 1
                elif got:
                    misses.append(f"{path.name}: {f} = {got.get(f)!r}, expected {entry[f]!r}")
    return score, misses


def run() -> list[str]:
    score, misses = evaluate()
    right = sum(r for r, _ in score.values())
    total = sum(t for _, t in score.values())
    lines = [f"{f:<13} {r:>4}/{t:<4} {r / t:6.1%}" for f, (r, t) in score.items()]
    verdict = "ok" if right / total >= TARGET else "BELOW TARGET"
    lines.append(f"all fields    {right:>4}/{total:<4} {right / total:6.1%} (target ≥ {TARGET:.0%}) {verdict}")
    lines += [f"miss: {m}" for m in misses]
    return lines


if __name__ == "__main__":
    for line in run():
        print(line)
    sys.exit(0)
