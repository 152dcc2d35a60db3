"""Calendar files that are safe and right: a CSV cell never runs as a spreadsheet formula, and a
report deadline never falls on a day off nor twice on one day for one duty."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timezone

import pytest
from icalendar import Calendar

from content.calendar.export import csv_safe, to_csv, to_ics
from content.calendar.store import rebuild, slots_between
from content.models import PlanRecord
from content.plan.parse import ReportDuty
from tests.helpers import make_settings
from tests.helpers import make_plan
from tests.helpers import view

NOW = datetime(2024, 3, 1, 2, 30, tzinfo=timezone.utc)


@pytest.mark.parametrize("cell,safe", [
    ("=HYPERLINK(\"http://x\";\"Bấm\")", "'=HYPERLINK(\"http://x\";\"Bấm\")"),
    ("+84 912 345 678", "'+84 912 345 678"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1", "'\r=1"),
    ("Tuyên truyền = hiệu quả", "Tuyên truyền = hiệu quả"),
    ("", ""),
])
def test_csv_safe(cell, safe):
    assert csv_safe(cell) == safe


def test_csv_cells_starting_a_formula_are_text():
    slots = [view(1, "publish:2024-03-04:radio", date(2024, 3, 4), "publish", "=cmd|' /C calc'!A0",
                  channel="radio", theme="t1"),
             view(2, "task:01:deadline", date(2024, 3, 15), "task_deadline", "- Niêm yết công khai TTHC")]
    rows = list(csv.DictReader(io.StringIO(to_csv(slots, plan_names={1: "@Kế hoạch"}).decode("utf-8-sig"),
                                           newline="")))
    assert rows[0]["Nội dung"] == "'=cmd|' /C calc'!A0"
    assert rows[1]["Nội dung"] == "'- Niêm yết công khai TTHC"
    assert rows[0]["Kế hoạch"] == "'@Kế hoạch" and rows[0]["Ngày"] == "04/03/2024"


def test_report_deadlines_in_the_ics_fall_on_working_days_once_per_duty(db, tmp_path):
    """The Ngọc Lâm plan reports "6 tháng, một năm": 30/06/2024 is a Sunday (→ Friday 28/06),
    and the year's report at 31/12 covers the second half (one event, not two)."""
    settings = make_settings(tmp_path)
    plan = make_plan(reports=[ReportDuty("half_year"), ReportDuty("year")])
    with db.session() as s:
        rec = PlanRecord(key="nl", number="11/KH-UBND", data=plan.to_dict())
        s.add(rec)
        s.flush()
        rebuild(s, rec, settings)
        slots = slots_between(s, date(2024, 1, 1), date(2024, 12, 31), plan_id=rec.id)
    cal = Calendar.from_ical(to_ics(slots, now=NOW))
    reports = sorted((ev.decoded("dtstart"), str(ev["summary"])) for ev in cal.walk("VEVENT")
                     if str(ev["summary"]).startswith("Hạn báo cáo"))
    assert reports == [(date(2024, 6, 28), "Hạn báo cáo 6 tháng đầu năm 2024"),
                       (date(2024, 12, 31), "Hạn báo cáo năm 2024 (gồm cả báo cáo 6 tháng cuối năm 2024)")]
    assert all(d.weekday() < 5 for d, _ in reports)
