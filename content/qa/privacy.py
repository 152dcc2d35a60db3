"""Anonymiser for citizens' questions before publication (pure): replaces personal data with a
bracketed label saying what was there.

Removed: people's names (the citizen's own display name always; self-introductions "tôi là /
mình là / em tên là …"; a name after an honorific "ông, bà, anh, chị …"; a full name starting
with a common surname), phone numbers, ID numbers (CCCD 12 digits, CMND 9), e-mail addresses,
Telegram handles, other long numbers, dates of birth, vehicle plate numbers, and addresses below
the commune: house numbers, alleys, and hamlets or residential groups (thôn, xóm, ấp, tổ, khu
phố, khóm, buôn, sóc, đội …) with the streets that follow them.

Kept: street names on their own ("đường Hùng Vương" is a place everybody shares), communes,
districts and provinces, names of institutions and officials' titles ("ông Chủ tịch"),
document numbers and dates that are not birth dates.

Scrubbing is idempotent: a label already in the text (from an earlier pass, or typed by staff)
is never matched again, so erasing twice gives the same text as erasing once. It stays eager:
a published question may lose a place name, never a person's name. Staff review the result
before anything is published.
"""

from __future__ import annotations

import re
from typing import Callable, Iterable

from content.text import nfc

NAME, ADDRESS, PHONE, ID_NO, EMAIL, HANDLE, NUMBER, BIRTH, PLATE = (
    "[họ tên]", "[địa chỉ]", "[số điện thoại]", "[số giấy tờ]", "[email]", "[tài khoản]", "[số]",
    "[ngày sinh]", "[biển số xe]")
LABELS = (NAME, ADDRESS, PHONE, ID_NO, EMAIL, HANDLE, NUMBER, BIRTH, PLATE)
# While scrubbing, each label is one private-use character that no pattern matches.
_MARK = {label: chr(0xE100 + i) for i, label in enumerate(LABELS)}
_UNMARK = {v: k for k, v in _MARK.items()}

_UP = "".join(c for c in map(chr, range(0x41, 0x1EFA)) if c.isalpha() and c.isupper())
_LO = "".join(c for c in map(chr, range(0x61, 0x1EFA)) if c.isalpha() and c.islower())
_CAP = rf"[{_UP}][{_LO}]*"
_NAME_SEQ = rf"{_CAP}(?:[ \t]+{_CAP}){{0,4}}"
_NUM = r"\d+[A-Za-z]?(?:[/-]\d+[A-Za-z]?)*"

SURNAMES = {
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ",
    "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Đào", "Mai", "Lương", "Cao", "Tạ", "Hà", "Lưu", "Tô",
    "Trương", "Đoàn", "Vương", "Lâm", "Quách", "Thái", "Triệu", "Kiều", "Chu", "Tăng", "Lại", "Nông",
    "Châu", "Văn", "Khổng", "La", "Tống", "Đàm", "Phùng", "Thân", "Doãn", "Giang", "Hứa", "Mạc",
}
# Capitalised words after an honorific that are titles, not names ("ông Chủ tịch").
TITLES = {"Chủ", "Phó", "Bí", "Trưởng", "Giám", "Cán", "Công", "Ủy", "Uỷ", "Ban", "Phòng", "Sở",
          "Bộ", "Hội", "Đảng", "Nhà", "Trung", "Tổ", "Ngân", "Bảo", "Cục", "Chi", "Kho", "Thanh",
          "Chính", "Quốc", "Nghị", "Quyết", "Thông", "Luật", "Hiến", "Kế", "Văn", "Đài", "Trường"}
# Well-known proper names that look like people's names but are places or institutions.
KEEP = ("Hồ Chí Minh",)
# A capitalised name right after one of these is a place or an institution, not a person.
PLACE_CUES = ("đường", "phố", "đại lộ", "quốc lộ", "tỉnh lộ", "xã", "phường", "thị trấn", "thị xã", "huyện",
              "quận", "tỉnh", "thành phố", "tp", "tp.", "trường", "chợ", "cầu", "sông", "núi", "đền", "chùa",
              "nhà thờ", "bệnh viện", "công viên", "khu công nghiệp", "khu đô thị", "bến xe", "ga", "hồ",
              "đình", "nhà văn hóa", "nhà văn hoá", "trạm y tế", "công ty", "ngân hàng", "cảng", "sân bay")
_PLACE_BEFORE = re.compile(r"(?i)(?:^|[^\w])(?:" + "|".join(re.escape(c) for c in PLACE_CUES) + r")\s*$")

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_HANDLE = re.compile(r"(?<![\w@])@[A-Za-z][A-Za-z0-9_]{3,31}\b")
# Vehicle plates: "29A-123.45", "51F1-234.56", "30E 12345", "59-X1 234.56"; after a cue, looser.
_PLATE_CORE = r"\d{2}\s?-?\s?[A-Z]{1,2}\d?\s?[-.]?\s?\d{3}(?:[.\s]?\d{1,2})?"
_PLATE = re.compile(rf"((?i:\b(?:biển\s+số(?:\s+xe)?|biển\s+kiểm\s+soát|bks)\b)\s*:?\s*)"
                    rf"([0-9A-Za-z][0-9A-Za-z.\- ]{{3,14}}[0-9])"
                    rf"|(?<![\w-]){_PLATE_CORE}(?![\w])")
_DATE = (r"(?:\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{2,4}|\d{1,2}\s+tháng\s+\d{1,2}(?:\s*,?\s*năm\s+\d{4})?"
         r"|\d{4})")
_BIRTH = re.compile(rf"((?<!học )(?<!Học )(?i:\b(?:ngày\s+tháng\s+năm\s+sinh|sinh\s+ngày|ngày\s+sinh|sinh\s+năm|"
                    rf"năm\s+sinh|sinh\s+tháng|sinh|sn|ns)\b)\s*:?\s*(?:ngày\s+|năm\s+)?)({_DATE})(?![\d/])")
_ID_CUE = re.compile(r"(?i)\b(CCCD|CMND|CMT|căn cước(?: công dân)?|chứng minh(?: nhân dân| thư)?|"
                     r"định danh(?: cá nhân)?|hộ chiếu|passport)(\s*(?:số|no\.?|:|là)?\s*[:.]?\s*)"
                     r"([A-Z]?\d[\d .]{6,16}\d)")
_PHONE = re.compile(r"(?<![\w+])(?:\+84|\(?\+?84\)?|0)[ .-]?\(?\d{1,4}\)?(?:[ .-]?\d){6,9}(?!\d)")
_LONG_NUMBER = re.compile(r"(?<!\d)\d(?:[ .]?\d){8,}(?!\d)")

# Addresses. A cue followed by the rest of the clause:
_ADDR_CUED = re.compile(r"((?i:\b(?:địa\s+chỉ|ở\s+tại|nhà\s+ở|cư\s+trú\s+tại|trú\s+tại|thường\s+trú|tạm\s+trú"
                        r"|quê\s+quán|quê\s+ở)\b)\s*:?\s*)([^.;\n()]{1,120})")
# … and chains of parts below the commune: house, alley, hamlet, group, then streets after them.
_LOCAL = (r"(?:số\s+nhà|nhà\s+số|căn\s+hộ(?:\s+số)?|phòng\s+số|ngõ|ngách|hẻm|hẽm|kiệt|tổ\s+dân\s+phố|"
          r"tổ\s+(?=\d)|khu\s+phố|khu\s+dân\s+cư|tiểu\s+khu|khối|khóm|ấp|thôn|xóm|buôn|sóc|bản|đội\s+(?=\d)|"
          r"cụm\s+dân\s+cư)")
_STREET = r"(?:đường|phố|đại\s+lộ)"
_PART_NAME = rf"(?:{_NUM}|{_NAME_SEQ})"
_LOCAL_PART = rf"(?i:\b{_LOCAL})\s*(?:số\s+)?{_PART_NAME}"
_STREET_PART = rf"(?i:\b{_STREET})\s+{_PART_NAME}"
_HOUSE_NO = rf"(?:(?i:\bsố)\s+)?\b\d+[A-Za-z]?(?:/\d+[A-Za-z]?)*"
_ADDR_CHAIN = re.compile(
    rf"(?:{_LOCAL_PART}|{_HOUSE_NO}\s*,?\s*{_STREET_PART}|(?i:\bsố)\s+\d+[A-Za-z]?(?:/\d+)*\s+(?!(?:{'|'.join(sorted(TITLES))})\b){_NAME_SEQ})"
    rf"(?:\s*,?\s*(?:{_LOCAL_PART}|{_STREET_PART}))*")

_SELF = (r"tôi\s+là|mình\s+là|em\s+là|cháu\s+là|con\s+là|tên\s+tôi\s+là|tên\s+tôi|tôi\s+tên\s+là|tôi\s+tên|"
         r"tên\s+mình\s+là|mình\s+tên\s+là|mình\s+tên|tên\s+em\s+là|em\s+tên\s+là|em\s+tên|tên\s+cháu\s+là|"
         r"cháu\s+tên\s+là|cháu\s+tên|con\s+tên\s+là|tên\s+là|họ\s+và\s+tên|họ\s+tên|"
         r"con\s+tôi\s+là|vợ\s+tôi\s+là|chồng\s+tôi\s+là|bố\s+tôi\s+là|mẹ\s+tôi\s+là|"
         r"ông|bà|anh|chị|cô|chú|bác|cháu|em|cụ|dì|cậu|mợ|thím")
_CUED_NAME = re.compile(rf"((?i:\b(?:{_SELF})\b)\s*:?\s+)({_NAME_SEQ})")
# After "tên là" / "họ tên:" a name is a name even typed without capitals (up to 4 words).
_NAMED_LOWER = re.compile(r"((?i:\b(?:tên\s+tôi\s+là|tôi\s+tên\s+là|tên\s+mình\s+là|mình\s+tên\s+là|tên\s+em\s+là|"
                          r"em\s+tên\s+là|tên\s+là|họ\s+và\s+tên|họ\s+tên)\b)\s*:?\s+)"
                          rf"([{_LO}]+(?:[ \t]+[{_LO}]+){{0,3}})(?=\s*(?:[,.;:!?()\n]|$))")
_SURNAME_NAME = re.compile(rf"\b({_CAP})((?:[ \t]+{_CAP}){{1,3}})")


_NESTED = re.compile(r"\[(" + "|".join(re.escape(label[1:-1]) for label in LABELS) + r")(?:\[\1\])+\]?")


def _mark(label: str) -> str:
    return _MARK[label]


def _cued(m: re.Match[str]) -> str:
    words = m.group(2).split()
    if words[0] in TITLES or any(m.group(2).startswith(k) for k in KEEP):
        return m.group(0)
    return m.group(1) + _mark(NAME)


def _surname(m: re.Match[str]) -> str:
    whole = m.group(0)
    if m.group(1) not in SURNAMES or any(k in whole for k in KEEP):
        return whole
    if _PLACE_BEFORE.search(m.string[max(0, m.start() - 20):m.start()]):
        return whole                                # "phố Trần Phú", "xã Hoàng Văn Thụ"
    return _mark(NAME)


def _digits(s: str) -> str:
    return re.sub(r"\D", "", s)


def _phone_or_id(m: re.Match[str]) -> str:
    d = _digits(m.group(0))
    if d.startswith("84"):
        d = "0" + d[2:]
    if len(d) == 12 and d.startswith("0") and " " not in m.group(0).strip():
        return _mark(ID_NO)     # a CCCD number (they start with the province code 0xx)
    if 10 <= len(d) <= 11:
        return _mark(PHONE)
    return m.group(0)


def _long_number(m: re.Match[str]) -> str:
    return _mark(ID_NO if len(_digits(m.group(0))) in (9, 12) else NUMBER)


def _plate(m: re.Match[str]) -> str:
    return (m.group(1) or "") + _mark(PLATE)


_STEPS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (_EMAIL, lambda m: _mark(EMAIL)),
    (_HANDLE, lambda m: _mark(HANDLE)),
    (_PLATE, _plate),
    (_BIRTH, lambda m: m.group(1) + _mark(BIRTH)),
    (_ID_CUE, lambda m: m.group(1) + m.group(2) + _mark(ID_NO)),
    (_PHONE, _phone_or_id),
    (_LONG_NUMBER, _long_number),
    (_ADDR_CUED, lambda m: m.group(1) + _mark(ADDRESS)),
    (_ADDR_CHAIN, lambda m: _mark(ADDRESS)),
    (_NAMED_LOWER, lambda m: m.group(1) + _mark(NAME)),
    (_CUED_NAME, _cued),
    (_SURNAME_NAME, _surname),
)


def scrub(text: str, names: Iterable[str] = ()) -> str:
    """`text` without personal data; labels such as "[họ tên]" mark what was removed."""
    out = _NESTED.sub(lambda m: f"[{m.group(1)}]", nfc(text or ""))   # repairs "[địa chỉ[địa chỉ]]" from old passes
    for label, mark in _MARK.items():
        out = out.replace(label, mark)
    for name in sorted({nfc(n).strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True):
        out = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", _mark(NAME), out, flags=re.IGNORECASE)
    for pattern, replace in _STEPS:
        out = pattern.sub(replace, out)
    out = re.sub(f"([{''.join(_UNMARK)}])(?:[ \t]*,?[ \t]*\\1)+", r"\1", out)   # "[địa chỉ], [địa chỉ]" → once
    return "".join(_UNMARK.get(ch, ch) for ch in out)


__all__ = ["ADDRESS", "BIRTH", "EMAIL", "HANDLE", "ID_NO", "LABELS", "NAME", "NUMBER", "PHONE", "PLATE", "scrub"]
