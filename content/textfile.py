"""Text files as staff save them → str: the one reader plans and item bodies share.

What it decides: the encoding. UTF-8 with or without a BOM; UTF-16 with a BOM (Notepad's
"Unicode" and "Unicode big endian"), and UTF-16 without one when every other byte of a Latin
text is NUL; diacritics composed (NFC); line ends kept (the plan
parser counts lines). Anything else is refused
with a `TextFileError` subclass whose Vietnamese message says how to save the file again:
`BinaryFile` (an image, an archive …) and `NotUnicode` (e.g. Windows-1258; `.start` is the
first bad byte, so a caller may try its own legacy conversions first).
"""

from __future__ import annotations

import unicodedata

from content.errors import LoaError

SAVE_AS_UTF8 = ("Hãy mở tệp bằng Notepad hoặc Word, chọn Lưu thành… với mã hóa UTF-8 "
                "(hoặc lưu dạng .docx), rồi thử lại.")


class TextFileError(LoaError):
    """A file that cannot be read as text."""


class BinaryFile(TextFileError):
    """The bytes are not text at all."""


class NotUnicode(TextFileError):
    """Text in an encoding other than UTF-8/UTF-16 (`start`: offset of the first bad byte)."""

    def __init__(self, message: str, start: int = 0):
        super().__init__(message)
        self.start = start


def _utf16_without_bom(data: bytes) -> str | None:
    head = data[:4096]
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > len(odd) * 0.4 and even.count(0) < len(even) * 0.05:
        return "utf-16-le"
    if even.count(0) > len(even) * 0.4 and odd.count(0) < len(odd) * 0.05:
        return "utf-16-be"
    return None


def decode_text(data: bytes, name: str) -> str:
    """The text of a file's bytes (NFC). Raises BinaryFile or NotUnicode."""
    encoding = None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        encoding = _utf16_without_bom(data)
    if encoding:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            raise NotUnicode(f"Tệp “{name}” hỏng (UTF-16 không hợp lệ). {SAVE_AS_UTF8}") from None
        return _clean(text)
    head = data[:8192]
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    if b"\x00" in head or controls > len(head) * 0.02:
        raise BinaryFile(f"“{name}” không phải tệp văn bản (có vẻ là tệp nhị phân: ảnh, tệp nén, chương "
                         "trình…). Loa đọc tệp .docx, .md hoặc .txt.")
    try:
        return _clean(data.decode("utf-8-sig"))
    except UnicodeDecodeError as e:
        raise NotUnicode(f"Tệp “{name}” không phải văn bản Unicode UTF-8 (byte lạ ở vị trí {e.start}); có thể "
                         f"tệp đang dùng bảng mã Windows-1258, VNI hoặc TCVN3. {SAVE_AS_UTF8}", e.start) from None


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", text)
