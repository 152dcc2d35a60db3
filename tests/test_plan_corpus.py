"""The plan corpus (tests/data/plan_corpus): every version of every plan — its text source and
the PDF and .docx built from it — gives the expected facts, and the PDF and .docx of one plan
give the same facts. `python -m benchmarks.plan_accuracy` prints the same comparison as
field-level accuracy."""

from __future__ import annotations

import json

import pytest

from benchmarks.plan_accuracy import CORPUS, FIELDS, facts, versions
from content.plan.parse import parse_plan, read_plan_text
from content.plan.reader import read_plan_source

EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
CASES = [(name, path) for name, entry in EXPECTED.items() for path in versions(name, entry)]


def test_the_corpus_is_large_and_varied():
    assert len(EXPECTED) >= 14
    kinds = {p.suffix for _, p in CASES}
    assert kinds == {".md", ".txt", ".pdf", ".docx"}
    assert all(p.exists() for _, p in CASES), "run python tests/data/plan_corpus/build.py"


@pytest.mark.parametrize("name, path", CASES, ids=[p.name for _, p in CASES])
def test_each_version_gives_the_expected_facts(name, path):
    got = facts(parse_plan(read_plan_source(path).text))
    expected = {f: EXPECTED[name][f] for f in FIELDS}
    assert got == expected


@pytest.mark.parametrize("name", [n for n, e in EXPECTED.items() if {"pdf", "docx"} <= set(e.get("renders", []))])
def test_pdf_and_docx_of_one_plan_read_the_same(name):
    pdf, docx = (read_plan_text(read_plan_source(CORPUS / "built" / f"{name}.{ext}").text).plan
                 for ext in ("pdf", "docx"))
    assert pdf == docx


def test_explain_points_at_the_lines_of_a_decision_with_its_plan():
    source = read_plan_source(CORPUS / "built" / "krong-pac-ubnd-huyen-qd-2025.pdf")
    reading = read_plan_text(source.text)
    where = {e.field: (source.origins[e.line], reading.lines[e.line]) for e in reading.evidence}
    assert where["number"][0] == "trang 1, dòng 3" and "120/QĐ-UBND" in where["number"][1]
    assert "Võ Văn Cảnh" in where["signer"][1]
    assert "tháng cuối quý" in where["report"][1]
    assert not reading.warnings
