"""Calendar speed: a ten-year plan (2021–2030, ten themes, portal + social + radio + hotline,
a monthly recurring task, yearly reports) built purely, then stored with `rebuild` on SQLite —
first build (all inserts), an unchanged rebuild, and a rebuild after a cadence change. Target:
each under 1 s."""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from content import db as dbmod
from content.calendar.store import rebuild, specs_for
from content.models import PlanRecord
from content.plan.parse import Period, Plan, ReportDuty, Signer, Task, Theme, Timing
from content.config import from_mapping

TARGET_S = 1.0


def _plan() -> Plan:
    return Plan(
        number="01/KH-BENCH", issuer="Ủy ban nhân dân tỉnh", place=None, date=None, year=2021,
        period=Period(date(2021, 1, 1), date(2030, 12, 31)), title="Kế hoạch 2021–2030", signer=Signer(),
        themes=[Theme(f"t{i}", f"Nội dung tuyên truyền số {i}") for i in range(1, 11)],
        channels=["portal", "social", "radio", "hotline", "press"],
        tasks=[Task("01", "Cập nhật tin bài", "Văn phòng", [], Timing("recurring", "hằng tháng", every="month"))],
        reports=[ReportDuty("year", "10-01")],
    )


def _verdict(seconds: float) -> str:
    return "ok" if seconds < TARGET_S else "SLOWER THAN TARGET"


def run() -> list[str]:
    plan = _plan()
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        raw = {"database": {"url": "sqlite:///loa.db"}, "unit": {"name": "Ủy ban nhân dân xã Ngọc Lâm"}}
        settings = from_mapping(raw, env={}, base_dir=base)
        slower = from_mapping({**raw, "calendar": {"per_week": {"radio": 3}}}, env={}, base_dir=base)

        specs_for(plan, settings)  # warm-up
        times = []
        for _ in range(10):
            started = time.perf_counter()
            specs = specs_for(plan, settings)
            times.append(time.perf_counter() - started)
        pure = statistics.median(times)
        lines.append(f"pure build, 10 years: {len(specs)} slots in {pure * 1000:6.1f} ms "
                     f"(median of 10; target < {TARGET_S:.0f} s) {_verdict(pure)}")

        database = dbmod.open_db(settings.database_url)
        try:
            with database.session() as s:
                rec = PlanRecord(key="bench", number=plan.number, data=plan.to_dict())
                s.add(rec)
                s.flush()
                plan_id = rec.id
            for what, cfg in (("first rebuild (inserts)", settings), ("unchanged rebuild", settings),
                              ("rebuild after cadence change", slower)):
                started = time.perf_counter()
                with database.session() as s:
                    r = rebuild(s, s.get(PlanRecord, plan_id), cfg)
                took = time.perf_counter() - started
                lines.append(f"SQLite {what}: {took * 1000:6.1f} ms — added {r.added}, updated {r.updated}, "
                             f"removed {r.removed} (target < {TARGET_S:.0f} s) {_verdict(took)}")
        finally:
            database.dispose()
    return lines
