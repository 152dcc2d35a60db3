"""Table-driven cases for the small readers: task timing, reporting duties, unit cells,
forms → channel kinds, and section headings in the shapes the samples use."""

from __future__ import annotations

from datetime import date

import pytest

from content.plan.parse import Period, parse_plan
from content.plan.tasks import channels_of, split_units
from content.plan.timing import parse_timing, report_duties

Y2024 = Period(date(2024, 1, 1), date(2024, 12, 31))


@pytest.mark.parametrize("text, kind, fields", [
    ("Trước 31/12/2023", "deadline", {"due": date(2023, 12, 31)}),
    ("Hoàn thành trước ngày 15/3/2024", "deadline", {"due": date(2024, 3, 15)}),
    ("Chậm nhất ngày 30 tháng 6 năm 2024", "deadline", {"due": date(2024, 6, 30)}),
    ("Quý I/2025", "window", {"start": date(2025, 1, 1), "end": date(2025, 3, 31)}),
    ("Quý IV năm 2024", "window", {"start": date(2024, 10, 1), "end": date(2024, 12, 31)}),
    ("Tháng 10/2025", "window", {"start": date(2025, 10, 1), "end": date(2025, 10, 31)}),
    ("Tháng 2 năm 2024", "window", {"start": date(2024, 2, 1), "end": date(2024, 2, 29)}),
    ("6 tháng đầu năm 2024", "window", {"start": date(2024, 1, 1), "end": date(2024, 6, 30)}),
    ("Từ 01/3/2024 đến 30/4/2024", "window", {"start": date(2024, 3, 1), "end": date(2024, 4, 30)}),
    ("Năm 2024", "window", {"start": date(2024, 1, 1), "end": date(2024, 12, 31)}),
    ("Hằng tuần", "recurring", {"every": "week"}),
    ("hàng tháng", "recurring", {"every": "month"}),
    ("Định kỳ hằng quý", "recurring", {"every": "quarter"}),
    ("Định kỳ 6 tháng", "recurring", {"every": "half_year"}),
    ("Hằng năm", "recurring", {"every": "year"}),
    ("Thường xuyên trong năm 2024", "ongoing", {"start": date(2024, 1, 1), "end": date(2024, 12, 31)}),
    ("Thường xuyên", "ongoing", {"start": Y2024.start, "end": Y2024.end}),
    ("Theo kế hoạch của tỉnh", "external", {"due": None, "start": None}),
    ("Theo chỉ đạo của UBND tỉnh", "external", {}),
    ("Khi có yêu cầu", "external", {}),
    ("", "external", {}),
])
def test_timing(text, kind, fields):
    t = parse_timing(text, Y2024)
    assert t.kind == kind
    assert t.text == text
    for k, v in fields.items():
        assert getattr(t, k) == v


@pytest.mark.parametrize("text, expected", [
    ("Báo cáo kết quả thực hiện định kỳ hàng quý, 6 tháng, năm để tổng hợp.", [("quarter", None),
                                                                              ("half_year", None), ("year", None)]),
    ("Định kỳ 6 tháng, một năm báo cáo tình hình về UBND xã;", [("half_year", None), ("year", None)]),
    ("Báo cáo kết quả về Sở trước ngày 01 tháng 10 hằng năm để tổng hợp.", [("year", "10-01")]),
    ("Định kỳ hằng tháng báo cáo Chủ tịch UBND xã.", [("month", None)]),
    ("Báo cáo trước ngày 15/12 hàng năm.", [("year", "12-15")]),
    # not duties: no "báo cáo", or no period
    ("Tổ chức họp giao ban tuần, tháng, quý; dự toán ngân sách hằng năm.", []),
    ("Kiểm tra, đôn đốc, định kỳ báo cáo UBND tỉnh kết quả thực hiện.", []),
    ("Báo cáo kết quả năm 2024 về Sở Nội vụ.", []),
    # worded otherwise (issue 15): each cadence and each fixed day
    ("Các đơn vị báo cáo kết quả thực hiện 6 tháng, năm về Phòng Nội vụ.", [("half_year", None), ("year", None)]),
    ("Báo cáo định kỳ 6 tháng (trước ngày 10/6) và năm (trước ngày 10/12) về UBND huyện.",
     [("half_year", "06-10"), ("year", "12-10")]),
    ("Gửi báo cáo về Sở Nội vụ trước ngày 15/6 và 15/12 hằng năm.", [("half_year", "06-15")]),
    ("Báo cáo kết quả thực hiện 6 tháng, năm trước ngày 15/6 và trước ngày 15/12.",
     [("half_year", "06-15"), ("year", "12-15")]),
    ("Báo cáo kết quả thực hiện hằng quý (trước ngày 20 của tháng cuối quý) về UBND tỉnh.", [("quarter", "03-20")]),
    ("Báo cáo định kỳ hằng quý, 6 tháng, năm (trước ngày 15 của tháng cuối kỳ báo cáo).",
     [("quarter", "03-15"), ("half_year", "06-15"), ("year", "12-15")]),
    ("Các ban, ngành báo cáo kết quả hằng tháng trước ngày 25 về UBND xã.", [("month", "01-25")]),
    ("Định kỳ hằng quý, 6 tháng, năm báo cáo kết quả, tổng hợp báo cáo Sở Nội vụ.",
     [("quarter", None), ("half_year", None), ("year", None)]),
    ("Sơ kết 6 tháng đầu năm, báo cáo UBND tỉnh.", []),
    ("Định kỳ hằng quý (trước ngày 15 tháng cuối quý), 6 tháng (trước ngày 15/6), năm (trước ngày 15/11) "
     "báo cáo kết quả về Sở Nội vụ.", [("quarter", "03-15"), ("half_year", "06-15"), ("year", "11-15")]),
    ("Thời gian gửi báo cáo: Báo cáo quý I trước ngày 15/3; báo cáo 6 tháng trước ngày 15/6; báo cáo năm "
     "trước ngày 15/12.", [("quarter", "03-15"), ("half_year", "06-15"), ("year", "12-15")]),
    ("Kết quả được lồng ghép trong báo cáo công tác cải cách hành chính quý, 6 tháng, năm.",
     [("quarter", None), ("half_year", None), ("year", None)]),
    ("Tổng hợp số liệu tuần, tháng, quý để báo cáo.", []),
])
def test_report_duties(text, expected):
    assert [(r.every, r.due) for r in report_duties(text)] == expected


@pytest.mark.parametrize("cell, units", [
    ("- Văn phòng Sở - Ban Biên tập Trang Thông tin điện tử Sở", ["Văn phòng Sở", "Ban Biên tập Trang Thông tin điện tử Sở"]),
    ("Phòng Thông tin – Báo chí – Xuất bản", ["Phòng Thông tin – Báo chí – Xuất bản"]),
    ("- Các tổ chức chính trị - xã hội - Đoàn Thanh niên", ["Các tổ chức chính trị - xã hội", "Đoàn Thanh niên"]),
    ("+ Phòng Nội vụ + Phòng Văn hóa và Thông tin", ["Phòng Nội vụ", "Phòng Văn hóa và Thông tin"]),
    ("Văn phòng Sở; Thanh tra Sở", ["Văn phòng Sở", "Thanh tra Sở"]),
    ("", []),
])
def test_split_units(cell, units):
    assert split_units(cell) == units


@pytest.mark.parametrize("text, channels", [
    ("Trên báo chí: Báo in, báo điện tử, báo hình, báo nói", ["press"]),
    ("Trên hệ thống Đài truyền thanh cấp huyện và hệ thống thông tin cơ sở", ["radio"]),
    ("Phát trên loa truyền thanh các thôn", ["radio"]),
    ("Qua nền tảng số, mạng xã hội", ["social"]),
    ("Đăng trên nhóm Zalo của thôn và kênh Telegram của xã", ["zalo", "telegram"]),
    ("Công khai số điện thoại đường dây nóng tại Bộ phận một cửa", ["hotline", "notice_board"]),
    ("Treo pa nô, áp phích, phát tờ rơi", ["print"]),
    ("Tổ chức hội nghị, tập huấn, hội thi tìm hiểu", ["event"]),
    ("Thông qua các phương tiện thông tin đại chúng", ["press"]),
    ("Thông qua các phương tiện thông tin đại chúng trên Đài Truyền thanh xã", ["radio"]),
    ("Gửi thông báo, báo cáo qua email công vụ", ["internal"]),
    ("Các hình thức tuyên truyền khác phù hợp với tình hình đơn vị", ["internal"]),
    # meetings with citizens are events; meetings inside the administration stay internal
    ("Lồng ghép trong các buổi họp thôn, tổ dân phố", ["event"]),
    ("Tuyên truyền trong các cuộc họp ấp, họp dân và sinh hoạt chi hội của các đoàn thể", ["event"]),
    ("Lồng ghép trong sinh hoạt của các đoàn thể và hội nghị tiếp xúc cử tri", ["event"]),
    ("Phổ biến trong các cuộc họp giao ban, sinh hoạt chi bộ của cơ quan", ["internal"]),
    ("Phổ biến tại các buổi họp của cơ quan", ["internal"]),
])
def test_channels_of(text, channels):
    assert channels_of(text) == channels


MINIMAL = """ỦY BAN NHÂN DÂN XÃ AN BÌNH
Số: 05/KH - UBND
An Bình, ngày 3 tháng 2 năm 2025

KẾ HOẠCH
Tuyên truyền cải cách hành chính năm 2025

Căn cứ Kế hoạch số 12/KH-UBND ngày 10/01/2025 của UBND huyện, UBND xã An Bình xây dựng Kế hoạch như sau:

I. MỤC ĐÍCH

{content_heading}
{items}
{forms_heading}
a) Phát trên Đài truyền thanh xã.
b) Niêm yết tại Bộ phận một cửa.

III. TỔ CHỨC THỰC HIỆN
Văn phòng định kỳ hằng quý báo cáo Chủ tịch UBND xã.
"""


@pytest.mark.parametrize("content_heading, forms_heading", [
    ("1. Nội dung tuyên truyền", "2. Hình thức tuyên truyền"),
    ("a) Nội dung tuyên truyền:", "b) Hình thức tuyên truyền:"),
    ("Nội dung tuyên truyền", "Hình thức tuyên truyền"),
    ("II. NỘI DUNG TUYÊN TRUYỀN", "III. HÌNH THỨC TUYÊN TRUYỀN"),
])
@pytest.mark.parametrize("items", [
    "- Cải cách thủ tục hành chính.\n- Dịch vụ công trực tuyến.\n+ Thanh toán trực tuyến.\n+ Nộp hồ sơ qua mạng.",
    "1. Cải cách thủ tục hành chính.\n2. Dịch vụ công trực tuyến:\n- Thanh toán trực tuyến.\n- Nộp hồ sơ qua mạng.",
    "• Cải cách thủ tục hành chính.\n• Dịch vụ công trực tuyến:\n  • Thanh toán trực tuyến.\n  • Nộp hồ sơ qua mạng.",
])
def test_heading_and_list_styles(content_heading, forms_heading, items):
    text = MINIMAL.format(content_heading=content_heading, forms_heading=forms_heading, items=items)
    plan = parse_plan(text)
    assert [t.text for t in plan.themes] == ["Cải cách thủ tục hành chính", "Thanh toán trực tuyến",
                                             "Nộp hồ sơ qua mạng"]
    assert plan.channels == ["radio", "notice_board"]
    assert plan.number == "05/KH-UBND"
    assert plan.issuer == "Ủy ban nhân dân xã An Bình"
    assert plan.date == date(2025, 2, 3) and plan.year == 2025
    assert [r.every for r in plan.reports] == ["quarter"]
    assert plan.references == ["12/KH-UBND"]


def test_a_theme_worded_like_a_section_heading_stays_a_theme():
    """Items that start with a section word ("Nội dung…", "Nhiệm vụ…") but end like list items
    (";" or ",") must not end the content section early."""
    items = ("a) Nội dung cải cách thủ tục hành chính về đất đai;\n"
             "b) Nhiệm vụ số hóa hồ sơ, kết quả giải quyết thủ tục hành chính;\n"
             "c) Dịch vụ công trực tuyến toàn trình.")
    text = MINIMAL.format(content_heading="1. Nội dung tuyên truyền", forms_heading="2. Hình thức tuyên truyền",
                          items=items)
    plan = parse_plan(text)
    assert [t.text for t in plan.themes] == ["Nội dung cải cách thủ tục hành chính về đất đai",
                                             "Nhiệm vụ số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
                                             "Dịch vụ công trực tuyến toàn trình"]
    assert plan.channels == ["radio", "notice_board"]
