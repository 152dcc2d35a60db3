"""The pure calendar: publish slots per channel and cadence, rotation, holidays, task and
report dates, stable keys. `make_plan`/`task` build plans by hand for every calendar test."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta

import pytest

from content.calendar.build import SlotSpec, build_calendar, periods, plan_span, publish_channels, report_due_date
from content.calendar.holidays import holidays_between
from content.plan.parse import Form, Plan, ReportDuty
from content.config import Cadence, Holiday
from tests.helpers import make_plan, task


def build(plan: Plan, *, cadence: Cadence | None = None, configured: tuple[Holiday, ...] = (),
          channels_configured: set[str] | None = None, **kw) -> list[SlotSpec]:  # noqa: ANN003
    start, end = plan_span(plan) or (date(2024, 1, 1), date(2024, 12, 31))
    return build_calendar(plan, cadence=cadence or Cadence(), holidays=holidays_between(start, end, configured),
                          channels_configured=channels_configured or set(), **kw)


def publish(specs: list[SlotSpec], channel: str | None = None) -> list[SlotSpec]:
    return [s for s in specs if s.kind == "publish" and (channel is None or s.channel == channel)]


def test_default_cadence_in_a_plain_week():
    plan = make_plan(channels=("portal", "radio", "hotline", "zalo", "telegram"),
                     period=(date(2024, 3, 4), date(2024, 3, 31)))
    specs = build(plan)
    week = [s for s in publish(specs) if s.day <= date(2024, 3, 10)]
    assert sorted((s.day, s.channel) for s in week) == [
        (date(2024, 3, 4), "hotline"), (date(2024, 3, 4), "portal"), (date(2024, 3, 4), "radio"),
        (date(2024, 3, 4), "telegram"), (date(2024, 3, 4), "zalo"), (date(2024, 3, 7), "radio"),
    ]
    # Hotline notice: once a month, on its first working day within the period.
    assert [s.day for s in publish(specs, "hotline")] == [date(2024, 3, 4)]
    assert len(publish(specs, "radio")) == 8 and len(publish(specs, "portal")) == 4


def test_monthly_slot_on_the_first_working_day():
    plan = make_plan(channels=("hotline",))
    days = [s.day for s in publish(build(plan), "hotline")]
    assert len(days) == 12
    assert days[0] == date(2024, 1, 2)       # 01/01 holiday
    assert days[5] == date(2024, 6, 3)       # 01/06 Saturday → Monday 03/06
    assert days[8] == date(2024, 9, 4)       # 02–03/09 holidays, 01/09 Sunday → Wednesday 04/09
    assert all(d.weekday() < 5 for d in days)


def test_holidays_move_weekly_slots_to_the_next_working_day_of_the_week():
    plan = make_plan(channels=("portal", "radio"))
    specs = build(plan)
    radio = [s.day for s in publish(specs, "radio")]
    portal = [s.day for s in publish(specs, "portal")]
    assert date(2024, 9, 2) not in radio + portal and date(2024, 9, 3) not in radio + portal
    assert date(2024, 9, 4) in portal and date(2024, 9, 4) in radio and date(2024, 9, 5) in radio
    assert date(2024, 1, 2) in portal  # 01/01/2024 Monday
    # Tết 2024 as announced (08–14/02): that week's slots move to Thursday 15 and Friday 16.
    tet = tuple(Holiday(date(2024, 2, d), "Tết Nguyên đán") for d in range(8, 15))
    with_tet = build(plan, configured=tet)
    tet_week = [(s.day, s.channel) for s in publish(with_tet) if date(2024, 2, 12) <= s.day <= date(2024, 2, 18)]
    assert tet_week == [(date(2024, 2, 15), "portal"), (date(2024, 2, 15), "radio"), (date(2024, 2, 16), "radio")]
    # A week with no working day at all has no slot: one fewer for the year.
    whole_week = tet + tuple(Holiday(date(2024, 2, d), "Nghỉ") for d in (15, 16))
    fewer = build(plan, configured=whole_week)
    assert not [s for s in publish(fewer) if date(2024, 2, 12) <= s.day <= date(2024, 2, 18)]
    assert len(publish(fewer, "portal")) == len(portal) - 1


def test_every_publish_slot_is_on_a_working_day_within_the_period():
    plan = make_plan(channels=("portal", "radio", "social", "hotline"), period=(date(2021, 1, 1), date(2030, 12, 31)))
    holidays = {h.date for h in holidays_between(date(2021, 1, 1), date(2030, 12, 31))}
    for s in publish(build(plan)):
        assert s.day.weekday() < 5 and s.day not in holidays
        assert date(2021, 1, 1) <= s.day <= date(2030, 12, 31)


@pytest.mark.parametrize("seed", range(12))
def test_rotation_is_even_for_any_plan_and_cadence(seed):
    rnd = random.Random(seed)
    start = date(2024, 1, 1) + timedelta(days=rnd.randrange(0, 700))
    end = start + timedelta(days=rnd.randrange(20, 1500))
    cadence = Cadence(per_week={"radio": rnd.randrange(1, 8), "portal": rnd.randrange(0, 3)},
                      per_month={"hotline": rnd.randrange(1, 4), "portal": 2})
    plan = make_plan(themes=rnd.randrange(1, 13), channels=("portal", "radio", "hotline"), period=(start, end))
    specs = build(plan, cadence=cadence)
    for channel in ("portal", "radio", "hotline"):
        slots = publish(specs, channel)
        counts = Counter(s.theme_id for s in slots)
        if len(slots) >= len(plan.themes):
            assert set(counts) == {t.id for t in plan.themes}
        assert max(counts.values()) - min(counts.values()) <= 1, (channel, counts)
        # round robin: consecutive slots of one channel never repeat a theme (when there are several)
        if len(plan.themes) > 1:
            assert all(a.theme_id != b.theme_id for a, b in zip(slots, slots[1:]))
    assert len({s.key for s in specs}) == len(specs)


def test_cadence_counts_per_week_override_monthly_and_zero_disables():
    plan = make_plan(channels=("portal", "radio", "hotline"), period=(date(2024, 3, 4), date(2024, 3, 10)))
    specs = build(plan, cadence=Cadence(per_week={"radio": 3, "portal": 0, "hotline": 1}, per_month={"hotline": 1}))
    assert [s.day.weekday() for s in publish(specs, "radio")] == [0, 2, 4]
    assert publish(specs, "portal") == []
    assert [s.day for s in publish(specs, "hotline")] == [date(2024, 3, 4)]
    seven = build(plan, cadence=Cadence(per_week={"radio": 7}))
    radio = publish(seven, "radio")
    assert len(radio) == 7 and len({s.key for s in radio}) == 7
    assert "publish:2024-03-04:radio:2" in {s.key for s in radio}


def test_social_expands_to_configured_telegram_or_zalo():
    plan = make_plan(channels=("social", "press", "notice_board", "print", "event", "internal"))
    assert publish_channels(plan, set()) == ["telegram", "zalo"]
    assert publish_channels(plan, {"telegram", "portal"}) == ["telegram"]
    assert publish_channels(plan, {"zalo"}) == ["zalo"]
    assert publish_channels(make_plan(channels=("press", "event")), {"telegram"}) == []
    assert publish(build(make_plan(channels=("press", "notice_board", "print", "event", "internal")))) == []
    # forms count too
    plan = make_plan(channels=(), forms=[Form("Phát trên loa truyền thanh", ["radio"])])
    assert {s.channel for s in publish(build(plan))} == {"radio"}
    # social's own cadence applies when the expanded channel has none
    specs = build(make_plan(channels=("social",), period=(date(2024, 3, 4), date(2024, 3, 10))),
                  cadence=Cadence(per_week={"social": 2}), channels_configured={"zalo"})
    assert [(s.day.weekday(), s.channel) for s in publish(specs)] == [(0, "zalo"), (3, "zalo")]


def test_weekly_channels_share_monday_and_the_same_theme():
    specs = build(make_plan(themes=5, channels=("portal", "telegram", "zalo")))
    by_day: dict[date, set[str]] = {}
    for s in publish(specs):
        by_day.setdefault(s.day, set()).add(s.theme_id)
    assert all(len(themes) == 1 for themes in by_day.values())


def test_keys_and_labels():
    plan = make_plan(channels=("radio",), tasks=[
        task("01", "deadline", due=date(2024, 3, 15)),
        task("02", "window", start=date(2024, 4, 1), end=date(2024, 6, 30)),
        task("03", "ongoing", start=date(2024, 1, 1), end=date(2024, 12, 31)),
        task("04", "external"),
        task("05", "recurring", every="month"),
    ], reports=[ReportDuty("quarter"), ReportDuty("year", "10-01")])
    specs = build(plan)
    by_key = {s.key: s for s in specs}
    assert by_key["publish:2024-03-04:radio"].theme_id in {"t1", "t2", "t3"}
    assert by_key["holiday:2024-09-02"].label == "Nghỉ lễ: Quốc khánh"
    d = by_key["task:01:deadline"]
    assert (d.kind, d.day, d.label) == ("task_deadline", date(2024, 3, 15), "Hạn nhiệm vụ 01: Công việc 01")
    w = by_key["task:02:window"]
    assert (w.kind, w.day, w.end_day) == ("task_window", date(2024, 4, 1), date(2024, 6, 30))
    assert not any(k.startswith(("task:03", "task:04")) for k in by_key)
    monthly = [s for s in specs if s.key.startswith("task:05:")]
    assert len(monthly) == 12
    assert by_key["task:05:2024-03"].day == date(2024, 3, 29)   # last working day of March 2024
    assert by_key["task:05:2024-08"].day == date(2024, 8, 30)
    assert by_key["task:05:2024-03"].label.startswith("Hạn nhiệm vụ 05 (tháng 3/2024)")
    assert by_key["report:quarter:2024-Q1"].label == "Hạn báo cáo quý I/2024"
    assert by_key["report:quarter:2024-Q1"].day == date(2024, 3, 29)   # 31/03 is a Sunday: Friday before
    assert by_key["report:year:2024"].day == date(2024, 10, 1)
    assert [s.key for s in specs] == [s.key for s in sorted(specs, key=lambda s: (s.day, s.key))]
    assert build(plan) == specs  # deterministic


def test_report_due_rules():
    q1 = periods("quarter", date(2024, 1, 1), date(2024, 3, 31))[0]
    assert q1 == ("2024-Q1", "quý I/2024", date(2024, 1, 1), date(2024, 3, 31))
    assert report_due_date("quarter", q1[2], q1[3], None) == date(2024, 3, 31)
    assert report_due_date("quarter", q1[2], q1[3], None, report_due_day=15) == date(2024, 3, 15)
    assert report_due_date("year", date(2024, 1, 1), date(2024, 12, 31), "10-01") == date(2024, 10, 1)
    plan = make_plan(reports=[ReportDuty("half_year"), ReportDuty("month")])
    specs = build(plan, report_due_day=15)
    reports = {s.key: s for s in specs if s.kind == "report_due"}
    assert len(reports) == 12          # June and December go with their half-year's report
    assert reports["report:half_year:2024-H1"].day == date(2024, 6, 14)   # 15/06 is a Saturday
    assert reports["report:half_year:2024-H2"].label == \
        "Hạn báo cáo 6 tháng cuối năm 2024 (gồm cả báo cáo tháng 12/2024)"
    assert "report:month:2024-06" not in reports and reports["report:month:2024-05"].day == date(2024, 5, 15)
    assert reports["report:month:2024-02"].label == "Hạn báo cáo tháng 2/2024"
    # a ten-year plan with "trước ngày 01 tháng 10 hằng năm"
    long = make_plan(period=(date(2021, 1, 1), date(2030, 12, 31)), reports=[ReportDuty("year", "10-01")])
    days = [s.day for s in build(long) if s.kind == "report_due"]
    assert [d.year for d in days] == list(range(2021, 2031))
    assert days[0] == date(2021, 10, 1) and days[1] == date(2022, 9, 30)      # 01/10/2022 is a Saturday
    assert days[2] == date(2023, 9, 29) and all(d.weekday() < 5 for d in days)


def test_calendar_report_dates_agree_with_the_report_reminders():
    from schedules.reports.period import due_reports

    duties = [ReportDuty("quarter"), ReportDuty("half_year"), ReportDuty("year", "10-01")]
    specs = build(make_plan(reports=duties))
    ours = sorted(s.day for s in specs if s.kind == "report_due")
    theirs = sorted(due for _, due in due_reports(duties, date(2024, 1, 1), 365, is_off=lambda d: d.weekday() >= 5))
    assert ours == theirs


def test_plan_without_period_uses_its_year_and_without_either_only_tasks():
    by_year = build(make_plan(period=None, year=2025, channels=("portal",)))
    assert publish(by_year)[0].day == date(2025, 1, 2)
    bare = make_plan(period=None, year=None, tasks=[task("01", "deadline", due=date(2024, 5, 1)),
                                                    task("02", "recurring", every="week")],
                     reports=[ReportDuty("quarter")])
    specs = build_calendar(bare, cadence=Cadence(), holidays=[], channels_configured=set())
    assert [s.key for s in specs] == ["task:01:deadline"]


def test_duplicate_task_numbers_get_distinct_keys():
    plan = make_plan(tasks=[task("1", "deadline", due=date(2024, 2, 1)), task("1", "deadline", due=date(2024, 3, 1))])
    keys = [s.key for s in build(plan) if s.kind == "task_deadline"]
    assert keys == ["task:1:deadline", "task:1:deadline#2"]


def test_ten_year_build_is_fast():
    import time

    plan = make_plan(themes=10, channels=("portal", "social", "radio", "hotline"),
                     period=(date(2021, 1, 1), date(2030, 12, 31)))
    started = time.perf_counter()
    specs = build(plan)
    assert time.perf_counter() - started < 1.0
    assert len(publish(specs, "radio")) > 1000
