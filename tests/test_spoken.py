"""The Vietnamese read-aloud normaliser: numbers, dates, times, phones, percentages, document
numbers and abbreviations, on sentences taken from the sample plans (tests/data/plans)."""

from __future__ import annotations

import pytest

from content.render.lexicon import builtin_lexicon, lexicon, parse_lexicon
from content.render.numbers_vi import read_decimal, read_number
from content.render.spoken import read_aloud, speak, syllables, unknown_abbreviations


@pytest.mark.parametrize("n, words", [
    (0, "không"),
    (5, "năm"),
    (10, "mười"),
    (11, "mười một"),
    (14, "mười bốn"),
    (15, "mười lăm"),
    (20, "hai mươi"),
    (21, "hai mươi mốt"),
    (24, "hai mươi tư"),
    (25, "hai mươi lăm"),
    (55, "năm mươi lăm"),
    (101, "một trăm linh một"),
    (105, "một trăm linh năm"),
    (110, "một trăm mười"),
    (115, "một trăm mười lăm"),
    (121, "một trăm hai mươi mốt"),
    (1000, "một nghìn"),
    (1005, "một nghìn không trăm linh năm"),
    (1010, "một nghìn không trăm mười"),
    (2018, "hai nghìn không trăm mười tám"),
    (2025, "hai nghìn không trăm hai mươi lăm"),
    (12_345, "mười hai nghìn ba trăm bốn mươi lăm"),
    (1_000_000, "một triệu"),
    (1_000_005, "một triệu không trăm linh năm"),
    (1_005_000, "một triệu không trăm linh năm nghìn"),
    (1_500_000, "một triệu năm trăm nghìn"),
    (1_000_000_000, "một tỷ"),
    (-3, "âm ba"),
])
def test_read_number(n: int, words: str) -> None:
    assert read_number(n) == words


@pytest.mark.parametrize("text, words", [
    ("1.000.000", "một triệu"),
    ("12.345", "mười hai nghìn ba trăm bốn mươi lăm"),
    ("95,5", "chín mươi lăm phẩy năm"),
    ("3,14", "ba phẩy mười bốn"),
    ("0,05", "không phẩy không năm"),
    ("1.234,5", "một nghìn hai trăm ba mươi tư phẩy năm"),
    ("06", "sáu"),
    ("0221", "không hai hai một"),
])
def test_read_decimal(text: str, words: str) -> None:
    assert read_decimal(text) == words


@pytest.mark.parametrize("text, expected", [
    # dates (the spec's example), with and without "ngày", days 1–10 read "mùng", April "tư"
    ("15/5/2025", "Ngày mười lăm tháng năm năm hai nghìn không trăm hai mươi lăm"),
    ("Hội nghị ngày 23/4/2018.",
     "Hội nghị ngày hai mươi ba tháng tư năm hai nghìn không trăm mười tám."),
    ("Ngày 02/9/2021 tổ chức.", "Ngày mùng hai tháng chín năm hai nghìn không trăm hai mươi mốt tổ chức."),
    ("Quyết định ngày 06 tháng 9 năm 2021.",
     "Quyết định ngày mùng sáu tháng chín năm hai nghìn không trăm hai mươi mốt."),
    ("Từ 15/5 đến 20/5 tiếp nhận hồ sơ.",
     "Từ ngày mười lăm tháng năm đến ngày hai mươi tháng năm tiếp nhận hồ sơ."),
    ("Trong tháng 5/2025.", "Trong tháng năm năm hai nghìn không trăm hai mươi lăm."),
    # times
    ("Làm việc từ 7h30 đến 17h00.", "Làm việc từ bảy giờ ba mươi phút đến mười bảy giờ."),
    ("Bắt đầu lúc 07:30.", "Bắt đầu lúc bảy giờ ba mươi phút."),
    ("Giờ làm việc 7h30–11h30.", "Giờ làm việc bảy giờ ba mươi phút đến mười một giờ ba mươi phút."),
    # phones, digit by digit with pauses between groups
    ("Gọi 0221 3 946 101.", "Gọi không hai hai một, ba, chín bốn sáu, một không một."),
    ("Gọi 0912345678 trong 2 ngày.",
     "Gọi không chín một hai, ba bốn năm, sáu bảy tám trong hai ngày."),
    ("Đường dây nóng 1022.", "Đường dây nóng một không hai hai."),
    # percentages, fractions, ranges
    ("Đạt 95,5% hồ sơ.", "Đạt chín mươi lăm phẩy năm phần trăm hồ sơ."),
    ("Đạt 100%.", "Đạt một trăm phần trăm."),
    ("Từ 90-95% người dân.", "Từ chín mươi đến chín mươi lăm phần trăm người dân."),
    ("Đạt 10/12 chỉ tiêu, phục vụ 24/7.", "Đạt mười trên mười hai chỉ tiêu, phục vụ hai mươi tư trên bảy."),
    ("Giai đoạn 2021-2025.",
     "Giai đoạn hai nghìn không trăm hai mươi mốt đến hai nghìn không trăm hai mươi lăm."),
    ("Giai đoạn 2016 – 2020.",
     "Giai đoạn hai nghìn không trăm mười sáu đến hai nghìn không trăm hai mươi."),
    # ordinals and Roman numerals
    ("Lần thứ 1, thứ 4 hằng tuần.", "Lần thứ nhất, thứ tư hằng tuần."),
    ("Ban Chấp hành Trung ương Đảng khóa XII.", "Ban Chấp hành Trung ương Đảng khóa mười hai."),
    ("Báo cáo Quý I/2024.", "Báo cáo Quý một năm hai nghìn không trăm hai mươi tư."),
    # amounts and units
    ("Hỗ trợ 1.500.000 đồng.", "Hỗ trợ một triệu năm trăm nghìn đồng."),
    ("Mỗi hộ 500.000đ.", "Mỗi hộ năm trăm nghìn đồng."),
    ("Dài 3,5km, rộng 1.200 m2.", "Dài ba phẩy năm ki-lô-mét, rộng một nghìn hai trăm mét vuông."),
    ("Cách mạng công nghiệp 4.0.", "Cách mạng công nghiệp bốn chấm không."),
])
def test_speak_numbers_dates_times(text: str, expected: str) -> None:
    assert speak(text) == expected


@pytest.mark.parametrize("text, expected", [
    # the spec's two document examples
    ("Nghị định số 61/2018/NĐ-CP",
     "Nghị định số sáu mươi mốt năm hai nghìn không trăm mười tám của Chính phủ"),
    ("76/NQ-CP", "Nghị quyết số bảy mươi sáu của Chính phủ"),
    # the issuer is not said twice when the sentence names it ("… ngày … của Chính phủ")
    ("theo Nghị định số 61/2018/NĐ-CP ngày 23/4/2018 của Chính phủ",
     "Theo Nghị định số sáu mươi mốt năm hai nghìn không trăm mười tám ngày hai mươi ba "
     "tháng tư năm hai nghìn không trăm mười tám của Chính phủ"),
    ("Quyết định số 468/QĐ-TTg", "Quyết định số bốn trăm sáu mươi tám của Thủ tướng Chính phủ"),
    ("Nghị quyết 76/NQ-CP", "Nghị quyết số bảy mươi sáu của Chính phủ"),
    ("Chỉ thị số 24-CT/ThU", "Chỉ thị số hai mươi tư của Thị ủy"),
    ("Nghị quyết số 18-NQ/TW", "Nghị quyết số mười tám của Trung ương"),
    ("Luật số 91/2025/QH15",
     "Luật số chín mươi mốt năm hai nghìn không trăm hai mươi lăm của Quốc hội khóa mười lăm"),
    ("Thông tư số 39/2020/TT-BTTTT",
     "Thông tư số ba mươi chín năm hai nghìn không trăm hai mươi của Bộ Thông tin và Truyền thông"),
    ("Nghị quyết số 30c/NQ-CP", "Nghị quyết số ba mươi xê của Chính phủ"),
    ("Số: 11/KH-UBND", "Kế hoạch số mười một của Ủy ban nhân dân"),
    ("Chương trình hành động số 921/UBND",
     "Chương trình hành động số chín trăm hai mươi mốt của Ủy ban nhân dân"),
])
def test_document_numbers(text: str, expected: str) -> None:
    assert speak(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("UBND xã tiếp nhận hồ sơ TTHC qua DVCTT và BCCI.",
     "Ủy ban nhân dân xã tiếp nhận hồ sơ thủ tục hành chính qua dịch vụ công trực tuyến và "
     "bưu chính công ích."),
    ("CCHC là nhiệm vụ trọng tâm của HĐND.",
     "Cải cách hành chính là nhiệm vụ trọng tâm của Hội đồng nhân dân."),
    ("Đội ngũ CBCCVC và CCVC ứng dụng CNTT.",
     "Đội ngũ cán bộ, công chức, viên chức và công chức, viên chức ứng dụng công nghệ thông tin."),
    # "Full name (ABBR)" is said once
    ("Sở Thông tin và Truyền thông (TT&TT) tỉnh Gia Lai ban hành KH.",
     "Sở Thông tin và Truyền thông tỉnh Gia Lai ban hành kế hoạch."),
    ("Theo NĐ-CP và QĐ-TTg, NQ/TW.",
     "Theo nghị định của Chính phủ và quyết định của Thủ tướng Chính phủ, nghị quyết của Trung ương."),
    # no abbreviation inside another word (an unknown one is spelled, see test_spoken_kinds)
    ("KHÔNG viết tắt: KHO BẠC, UBNDX.", "KHÔNG viết tắt: KHO BẠC, u-bê-en-nờ-dê-ích-xì."),
])
def test_abbreviations(text: str, expected: str) -> None:
    assert speak(text) == expected


def test_plan_sentence_ngoc_lam() -> None:
    text = ("Tuyên truyền tình hình triển khai Chương trình tổng thể cải cách hành chính nhà nước "
            "giai đoạn 2021-2030 được ban hành tại Nghị quyết số 76/NQ-CP ngày 15/7/2021 của "
            "Chính phủ; Kế hoạch số 18/KH-UBND ngày 14/01/2022 của UBND thị xã.")
    said = speak(text)
    assert "giai đoạn hai nghìn không trăm hai mươi mốt đến hai nghìn không trăm ba mươi" in said
    assert ("Nghị quyết số bảy mươi sáu ngày mười lăm tháng bảy năm hai nghìn không trăm hai mươi "
            "mốt của Chính phủ") in said
    assert ("Kế hoạch số mười tám ngày mười bốn tháng một năm hai nghìn không trăm hai mươi hai "
            "của Ủy ban nhân dân thị xã.") in said
    assert not any(c.isdigit() for c in said)
    assert "/" not in said and "UBND" not in said


def test_plan_sentence_gia_lai() -> None:
    text = ("Tình hình thực hiện việc tiếp nhận hồ sơ và trả kết quả giải quyết TTHC qua dịch vụ "
            "bưu chính công ích theo Quyết định số 45/2016/QĐ-TTg ngày 19/10/2016 của Thủ tướng "
            "Chính phủ")
    said = speak(text)
    assert said.endswith("Quyết định số bốn mươi lăm năm hai nghìn không trăm mười sáu ngày mười "
                         "chín tháng mười năm hai nghìn không trăm mười sáu của Thủ tướng Chính phủ")
    assert "thủ tục hành chính" in said


def test_urls_and_emails_are_read_not_spelled_as_symbols() -> None:
    said = speak("Nộp hồ sơ tại https://dichvucong.gov.vn/p/home.html hoặc gửi ubnd.ngoclam@example.gov.vn.")
    assert "https" not in said and "/" not in said and "@" not in said
    assert "dịch vụ công chấm giê-ô-vê chấm vê-en-nờ" in said
    assert "u-bê-en-nờ-dê chấm ngoc lam a còng" in said


def test_no_markup_or_symbols_left() -> None:
    said = speak("Tiêu đề <b>đậm</b> & <script>x</script> “trích” **sao** # [a]")
    assert not set(said) & set("<>&*#[]“”\"")
    assert "đậm và" in said


def test_numbering_dropped_only_when_asked() -> None:
    assert speak("II. Đối tượng", numbering=True) == "Đối tượng"
    assert speak("1.2. Mục tiêu", numbering=True) == "Mục tiêu"
    assert speak("2. Yêu cầu") == "Hai. Yêu cầu"


def test_output_is_nfc_even_from_decomposed_input() -> None:
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "Ủy ban nhân dân xã tiếp nhận 25 hồ sơ")
    said = speak(decomposed)
    assert said == unicodedata.normalize("NFC", said)
    assert said == "Ủy ban nhân dân xã tiếp nhận hai mươi lăm hồ sơ"


def test_lexicon_file_adds_and_overrides(tmp_path) -> None:
    f = tmp_path / "viet-tat.txt"
    f.write_text("# của đơn vị\nBCĐ = Ban Chỉ đạo\nKH = kế hoạch năm\n\n[issuers]\nUBNDX = Ủy ban nhân dân xã\n",
                 encoding="utf-8")
    lex = lexicon(f)
    assert speak("BCĐ họp về KH", lex) == "Ban Chỉ đạo họp về kế hoạch năm"
    assert speak("Công văn số 5/UBNDX", lex) == "Công văn số năm của Ủy ban nhân dân xã"
    assert speak("UBND xã", lex) == "Ủy ban nhân dân xã"       # built-ins still there


@pytest.mark.parametrize("bad", ["CCHC cải cách", "[khác]\nA = b", "= thiếu"])
def test_lexicon_rejects_malformed_lines(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_lexicon(bad)


def test_builtin_list_has_the_required_abbreviations() -> None:
    lex = builtin_lexicon()
    for abbr in ("CCHC", "TTHC", "UBND", "HĐND", "DVCTT", "BCCI", "CCVC", "CBCCVC", "CNTT",
                 "TT&TT", "KH", "NĐ-CP", "QĐ-TTg", "NQ/TW"):
        assert abbr in lex.abbreviations, abbr
    assert lex.issuers["CP"] == "Chính phủ" and lex.doctypes["NĐ"] == "Nghị định"


def test_unknown_abbreviations_are_reported() -> None:
    said, to_check = read_aloud("Ứng dụng VNeID và PAKN qua hệ thống XYZ khóa XII")
    assert to_check == ["VNeID", "XYZ"]
    assert "XYZ" not in said and "ích-xì-i-dài-dét" in said
    assert unknown_abbreviations("qua hệ thống XYZ khóa XII") == ["XYZ"]


def test_syllable_count() -> None:
    assert syllables("Kính thưa bà con nhân dân!") == 6
    assert syllables("ki-lô-mét, một trăm.") == 5
