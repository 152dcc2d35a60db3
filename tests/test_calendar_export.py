"""iCalendar and CSV exports, read back with the icalendar package and the csv module."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta, timezone

from icalendar import Calendar

from content.calendar.export import CSV_HEADERS, one_holiday_per_day, slot_title, to_csv, to_ics
from content.calendar.store import rebuild, slots_between
from content.models import PlanRecord
from content.plan.parse import ReportDuty, Theme
from tests.helpers import make_settings
from tests.helpers import make_plan, task
from tests.helpers import view

LONG = ("Tuyên truyền, phổ biến sâu rộng về tầm quan trọng; ý nghĩa, mục tiêu và tác động của cải cách "
        "hành chính đến phát triển kinh tế - xã hội của tỉnh, quan điểm, chủ trương của Đảng, chính sách, "
        "pháp luật của Nhà nước về cải cách hành chính\\ và \"kết quả\" triển khai")
NOW = datetime(2024, 3, 1, 2, 30, tzinfo=timezone.utc)


SLOTS = [
    view(1, "publish:2024-03-04:radio", date(2024, 3, 4), "publish", "Nội dung số 3", channel="radio", theme="t3"),
    view(2, "publish:2024-03-04:portal", date(2024, 3, 4), "publish", LONG, channel="portal", theme="t1", items=(7,)),
    view(3, "task:01:deadline", date(2024, 3, 15), "task_deadline", "Hạn nhiệm vụ 01: Công việc 01"),
    view(4, "task:02:window", date(2024, 4, 1), "task_window", "Nhiệm vụ 02: Công việc 02", end_day=date(2024, 6, 30)),
    view(5, "report:quarter:2024-Q1", date(2024, 3, 31), "report_due", "Hạn báo cáo quý I/2024"),
    view(6, "holiday:2024-09-02", date(2024, 9, 2), "holiday", "Nghỉ lễ: Quốc khánh"),
]


def events(data: bytes) -> dict[str, object]:
    cal = Calendar.from_ical(data)
    return {str(ev["UID"]): ev for ev in cal.walk("VEVENT")}


def test_ics_reads_back_as_all_day_events():
    data = to_ics(SLOTS, now=NOW, plan_names={1: "Kế hoạch số 11/KH-UBND"})
    cal = Calendar.from_ical(data)
    assert str(cal["VERSION"]) == "2.0" and "Loa" in str(cal["PRODID"])
    evs = events(data)
    assert len(evs) == len(SLOTS)
    radio = evs["1-publish:2024-03-04:radio@loa"]
    assert str(radio["SUMMARY"]) == "Đài truyền thanh – Chủ đề 3: Nội dung số 3"
    assert radio.decoded("DTSTART") == date(2024, 3, 4) and not isinstance(radio.decoded("DTSTART"), datetime)
    assert radio.decoded("DTEND") == date(2024, 3, 5)  # exclusive end
    assert radio["DTSTART"].params["VALUE"] == "DATE"
    assert radio.decoded("DTSTAMP") == NOW
    assert [str(c) for c in radio["CATEGORIES"].cats] == ["Đăng bài", "Đài truyền thanh"]
    assert "Chưa có bài" in str(radio["DESCRIPTION"]) and "Kế hoạch số 11/KH-UBND" in str(radio["DESCRIPTION"])
    window = evs["1-task:02:window@loa"]
    assert (window.decoded("DTSTART"), window.decoded("DTEND")) == (date(2024, 4, 1), date(2024, 7, 1))
    assert str(evs["1-task:01:deadline@loa"]["SUMMARY"]) == "Hạn nhiệm vụ 01: Công việc 01"
    assert str(evs["1-report:quarter:2024-Q1@loa"]["SUMMARY"]) == "Hạn báo cáo quý I/2024"
    holiday = evs["holiday:2024-09-02@loa"]
    assert str(holiday["SUMMARY"]) == "Nghỉ lễ: Quốc khánh"
    assert [str(c) for c in holiday["CATEGORIES"].cats] == ["Nghỉ lễ"]


def test_ics_escapes_folds_and_keeps_long_text():
    data = to_ics(SLOTS, now=NOW)
    assert all(len(line) <= 75 for line in data.split(b"\r\n")), "lines folded at 75 octets"
    assert b"\\;" in data and b"\\," in data  # TEXT escaping done by the library
    portal = events(data)["1-publish:2024-03-04:portal@loa"]
    summary = str(portal["SUMMARY"])
    assert summary.startswith("Cổng TTĐT – Chủ đề 1: Tuyên truyền, phổ biến sâu rộng về tầm quan trọng;")
    assert len(summary) <= 200 and summary.endswith("…")
    description = str(portal["DESCRIPTION"])
    assert LONG in description and "Đã có bài: số 7" in description  # full text, backslash and quotes intact


def test_ics_uids_are_stable_across_exports():
    first = set(events(to_ics(SLOTS, now=NOW)))
    second = set(events(to_ics(list(reversed(SLOTS)), now=NOW + timedelta(days=3))))
    assert first == second and len(first) == len(SLOTS)


def test_csv_reads_back_with_vietnamese_headers():
    data = to_csv(SLOTS, plan_names={1: "Kế hoạch số 11/KH-UBND"})
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert tuple(rows[0]) == CSV_HEADERS
    assert {"Ngày", "Đến ngày", "Thứ", "Kênh", "Loại", "Chủ đề", "Nội dung", "Đã có bài"} <= set(CSV_HEADERS)
    radio, portal, deadline, window, report, holiday = rows
    assert (radio["Ngày"], radio["Thứ"], radio["Kênh"], radio["Loại"], radio["Chủ đề"], radio["Đã có bài"]) == \
        ("04/03/2024", "Thứ Hai", "Đài truyền thanh", "Đăng bài", "3", "Chưa")
    assert portal["Nội dung"] == LONG and portal["Đã có bài"] == "Có" and portal["Kênh"] == "Cổng TTĐT"
    assert (window["Ngày"], window["Đến ngày"], window["Loại"]) == ("01/04/2024", "30/06/2024", "Nhiệm vụ")
    assert (report["Thứ"], report["Đã có bài"], report["Kế hoạch"]) == ("Chủ nhật", "", "Kế hoạch số 11/KH-UBND")
    assert holiday["Loại"] == "Nghỉ lễ" and holiday["Nội dung"] == "Nghỉ lễ: Quốc khánh"
    semicolon = to_csv(SLOTS, delimiter=";").decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(semicolon), delimiter=";"))[2] == "Ngày"


def test_holidays_of_several_plans_appear_once():
    twice = SLOTS + [view(16, "holiday:2024-09-02", date(2024, 9, 2), "holiday", "Nghỉ lễ: Quốc khánh", plan_id=2)]
    assert len(one_holiday_per_day(twice)) == len(SLOTS)


def test_export_of_a_stored_calendar(db, tmp_path):
    plan = make_plan(themes=3, channels=("radio", "hotline"), period=(date(2024, 1, 1), date(2024, 12, 31)),
                     tasks=[task("01", "deadline", due=date(2024, 3, 15))], reports=[ReportDuty("quarter")])
    plan.themes[2] = Theme("t3", "Cải cách thủ tục hành chính")
    with db.session() as s:
        rec = PlanRecord(key="kh", number=plan.number, data=plan.to_dict())
        s.add(rec)
        s.flush()
        rebuild(s, rec, make_settings(tmp_path))
    with db.session() as s:
        slots = slots_between(s, None, None)
    evs = events(to_ics(slots, now=NOW))
    assert len(evs) == len(slots)
    summaries = {str(e["SUMMARY"]) for e in evs.values()}
    assert "Đài truyền thanh – Chủ đề 3: Cải cách thủ tục hành chính" in summaries
    assert {"Hạn nhiệm vụ 01: Công việc 01", "Hạn báo cáo quý I/2024", "Nghỉ lễ: Quốc khánh",
            "Đường dây nóng – Chủ đề 1: Nội dung tuyên truyền số 1"} <= summaries
    rows = list(csv.DictReader(io.StringIO(to_csv(slots).decode("utf-8-sig"))))
    assert len(rows) == len(slots)
    assert [slot_title(s) for s in slots][:1] == ["Nghỉ lễ: Tết Dương lịch"]
