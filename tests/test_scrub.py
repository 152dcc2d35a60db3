"""The anonymiser on realistic Vietnamese questions: no name, phone, ID, email or address survives."""

import pytest

from content.qa.privacy import scrub

CASES = [
    ("Tôi là Nguyễn Văn An, số nhà 12 ngõ 34 phố Trần Phú, SĐT 0912 345 678, CCCD 001089012345, "
     "email an.nv@gmail.com, xin hỏi thủ tục cấp lại giấy khai sinh?",
     ["Nguyễn Văn An", "12", "34", "Trần Phú", "0912 345 678", "001089012345", "an.nv@gmail.com"],
     ["thủ tục cấp lại giấy khai sinh"]),
    ("Mẹ tôi là bà Trần Thị Hoa ở 45/12 đường Lê Lợi, gọi +84 912345678 hoặc 0221 3 946 101. CMND 123456789.",
     ["Trần Thị Hoa", "45/12", "Lê Lợi", "912345678", "0221 3 946 101", "123456789"], []),
    ("Địa chỉ: thôn Đông, xã Ngọc Lâm. Liên hệ @nguyenvanan hoặc 0987.654.321. Chị Hương nói cần 2 bản sao.",
     ["thôn Đông", "@nguyenvanan", "0987.654.321", "Hương"], ["cần 2 bản sao"]),
    ("Số định danh cá nhân của tôi: 036 089 012 345, tài khoản 1903 5555 8888 01.",
     ["036 089 012 345", "1903 5555 8888 01"], []),
]


@pytest.mark.parametrize("text, gone, kept", CASES)
def test_personal_data_removed(text, gone, kept):  # noqa: ANN001
    out = scrub(text)
    for g in gone:
        assert g not in out, (g, out)
    for k in kept:
        assert k in out, (k, out)


def test_ordinary_content_kept():
    text = ("Hỏi về Nghị định 61/2018/NĐ-CP: lệ phí 50.000 đồng, hạn 30 ngày, nộp tại Ủy ban nhân dân xã "
            "Ngọc Lâm, ông Chủ tịch ký ngày 12/03/2025. Thành phố Hồ Chí Minh có áp dụng không?")
    assert scrub(text) == text


def test_known_names_removed_anywhere():
    assert "Bình" not in scrub("Cảm ơn, Bình đây.", names=["Bình"])
