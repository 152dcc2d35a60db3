"""Units of measure and rates: "3,5km", "50-100 mm", "38°C", "20.000 đồng/người/tháng", "60 km/h".

Decides:
- a unit symbol right after a number, or after a range of numbers, is read in words ("50-100 mm" →
  "năm mươi đến một trăm mi-li-mét"); "h", "g", "s", "l" only when written against the number
  ("5h", "500g"), since "5 h" may be a letter of something else;
- "°C"/"℃" is "độ xê", a lone "°" "độ", a minus before a temperature "âm";
- a slash after a unit or a money or counting word that follows a number — or after a unit symbol
  at all ("km/h") — means "per": read "một" ("đồng một người một tháng", "ki-lô-mét một giờ",
  "tấn một héc-ta"), and a unit symbol after the slash is read in words too; a two-word noun
  between slashes is one step ("đồng/học sinh/tháng"); a number after the slash is a period:
  "mm/24 giờ" → "mi-li-mét trong hai mươi tư giờ". Any other slash
  between words ("xã/phường") is a list: read as a pause.
"""

from __future__ import annotations

import re

from content.render.numbers_vi import read_decimal

UNITS = {
    "km²": "ki-lô-mét vuông", "km2": "ki-lô-mét vuông", "m²": "mét vuông", "m2": "mét vuông",
    "m³": "mét khối", "m3": "mét khối", "cm²": "xăng-ti-mét vuông", "cm2": "xăng-ti-mét vuông",
    "km": "ki-lô-mét", "cm": "xăng-ti-mét", "mm": "mi-li-mét", "m": "mét", "ha": "héc-ta",
    "kg": "ki-lô-gam", "g": "gam", "mg": "mi-li-gam", "ml": "mi-li-lít", "l": "lít",
    "kWh": "ki-lô-oát giờ", "kW": "ki-lô-oát", "MW": "mê-ga-oát", "W": "oát", "kV": "ki-lô-vôn",
    "V": "vôn", "GB": "gi-ga-bai", "MB": "mê-ga-bai", "Mbps": "mê-ga-bít một giây",
    "°C": "độ xê", "℃": "độ xê", "°F": "độ ép", "°": "độ", "‰": "phần nghìn",
    "h": "giờ", "ph": "phút", "s": "giây",
    "đ": "đồng", "₫": "đồng", "VNĐ": "đồng", "VND": "đồng", "vnđ": "đồng", "USD": "đô la Mỹ",
}
_SPACED_OK = {u for u in UNITS if u not in ("ph", "h", "s", "l", "g")}
_AFTER_NUMBER_ONLY = {"s", "l"}          # too common as letters: only "5s", "2l" glued to a number
# Words after which "/" means "per" when a number comes before them.
MEASURE_WORDS = frozenset("""đồng|nghìn|ngàn|triệu|tỷ|tấn|tạ|yến|lít|lần|lượt|người|hộ|giờ|phút|
ngày|tháng|năm|tuần|trang|bản|suất|xuất|cuốn|bộ|chiếc|con|cây|buổi|ca|kíp|hồ sơ|km|kg|ha|
quả|cái|bao|thùng|chuyến|vé|lượng|độ|điểm|bài|tiết|phòng|giường|xe|công|lao động""".replace("\n", "").split("|"))

_NUM = r"\d+(?:[.,]\d+)*"
_UNIT_ALT = "|".join(sorted(map(re.escape, UNITS), key=len, reverse=True))
_QUANTITY = re.compile(
    rf"(?<![\w.,])(?P<neg>-\s?)?(?P<a>{_NUM})(?:(?P<dash>\s*[-–—]\s*|\s+đến\s+)(?P<neg2>-\s?)?(?P<b>{_NUM}))?"
    rf"(?P<sp>\s?)(?P<u>{_UNIT_ALT})(?![\w²³])")
_DEGREE_WORD = re.compile(r"\bđộ\s+C\b")
_RATE = re.compile(                  # the look-ahead for a slash first: the alternation is slow
    rf"(?<![^\W\d_])(?=[^\W\d_]+(?:\s[^\W\d_]+)?[²³\d]?\s?/)(?P<left>{_UNIT_ALT}|(?i:{'|'.join(sorted(MEASURE_WORDS, key=len, reverse=True))}))"
    r"(?P<chain>(?:\s?/\s?(?:[^\W\d_][\w²³]*(?:\s[^\W\d_]+(?=\s?/))?|\d+\s?[^\W\d_]+))+)(?![\w/])")
_NUMBER_BEFORE = re.compile(r"\d[\d.,]*\s*(?:(?:nghìn|ngàn|triệu|tỷ|trăm)\s+)?(?:[^\W\d_]+\s+)?$")


def _num(token: str, neg: str | None) -> str:
    return ("âm " if neg else "") + read_decimal(token)


def _per(part: str) -> str:
    """"người" → " một người"; "24 giờ" / "24h" → " trong 24 giờ" (a number after the slash)."""
    m = re.fullmatch(r"(\d+)\s?(\S+)", part)
    if m:
        return f" trong {m.group(1)} {UNITS.get(m.group(2), m.group(2))}"
    return " một " + UNITS.get(part, part)


def quantities(text: str) -> str:
    """Numbers and ranges followed by a unit symbol."""
    text = _DEGREE_WORD.sub("độ xê", text)

    def repl(m: re.Match[str]) -> str:
        u = m.group("u")
        if m.group("sp") and u not in _SPACED_OK:
            return m.group(0)
        if u in _AFTER_NUMBER_ONLY and m.group("b"):
            return m.group(0)
        said = _num(m.group("a"), m.group("neg"))
        if m.group("b"):
            said += " đến " + _num(m.group("b"), m.group("neg2"))
        return f"{said} {UNITS[u]}"

    return _QUANTITY.sub(repl, text)


def rates(text: str) -> str:
    """"đồng/người/tháng" → "đồng một người một tháng" (see the module docstring)."""

    def repl(m: re.Match[str]) -> str:
        left = m.group("left")
        is_symbol = left in UNITS and left not in ("s", "l", "h", "g", "V", "W") or left.lower() == "đồng"
        if not is_symbol and not _NUMBER_BEFORE.search(text[max(0, m.start() - 40):m.start()]):
            return m.group(0)
        per = [p for p in re.split(r"\s?/\s?", m.group("chain")) if p]
        if any(p.isupper() and len(p) > 1 and p not in UNITS for p in per):
            return m.group(0)                       # "5/QĐ", "ha/UBND": not a rate
        said = UNITS.get(left, left)
        glue = " " if m.start() and text[m.start() - 1].isdigit() else ""
        return glue + said + "".join(_per(p) for p in per)

    return _RATE.sub(repl, text) if "/" in text else text

