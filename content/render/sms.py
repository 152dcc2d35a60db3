"""SMS length rules and unaccented Vietnamese.

A message is GSM-7 when every character is in the GSM 03.38 default alphabet or its extension
table (extension characters — ^ { } \\ [ ~ ] | € and form feed — take two septets: escape +
char); one SMS holds 160 septets, a concatenated part 153 (the user-data header takes 7), and an
escape pair is never split across parts. Any other character (every Vietnamese letter with a
diacritic: đ, ơ, ư, ạ …) makes the whole message UCS-2: 70 UTF-16 units in one SMS, 67 per
part, a surrogate pair never split.

`unaccent` gives the unaccented spelling Vietnamese readers are used to on brandname SMS
("Ủy ban nhân dân" → "Uy ban nhan dan"), with typographic punctuation mapped to ASCII so the
result stays GSM-7.
"""

from __future__ import annotations

import unicodedata

GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = set("\f^{}\\[~]|€")
GSM_SINGLE, GSM_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67

_PUNCT = {
    "\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2212": "-", "\u2018": "'", "\u2019": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"', "\u2026": "...",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u200b": "", "\u2022": "-", "\u00b7": "-",
    "\u2192": "->", "\u00b2": "2", "\u00b0": " do ",
}


def is_gsm7(text: str) -> bool:
    return all(c in GSM_BASIC or c in GSM_EXTENSION for c in text)


def encoding(text: str) -> str:
    """"GSM-7" or "UCS-2"."""
    return "GSM-7" if is_gsm7(text) else "UCS-2"


def length(text: str) -> int:
    """Length in the message's own units: septets for GSM-7, UTF-16 code units for UCS-2."""
    if is_gsm7(text):
        return sum(2 if c in GSM_EXTENSION else 1 for c in text)
    return sum(2 if ord(c) > 0xFFFF else 1 for c in text)


def _pack(costs: list[int], part: int) -> int:
    """Number of parts when indivisible items of these costs are packed into parts of `part`."""
    count, used = 1, 0
    for c in costs:
        if used + c > part:
            count, used = count + 1, 0
        used += c
    return count


def segments(text: str) -> tuple[str, int]:
    """(encoding, number of SMS) for `text`; an empty text is ("GSM-7", 0)."""
    if not text:
        return "GSM-7", 0
    if is_gsm7(text):
        costs = [2 if c in GSM_EXTENSION else 1 for c in text]
        single, part, enc = GSM_SINGLE, GSM_PART, "GSM-7"
    else:
        costs = [2 if ord(c) > 0xFFFF else 1 for c in text]
        single, part, enc = UCS2_SINGLE, UCS2_PART, "UCS-2"
    if sum(costs) <= single:
        return enc, 1
    return enc, _pack(costs, part)


def unaccent(text: str) -> str:
    """Vietnamese without diacritics (đ → d, Đ → D), typographic punctuation as ASCII."""
    out = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.category(ch) == "Mn":
            continue
        out.append({"đ": "d", "Đ": "D"}.get(ch, _PUNCT.get(ch, ch)))
    return unicodedata.normalize("NFC", "".join(out))


def gsm7(text: str) -> str:
    """`unaccent`, then any character still outside GSM-7 dropped: safe for 160/153 parts."""
    return "".join(c for c in unaccent(text) if c in GSM_BASIC or c in GSM_EXTENSION)
