"""Stored calendar on SQLite and PostgreSQL: rebuild is idempotent, follows plan and config
changes, never drops filled slots, and slots_between reports what is filled."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from content.calendar.store import rebuild, slots_between, specs_for
from content.models import Item, PlanRecord, Slot
from content.plan.parse import Plan, ReportDuty, Theme
from tests.helpers import make_settings
from tests.helpers import make_plan, task

Q1 = (date(2024, 1, 1), date(2024, 3, 31))


def store(db, plan: Plan, key: str = "kh-11") -> int:  # noqa: ANN001
    with db.session() as s:
        rec = PlanRecord(key=key, number=plan.number, data=plan.to_dict())
        s.add(rec)
        s.flush()
        return rec.id


def run(db, plan_id: int, settings):  # noqa: ANN001
    with db.session() as s:
        return rebuild(s, s.get(PlanRecord, plan_id), settings)


def rows(db, plan_id: int) -> dict[str, Slot]:  # noqa: ANN001
    with db.session() as s:
        return {r.key: r for r in s.scalars(select(Slot).where(Slot.plan_id == plan_id))}


def fill(db, slot: Slot, state: str = "draft") -> int:  # noqa: ANN001
    with db.session() as s:
        item = Item(title="Bài viết", plan_id=slot.plan_id, theme_id=slot.theme_id, slot_id=slot.id,
                    channels=[slot.channel], state=state)
        s.add(item)
        s.flush()
        return item.id


def replace_plan(db, plan_id: int, plan: Plan) -> None:  # noqa: ANN001
    with db.session() as s:
        s.get(PlanRecord, plan_id).data = plan.to_dict()


def test_rebuild_is_idempotent(db, tmp_path):
    settings = make_settings(tmp_path)
    plan = make_plan(channels=("portal", "radio", "hotline"), period=Q1,
                     tasks=[task("01", "deadline", due=date(2024, 2, 15)),
                            task("02", "window", start=date(2024, 2, 1), end=date(2024, 3, 15))],
                     reports=[ReportDuty("quarter")])
    pid = store(db, plan)
    first = run(db, pid, settings)
    expected = specs_for(plan, settings)
    assert (first.added, first.updated, first.removed, first.kept_filled) == (len(expected), 0, 0, 0)
    assert first.total == len(expected)
    stored = rows(db, pid)
    assert {k: (r.day, r.end_day, r.kind, r.channel, r.theme_id, r.label) for k, r in stored.items()} == \
        {s.key: (s.day, s.end_day, s.kind, s.channel, s.theme_id, s.label) for s in expected}
    ids = {k: r.id for k, r in stored.items()}
    again = run(db, pid, settings)
    assert (again.added, again.updated, again.removed, again.kept_filled) == (0, 0, 0, 0)
    assert {k: r.id for k, r in rows(db, pid).items()} == ids  # same rows, not re-created
    assert stored["task:02:window"].end_day == date(2024, 3, 15)


def test_cadence_change_removes_unfilled_and_keeps_filled(db, tmp_path):
    plan = make_plan(themes=4, channels=("radio",), period=Q1)
    pid = store(db, plan)
    run(db, pid, make_settings(tmp_path))
    before = rows(db, pid)
    thursdays = [r for r in before.values() if r.kind == "publish" and r.day.weekday() == 3]
    filled = thursdays[2]
    item_id = fill(db, filled)
    cancelled_fill = thursdays[5]
    fill(db, cancelled_fill, state="cancelled")

    once_a_week = make_settings(tmp_path, {"calendar": {"per_week": {"radio": 1}}})
    r = run(db, pid, once_a_week)
    after = rows(db, pid)
    assert r.removed == len(thursdays) - 2 and r.kept_filled == 2 and r.added == 0
    assert filled.key in after and cancelled_fill.key in after
    kept = after[filled.key]
    assert (kept.id, kept.day, kept.theme_id) == (filled.id, filled.day, filled.theme_id)
    assert not any(k.endswith(":radio") and v.day.weekday() == 3 for k, v in after.items()
                   if k not in (filled.key, cancelled_fill.key))
    # Weekly slots now rotate t1, t2, t3, t4, t1…: unfilled ones were re-themed in place.
    weekly = sorted((v for k, v in after.items() if v.kind == "publish" and k not in (filled.key, cancelled_fill.key)),
                    key=lambda v: v.day)
    assert weekly[0].day == date(2024, 1, 2)  # Monday 01/01 is a holiday
    assert [m.theme_id for m in weekly[:5]] == ["t1", "t2", "t3", "t4", "t1"]
    assert r.updated > 0
    with db.session() as s:
        assert s.get(Item, item_id).slot_id == filled.id
    again = run(db, pid, once_a_week)
    assert (again.added, again.updated, again.removed, again.kept_filled) == (0, 0, 0, 2)


def test_plan_change_keeps_filled_slot_of_a_dropped_theme_and_its_theme(db, tmp_path):
    settings = make_settings(tmp_path)
    plan = make_plan(themes=3, channels=("portal",), period=Q1, tasks=[task("01", "deadline", due=date(2024, 2, 1))])
    pid = store(db, plan)
    run(db, pid, settings)
    slots = sorted((v for v in rows(db, pid).values() if v.kind == "publish"), key=lambda v: v.day)
    fill(db, slots[1])           # t2, 15/01
    fill(db, slots[2])           # t3, 22/01
    # New version of the plan: a theme inserted first, the task gone, the period cut to January.
    edited = make_plan(themes=3, channels=("portal",), period=(date(2024, 1, 1), date(2024, 1, 31)))
    edited.themes = [Theme("t0", "Nội dung mới")] + edited.themes
    replace_plan(db, pid, edited)
    r = run(db, pid, settings)
    after = rows(db, pid)
    assert "task:01:deadline" not in after
    assert after[slots[1].key].theme_id == "t2" and after[slots[2].key].theme_id == "t3"  # filled: untouched
    assert after[slots[0].key].theme_id == "t0"                                       # unfilled: follows the plan
    assert all(v.day <= date(2024, 1, 31) for v in after.values())
    assert r.kept_filled == 0  # both filled slots are still generated (January)
    assert r.removed == len([v for v in slots if v.day > date(2024, 1, 31)]) + 1  # Feb–Mar slots and the task


def test_configured_holiday_moves_unfilled_slots(db, tmp_path):
    plan = make_plan(channels=("portal",), period=Q1)
    pid = store(db, plan)
    run(db, pid, make_settings(tmp_path))
    assert "publish:2024-02-12:portal" in rows(db, pid)
    tet = [{"date": f"2024-02-{d:02d}", "name": "Tết Nguyên đán"} for d in range(8, 15)]
    r = run(db, pid, make_settings(tmp_path, {"holidays": tet}))
    after = rows(db, pid)
    assert "publish:2024-02-12:portal" not in after
    assert after["publish:2024-02-15:portal"].kind == "publish"
    assert after["holiday:2024-02-12"].label == "Nghỉ lễ: Tết Nguyên đán"
    assert r.added == 1 + 7 and r.removed == 1


def test_slots_between_overlap_filled_and_plan_filter(db, tmp_path):
    settings = make_settings(tmp_path)
    a = store(db, make_plan(channels=("radio",), period=Q1,
                            tasks=[task("01", "window", start=date(2024, 2, 20), end=date(2024, 3, 10))]), key="a")
    b = store(db, make_plan(channels=("portal",), period=Q1, number="12/KH-UBND"), key="b")
    run(db, a, settings)
    run(db, b, settings)
    week = (date(2024, 3, 4), date(2024, 3, 10))
    with db.session() as s:
        got = slots_between(s, *week)
    assert [(v.plan_id, v.key) for v in got] == [
        (a, "task:01:window"), (a, "publish:2024-03-04:radio"), (b, "publish:2024-03-04:portal"),
        (a, "publish:2024-03-07:radio")]
    assert not any(v.filled for v in got)
    radio = next(v for v in got if v.key == "publish:2024-03-04:radio")
    with db.session() as s:
        slot = s.get(Slot, radio.id)
    draft = fill(db, slot)
    fill(db, slot, state="rejected")
    with db.session() as s:
        only_a = slots_between(s, *week, plan_id=a)
        everything = slots_between(s, None, None)
    assert {v.plan_id for v in only_a} == {a}
    filled = [v for v in only_a if v.filled]
    assert [(v.key, v.item_ids) for v in filled] == [("publish:2024-03-04:radio", (draft,))]
    assert len(everything) == len(rows(db, a)) + len(rows(db, b))


def test_rebuild_is_all_or_nothing(db, tmp_path):
    pid = store(db, make_plan(channels=("radio",), period=Q1))
    with pytest.raises(RuntimeError):
        with db.session() as s:
            rebuild(s, s.get(PlanRecord, pid), make_settings(tmp_path))
            raise RuntimeError("crash after the rebuild, before the commit")
    with db.session() as s:
        assert s.scalar(select(func.count(Slot.id))) == 0


def test_ten_year_plan_rebuilds(db, tmp_path):
    plan = make_plan(themes=10, channels=("portal", "social", "radio", "hotline"),
                     period=(date(2021, 1, 1), date(2030, 12, 31)), reports=[ReportDuty("year", "10-01")])
    pid = store(db, plan)
    settings = make_settings(tmp_path)
    first = run(db, pid, settings)
    assert first.added > 2500
    again = run(db, pid, settings)
    assert (again.added, again.updated, again.removed) == (0, 0, 0) and again.total == first.total
