"""The one date/time parser, as a table: what staff type → the moment Loa reads (local time),
whether the hour was assumed, and what is refused with which message."""

from __future__ import annotations

from datetime import datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest

from content.items.when import PastTimeError, WhenError, confirm_past, default_hour_for, parse_when
from tests.helpers import make_settings

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2024, 3, 1, 10, 0, tzinfo=VN)          # Friday 01/03/2024 10:00 in Hà Nội

# text → (dd/mm/yyyy HH:MM, hour assumed?)
ACCEPTED = [
    ("05/03/2024 08:00", "05/03/2024 08:00", False),
    ("5/3/2024 8h", "05/03/2024 08:00", False),
    ("05-03-2024", "05/03/2024 08:00", True),
    ("05/03/2024", "05/03/2024 08:00", True),
    ("05/03/2024 08h30", "05/03/2024 08:30", False),
    ("5.3.2024 8h", "05/03/2024 08:00", False),
    ("5/3/24 8h", "05/03/2024 08:00", False),
    ("5/3", "05/03/2024 08:00", True),
    ("5/3 14:00", "05/03/2024 14:00", False),
    ("2/1", "02/01/2024 08:00", True),                 # two months gone: this year (past, asks)
    ("28/2", "28/02/2024 08:00", True),                # just gone: this year (then "past" asks)
    ("2024-03-05", "05/03/2024 08:00", True),
    ("2024-03-05 08:00", "05/03/2024 08:00", False),
    ("2024-03-05T08:00", "05/03/2024 08:00", False),
    ("2024-03-05T08:00+07:00", "05/03/2024 08:00", False),
    ("2024-03-05T01:00Z", "05/03/2024 08:00", False),
    ("8h", "02/03/2024 08:00", False),                 # 08:00 today has passed → tomorrow
    ("8 giờ", "02/03/2024 08:00", False),
    ("8 GIỜ", "02/03/2024 08:00", False),
    ("14:00", "01/03/2024 14:00", False),              # later today
    ("14h", "01/03/2024 14:00", False),
    ("8h30", "02/03/2024 08:30", False),
    ("08h30", "02/03/2024 08:30", False),
    ("8h 30", "02/03/2024 08:30", False),
    ("8g30", "02/03/2024 08:30", False),
    ("8 giờ 30", "02/03/2024 08:30", False),
    ("8 giờ 30 phút", "02/03/2024 08:30", False),
    ("2 giờ chiều", "01/03/2024 14:00", False),
    ("7 giờ tối", "01/03/2024 19:00", False),
    ("12h trưa", "01/03/2024 12:00", False),
    ("1 giờ trưa", "01/03/2024 13:00", False),
    ("9 giờ đêm", "01/03/2024 21:00", False),
    ("8am", "02/03/2024 08:00", False),
    ("3pm", "01/03/2024 15:00", False),
    ("hôm nay 16h", "01/03/2024 16:00", False),
    ("ngày mai", "02/03/2024 08:00", True),
    ("mai 9h", "02/03/2024 09:00", False),
    ("sáng mai", "02/03/2024 08:00", True),
    ("chiều mai", "02/03/2024 14:00", True),
    ("tối nay", "01/03/2024 19:00", True),
    ("2 giờ chiều mai", "02/03/2024 14:00", False),
    ("ngày kia 7h", "03/03/2024 07:00", False),
    ("ngày mốt", "03/03/2024 08:00", True),
    ("hôm qua 17h", "29/02/2024 17:00", False),
    ("thứ Hai", "04/03/2024 08:00", True),
    ("thứ hai tuần sau", "04/03/2024 08:00", True),
    ("8h30 thứ Hai tuần sau", "04/03/2024 08:30", False),
    ("thứ Hai tuần sau lúc 8h30", "04/03/2024 08:30", False),
    ("thứ 3 tuần tới 7h", "05/03/2024 07:00", False),
    ("T6 tuần này 16h", "01/03/2024 16:00", False),
    ("thứ Sáu", "01/03/2024 08:00", True),             # today is Friday: today
    ("thứ sáu tuần sau 9h", "08/03/2024 09:00", False),
    ("Chủ nhật tuần tới 19h", "10/03/2024 19:00", False),
    ("CN 19h", "03/03/2024 19:00", False),
    ("7h sáng thứ 2", "04/03/2024 07:00", False),
    ("thứ Hai, 04/03/2024 8h", "04/03/2024 08:00", False),
    ("ngày 5 tháng 3 năm 2024", "05/03/2024 08:00", True),
    ("ngày 5 tháng 3 năm 2024 lúc 8 giờ 30 phút", "05/03/2024 08:30", False),
    ("mùng 10", "10/03/2024 08:00", True),
    ("vào lúc 8h, ngày 05/03/2024", "05/03/2024 08:00", False),
    ("  05/03/2024   08:00  ", "05/03/2024 08:00", False),
    ("Thứ Hai Tuần Sau 8H30", "04/03/2024 08:30", False),
    ("thu hai tuan sau 8h", "04/03/2024 08:00", False),     # typed without diacritics
    ("8h 5/3/2024", "05/03/2024 08:00", False),
    ("29/2/2024", "29/02/2024 08:00", True),
]

REFUSED = [
    ("", "Chưa ghi thời điểm"),
    ("   ", "Chưa ghi thời điểm"),
    ("abc", "Không hiểu “abc” trong thời điểm “abc”"),
    ("32/1/2024", "không có thật"),
    ("31/02/2024", "không có thật"),
    ("29/2/2023", "không có thật"),
    ("5/13/2024", "không có thật"),
    ("25h", "không có thật"),
    ("8h75", "không có thật"),
    ("24:00", "không có thật"),
    ("13h sáng", "không phải buổi sáng"),
    ("20 giờ chiều", "không phải buổi chiều"),
    ("13pm", "am/pm"),
    ("thứ Tám", "Không hiểu"),
    ("5/3/2024 8h sau đó", "Không hiểu “sau đó”"),
    ("thứ Ba 04/03/2024", "là thứ Hai, không khớp"),
    ("8.30", "dấu chấm"),
    ("ngày 5 tháng 13", "không có thật"),
    ("next monday", "Không hiểu"),
]


@pytest.mark.parametrize("text,expected,assumed", ACCEPTED, ids=[t for t, _, _ in ACCEPTED])
def test_accepted(text, expected, assumed):
    w = parse_when(text, NOW, 8)
    assert w.shown() == expected
    assert w.hour_assumed is assumed
    assert w.at.tzinfo is not None and w.at.utcoffset().total_seconds() == 0
    assert w.local.tzinfo == VN


@pytest.mark.parametrize("text,message", REFUSED, ids=[t or "empty" for t, _ in REFUSED])
def test_refused(text, message):
    with pytest.raises(WhenError, match=message) as e:
        parse_when(text, NOW, 8)
    assert e.value.exit_code == 2


def test_there_are_enough_cases():
    assert len(ACCEPTED) + len(REFUSED) >= 40


def test_default_hour_is_used_and_said():
    w = parse_when("05/03/2024", NOW, "06:30")
    assert w.shown() == "05/03/2024 06:30"
    assert w.notes("giờ mặc định của kênh Đài truyền thanh") == [
        "Không ghi giờ: dùng giờ mặc định 06:30 (giờ mặc định của kênh Đài truyền thanh)."]


def test_past_is_marked_and_must_be_confirmed():
    w = parse_when("01/01/2020", NOW, 8)
    assert w.past
    with pytest.raises(PastTimeError, match="01/01/2020 08:00 đã qua"):
        confirm_past(w, yes=False)
    confirm_past(w, yes=True)
    assert not parse_when("05/03/2024", NOW, 8).past


def test_a_date_without_year_long_gone_is_next_year():
    december = datetime(2024, 12, 20, 9, 0, tzinfo=VN)
    assert parse_when("5/1", december, 8).shown() == "05/01/2025 08:00"
    assert parse_when("mùng 5", december, 8).shown() == "05/01/2025 08:00"
    assert parse_when("1/12", december, 8).shown() == "01/12/2024 08:00"


def test_now_in_utc_is_read_in_the_unit_zone():
    utc_now = NOW.astimezone(timezone.utc)
    assert parse_when("5/3/2024 8h", utc_now, 8, tz=VN).at == datetime(2024, 3, 5, 1, 0, tzinfo=timezone.utc)


def test_default_hour_comes_from_the_channel_then_the_schedule(tmp_path):
    settings = make_settings(tmp_path, {"channels": {"radio": {"path": "radio", "default_hour": "17:00"},
                                                     "portal": {"kind": "static", "path": "site",
                                                                "default_hour": 7}},
                                        "schedule": {"default_hour": 9}})
    assert default_hour_for(settings, ["radio"]) == (time(17, 0), "giờ mặc định của kênh Đài truyền thanh")
    assert default_hour_for(settings, ["radio", "portal"])[0] == time(7, 0), "the earliest channel wins"
    assert default_hour_for(settings, ["telegram"]) == (
        time(9, 0), "giờ mặc định trong cấu hình ([schedule] default_hour)")
    assert default_hour_for(make_settings(tmp_path), ["telegram"])[0] == time(8, 0)
