"""Vietnamese numbers, dates and times in words, as a radio reader says them.

Standard Northern usage: "mốt" for 1 after a tens digit ≥ 2 (hai mươi mốt), "tư" for 4 after a
tens digit ≥ 2 (hai mươi tư), "lăm" for 5 after any tens digit (mười lăm), "linh" for a zero tens
digit after hundreds (một trăm linh năm), "nghìn", "triệu", "tỷ". Days 1–10 of a month are read
"mùng …", April is "tháng tư". Pure functions.
"""

from __future__ import annotations

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")

def _below_1000(n: int, full: bool) -> list[str]:
    """0 < n < 1000; `full` when a higher group precedes (so 5 → "không trăm linh năm")."""
    h, rest = divmod(n, 100)
    t, u = divmod(rest, 10)
    words: list[str] = []
    if h or full:
        words += [DIGITS[h], "trăm"]
    if t == 0:
        if u:
            if h or full:
                words.append("linh")
            words.append(DIGITS[u])
    elif t == 1:
        words.append("mười")
        if u:
            words.append("lăm" if u == 5 else DIGITS[u])
    else:
        words += [DIGITS[t], "mươi"]
        if u:
            words.append({1: "mốt", 4: "tư", 5: "lăm"}.get(u, DIGITS[u]))
    return words


def _read(n: int, full: bool) -> list[str]:
    if n >= 10**9:
        high, low = divmod(n, 10**9)
        words = _read(high, full) + ["tỷ"]
        return words + (_read(low, True) if low else [])
    words: list[str] = []
    for size, name in ((10**6, "triệu"), (10**3, "nghìn"), (1, "")):
        group = (n // size) % 1000
        if group:
            words += _below_1000(group, full)
            if name:
                words.append(name)
            full = True
    return words


def read_number(n: int) -> str:
    """An integer in words: 21 → "hai mươi mốt", 105 → "một trăm linh năm", 10**6 → "một triệu"."""
    if n < 0:
        return "âm " + read_number(-n)
    return "không" if n == 0 else " ".join(_read(n, False))


def read_digits(digits: str) -> str:
    """Digit by digit: "0221" → "không hai hai một"."""
    return " ".join(DIGITS[int(d)] for d in digits if d.isdigit())


def read_decimal(text: str) -> str:
    """A Vietnamese-written number: "12.345" → "mười hai nghìn…", "95,5" → "chín mươi lăm phẩy năm".

    A fraction of one or two digits without a leading zero is read as a number (3,14 → "ba phẩy
    mười bốn"), otherwise digit by digit (0,05 → "không phẩy không năm")."""
    whole, _, frac = text.partition(",")
    whole = whole.replace(".", "")
    if len(whole) > 2 and whole.startswith("0") or len(whole) > 15:
        out = read_digits(whole)
    else:
        out = read_number(int(whole or "0"))
    if frac:
        if len(frac) <= 2 and not frac.startswith("0"):
            out += " phẩy " + read_number(int(frac))
        else:
            out += " phẩy " + read_digits(frac)
    return out


def read_ordinal(n: int) -> str:
    """After "thứ": 1 → "nhất", 4 → "tư", otherwise the cardinal."""
    return {1: "nhất", 4: "tư"}.get(n, read_number(n))


def read_month(m: int) -> str:
    return "tư" if m == 4 else read_number(m)


def read_day(d: int) -> str:
    return ("mùng " if d <= 10 else "") + read_number(d)


def read_date(d: int, m: int, y: int | None = None) -> str:
    """Without the word "ngày": 15, 5, 2025 → "mười lăm tháng năm năm hai nghìn không trăm…"."""
    out = f"{read_day(d)} tháng {read_month(m)}"
    return out + (f" năm {read_number(y)}" if y is not None else "")


def read_time(h: int, m: int = 0) -> str:
    return f"{read_number(h)} giờ" + (f" {read_number(m)} phút" if m else "")


def roman_to_int(s: str) -> int:
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
    total = 0
    for a, b in zip(s, s[1:] + " "):
        v = values[a]
        total += -v if b in values and values[b] > v else v
    return total
