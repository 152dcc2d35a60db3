"""The bundled copy of the sample plans (tests/data/plans) must match the shared ground truth,
when the checkout sits beside it, so a clone elsewhere tests the same documents."""

from __future__ import annotations

import pytest

from tests.helpers import BUNDLED_PLANS, SHARED_PLANS


def test_bundled_plans_match_the_shared_ones():
    if not SHARED_PLANS.is_dir():
        pytest.skip(f"no shared plans at {SHARED_PLANS} to compare with")
    shared = {p.name: p.read_bytes() for p in SHARED_PLANS.glob("*.md")}
    bundled = {p.name: p.read_bytes() for p in BUNDLED_PLANS.glob("*.md")}
    assert sorted(bundled) == sorted(shared), "copy ../shared/plans/*.md into tests/data/plans/"
    changed = [name for name in shared if shared[name] != bundled[name]]
    assert not changed, f"tests/data/plans is out of date: {changed}"
