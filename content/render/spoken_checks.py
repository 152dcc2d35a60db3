"""What the read-aloud normaliser was not sure of, for the announcer to check before airing.

Each rule that guesses (an unknown abbreviation spelled letter by letter, a mixed-case brand name,
"1/5" read as a fraction rather than a date, a web address without diacritics) notes the written
form, why it is listed and how it was read. `Check` is a `str` (the written form), so a caller can
test `"VNeID" in to_check`, and carries `reason` and `reading` for the preview.
"""

from __future__ import annotations

UNKNOWN_ABBREVIATION = "viết tắt chưa có trong danh sách, đã đọc từng chữ cái"
MIXED_CASE = "chữ hoa, chữ thường lẫn lộn (tên riêng, nhãn hiệu)"
FRACTION_OR_DATE = "phân số hay ngày tháng?"
DATE_OR_RATIO = "ngày tháng hay tỷ số?"
WEB_ADDRESS = "địa chỉ trang web chưa rõ cách đọc (đọc không dấu)"


class Check(str):
    """The written form; `.reason` (Vietnamese) and `.reading` say why it is listed and how it was read."""

    reason: str
    reading: str

    def __new__(cls, text: str, reason: str, reading: str = "") -> "Check":
        obj = super().__new__(cls, text)
        obj.reason = reason
        obj.reading = reading
        return obj

    def describe(self) -> str:
        said = f" → “{self.reading}”" if self.reading else ""
        return f"{self}{said}: {self.reason}"


class Notes:
    """Ordered, de-duplicated checks collected while one text is read."""

    def __init__(self) -> None:
        self._items: dict[str, Check] = {}

    def add(self, text: str, reason: str, reading: str = "") -> None:
        self._items.setdefault(text, Check(text, reason, reading))

    def extend(self, checks: list[Check]) -> None:
        for c in checks:
            self._items.setdefault(str(c), c)

    def items(self) -> list[Check]:
        return list(self._items.values())
