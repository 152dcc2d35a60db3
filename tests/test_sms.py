"""SMS encodings and segment counts (GSM-7 160/153 with the extension table, UCS-2 70/67), and
unaccented Vietnamese."""

from __future__ import annotations

import unicodedata

import pytest

from content.render.sms import encoding, gsm7, is_gsm7, length, segments, unaccent


@pytest.mark.parametrize("text, expected", [
    ("", ("GSM-7", 0)),
    ("a", ("GSM-7", 1)),
    ("a" * 160, ("GSM-7", 1)),
    ("a" * 161, ("GSM-7", 2)),
    ("a" * 306, ("GSM-7", 2)),
    ("a" * 307, ("GSM-7", 3)),
    # extension characters take two septets
    ("€" * 80, ("GSM-7", 1)),
    ("€" * 81, ("GSM-7", 2)),
    ("a" * 159 + "[", ("GSM-7", 2)),
    # an escape pair is never split: 152 + a 2-septet char does not fit the first 153
    ("a" * 152 + "{" + "a" * 10, ("GSM-7", 2)),
    ("a" * 152 + "{" + "a" * 152, ("GSM-7", 3)),    # 306 septets, yet 3 parts
    # GSM basic includes some accented Latin letters (é, à, ü) but not Vietnamese ones
    ("café à la", ("GSM-7", 1)),
    ("đ", ("UCS-2", 1)),
    ("ư" * 70, ("UCS-2", 1)),
    ("ư" * 71, ("UCS-2", 2)),
    ("ư" * 134, ("UCS-2", 2)),
    ("ư" * 135, ("UCS-2", 3)),
    ("a" * 69 + "ạ", ("UCS-2", 1)),
    ("a" * 70 + "ạ", ("UCS-2", 2)),
    # a surrogate pair counts two UTF-16 units and is not split across parts
    ("😀" * 35, ("UCS-2", 1)),
    ("😀" * 36, ("UCS-2", 2)),
    ("a" * 66 + "😀" + "a" * 10, ("UCS-2", 2)),
])
def test_segments(text: str, expected: tuple[str, int]) -> None:
    assert segments(text) == expected


def test_length_in_encoding_units() -> None:
    assert length("ab€") == 4
    assert length("Hà Nội") == 6
    assert length("😀a") == 3


@pytest.mark.parametrize("text, expected", [
    ("Ủy ban nhân dân xã Ngọc Lâm", "Uy ban nhan dan xa Ngoc Lam"),
    ("Đường dây nóng tiếp nhận phản ánh, kiến nghị", "Duong day nong tiep nhan phan anh, kien nghi"),
    ("thứ Hai đến thứ Sáu, 7h30–17h00", "thu Hai den thu Sau, 7h30-17h00"),
    ("“Dân hỏi – Chính quyền trả lời”…", '"Dan hoi - Chinh quyen tra loi"...'),
    ("ĐỘC LẬP – TỰ DO", "DOC LAP - TU DO"),
])
def test_unaccent(text: str, expected: str) -> None:
    assert unaccent(text) == expected
    assert is_gsm7(unaccent(text))


def test_unaccent_handles_decomposed_input() -> None:
    assert unaccent(unicodedata.normalize("NFD", "Nghị định")) == "Nghi dinh"


def test_gsm7_drops_what_cannot_be_sent() -> None:
    assert gsm7("Số ① ở Hà Nội") == "So  o Ha Noi"
    assert encoding(gsm7("Ư ơ ₫ ✓")) == "GSM-7"
