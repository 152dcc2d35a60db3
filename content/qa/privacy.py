"""Anonymiser for citizens' questions before publication: removes names, phone numbers,
citizen ID numbers (CCCD 12 digits / CMND 9 digits), e-mail addresses, house addresses,
Telegram handles and other long numbers, replacing each with a bracketed label.

It is deliberately eager: a published question may lose a street name, never a person's
name. Staff can still edit the public text before publishing (Question.public_text).
Known names (the citizen's display name) can be passed in and are always removed.
"""

from __future__ import annotations

import re
from typing import Iterable

from content.text import nfc

NAME, ADDRESS, PHONE, ID_NO, EMAIL, HANDLE, NUMBER = (
    "[họ tên]", "[địa chỉ]", "[số điện thoại]", "[số giấy tờ]", "[email]", "[tài khoản]", "[số]")

_UP = "".join(c for c in map(chr, range(0x41, 0x1EFA)) if c.isalpha() and c.isupper())
_LO = "".join(c for c in map(chr, range(0x61, 0x1EFA)) if c.isalpha() and c.islower())
_CAP = rf"[{_UP}][{_LO}]*"
_NAME_SEQ = rf"{_CAP}(?:[ \t]+{_CAP}){{0,4}}"

SURNAMES = {
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ",
    "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Đào", "Mai", "Lương", "Cao", "Tạ", "Hà", "Lưu", "Tô",
    "Trương", "Đoàn", "Vương", "Lâm", "Quách", "Thái", "Triệu", "Kiều", "Chu", "Tăng", "Lại", "Nông",
    "Châu", "Văn", "Khổng", "La", "Tống", "Đàm", "Phùng", "Thân", "Doãn", "Giang", "Hứa", "Mạc",
}
# Capitalised words after an honorific that are titles, not names ("ông Chủ tịch").
TITLES = {"Chủ", "Phó", "Bí", "Trưởng", "Giám", "Cán", "Công", "Ủy", "Uỷ", "Ban", "Phòng", "Sở",
          "Bộ", "Hội", "Đảng", "Nhà", "Trung", "Tổ", "Ngân", "Bảo", "Cục", "Chi", "Kho", "Thanh"}
# Well-known proper names that look like people's names but are places or institutions.
KEEP = ("Hồ Chí Minh",)

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_HANDLE = re.compile(r"(?<![\w@])@[A-Za-z][A-Za-z0-9_]{3,31}\b")
_ID_CUE = re.compile(r"(?i)\b(CCCD|CMND|CMT|căn cước(?: công dân)?|chứng minh(?: nhân dân| thư)?|"
                     r"định danh(?: cá nhân)?|hộ chiếu|passport)(\s*(?:số|no\.?|:|là)?\s*[:.]?\s*)"
                     r"([A-Z]?\d[\d .]{6,16}\d)")
_PHONE = re.compile(r"(?<![\w+])(?:\+84|\(?\+?84\)?|0)[ .-]?\(?\d{1,4}\)?(?:[ .-]?\d){6,9}(?!\d)")
_LONG_NUMBER = re.compile(r"(?<!\d)\d(?:[ .]?\d){8,}(?!\d)")
_ADDR_START = r"(?:số\s+nhà|nhà\s+số|căn\s+hộ(?:\s+số)?|phòng\s+số|số|ngõ|ngách|hẻm|kiệt|hẽm)"
_ADDR_PART = (rf"(?:\s*,?\s*(?i:(?:số\s+nhà|nhà\s+số|số|ngõ|ngách|hẻm|kiệt|tổ|khu\s+phố|tập\s+thể|"
              rf"đường|phố|ấp|khóm|thôn|xóm|tổ\s+dân\s+phố))\s+(?:\d+[\w/-]*|{_NAME_SEQ}))")
_ADDRESS = re.compile(rf"(?i:\b(?:địa\s+chỉ|ở\s+tại|nhà\s+ở|cư\s+trú\s+tại|trú\s+tại|thường\s+trú)\s*:?\s*)"
                      rf"[^.;\n]{{1,120}}"
                      rf"|(?i:\b{_ADDR_START})\s+\d+[\w/-]*{_ADDR_PART}*"
                      rf"|\b\d+(?:/\d+)*[A-Za-z]?{_ADDR_PART}+")
_CUED_NAME = re.compile(
    rf"((?i:\b(?:tôi\s+là|tên\s+tôi\s+là|tên\s+là|tôi\s+tên\s+là|tôi\s+tên|họ\s+và\s+tên|họ\s+tên|"
    rf"con\s+tôi\s+là|vợ\s+tôi\s+là|chồng\s+tôi\s+là|ông|bà|anh|chị|cô|chú|bác|cháu|em|cụ)\b)\s*:?\s+)"
    rf"({_NAME_SEQ})")
_SURNAME_NAME = re.compile(rf"\b({_CAP})((?:[ \t]+{_CAP}){{1,3}})")


def _cued(m: re.Match[str]) -> str:
    words = m.group(2).split()
    if words[0] in TITLES or m.group(2) in KEEP:
        return m.group(0)
    return m.group(1) + NAME


def _surname(m: re.Match[str]) -> str:
    whole = m.group(0)
    if m.group(1) not in SURNAMES or any(k in whole for k in KEEP):
        return whole
    return NAME


def scrub(text: str, names: Iterable[str] = ()) -> str:
    """`text` without personal data; labels such as "[họ tên]" mark what was removed."""
    out = nfc(text)
    for name in sorted({nfc(n).strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True):
        out = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", NAME, out, flags=re.IGNORECASE)
    out = _EMAIL.sub(EMAIL, out)
    out = _ID_CUE.sub(lambda m: m.group(1) + m.group(2) + ID_NO, out)
    out = _PHONE.sub(_phone_or_id, out)
    out = _LONG_NUMBER.sub(_long_number, out)
    out = _HANDLE.sub(HANDLE, out)
    out = _ADDRESS.sub(_address, out)
    out = _CUED_NAME.sub(_cued, out)
    out = _SURNAME_NAME.sub(_surname, out)
    return out


def _digits(s: str) -> str:
    return re.sub(r"\D", "", s)


def _phone_or_id(m: re.Match[str]) -> str:
    d = _digits(m.group(0))
    if d.startswith("84"):
        d = "0" + d[2:]
    if len(d) == 12 and d.startswith("0") and " " not in m.group(0).strip():
        return ID_NO           # a CCCD number (they start with the province code 0xx)
    if 10 <= len(d) <= 11:
        return PHONE
    return m.group(0)


def _long_number(m: re.Match[str]) -> str:
    d = _digits(m.group(0))
    return ID_NO if len(d) in (9, 12) else NUMBER


def _address(m: re.Match[str]) -> str:
    whole = m.group(0)
    lead = re.match(r"(?i)(địa\s+chỉ|ở\s+tại|nhà\s+ở|cư\s+trú\s+tại|trú\s+tại)\s*:?\s*", whole)
    return (lead.group(0) if lead else "") + ADDRESS
