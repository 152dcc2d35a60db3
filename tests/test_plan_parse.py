"""The parser on the five real sample plans: what each one says, field by field."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from content.plan.parse import CHANNEL_KINDS, TIMING_KINDS, Plan, PlanError, parse_plan

HY, ST, NL, HN, GL = ("hung-yen-so-noi-vu-2023.md", "soc-trang-ubnd-tinh-2019.md", "ngoc-lam-ubnd-xa-2024.md",
                      "ha-nam-so-tttt-2021-2030.md", "gia-lai-so-tttt-2024.md")

EXPECTED = {
    HY: dict(themes=11, forms=4, tasks=0, number=None, date=None, year=2023, issuer="Sở Nội vụ",
             place="Hung Yên",  # sic: the plan itself spells it so
             period=(date(2023, 1, 1), date(2023, 12, 31)),
             title="Tuyên truyền cải cách hành chính năm 2023",
             signer=("Nguyễn Thị Tươi", "Phó Giám đốc"), reports=[]),
    ST: dict(themes=9, forms=10, tasks=0, number=None, date=None, year=2019,
             issuer="Ủy ban nhân dân tỉnh Sóc Trăng", place="Sóc Trăng",
             period=(date(2019, 1, 1), date(2019, 12, 31)),
             title="Tuyên truyền cải cách hành chính tỉnh Sóc Trăng năm 2019",
             signer=("Trần Văn Chuyên", "Chủ tịch"),
             reports=[("quarter", None), ("half_year", None), ("year", None)]),
    NL: dict(themes=7, forms=4, tasks=0, number="11/KH-UBND", date=date(2024, 1, 26), year=2024,
             issuer="Ủy ban nhân dân xã Ngọc Lâm", place="Ngọc Lâm",
             period=(date(2024, 1, 1), date(2024, 12, 31)),
             title="Tuyên truyền cải cách hành chính xã Ngọc Lâm năm 2024",
             signer=("Nguyễn Hữu Hoan", "Chủ tịch"), reports=[("half_year", None), ("year", None)]),
    HN: dict(themes=10, forms=4, tasks=0, number=None, date=None, year=2021,
             issuer="Sở Thông tin và Truyền thông", place="Hà Nam",
             period=(date(2021, 1, 1), date(2030, 12, 31)),
             title=("Thông tin, tuyên truyền về cải cách hành chính nhà nước giai đoạn 2021 - 2030 "
                    "trên địa bàn tỉnh Hà Nam"),
             signer=("Nguyễn Duy Tuấn", "Giám đốc"), reports=[("year", "10-01")]),
    GL: dict(themes=10, forms=9, tasks=10, number="136/KH-STTTT", date=date(2023, 12, 28), year=2024,
             issuer="Sở Thông tin và Truyền thông tỉnh Gia Lai", place="Gia Lai",
             period=(date(2024, 1, 1), date(2024, 12, 31)),
             title="Tuyên truyền công tác Cải cách hành chính năm 2024",
             signer=("Nguyễn Ngọc Hùng", "Giám đốc"), reports=[("quarter", None)]),
}


def load(plans_dir: Path, name: str) -> Plan:
    return parse_plan((plans_dir / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", list(EXPECTED))
def test_counts_and_identity(plans_dir, name):
    exp = EXPECTED[name]
    plan = load(plans_dir, name)
    assert (len(plan.themes), len(plan.forms), len(plan.tasks)) == (exp["themes"], exp["forms"], exp["tasks"])
    assert plan.number == exp["number"]
    assert plan.date == exp["date"]
    assert plan.year == exp["year"]
    assert plan.issuer == exp["issuer"]
    assert plan.place == exp["place"]
    assert (plan.period.start, plan.period.end) == exp["period"]
    assert plan.title == exp["title"]
    assert (plan.signer.name, plan.signer.position) == exp["signer"]
    assert [(r.every, r.due) for r in plan.reports] == exp["reports"]


@pytest.mark.parametrize("name", list(EXPECTED))
def test_themes_are_short_stable_ids_and_clean_text(plans_dir, name):
    plan = load(plans_dir, name)
    assert [t.id for t in plan.themes] == [f"t{i}" for i in range(1, len(plan.themes) + 1)]
    for t in plan.themes:
        assert t.text == t.text.strip() and len(t.text) > 20
        assert not t.text.startswith(("-", "*", "#")) and "**" not in t.text
        assert not t.text.endswith((";", ":"))


@pytest.mark.parametrize("name", list(EXPECTED))
def test_forms_map_to_known_channels_and_union_is_stable(plans_dir, name):
    plan = load(plans_dir, name)
    assert all(f.channels and set(f.channels) <= set(CHANNEL_KINDS) for f in plan.forms)
    union = {c for f in plan.forms for c in f.channels}
    assert plan.channels == [k for k in CHANNEL_KINDS if k in union]


@pytest.mark.parametrize("name, must, must_not", [
    (NL, {"radio", "notice_board", "event"}, {"press", "portal"}),
    (HN, {"press", "radio", "portal", "social"}, {"notice_board"}),
    (HY, {"portal", "press", "notice_board", "event"}, {"radio"}),
    (ST, {"portal", "press", "radio", "notice_board", "print", "event"}, {"zalo"}),
    (GL, {"portal", "zalo", "notice_board", "print", "press", "social"}, {"radio"}),
])
def test_channels_per_plan(plans_dir, name, must, must_not):
    channels = set(load(plans_dir, name).channels)
    assert must <= channels
    assert not (must_not & channels)


def test_item_with_sub_items_gives_its_sub_items(plans_dir):
    plan = load(plans_dir, GL)
    texts = [t.text for t in plan.themes]
    assert not any(t.startswith("Tuyên truyền, phổ biến các nội dung cơ bản sau") for t in texts)
    assert texts[2].startswith("Hoàn thiện hệ thống thể chế")
    # the sub-item cut by a page break is one theme, not two
    assert any("Ban Chấp hành Đảng bộ tỉnh Gia Lai (khoá XVI)" in t for t in texts)


def test_page_break_inside_an_item_does_not_split_it(plans_dir):
    plan = load(plans_dir, HN)
    assert any("Nghị quyết số 17/NQ-CP ngày 17/3/2019 của Chính phủ" in t.text for t in plan.themes)


def test_gia_lai_tasks(plans_dir):
    plan = load(plans_dir, GL)
    kinds = [t.timing.kind for t in plan.tasks]
    assert [t.no for t in plan.tasks] == [f"{i:02d}" for i in range(1, 11)]
    assert kinds == ["deadline"] + ["ongoing"] * 7 + ["external", "ongoing"]
    assert set(kinds) <= set(TIMING_KINDS)
    first = plan.tasks[0]
    assert first.lead == "Phòng Thông tin – Báo chí – Xuất bản"
    assert first.partners == ["Văn phòng Sở", "Ban Biên tập Trang Thông tin điện tử Sở"]
    assert first.timing.due == date(2023, 12, 31) and first.timing.text == "Trước 31/12/2023"
    ongoing = plan.tasks[1].timing
    assert (ongoing.start, ongoing.end) == (date(2024, 1, 1), date(2024, 12, 31))
    assert ongoing.text == "Thường xuyên trong năm 2024"
    assert plan.tasks[8].timing.text == "Theo kế hoạch của tỉnh" and plan.tasks[8].timing.due is None
    assert plan.tasks[4].lead == "Phòng Công nghệ thông tin; Văn phòng Sở"
    assert plan.tasks[8].partners == ["Các phòng chuyên môn, Trung tâm CNTT&TT"]


@pytest.mark.parametrize("name, present, absent", [
    (HY, ["205/KH-UBND", "22/2020/QĐ-UBND"], []),
    (ST, ["36/KH-UBND", "128/KH-UBND", "1847/QĐ-TTg", "30c/NQ-CP", "06-NQ/TU", "02/CTr-UBND"], ["532"]),
    (NL, ["29/KH-UBND", "76/NQ-CP", "24-CT/ThU"], ["11/KH-UBND"]),
    (HN, ["1578/QĐ-UBND", "18-NQ/TW", "61/2018/NĐ-CP", "749/QĐ-TTg"], []),
    (GL, ["3640/KH-UBND", "61/2018/NĐ-CP", "13/2018/QĐ-UBND"], ["136/KH-STTTT"]),
])
def test_references(plans_dir, name, present, absent):
    refs = load(plans_dir, name).references
    assert len(refs) == len(set(refs))
    for r in present:
        assert r in refs
    for r in absent:
        assert r not in refs
    positions = [refs.index(r) for r in present]
    assert positions == sorted(positions)  # order of first appearance


def test_references_in_order_of_first_appearance(plans_dir):
    assert load(plans_dir, HN).references[:2] == ["1578/QĐ-UBND", "1216/QĐ-BTTTT"]
    assert load(plans_dir, GL).references.count("61/2018/NĐ-CP") == 1


@pytest.mark.parametrize("name", list(EXPECTED))
def test_to_dict_round_trips_and_has_exactly_the_documented_keys(plans_dir, name):
    plan = load(plans_dir, name)
    d = plan.to_dict()
    assert list(d) == ["number", "issuer", "place", "date", "year", "period", "title", "signer", "themes",
                       "forms", "channels", "tasks", "reports", "references"]
    assert Plan.from_dict(d) == plan


@pytest.mark.parametrize("text", [
    "",
    "   \n\n  ",
    "Biên bản họp chi bộ tháng 3\n\n1. Tình hình\n\n- Mọi việc bình thường.\n",
    "KẾ HOẠCH\nTổ chức hội thao năm 2024\n\nI. MỤC ĐÍCH\n\n- Rèn luyện sức khỏe.\n",
])
def test_text_that_is_not_a_plan_is_refused(text):
    with pytest.raises(PlanError) as e:
        parse_plan(text)
    assert "Nội dung tuyên truyền" in str(e.value) or "trống" in str(e.value)


def test_content_section_without_items_is_refused():
    with pytest.raises(PlanError, match="không có nội dung nào"):
        parse_plan("KẾ HOẠCH\n\n1. Nội dung tuyên truyền\n\n2. Hình thức tuyên truyền\n\n- Đài truyền thanh xã.\n")


# --- headers as they arrive flattened (issue 15) ------------------------------------------------

_BODY = """KẾ HOẠCH
Tuyên truyền cải cách hành chính năm 2025
I. NỘI DUNG TUYÊN TRUYỀN
1. Dịch vụ công trực tuyến.
II. HÌNH THỨC TUYÊN TRUYỀN
1. Phát trên loa truyền thanh.
"""


@pytest.mark.parametrize("header", [
    # a Word header table copied line by line, columns interleaved
    "ỦY BAN NHÂN DÂN\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTHỊ XÃ ĐÔNG HÒA\nĐộc lập - Tự do - Hạnh phúc\n"
    "Số: 15/KH-UBND\nĐông Hòa, ngày 10 tháng 01 năm 2025\n",
    # both columns run together on each line (text copied out of a PDF)
    "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTHỊ XÃ ĐÔNG HÒA Độc lập - Tự do - Hạnh phúc\n"
    "Số: 15/KH-UBND Đông Hòa, ngày 10 tháng 01 năm 2025\n",
    # "Số:" alone, the place-and-date broken mid-phrase, a site's banner lines first
    "Thư viện văn bản | Tải về | In\nỦY BAN NHÂN DÂN\nTHỊ XÃ ĐÔNG HÒA\n-------\nSố:\n15/KH-UBND\n"
    "Đông Hòa, ngày 10\ntháng 01 năm 2025\n",
    # letterhead and number on one line with a web table's pipes
    "Ủy ban nhân dân thị xã Đông Hòa Số: 15/KH-UBND | Cộng hòa xã hội chủ nghĩa Việt Nam Độc lập - Tự do - "
    "Hạnh phúc | Đông Hòa, ngày 10 tháng 01 năm 2025 |\n",
])
def test_flattened_headers_give_number_issuer_place_and_date(header):
    plan = parse_plan(header + _BODY)
    assert plan.number == "15/KH-UBND"
    assert plan.issuer == "Ủy ban nhân dân thị xã Đông Hòa"
    assert (plan.place, plan.date) == ("Đông Hòa", date(2025, 1, 10))


def test_a_plan_attached_to_a_decision_takes_the_decisions_reference_and_signer():
    text = ("ỦY BAN NHÂN DÂN\nHUYỆN AN LÃO\nSố: 88/QĐ-UBND\nAn Lão, ngày 20 tháng 02 năm 2025\n"
            "QUYẾT ĐỊNH\nVề việc ban hành Kế hoạch tuyên truyền cải cách hành chính năm 2025\n"
            "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN AN LÃO\nCăn cứ Luật Tổ chức chính quyền địa phương ngày 19/6/2015;\n"
            "QUYẾT ĐỊNH:\nĐiều 1. Ban hành kèm theo Quyết định này Kế hoạch tuyên truyền cải cách hành chính năm 2025.\n"
            "Điều 2. Quyết định có hiệu lực kể từ ngày ký.\nNơi nhận:\n- Như Điều 2;\n- Lưu: VT.\n"
            "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\n**Đinh Văn Tuấn**\n\n"
            "KẾ HOẠCH\nTuyên truyền cải cách hành chính năm 2025\n"
            "(Ban hành kèm theo Quyết định số 88/QĐ-UBND ngày 20/02/2025 của UBND huyện An Lão)\n"
            "I. NỘI DUNG TUYÊN TRUYỀN\n- Cải cách thủ tục hành chính.\n- Chuyển đổi số.\n"
            "II. HÌNH THỨC TUYÊN TRUYỀN\n- Lồng ghép trong các buổi họp thôn, tổ dân phố.\n- Giao ban cơ quan.\n")
    plan = parse_plan(text)
    assert (plan.number, plan.date) == ("88/QĐ-UBND", date(2025, 2, 20))
    assert plan.issuer == "Ủy ban nhân dân huyện An Lão" and plan.place == "An Lão"
    assert (plan.signer.name, plan.signer.position) == ("Đinh Văn Tuấn", "Phó Chủ tịch")
    assert plan.title == "Tuyên truyền cải cách hành chính năm 2025"
    assert [t.text for t in plan.themes] == ["Cải cách thủ tục hành chính", "Chuyển đổi số"]
    assert [f.channels for f in plan.forms] == [["event"], ["internal"]]


@pytest.mark.parametrize("block, expected", [
    ("**KT. CHỦ TỊCH**\n**PHÓ CHỦ TỊCH**\n\n\n\n*(Đã ký và đóng dấu)*\n\n**Nguyễn Văn An**", "Phó Chủ tịch"),
    ("KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nKý bởi: Ủy ban nhân dân huyện Krông Pắc\nEmail: ubnd@daklak.gov.vn\n"
     "Thời gian ký: 15.01.2025 08:30:15 +07:00\nNguyễn Văn An", "Phó Chủ tịch"),
    ("GIÁM ĐỐC\n\n\n_Nguyễn Văn An_", "Giám đốc"),
    ("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n(đã ký)\nNGUYỄN VĂN AN", "Chủ tịch"),
    ("Q. GIÁM ĐỐC\n\nNguyễn Văn An", "Quyền Giám đốc"),
])
def test_signer_after_titles_blank_lines_emphasis_and_signature_stamps(block, expected):
    from content.plan.fields import signer
    from content.plan.text import to_lines

    name, position, _ = signer(to_lines("Nơi nhận:\n- Như trên;\n- Lưu: VT.\n" + block))
    assert (name, position) == ("Nguyễn Văn An", expected)


def test_a_ward_named_by_its_number_is_a_place():
    plan = parse_plan("ỦY BAN NHÂN DÂN QUẬN 3\nỦY BAN NHÂN DÂN PHƯỜNG 5\nSố: 21/KH-UBND\n"
                      "Phường 5, ngày 12 tháng 3 năm 2024\n" + _BODY)
    assert (plan.number, plan.place, plan.date) == ("21/KH-UBND", "Phường 5", date(2024, 3, 12))
    assert plan.issuer == "Ủy ban nhân dân phường 5"
