"""The kinds of radio text issue 16 lists, one table each: rates, fractions, dates without "ngày",
editions, service numbers, leading zeros, administrative abbreviations, letters and brand names,
web addresses and link labels, units, emoji. Sentences are written in the style of commune CCHC
news items; each row says what the announcer must hear (a fragment of the script)."""

from __future__ import annotations

import unicodedata

import pytest

from content.render import markdown as md
from content.render.lexicon import builtin_lexicon, parse_lexicon
from content.render.spoken import read_aloud, speak


def said(text: str) -> str:
    out = speak(text)
    assert out == unicodedata.normalize("NFC", out)
    return out


def checked(text: str) -> list[str]:
    return [str(c) for c in read_aloud(text)[1]]


# --------------------------------------------------------------------------- 1. rates with a slash

RATES = [
    ("Mức trợ cấp 500.000 đồng/người/tháng từ ngân sách xã.",
     "năm trăm nghìn đồng một người một tháng từ ngân sách xã"),
    ("Hỗ trợ 1,5 triệu đồng/người/tháng.", "một phẩy năm triệu đồng một người một tháng"),
    ("Xe tải lưu thông không quá 40 km/h qua cầu.", "bốn mươi ki-lô-mét một giờ qua cầu"),
    ("Năng suất ngô đạt 5,8 tấn/ha.", "năm phẩy tám tấn một héc-ta"),
    ("Lệ phí chứng thực bản sao 2.000 đ/trang.", "hai nghìn đồng một trang"),
    ("Người dân được khám miễn phí 2 lần/năm.", "hai lần một năm"),
    ("Giá nước sinh hoạt 7.500 đồng/m3.", "bảy nghìn năm trăm đồng một mét khối"),
    ("Học phí 300 nghìn đồng/học sinh/tháng.", "ba trăm nghìn đồng một học sinh một tháng"),
    ("Định mức 3 kg/người/tháng gạo hỗ trợ.", "ba ki-lô-gam một người một tháng gạo"),
    ("Giá thuê 50.000đ/m2/tháng.", "năm mươi nghìn đồng một mét vuông một tháng"),
    ("Tốc độ gió 60 km/giờ.", "sáu mươi ki-lô-mét một giờ"),
    ("Tiền điện tính theo đồng/kWh.", "đồng một ki-lô-oát giờ"),
    ("Gió mạnh 15 m/s.", "mười lăm mét một giây"),
    ("Mỗi xã bố trí 2 người/thôn.", "hai người một thôn"),
    ("Tốc độ tối đa tính bằng km/h.", "ki-lô-mét một giờ"),
    ("Hạn mức 5 triệu đồng/tháng/hộ.", "năm triệu đồng một tháng một hộ"),
    ("Giá 15.000 VNĐ/kg.", "mười lăm nghìn đồng một ki-lô-gam"),
    ("Mưa rất to 150-200 mm/24 giờ.", "một trăm năm mươi đến hai trăm mi-li-mét trong hai mươi tư giờ"),
]


@pytest.mark.parametrize("text, expected", RATES)
def test_rates(text: str, expected: str) -> None:
    out = said(text)
    assert expected in out
    assert "/" not in out


@pytest.mark.parametrize("text, expected", [
    ("Các xã/phường/thị trấn tổ chức tuyên truyền.", "Các xã, phường, thị trấn tổ chức tuyên truyền."),
    ("Có 5 xã/phường hoàn thành.", "Có năm xã, phường hoàn thành."),
    ("Ông/bà mang theo giấy tờ.", "Ông, bà mang theo giấy tờ."),
])
def test_a_slash_between_other_words_is_a_list_not_a_rate(text: str, expected: str) -> None:
    assert said(text) == expected


# --------------------------------------------------------------------------- 2. fractions

FRACTIONS = [
    ("Giảm 1/3 thời gian giải quyết thủ tục.", "Giảm một phần ba thời gian"),
    ("Rút ngắn 1/3 thời gian đi lại.", "Rút ngắn một phần ba thời gian"),
    ("Có 3/4 số hộ đã đăng ký tài khoản định danh.", "ba phần tư số hộ"),
    ("3/4 số hộ đã cài đặt ứng dụng.", "Ba phần tư số hộ"),
    ("Khoảng 2/5 diện tích lúa bị ảnh hưởng.", "Khoảng hai phần năm diện tích"),
    ("Chiếm hơn 1/4 tổng số hồ sơ tiếp nhận.", "hơn một phần tư tổng số hồ sơ"),
    ("Giảm 1/2 lệ phí cho hộ nghèo.", "Giảm một phần hai lệ phí"),
    ("Trên 2/3 số đại biểu biểu quyết tán thành.", "Trên hai phần ba số đại biểu"),
    ("Còn 1/10 khối lượng công việc chưa hoàn thành.", "Còn một phần mười khối lượng"),
    ("Tỷ lệ 1/100 dân số.", "một phần trăm dân số"),
    ("Gần 1/5 kinh phí được phân bổ.", "Gần một phần năm kinh phí"),
    ("Tăng từ 1/4 lên 1/2 tổng số.", "Tăng từ một phần tư lên một phần hai tổng số"),
    # a counted noun after it: "x of y", not a fraction
    ("Đạt 8/10 tiêu chí và 12/15 chỉ tiêu.", "tám trên mười tiêu chí và mười hai trên mười lăm chỉ tiêu"),
    ("Đã có 7/9 thôn hoàn thành.", "bảy trên chín thôn"),
    ("Đạt 10/12 chỉ tiêu.", "mười trên mười hai chỉ tiêu"),
    ("Có 2/3 đại biểu tán thành.", "hai trên ba đại biểu"),
    ("Phục vụ 24/7.", "hai mươi tư trên bảy"),
    ("Đã có 4.512/6.000 người dân được cấp thẻ.", "bốn nghìn năm trăm mười hai trên sáu nghìn người dân"),
    ("Tỉnh xếp thứ 12/63 cả nước.", "thứ mười hai trên sáu mươi ba"),
]


@pytest.mark.parametrize("text, expected", FRACTIONS)
def test_fractions_and_ratios(text: str, expected: str) -> None:
    out = said(text)
    assert expected in out
    assert "tháng" not in out.replace("tháng", "", 0) or "tháng" not in expected


def test_a_bare_small_fraction_is_read_as_one_and_flagged() -> None:
    out, to_check = read_aloud("Tỷ lệ 1/5.")
    assert out == "Tỷ lệ một phần năm."
    assert to_check == ["1/5"] and "ngày" in to_check[0].reason


def test_a_fraction_with_a_sign_is_not_flagged() -> None:
    assert checked("Giảm 1/3 thời gian.") == []
    assert checked("Ba phần: 3/4 số hộ.") == []


# --------------------------------------------------------------------------- 3. dates without "ngày"

DATES = [
    ("Chào mừng Quốc khánh 2/9.", "Quốc khánh mùng hai tháng chín"),
    ("Chào mừng Quốc khánh 2/9 năm nay.", "hai tháng chín năm nay"),
    ("Nghỉ dịp 30/4 và 1/5 theo quy định.", "dịp ba mươi tháng tư và ngày mùng một tháng năm"),
    ("Kỷ niệm Ngày Phụ nữ Việt Nam 20/10.", "Phụ nữ Việt Nam hai mươi tháng mười"),
    ("Trong dịp Tết Dương lịch 1/1.", "Tết Dương lịch mùng một tháng một"),
    ("Hưởng ứng Ngày Pháp luật 9/11.", "Ngày Pháp luật mùng chín tháng mười một"),
    ("Lễ ra quân diễn ra 15/3 tại sân vận động.", "mười lăm tháng ba tại sân vận động"),
    ("Hạn chót nộp báo cáo 25/6.", "hai mươi lăm tháng sáu"),
    ("Chủ nhật, 7/7, tổ chức ra quân.", "Chủ nhật, mùng bảy tháng bảy"),
    ("Kỷ niệm 30/4 - 1/5 năm nay.", "ba mươi tháng tư đến mùng một tháng năm năm nay"),
    ("Ngày Thương binh - Liệt sĩ 27/7 hằng năm.", "hai mươi bảy tháng bảy hằng năm"),
    ("Từ 15/5 đến 20/5 tiếp nhận hồ sơ.", "Từ ngày mười lăm tháng năm đến ngày hai mươi tháng năm"),
    ("Hội nghị tổ chức sáng 15/5 tại hội trường.", "sáng ngày mười lăm tháng năm"),
    ("Ngày 1/5 là ngày Quốc tế Lao động.", "Ngày mùng một tháng năm"),
    ("Kỷ niệm Ngày Nhà giáo Việt Nam 20/11.", "Nhà giáo Việt Nam hai mươi tháng mười một"),
    ("2/9 là ngày Quốc khánh.", "Mùng hai tháng chín là ngày Quốc khánh"),
    ("1/6 - Ngày Quốc tế Thiếu nhi.", "Mùng một tháng sáu, Ngày Quốc tế Thiếu nhi"),
]


@pytest.mark.parametrize("text, expected", DATES)
def test_day_month_dates(text: str, expected: str) -> None:
    out = said(text)
    assert expected in out
    assert "phần" not in out and "trên" not in out


EDITIONS = [
    ("Bản tin số 1/2024 đã phát hành.", "Bản tin số một năm hai nghìn không trăm hai mươi tư"),
    ("Bản tin số 2/2024 phát hành hôm nay.", "số hai năm hai nghìn không trăm hai mươi tư"),
    ("Tạp chí số 12/2023.", "số mười hai năm hai nghìn không trăm hai mươi ba"),
    ("Theo Nghị quyết 12/2024 của HĐND xã.",
     "Nghị quyết số mười hai năm hai nghìn không trăm hai mươi tư của Hội đồng nhân dân xã"),
    ("Đợt 3/2025 tiếp nhận hồ sơ.", "Đợt ba năm hai nghìn không trăm hai mươi lăm"),
    ("Kế hoạch số 45/2024 của xã.", "Kế hoạch số bốn mươi lăm năm hai nghìn không trăm hai mươi tư"),
    ("Trong tháng 5/2025.", "tháng năm năm hai nghìn không trăm hai mươi lăm"),
]


@pytest.mark.parametrize("text, expected", EDITIONS)
def test_editions_are_number_and_year_not_dates(text: str, expected: str) -> None:
    out = said(text)
    assert expected in out
    assert "trên" not in out


# --------------------------------------------------------------------------- 4. service numbers

SERVICE = [
    ("Khi có cháy, gọi ngay 114.", "gọi ngay một một bốn."),
    ("Gọi 114/113/115 khi có sự cố.", "Gọi một một bốn, một một ba, một một năm khi có sự cố"),
    ("Gọi 113/114/115 khi cần hỗ trợ khẩn cấp.", "một một ba, một một bốn, một một năm"),
    ("Tổng đài hỗ trợ BHXH: 1900 9068.",
     "Tổng đài hỗ trợ bảo hiểm xã hội: một chín không không, chín không sáu tám."),
    ("Tổng đài Cổng Dịch vụ công quốc gia: 18001096.", "một tám không không, một không chín sáu"),
    ("Mọi phản ánh xin gửi về đường dây nóng của UBND xã: 0221 3 946 101.",
     "không hai hai một, ba, chín bốn sáu, một không một"),
    ("Tổng đài bảo vệ trẻ em 111 hoạt động suốt ngày đêm.", "trẻ em một một một hoạt động"),
    ("Gọi Cấp cứu 115 khi có người bị nạn.", "Cấp cứu một một năm"),
    ("Cảnh sát 113, Cứu hỏa 114, Cấp cứu 115.",
     "Cảnh sát một một ba, Cứu hỏa một một bốn, Cấp cứu một một năm"),
    ("Số điện thoại hỗ trợ: 0912 345 678.", "không chín một hai, ba bốn năm, sáu bảy tám"),
    ("Người dân có thể gọi đến số 1022 của tỉnh.", "gọi đến số một không hai hai của tỉnh"),
    ("Gọi ngay cho lực lượng Công an qua số 113.", "qua số một một ba"),
    ("Hotline miễn phí 1800 1091.", "một tám không không, một không chín một"),
    ("Mọi thắc mắc xin liên hệ 1900 9068.", "một chín không không, chín không sáu tám"),
    ("Nhắn tin đến 8079 để đăng ký.", "Nhắn tin đến tám không bảy chín"),
    ("Khi có cháy, báo cho lực lượng PCCC theo số 114.", "theo số một một bốn."),
    ("Gọi 113, 114, 115 khi cần.", "Gọi một một ba, một một bốn, một một năm khi cần"),
    ("Tổng đài 1900.9068 hỗ trợ.", "một chín không không, chín không sáu tám hỗ trợ"),
]


@pytest.mark.parametrize("text, expected", SERVICE)
def test_service_and_emergency_numbers(text: str, expected: str) -> None:
    out = said(text)
    assert expected in out
    assert not any(c.isdigit() for c in out)


@pytest.mark.parametrize("text, expected", [
    ("Đã tiếp nhận 113 hồ sơ trong tháng.", "một trăm mười ba hồ sơ"),
    ("Xã có 114 hộ nghèo.", "một trăm mười bốn hộ nghèo"),
    ("Tổng đài 1022 đã tiếp nhận 350 cuộc gọi.", "ba trăm năm mươi cuộc gọi"),
    ("Kêu gọi 500 đoàn viên tham gia.", "năm trăm đoàn viên"),
    ("Liên hệ từ 7h30 đến 17h00.", "từ bảy giờ ba mươi phút đến mười bảy giờ"),
    ("Nhà số 115 Nguyễn Huệ.", "số một trăm mười lăm Nguyễn Huệ"),
    ("Có số 113 hồ sơ đến hạn.", "một trăm mười ba hồ sơ"),
])
def test_quantities_near_a_contact_word_stay_numbers(text: str, expected: str) -> None:
    assert expected in said(text)


# --------------------------------------------------------------------------- 5. leading zeros

ZEROS = [
    ("Triển khai Đề án 06 trên địa bàn xã.", "Đề án không sáu trên địa bàn"),
    ("Quán triệt Chỉ thị 05 của Bộ Chính trị.", "Chỉ thị không năm của Bộ Chính trị"),
    ("Thực hiện Nghị quyết 01 của Chính phủ.", "Nghị quyết không một của Chính phủ"),
    ("Theo Kế hoạch số 07 của UBND xã.", "Kế hoạch số không bảy của Ủy ban nhân dân xã"),
    ("Chỉ thị số 05-CT/TW của Bộ Chính trị.", "Chỉ thị số không năm của Bộ Chính trị"),
    ("Nghị quyết số 01/NQ-CP của Chính phủ.", "Nghị quyết số không một của Chính phủ"),
    ("Đề án 06 và Chỉ thị 05.", "Đề án không sáu và Chỉ thị không năm"),
    ("triển khai đề án 06 về dữ liệu dân cư", "đề án không sáu về dữ liệu dân cư"),
    ("Mã số thuế 0101234567.", "không một không một, hai ba bốn, năm sáu bảy"),
    # a quantity written with a zero is still a quantity
    ("Trong thời hạn 03 ngày làm việc.", "Trong thời hạn ba ngày làm việc"),
    ("Nộp 01 bộ hồ sơ.", "Nộp một bộ hồ sơ"),
    ("Ngày 05/6 tiếp nhận.", "Ngày mùng năm tháng sáu"),
]


@pytest.mark.parametrize("text, expected", ZEROS)
def test_leading_zeros(text: str, expected: str) -> None:
    assert expected in said(text)


# --------------------------------------------------------------------------- 6. abbreviations

ABBREVIATIONS = [
    ("Bảo đảm QP-AN trên địa bàn.", "Bảo đảm quốc phòng, an ninh trên địa bàn."),
    ("Phát triển KT-XH gắn với QP-AN.", "Phát triển kinh tế, xã hội gắn với quốc phòng, an ninh."),
    ("Phòng TN&MT huyện hướng dẫn.", "Phòng Tài nguyên và Môi trường huyện hướng dẫn."),
    ("BQL dự án đầu tư xây dựng huyện.", "Ban Quản lý dự án đầu tư xây dựng huyện."),
    ("Đẩy nhanh tiến độ GPMB.", "Đẩy nhanh tiến độ giải phóng mặt bằng."),
    ("Kiểm tra ATTP tại các chợ.", "Kiểm tra an toàn thực phẩm tại các chợ."),
    ("Sở GD&ĐT tổ chức kỳ thi.", "Sở Giáo dục và Đào tạo tổ chức kỳ thi."),
    ("Sở LĐ-TB&XH chi trả trợ cấp.", "Sở Lao động, Thương binh và Xã hội chi trả trợ cấp."),
    ("HĐND-UBND xã tổ chức tiếp xúc cử tri.",
     "Hội đồng nhân dân, Ủy ban nhân dân xã tổ chức tiếp xúc cử tri."),
    ("Đài PT-TH tỉnh đưa tin.", "Đài phát thanh, truyền hình tỉnh đưa tin."),
    ("Sở NN&PTNT hướng dẫn PCTT.",
     "Sở Nông nghiệp và Phát triển nông thôn hướng dẫn phòng, chống thiên tai."),
    ("Bảo đảm ANTT, TTATXH dịp Tết.", "Bảo đảm an ninh trật tự, trật tự, an toàn xã hội dịp Tết."),
    ("Phòng KSTT của Văn phòng.", "Phòng kiểm soát thủ tục hành chính của Văn phòng."),
    # the words right before an abbreviation are not said twice
    ("Chỉ số PAR INDEX của tỉnh tăng.", "Chỉ số cải cách hành chính của tỉnh tăng."),
    ("Sở SNV hướng dẫn.", "Sở Nội vụ hướng dẫn."),
    ("Cải thiện DDCI và PCI năm nay.",
     "Cải thiện chỉ số năng lực cạnh tranh cấp sở, ngành và địa phương và chỉ số năng lực cạnh tranh "
     "cấp tỉnh năm nay."),
]


@pytest.mark.parametrize("text, expected", ABBREVIATIONS)
def test_administrative_abbreviations(text: str, expected: str) -> None:
    out, to_check = read_aloud(text)
    assert out == expected
    assert to_check == []


def test_the_builtin_list_covers_the_issue_and_names_its_sources() -> None:
    lex = builtin_lexicon()
    for abbr in ("BQL", "GPMB", "ATTP", "QP-AN", "TN&MT", "KT-XH", "GD&ĐT", "LĐ-TB&XH", "NN&PTNT"):
        assert abbr in lex.abbreviations, abbr
    assert len(lex.abbreviations) >= 200
    from importlib import resources

    text = resources.files("content").joinpath("data/abbreviations.txt").read_text(encoding="utf-8")
    assert "Nghị định 30/2020/NĐ-CP" in text and "36-HD/VPTW" in text


def test_unknown_abbreviation_is_spelled_and_flagged() -> None:
    out, to_check = read_aloud("Hệ thống XKCD mới được triển khai.")
    assert out == "Hệ thống ích-xì-ca-xê-dê mới được triển khai."
    assert to_check == ["XKCD"] and "danh sách" in to_check[0].reason


def test_staff_add_their_own_abbreviations_and_spellings() -> None:
    lex = builtin_lexicon().merged(parse_lexicon(
        "XKCD = Xây dựng khu công nghiệp\n[spelled]\nZaloPay = Da-lô-pây\n[domains]\nngoclam = Ngọc Lâm\n"))
    out, to_check = read_aloud("XKCD dùng ZaloPay, xem ngoclam.gov.vn.", lex)
    assert out == ("Xây dựng khu công nghiệp dùng Da-lô-pây, xem Ngọc Lâm chấm giê-ô-vê chấm vê-en-nờ.")
    assert to_check == ["ZaloPay"]          # a mixed-case name stays on the list: a convention


@pytest.mark.parametrize("text", ["KHO BẠC NHÀ NƯỚC", "THÔNG BÁO KHẨN", "Phần XII", "AN TOÀN"])
def test_capitals_that_are_words_or_roman_numerals_are_not_flagged(text: str) -> None:
    out, to_check = read_aloud(text)
    assert to_check == []
    assert "-" not in out


# --------------------------------------------------------------------------- 7. letters, brand names

LETTERS = [
    ("Kích hoạt tài khoản VNeID mức 2.", "tài khoản vê-en-nờ-e-ai-đi mức hai", ["VNeID"]),
    ("Quét mã QR để thanh toán.", "Quét mã quy-e-rờ để thanh toán", []),
    ("Không cung cấp mã OTP cho người lạ.", "mã ô-tê-pê cho người lạ", []),
    ("Làm CCCD gắn chip tại Công an xã.", "Làm căn cước công dân gắn chip", []),
    ("Rút tiền tại cây ATM.", "cây a-tê-em-mờ", []),
    ("Tra cứu bằng ứng dụng VssID.", "ứng dụng vê-ét-xì-ét-xì-ai-đi", ["VssID"]),
    ("Nhận tin nhắn SMS thông báo.", "tin nhắn ét-xì-em-mờ-ét-xì", []),
    ("Sản phẩm OCOP 4 sao.", "Sản phẩm ô-cốp bốn sao", []),
    ("Xác thực eKYC trực tuyến.", "Xác thực e-ca-i-dài-xê trực tuyến", ["eKYC"]),
    ("Mạng 4G phủ khắp thôn bản.", "Mạng bốn-giê phủ khắp", []),
    ("Cài ứng dụng TikTok.", "Cài ứng dụng TikTok", ["TikTok"]),
    ("Tải file PDF về máy.", "file pê-đê-ép về máy", []),
    ("Giấy phép lái xe hạng B2.", "hạng bê-hai", []),
    ("Dịch cúm H5N1.", "cúm hát-năm-en-nờ-một", []),
    ("Ứng dụng iHanoi và VNeID.", "iHanoi và vê-en-nờ-e-ai-đi", ["iHanoi", "VNeID"]),
]


@pytest.mark.parametrize("text, expected, flagged", LETTERS)
def test_letters_and_brand_names(text: str, expected: str, flagged: list[str]) -> None:
    out, to_check = read_aloud(text)
    assert expected in out
    assert to_check == flagged


# --------------------------------------------------------------------------- 8. web, e-mail, links

WEB = [
    ("Nộp hồ sơ trực tuyến tại dichvucong.gov.vn.",
     "tại dịch vụ công chấm giê-ô-vê chấm vê-en-nờ."),
    ("Truy cập https://dichvucong.gov.vn/p/home/dvc-trang-chu.html để nộp hồ sơ.",
     "Truy cập dịch vụ công chấm giê-ô-vê chấm vê-en-nờ để nộp hồ sơ."),
    ("Tra cứu văn bản tại thuvienphapluat.vn.", "tại thư viện pháp luật chấm vê-en-nờ."),
    ("Gửi ý kiến về địa chỉ thư ubnd@gialai.gov.vn.",
     "u-bê-en-nờ-dê a còng Gia Lai chấm giê-ô-vê chấm vê-en-nờ."),
    ("Liên hệ qua hộp thư hotro@dichvucong.gov.vn.",
     "hỗ trợ a còng dịch vụ công chấm giê-ô-vê chấm vê-en-nờ."),
    ("Thông tin đăng tải trên www.baochinhphu.vn.", "trên báo chính phủ chấm vê-en-nờ."),
    ("Gửi hồ sơ qua xangoclam@gmail.com.", "a còng giê-meo chấm com."),
    ("Truy cập bhxh.gov.vn để tra cứu.", "bê-hát-ích-xì-hát chấm giê-ô-vê chấm vê-en-nờ"),
    ("Cổng thông tin xã Ngọc Lâm: ngoclam.gov.vn.", "Ngọc Lâm chấm giê-ô-vê chấm vê-en-nờ."),
    ("Website tỉnh Quảng Ninh quangninh.gov.vn.", "Quảng Ninh chấm giê-ô-vê chấm vê-en-nờ."),
    ("Tải tại www.ubnd-xa.vn.", "gạch ngang"),
    ("Theo dõi trang facebook.com/ngoclam của xã Ngọc Lâm.",
     "phây-búc chấm com gạch chéo Ngọc Lâm của xã"),
    ("Email: vanthu@hagiang.gov.vn", "văn thư a còng Hà Giang chấm giê-ô-vê chấm vê-en-nờ"),
]


@pytest.mark.parametrize("text, expected", WEB)
def test_web_and_email_addresses(text: str, expected: str) -> None:
    out = said(text)
    assert expected in out
    for raw in ("http", "www", ".gov", "gov.", "@", "/"):
        assert raw not in out


def test_an_address_without_diacritics_is_flagged() -> None:
    out, to_check = read_aloud("Liên hệ hộp thư xaphuclam@gmail.com.")
    assert "xa phuc lam a còng" in out
    assert to_check == ["xaphuclam@gmail.com"]


LINKS = [
    ("Xem chi tiết tại đây.", "Xem chi tiết trên trang thông tin điện tử của xã."),
    ("Xem chi tiết", "Xem chi tiết trên trang thông tin điện tử của xã."),
    ("Xem toàn văn kế hoạch tại đường link sau.",
     "Xem toàn văn kế hoạch trên trang thông tin điện tử của xã."),
    ("Bấm vào đây để đăng ký.", "Truy cập trang thông tin điện tử của xã để đăng ký."),
    ("[Xem chi tiết](/tin-tuc/123)", "Xem chi tiết trên trang thông tin điện tử của xã"),
    ("Xem toàn văn Kế hoạch [tại đây](https://dichvucong.gov.vn/p/abc).",
     "Xem toàn văn Kế hoạch tại địa chỉ dịch vụ công chấm giê-ô-vê chấm vê-en-nờ."),
    ("Thực hiện [Kế hoạch số 18/KH-UBND](https://x.gov.vn/kh18).",
     "Thực hiện Kế hoạch số mười tám của Ủy ban nhân dân."),
    ("Người dân ở đây rất phấn khởi.", "Người dân ở đây rất phấn khởi."),
    ("Tải mẫu đơn [tại đây](https://ngoclam.gov.vn/mau-don.docx).",
     "Tải mẫu đơn trên trang thông tin điện tử của xã."),
    ("Đọc thêm: [Xem thêm](https://ngoclam.gov.vn/a).", "Xem thêm trên trang thông tin điện tử của xã"),
]


@pytest.mark.parametrize("text, expected", LINKS)
def test_link_labels_say_where_to_find_the_page(text: str, expected: str) -> None:
    out = speak(text, own_host="ngoclam.gov.vn")
    assert expected in out
    assert "tại đây" not in out


def test_where_is_the_units_own_site_when_given() -> None:
    out = speak("[Xem chi tiết](https://ngoclam.gov.vn/a)", where="trên trang thông tin điện tử của xã Ngọc Lâm",
                own_host="ngoclam.gov.vn")
    assert out == "Xem chi tiết trên trang thông tin điện tử của xã Ngọc Lâm"


def test_markdown_blocks_keep_links_for_the_radio() -> None:
    blocks = md.blocks("Xem [tại đây](https://a.vn/x) nhé.", links="markdown")
    assert blocks[0].text == "Xem [tại đây](https://a.vn/x) nhé."


# --------------------------------------------------------------------------- 9. units

UNITS = [
    ("Lượng mưa phổ biến 50-100 mm.", "năm mươi đến một trăm mi-li-mét"),
    ("Lượng mưa 200 - 300mm.", "hai trăm đến ba trăm mi-li-mét"),
    ("Nhiệt độ cao nhất 38°C.", "ba mươi tám độ xê"),
    ("Nhiệt độ từ 18-22°C.", "từ mười tám đến hai mươi hai độ xê"),
    ("Nhiệt độ xuống -3°C.", "âm ba độ xê"),
    ("Trời nắng nóng 37 độ C.", "ba mươi bảy độ xê"),
    ("Nhiệt độ 39℃ vào buổi trưa.", "ba mươi chín độ xê"),
    ("Diện tích 1.200 m² và 2,5 ha.", "một nghìn hai trăm mét vuông và hai phẩy năm héc-ta"),
    ("Tuyến đường dài 12,5 km.", "mười hai phẩy năm ki-lô-mét"),
    ("Hỗ trợ 20 kg gạo.", "hai mươi ki-lô-gam gạo"),
    ("Dung tích 500 ml.", "năm trăm mi-li-lít"),
    ("Công suất 2 MW.", "hai mê-ga-oát"),
    ("Độ cao 15-20 m.", "mười lăm đến hai mươi mét"),
    ("Dung lượng 500 MB.", "năm trăm mê-ga-bai"),
    ("Hỗ trợ 50 USD mỗi người.", "năm mươi đô la Mỹ"),
]


@pytest.mark.parametrize("text, expected", UNITS)
def test_units(text: str, expected: str) -> None:
    out = said(text)
    assert expected in out
    assert not any(c.isdigit() for c in out) and "°" not in out


# --------------------------------------------------------------------------- 10. emoji

EMOJI = [
    ("📢 THÔNG BÁO: Lịch tiếp công dân tháng 6 🗓️", "THÔNG BÁO: Lịch tiếp công dân tháng sáu"),
    ("🔥🔥 Tin nóng 🔥🔥", "Tin nóng"),
    ("✅ Đã hoàn thành 100% chỉ tiêu.", "Đã hoàn thành một trăm phần trăm chỉ tiêu."),
    ("👉 Người dân cần mang theo CCCD.", "Người dân cần mang theo căn cước công dân."),
    ("⚠️ Cảnh báo lừa đảo qua điện thoại!!!", "Cảnh báo lừa đảo qua điện thoại!"),
    ("☎️ Hotline: 1900 9068", "Hotline: một chín không không, chín không sáu tám"),
    ("☎️ 0912345678", "Điện thoại không chín một hai, ba bốn năm, sáu bảy tám"),
    ("📧 hotro@dichvucong.gov.vn", "Thư điện tử hỗ trợ a còng dịch vụ công chấm giê-ô-vê chấm vê-en-nờ"),
    ("🇻🇳 Chào mừng Quốc khánh 2/9 🇻🇳", "Chào mừng Quốc khánh mùng hai tháng chín"),
    ("★★★ Tin nổi bật ★★★", "Tin nổi bật"),
    ("👨‍👩‍👧 Gia đình văn hóa 🏠", "Gia đình văn hóa"),
    ("👍🏻 Bà con đồng tình ❤️", "Bà con đồng tình"),
    ("1️⃣ Truy cập cổng dịch vụ công", "Truy cập cổng dịch vụ công"),
    ("====== KẾT QUẢ ======", "KẾT QUẢ"),
    ("Sản phẩm™ của xã® ➡️ thị trường", "Sản phẩm của xã, thị trường"),
]


@pytest.mark.parametrize("text, expected", EMOJI)
def test_emoji_and_ornaments_are_removed(text: str, expected: str) -> None:
    out = said(text)
    assert out == expected
    assert all(unicodedata.category(c) not in ("So", "Sk", "Cf", "Mn") for c in out)


# --------------------------------------------------------------------------- the preview's list


def test_to_check_is_ordered_deduplicated_and_described() -> None:
    out, to_check = read_aloud("VNeID, VNeID và XKCD; tỷ lệ 1/5; gửi xaphuclam@gmail.com.")
    assert to_check == ["VNeID", "XKCD", "1/5", "xaphuclam@gmail.com"]
    assert all(c.reason for c in to_check)
    assert to_check[0].describe().startswith("VNeID → “vê-en-nờ-e-ai-đi”: ")


def test_a_clean_sentence_has_nothing_to_check() -> None:
    text = ("UBND xã Ngọc Lâm thông báo: từ ngày 15/5/2025, người dân nộp hồ sơ TTHC qua "
            "dichvucong.gov.vn hoặc gọi 1900 9068; lệ phí 20.000 đồng/hồ sơ.")
    out, to_check = read_aloud(text)
    assert to_check == []
    assert not any(c.isdigit() for c in out) and "/" not in out


def test_radio_rendering_says_where_links_lead_and_lists_checks() -> None:
    from datetime import date

    from content.render.item import Article, render
    from content.config import from_mapping

    settings = from_mapping({"unit": {"name": "Ủy ban nhân dân xã Ngọc Lâm", "place": "xã Ngọc Lâm"},
                             "channels": {"portal": {"kind": "static", "path": "site",
                                                     "base_url": "https://ngoclam.gov.vn"}}}, env={})
    body = ("📢 Cài đặt VNeID, tỷ lệ đạt 1/5.\n\n[Xem chi tiết](https://ngoclam.gov.vn/tin/1)\n\n"
            "Hộp thư: hotro.ngoclam@gmail.com")
    r = render(Article(title="Đề án 06", body=body, date=date(2025, 5, 15), id=3), "radio", settings)
    script = r.parts[0]
    assert "Xem chi tiết trên trang thông tin điện tử của xã Ngọc Lâm." in script
    assert "hỗ trợ chấm Ngọc Lâm a còng giê-meo chấm com" in script      # the item names the place
    assert "Đề án không sáu" in script and "📢" not in script
    assert r.extras["to_check"] == ["VNeID", "1/5"]
    assert r.extras["unknown_abbreviations"] == []


def test_console_preview_lists_the_checks_with_their_reading() -> None:
    from datetime import date

    from content.render.item import Article
    from content.render.preview import preview
    from content.config import from_mapping

    settings = from_mapping({"unit": {"name": "Ủy ban nhân dân xã Ngọc Lâm"}}, env={})
    p = preview(Article(title="Tin", body="Hệ thống XKCD và VNeID.", date=date(2025, 5, 15)), "radio", settings)
    assert p.check[0].startswith("XKCD → “ích-xì-ca-xê-dê”") and p.check[1].startswith("VNeID")
