"""Reporting periods: what staff type, the Vietnamese labels, and which reports fall due."""

from datetime import date

import pytest

from content.plan.parse import ReportDuty
from schedules.reports.period import PeriodError, due_reports, parse_period


@pytest.mark.parametrize("text,start,end,label,key", [
    ("2024-Q1", date(2024, 1, 1), date(2024, 3, 31), "quý I năm 2024", "2024-Q1"),
    ("2024-q4", date(2024, 10, 1), date(2024, 12, 31), "quý IV năm 2024", "2024-Q4"),
    (" 2024Q2 ", date(2024, 4, 1), date(2024, 6, 30), "quý II năm 2024", "2024-Q2"),
    ("2024-H1", date(2024, 1, 1), date(2024, 6, 30), "6 tháng đầu năm 2024", "2024-H1"),
    ("2024-H2", date(2024, 7, 1), date(2024, 12, 31), "6 tháng cuối năm 2024", "2024-H2"),
    ("2024", date(2024, 1, 1), date(2024, 12, 31), "năm 2024", "2024"),
    ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "tháng 2 năm 2024", "2024-02"),
    ("2023-02", date(2023, 2, 1), date(2023, 2, 28), "tháng 2 năm 2023", "2023-02"),
    ("2024-01-01..2024-03-31", date(2024, 1, 1), date(2024, 3, 31),
     "từ ngày 01/01/2024 đến ngày 31/03/2024", "2024-01-01..2024-03-31"),
    ("2024-03-05..2024-03-05", date(2024, 3, 5), date(2024, 3, 5),
     "từ ngày 05/03/2024 đến ngày 05/03/2024", "2024-03-05..2024-03-05"),
])
def test_parse_period(text, start, end, label, key):
    p = parse_period(text)
    assert (p.start, p.end, p.label, p.key) == (start, end, label, key)


@pytest.mark.parametrize("text,fragment", [
    ("", "Không hiểu kỳ báo cáo"),
    ("quý 1", "Không hiểu kỳ báo cáo “quý 1”"),
    ("2024-Q5", "Không hiểu kỳ báo cáo"),
    ("2024-H3", "Không hiểu kỳ báo cáo"),
    ("2024-13", "Tháng “13” không hợp lệ"),
    ("1999", "ngoài khoảng 2000–2100"),
    ("2024-02-30..2024-03-31", "không có thật"),
    ("2024-03-31..2024-01-01", "đứng trước ngày bắt đầu 31/03/2024"),
])
def test_bad_period_says_what_to_type(text, fragment):
    with pytest.raises(PeriodError) as e:
        parse_period(text)
    assert fragment in str(e.value)
    assert isinstance(e.value, ValueError)


def test_due_reports_quarter_half_year_and_fixed_date():
    duties = [ReportDuty("quarter"), ReportDuty("half_year"), ReportDuty("year", "10-01")]
    due = due_reports(duties, date(2024, 9, 20), 14)
    assert [(p.key, d) for p, d in due] == [("2024-Q3", date(2024, 9, 30)), ("2024", date(2024, 10, 1))]
    assert due[1][0].label == "năm 2024"


def test_due_reports_year_end_brings_several_and_dedupes():
    duties = [ReportDuty("quarter"), ReportDuty("half_year"), ReportDuty("year"), ReportDuty("quarter")]
    due = due_reports(duties, date(2024, 12, 25), 7)
    assert [(p.key, d) for p, d in due] == [("2024", date(2024, 12, 31))]   # the year's report covers H2 and Q4


def test_due_reports_window_edges_and_dicts():
    duties = [{"every": "month", "due": None}, {"every": "quarter", "due": "12-15"}, {"every": "week"}]
    assert due_reports(duties, date(2024, 3, 1), 0) == []
    keys = [(p.key, d) for p, d in due_reports(duties, date(2024, 3, 15), 16)]
    # the quarter's fixed day is the 15th of its last month; the month is due on its last day
    assert keys == [("2024-Q1", date(2024, 3, 15)), ("2024-03", date(2024, 3, 31))]
    assert due_reports([ReportDuty("year", "10-01")], date(2024, 10, 2), 30) == []
    across = due_reports([ReportDuty("year", "01-10")], date(2024, 12, 20), 30)
    assert [(p.key, d) for p, d in across] == [("2025", date(2025, 1, 10))]
