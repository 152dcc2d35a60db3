"""Storing plans on SQLite and PostgreSQL: insert, update by identity, list, load back."""

from __future__ import annotations

import dataclasses
import hashlib

import pytest

from content.plan import store as plans_store
from content.models import PlanRecord
from content.plan.parse import parse_plan

NAMES = ["hung-yen-so-noi-vu-2023.md", "soc-trang-ubnd-tinh-2019.md", "ngoc-lam-ubnd-xa-2024.md",
         "ha-nam-so-tttt-2021-2030.md", "gia-lai-so-tttt-2024.md"]


def _read(plans_dir, name):  # noqa: ANN001
    data = (plans_dir / name).read_bytes()
    return parse_plan(data.decode("utf-8")), hashlib.sha256(data).hexdigest()


def test_import_all_then_list_and_load_back(db, plans_dir):
    with db.session() as s:
        for name in NAMES:
            plan, sha = _read(plans_dir, name)
            rec, created = plans_store.import_plan(s, plan, name, sha)
            assert created and rec.id
    with db.session() as s:
        rows = plans_store.list_plans(s)
        assert [r.source_name for r in rows] == NAMES
        assert len({r.key for r in rows}) == 5
        for rec, name in zip(rows, NAMES):
            plan, sha = _read(plans_dir, name)
            assert rec.source_sha256 == sha
            assert plans_store.load_plan(rec) == plan
            assert (rec.number, rec.issuer, rec.title, rec.year) == (plan.number, plan.issuer, plan.title, plan.year)
            assert (rec.period_start, rec.period_end) == (plan.period.start, plan.period.end)
        assert plans_store.get_plan(s, rows[2].id).number == "11/KH-UBND"
        assert plans_store.get_plan(s, 999_999) is None


@pytest.mark.parametrize("name", ["ngoc-lam-ubnd-xa-2024.md", "hung-yen-so-noi-vu-2023.md"])
def test_importing_again_updates_instead_of_duplicating(db, plans_dir, name):
    plan, sha = _read(plans_dir, name)
    with db.session() as s:
        first, created = plans_store.import_plan(s, plan, name, sha)
        assert created
    # a corrected copy: one theme fewer, a different file; same number+issuer (or issuer+title+year)
    fixed = dataclasses.replace(plan, themes=plan.themes[:-1])
    with db.session() as s:
        again, created = plans_store.import_plan(s, fixed, "ban-sua.docx", "f" * 64)
        assert not created and again.id == first.id
    with db.session() as s:
        rows = s.query(PlanRecord).all()
        assert len(rows) == 1
        assert rows[0].source_name == "ban-sua.docx" and rows[0].source_sha256 == "f" * 64
        assert len(plans_store.load_plan(rows[0]).themes) == len(plan.themes) - 1


def test_identity_key_ignores_spacing_case_and_abbreviation(plans_dir):
    plan, _ = _read(plans_dir, "ngoc-lam-ubnd-xa-2024.md")
    variant = dataclasses.replace(plan, number="11/KH - UBND", issuer="UBND xã  Ngọc Lâm")
    assert plans_store.plan_key(variant) == plans_store.plan_key(plan)
    other_year = dataclasses.replace(plan, number=None, year=2025)
    assert plans_store.plan_key(other_year) != plans_store.plan_key(dataclasses.replace(plan, number=None))
    assert len(plans_store.plan_key(dataclasses.replace(plan, number=None, title="x" * 900))) <= 400


def test_failed_transaction_leaves_nothing(db, plans_dir):
    plan, sha = _read(plans_dir, "gia-lai-so-tttt-2024.md")
    with pytest.raises(RuntimeError):
        with db.session() as s:
            plans_store.import_plan(s, plan, "gia-lai.md", sha)
            raise RuntimeError("crash after the insert, before commit")
    with db.session() as s:
        assert plans_store.list_plans(s) == []


@pytest.mark.postgres
def test_concurrent_imports_of_one_plan_end_as_one_row(pg_url, plans_dir):
    """Two staff import the same plan at once on PostgreSQL: one inserts, the other updates."""
    import threading

    from content import db as dbmod

    database = dbmod.open_db(pg_url)
    plan, sha = _read(plans_dir, "ngoc-lam-ubnd-xa-2024.md")
    results: list[bool] = []
    try:
        with database.session() as a:
            _, created_a = plans_store.import_plan(a, plan, "a.md", sha)
            second = threading.Thread(target=lambda: _import_in_own_session(database, plan, sha, results))
            second.start()
            second.join(timeout=1)
            assert second.is_alive()  # blocked on A's uncommitted row
        second.join(timeout=30)
        assert (created_a, results) == (True, [False])
        with database.session() as s:
            rows = plans_store.list_plans(s)
            assert len(rows) == 1 and rows[0].source_name == "b.md"
    finally:
        database.dispose()


def _import_in_own_session(database, plan, sha, results):  # noqa: ANN001
    with database.session() as b:
        results.append(plans_store.import_plan(b, plan, "b.md", sha)[1])
