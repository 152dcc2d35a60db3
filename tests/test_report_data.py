"""Report figures over a seeded database (SQLite and PostgreSQL): exact counts of what went
out, task statuses with their evidence, missed calendar slots, failures, the Q&A section."""

from __future__ import annotations

from datetime import date, datetime

from schedules.reports.data import QAFigures, gather, task_status
from schedules.reports.period import parse_period
from tests.helpers import HOSTILE_TITLE, NOW, UTC, seed


def test_counts_what_went_out_in_local_days(db, settings):
    with db.session() as s:
        seeded = seed(s)
        r = gather(s, settings, parse_period("2024-Q1"), seeded["plan"], now=NOW)
    assert (r.total_posts, r.total_items) == (7, 4)
    assert [(c.key, c.name, c.posts, c.items) for c in r.by_channel] == [
        ("portal", "Cổng TTĐT", 4, 4), ("telegram", "Telegram", 1, 1), ("zalo", "Zalo", 1, 1),
        ("radio", "Đài truyền thanh", 1, 1), ("hotline", "Đường dây nóng", 0, 0)]
    assert [(c.key, c.posts, c.items) for c in r.by_theme] == [
        ("t1", 3, 1), ("t2", 2, 1), ("t3", 1, 1), ("", 1, 1)]
    assert r.by_theme[-1].name == "Tin, bài khác"
    assert r.reference_day == date(2024, 4, 1) and r.plan_number == "11/KH-UBND"


def test_task_status_and_evidence(db, settings):
    with db.session() as s:
        seeded = seed(s)
        r = gather(s, settings, parse_period("2024-Q1"), seeded["plan"], now=NOW)
        ids = {k: v.id for k, v in seeded["items"].items()}
    assert [(t.no, t.status) for t in r.tasks] == [
        ("01", "done"), ("02", "overdue"), ("03", "in_progress"), ("04", "not_started"),
        ("05", "in_progress"), ("06", "not_started"), ("07", "done"), ("08", "overdue")]
    assert r.status_counts() == {"done": 2, "in_progress": 2, "overdue": 2, "not_started": 2}
    ev = {t.no: t.evidence for t in r.tasks}
    assert [(e.item_id, e.day, e.channels) for e in ev["01"]] == [
        (ids["a"], date(2024, 2, 10), ("portal", "telegram", "radio"))]
    assert ev["01"][0].urls == ("https://ngoclam.example.gov.vn/tin/1-lich-tiep-cong-dan", "https://t.me/xangoclam/15")
    assert ev["05"][0].title == HOSTILE_TITLE
    assert ev["07"][0].day == date(2024, 3, 10) and ev["07"][0].channels == ()
    assert ev["08"] == ()   # published on 02/04, after the period: no evidence for the first quarter


def test_missed_slots_and_failures(db, settings):
    with db.session() as s:
        seeded = seed(s)
        r = gather(s, settings, parse_period("2024-Q1"), seeded["plan"], now=NOW)
        sl = {k: v.id for k, v in seeded["slots"].items()}
    assert [(m.slot_id, m.day, m.channel) for m in r.missed] == [
        (sl["s3"], date(2024, 3, 12), "radio"), (sl["s4"], date(2024, 3, 25), "telegram")]
    assert r.missed[0].theme == "Tầm quan trọng, ý nghĩa của công tác cải cách hành chính"
    assert [(f.channel, f.state) for f in r.failures] == [("zalo", "unknown"), ("telegram", "failed"),
                                                          ("telegram", "dead")]
    assert r.failures[2].error.startswith("Forbidden") and r.failures[2].at is not None
    assert r.qa is None


def test_report_drafted_mid_quarter_judges_only_past_days(db, settings):
    mid = datetime(2024, 3, 14, 1, 0, tzinfo=UTC)
    with db.session() as s:
        seeded = seed(s)
        r = gather(s, settings, parse_period("2024-Q1"), seeded["plan"], now=mid)
    status = {t.no: t.status for t in r.tasks}
    assert r.reference_day == date(2024, 3, 14)
    assert status["02"] == "not_started" and status["08"] == "not_started"
    assert [m.day for m in r.missed] == [date(2024, 3, 12)]


def test_without_plan_and_with_a_qa_provider(db, settings):
    seen = []

    def provider(session, cfg, period):  # noqa: ANN001, ANN202
        seen.append(period.key)
        return QAFigures(received=12, answered=10, on_time=9, overdue=1, median_hours=30.5)

    with db.session() as s:
        seed(s)
        r = gather(s, settings, parse_period("2024-01-01..2024-02-29"), None, now=NOW, qa_provider=provider)
    assert (r.total_posts, r.total_items) == (4, 2)
    assert r.tasks == [] and r.missed == [] and len(r.by_theme) == 1
    assert r.by_theme[0].name == "Tin, bài khác" and r.by_theme[0].posts == 4
    assert seen == ["2024-01-01..2024-02-29"] and r.qa.received == 12


def test_status_rules_table():
    ref = date(2024, 4, 1)
    cases = [
        ("deadline", date(2024, 3, 31), None, True, False, "done"),
        ("deadline", date(2024, 3, 31), None, False, False, "overdue"),
        ("deadline", date(2024, 4, 1), None, False, False, "not_started"),
        ("window", date(2024, 3, 1), date(2024, 3, 31), True, True, "done"),
        ("window", date(2024, 3, 1), date(2024, 5, 31), True, True, "in_progress"),
        ("window", date(2024, 1, 1), date(2024, 2, 28), False, False, "overdue"),
        ("recurring", None, None, True, False, "not_started"),
        ("recurring", None, None, True, True, "in_progress"),
        ("external", None, None, False, False, "not_started"),
        ("external", None, None, True, False, "done"),
    ]
    for kind, due, end, has, within, expected in cases:
        got = task_status(kind, due if kind == "deadline" else None, end or due, has_evidence=has,
                          evidence_in_period=within, reference=ref)
        assert got == expected, (kind, due, end, has, within)
