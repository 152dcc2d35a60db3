"""Emoji and decorative symbols in radio text: removed, or said when they carry a meaning.

Decides:
- emoji, pictographs, dingbats, box-drawing and geometric shapes, stars, check marks, skin-tone and
  variation selectors, zero-width joiners and flags are removed; a keycap digit ("1️⃣") that
  numbers a line or a step (a capital follows) becomes a pause, any other its digit;
- a telephone sign before a number is said "điện thoại", an envelope before an address "thư điện
  tử"; "№" is "số"; compatibility unit signs ("℃", "㎡", "㎞") become the usual symbols;
- arrows become a pause; runs of decorative punctuation ("=====", "*****", "!!!") are cut to one
  mark or none.
Letters, digits, Vietnamese diacritics, ordinary punctuation, "°", "%", "‰" and currency signs stay.
"""

from __future__ import annotations

import re
import unicodedata

_PHONE_SIGN = "☎☏📞📱📲"
_MAIL_SIGN = "✉📧📨📩"
_KEYCAP = re.compile(r"(?P<d>[0-9#*])\ufe0f?\u20e3")
_SIGN_BEFORE = re.compile(rf"(?P<s>[{_PHONE_SIGN}])\ufe0f?\s*:?\s*(?=[+\d])"
                          rf"|(?P<m>[{_MAIL_SIGN}])\ufe0f?\s*:?\s*(?=[\w.+-]+@)")
_NON_LATIN = re.compile(r"[^\x00-\u024f\u1e00-\u1eff\u2010-\u2027\u2030-\u205e]")
_RUNS = re.compile(r"([=*~_#+^]){3,}|([!?])\2+|\.{4,}|-{4,}")
_COMPAT = {"℃": "°C", "℉": "°F", "№": "số ", "㎡": "m²", "㎢": "km²", "㎞": "km", "㎏": "kg",
           "㎎": "mg", "㎝": "cm", "㎜": "mm", "㎖": "ml", "㏊": "ha", "‼": "!", "⁉": "?",
           "≥": " lớn hơn hoặc bằng ", "≤": " nhỏ hơn hoặc bằng ", "≠": " khác "}
_ARROWS = set("→←↑↓↔⇒⇐⇔➔➜➡⟶⟹")
_DECORATIVE_RE = re.compile("[©®¦¤]")


def _char(m: re.Match[str]) -> str:
    ch = m.group(0)
    if ch in _COMPAT:
        return _COMPAT[ch]
    if ch in _ARROWS:
        return ", "
    cat = unicodedata.category(ch)
    if cat in ("So", "Sk", "Cf", "Co", "Cs", "Mn", "Me") or 0x2500 <= ord(ch) <= 0x27BF:
        return ""
    return ch


def strip_decorations(text: str) -> str:
    """Radio text without emoji or ornaments (see the module docstring)."""
    if "\u20e3" in text:
        text = re.sub(r"(?m)^(\s*)[0-9#*]\ufe0f?\u20e3\s*", r"\1", text)     # a keycap numbering a line
        text = re.sub(r"[0-9#*]\ufe0f?\u20e3\s*(?=[A-ZĐÀ-Ỹ])", ". ", text)   # numbering a step mid-line
        text = _KEYCAP.sub(lambda m: m.group("d") if m.group("d").isdigit() else "", text)
    text = _SIGN_BEFORE.sub(lambda m: "điện thoại " if m.group("s") else "thư điện tử ", text)
    text = _NON_LATIN.sub(_char, text)
    text = _DECORATIVE_RE.sub("", text)
    return _RUNS.sub(lambda m: m.group(2) or ("." if m.group(0).startswith(".") else " "), text)
