"""Vietnamese read-aloud normaliser for radio scripts (and for TTS such as espeak-ng).

Radio copy is read exactly as written, so everything a reader (or a TTS engine) could misread is
written out in words: abbreviations (from content/data/abbreviations.txt plus the unit's own list),
document numbers ("Nghị định số 61/2018/NĐ-CP" → "Nghị định số sáu mươi mốt năm hai nghìn không
trăm mười tám của Chính phủ"), dates, times, phone numbers (digit by digit), percentages, decimals
("," is the decimal mark, "." the thousands separator), ordinals, Roman numerals after "khóa",
"quý"…, ranges ("2021-2025" → "… đến …"), URLs and e-mail addresses.

Numbers are read by `content.render.numbers_vi`; abbreviations and document parts come from the
lexicon (`content.render.lexicon`).

Everything is a pure function of its input; only the lexicon files are read (and cached).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from content.render.lexicon import Lexicon, builtin_lexicon
from content.render.numbers_vi import (read_date, read_day, read_decimal, read_digits, read_month, read_number,
                                read_ordinal, read_time, roman_to_int)
from content.text import nfc

LETTERS = {
    "a": "a", "b": "bê", "c": "xê", "d": "dê", "đ": "đê", "e": "e", "g": "giê", "h": "hát",
    "i": "i", "k": "ca", "l": "e-lờ", "m": "em-mờ", "n": "en-nờ", "o": "o", "p": "pê", "q": "quy",
    "r": "e-rờ", "s": "ét-xì", "t": "tê", "u": "u", "v": "vê", "x": "ích-xì", "y": "i dài",
}
URL_WORD = "chấm"


# --------------------------------------------------------------------------- normaliser

_ROMAN = r"(?=[IVX])X{0,3}(?:IX|IV|V?I{0,3})"
_CODE = r"[A-ZĐ][A-Za-zĐđ&]*\d*"
_DOC_WORDS = ("Thông tư liên tịch|Chương trình hành động|Nghị định|Nghị quyết|Quyết định|Thông tư|"
              "Chỉ thị|Kế hoạch|Công văn|Thông báo|Báo cáo|Hướng dẫn|Chương trình|Đề án|Luật|"
              "Pháp lệnh|Tờ trình|Văn bản|Kết luận|Quy định|Quy chế|Hiến pháp")
_DOC = re.compile(
    rf"(?:(?P<word>(?i:{_DOC_WORDS}))\s+)?(?P<so>[Ss]ố\s*:?\s*)?"
    rf"(?<![\w/.-])(?P<num>\d+)(?P<suffix>[a-z]?)(?:/(?P<year>\d{{4}}))?[/-]"
    rf"(?P<code>{_CODE}(?:[-/.]{_CODE})*)(?![\w&])")
_ISSUER_FOLLOWS = re.compile(
    r"\s*,?\s*(?:ngày\s+\d{1,2}(?:/\d{1,2}/\d{4}|\s+tháng\s+\d{1,2}\s+năm\s+\d{4}))?\s*,?\s*của\b")
_PAREN_ABBR = re.compile(r"\s*\(([^()\s][^()]{1,14})\)")
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>()\"]+"
                  r"|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:vn|com|net|org|gov|edu|info)\b(?:/[^\s<>()\"]*)?", re.I)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE_CTX = re.compile(
    r"(?P<kw>(?i:đường dây nóng|tổng đài|hotline|số điện thoại|điện thoại|số máy)|SĐT|ĐT)"
    r"(?P<gap>\s*(?:số\s*)?:?\s*)(?P<num>\+?\d[\d .-]{1,14}\d)(?![\d/])")
_PHONE = re.compile(r"(?<![\w.,/+-])(?:\+84|0)\d{1,10}(?:[ .-]\d{1,7}){0,5}(?![\w/])")
_DATE_FULL = re.compile(
    r"(?:(?P<ngay>[Nn]gày)\s+)?(?<![\d/.])(?P<d>\d{1,2})(?P<sep>[/.-])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4})(?![\d/])")
_DATE_DM = re.compile(
    r"(?P<pre>\b(?i:ngày|từ|đến|tới|trước|sau|hết|hôm|sáng|chiều|tối|trưa|đêm|đầu|cuối|giữa|và|hoặc))"
    r"\s+(?P<d>\d{1,2})/(?P<m>\d{1,2})(?![\d/])")
_MONTH_YEAR = re.compile(r"(?:(?P<kw>[Tt]háng)\s+)?(?<![\d/])(?P<m>\d{1,2})/(?P<y>\d{4})(?![\d/])")
_DAY_WORD = re.compile(r"\b(?P<kw>[Nn]gày)\s+(?P<d>\d{1,2})(?=\s+tháng\b)")
_MONTH_WORD = re.compile(r"\b(?P<kw>[Tt]háng)\s+(?P<m>\d{1,2})(?![\d/,.]\d)\b")
_TIME = r"(?<![\w:/.,])(?:[01]?\d|2[0-3])(?:[hH](?:[0-5]\d)?|g[0-5]\d|:[0-5]\d)(?:'|ph\b)?(?![\w/:])"
_TIME_ONE = re.compile(r"(?P<h>\d{1,2})(?:[hHg:](?P<m>\d{2})?)")
_TIME_RANGE = re.compile(rf"(?P<a>{_TIME})(?:\s*[-–—]\s*|\s+đến\s+)(?P<b>{_TIME})")
_TIME_RE = re.compile(_TIME)
_NUM = r"\d+(?:[.,]\d+)*"
_RANGE = re.compile(rf"(?<![\w.,/-])(?P<a>{_NUM})\s*[-–—]\s*(?P<b>{_NUM})(?P<pct>\s?%)?(?![\w/])")
_PERCENT = re.compile(rf"(?<![\w.,])(?P<n>{_NUM})\s?%")
_QUARTER = re.compile(r"\b(?P<kw>[Qq]uý)\s+(?P<n>[IV]+|\d)\s*/\s*(?P<y>\d{4})\b")
_ORDINAL = re.compile(rf"\b(?P<kw>[Tt]hứ)\s+(?P<n>\d+|{_ROMAN})\b")
_ROMAN_AFTER = re.compile(
    rf"\b(?P<kw>(?i:khóa|khoá|quý|phần|chương|mục|đại hội|kỳ họp|giai đoạn))\s+(?P<n>{_ROMAN})\b")
_UNITS = {"km²": "ki-lô-mét vuông", "km2": "ki-lô-mét vuông", "m²": "mét vuông", "m2": "mét vuông",
          "km": "ki-lô-mét", "kg": "ki-lô-gam", "ha": "héc-ta", "cm": "xăng-ti-mét",
          "mm": "mi-li-mét", "m": "mét", "h": "giờ", "đ": "đồng", "VNĐ": "đồng", "VND": "đồng",
          "vnđ": "đồng"}
_UNIT = re.compile(rf"(?<![\w.,])(?P<n>{_NUM})(?P<sp>\s?)(?P<u>{'|'.join(sorted(map(re.escape, _UNITS), key=len, reverse=True))})(?![\w²])")
_FRACTION = re.compile(r"(?<![\w.,/])(?P<a>\d+)/(?P<b>\d+)(?P<h>h\b)?(?![\w/])")
_NUMBER = re.compile(r"(?<![\w])(?:\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:\.\d+)+|\d+,\d+|\d+)")
_NUMBERING = re.compile(r"^\s*(?:[IVXLC]+|\d+(?:\.\d+)*|[a-zđ])[.)]\s+")
_WORDISH = re.compile(r"[\w&]+")


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _at_sentence_start(text: str, pos: int) -> bool:
    before = text[:pos].rstrip()
    return not before or before[-1] in ".!?:\n"


def _number_words(token: str) -> str:
    if re.fullmatch(r"\d+(?:\.\d+)+", token) and not re.fullmatch(r"\d{1,3}(?:\.\d{3})+", token):
        return f" {URL_WORD} ".join(read_decimal(p) for p in token.split("."))
    return read_decimal(token)


def _host_words(host: str) -> str:
    host = host.lower().removeprefix("www.")
    return f" {URL_WORD} ".join(p for p in host.split(".") if p)


def _url(m: re.Match[str]) -> str:
    raw = m.group(0)
    trail = ""
    while raw and raw[-1] in ".,;:!?)'":
        raw, trail = raw[:-1], raw[-1] + trail
    host = urlsplit(raw if "://" in raw else "http://" + raw).hostname or ""
    return _host_words(host) + trail


def _email(m: re.Match[str]) -> str:
    local, _, domain = m.group(0).partition("@")
    return f"{_host_words(local)} a còng {_host_words(domain)}"


class _Docs:
    def __init__(self, lex: Lexicon):
        self.lex = lex

    def issuer(self, code: str) -> str | None:
        if code in self.lex.issuers:
            return self.lex.issuers[code]
        qh = re.fullmatch(r"QH(\d+)", code)
        if qh:
            return f"{self.lex.issuers.get('QH', 'Quốc hội')} khóa {read_number(int(qh.group(1)))}"
        return self.lex.abbreviations.get(code)

    def __call__(self, m: re.Match[str], text: str) -> str:
        codes = re.split(r"[-/.]", m.group("code"))
        doctype = self.lex.doctypes.get(codes[0])
        issuers = codes[1:] if doctype else codes
        names = [self.issuer(c) for c in issuers]
        if any(n is None for n in names):
            return m.group(0)          # not a document number we understand: leave for later steps
        reading = read_number(int(m.group("num")))
        if m.group("suffix"):
            reading += " " + LETTERS.get(m.group("suffix"), m.group("suffix"))
        if m.group("year"):
            reading += " năm " + read_number(int(m.group("year")))
        if names and not _ISSUER_FOLLOWS.match(text, m.end()):
            reading += " của " + " và ".join(n for n in names if n)
        if m.group("word"):
            return f"{m.group('word')} số {reading}"
        if doctype:
            return f"{doctype} số {reading}"
        return f"{m.group('so').rstrip(': ').strip() if m.group('so') else 'văn bản số'} {reading}"


def _sub_with_text(pattern: re.Pattern[str], fn, text: str) -> str:
    """re.sub where the replacement also sees the whole text (for look-ahead decisions)."""
    return pattern.sub(lambda m: fn(m, text), text)


def _abbreviations(text: str, lex: Lexicon) -> str:
    if not lex.abbreviations:
        return text
    keys = sorted(lex.abbreviations, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w&])(?:" + "|".join(map(re.escape, keys)) + r")(?![\w&])")

    def repl(m: re.Match[str]) -> str:
        out = lex.abbreviations[m.group(0)]
        return _cap(out) if _at_sentence_start(m.string, m.start()) else out

    return pattern.sub(repl, text)


def _phone_words(raw: str) -> str:
    groups = [g for g in re.split(r"[ .-]+", raw.replace("+", "")) if g]
    if len(groups) == 1 and len(groups[0]) >= 8:     # 0912345678 → 0912 345 678, for pauses
        g = groups[0]
        groups = [g[:4]] + [g[i:i + 3] for i in range(4, len(g), 3)]
    words = ", ".join(read_digits(g) for g in groups)
    return ("cộng " + words) if raw.startswith("+") else words


def _phone(m: re.Match[str]) -> str:
    """Keep the fewest groups that make a 10- or 11-digit number; the rest is ordinary text."""
    raw = m.group(0)
    parts = re.split(r"(?<=\d)(?=[ .-])", raw)
    digits, taken = 0, ""
    for p in parts:
        taken += p
        digits += sum(c.isdigit() for c in p)
        if raw.startswith("+84"):
            if digits >= 11:
                break
        elif digits >= 10:
            break
    n = digits - (1 if raw.startswith("+84") else 0)
    if n not in (10, 11):
        return raw
    return " " + _phone_words(taken) + " " + raw[len(taken):]


def _date_full(m: re.Match[str]) -> str:
    d, mo, y = int(m.group("d")), int(m.group("m")), int(m.group("y"))
    if not (1 <= d <= 31 and 1 <= mo <= 12):
        return m.group(0)
    return f"{m.group('ngay') or 'ngày'} {read_date(d, mo, y)}"


def _date_dm(m: re.Match[str]) -> str:
    d, mo = int(m.group("d")), int(m.group("m"))
    if not (1 <= d <= 31 and 1 <= mo <= 12):
        return m.group(0)
    pre = m.group("pre")
    lead = pre if pre.lower() == "ngày" else f"{pre} ngày"
    return f"{lead} {read_date(d, mo)}"


def _month_year(m: re.Match[str]) -> str:
    mo = int(m.group("m"))
    if not 1 <= mo <= 12:
        return m.group(0)
    return f"{m.group('kw') or 'tháng'} {read_month(mo)} năm {read_number(int(m.group('y')))}"


def _time_words(raw: str) -> str:
    t = _TIME_ONE.match(raw)
    assert t is not None
    return read_time(int(t.group("h")), int(t.group("m") or 0))


_numeric = _number_words


def _int(token: str) -> int:
    """Arabic or Roman numeral."""
    return roman_to_int(token) if token.isalpha() else int(token)


def _is_abbreviation(token: str) -> bool:
    letters = [c for c in token if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _paren(m: re.Match[str]) -> str:
    inner = m.group(1).strip()
    return "" if all(_is_abbreviation(w) for w in inner.split()) else m.group(0)


def _unit(m: re.Match[str]) -> str:
    if m.group("sp") and m.group("u") in ("m", "h"):
        return m.group(0)
    return f"{_numeric(m.group('n'))} {_UNITS[m.group('u')]}"


def speak(text: str, lex: Lexicon | None = None, *, numbering: bool = False) -> str:
    """Plain text (no markup) → text to be read aloud; `numbering` drops a leading "1." / "II."."""
    lex = lex or builtin_lexicon()
    t = nfc(text)
    if numbering:
        t = _NUMBERING.sub("", t)
    t = re.sub(r"</?[a-zA-Z][^<>]*>", " ", t)   # markup typed into a title is not read out
    t = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", t)  # a Markdown link left as text: its label
    t = t.replace("\u00a0", " ").replace("…", ".").replace("\u200b", "")
    t = _PAREN_ABBR.sub(_paren, t)               # "Sở Thông tin và Truyền thông (TT&TT)": said once
    t = _EMAIL.sub(_email, t)
    t = _URL.sub(_url, t)
    t = _sub_with_text(_DOC, _Docs(lex), t)
    t = _abbreviations(t, lex)
    t = _QUARTER.sub(lambda m: f"{m.group('kw')} {read_number(_int(m.group('n')))} "
                     f"năm {read_number(int(m.group('y')))}", t)
    t = _PHONE_CTX.sub(lambda m: f"{m.group('kw')}{m.group('gap')}{_phone_words(m.group('num'))}", t)
    t = _PHONE.sub(_phone, t)
    t = _DATE_FULL.sub(_date_full, t)
    t = _DATE_DM.sub(_date_dm, t)
    t = _MONTH_YEAR.sub(_month_year, t)
    t = _DAY_WORD.sub(lambda m: f"{m.group('kw')} {read_day(int(m.group('d')))}", t)
    t = _MONTH_WORD.sub(lambda m: f"{m.group('kw')} {read_month(int(m.group('m')))}"
                        if 1 <= int(m.group("m")) <= 12 else m.group(0), t)
    t = _TIME_RANGE.sub(lambda m: f"{_time_words(m.group('a'))} đến {_time_words(m.group('b'))}", t)
    t = _TIME_RE.sub(lambda m: _time_words(m.group(0)), t)
    t = _RANGE.sub(lambda m: f"{_numeric(m.group('a'))} đến {_numeric(m.group('b'))}"
                   + (" phần trăm" if m.group("pct") else ""), t)
    t = _PERCENT.sub(lambda m: f"{_numeric(m.group('n'))} phần trăm", t)
    t = _ORDINAL.sub(lambda m: f"{m.group('kw')} {read_ordinal(_int(m.group('n')))}", t)
    t = _ROMAN_AFTER.sub(lambda m: f"{m.group('kw')} {read_number(roman_to_int(m.group('n')))}", t)
    t = _UNIT.sub(_unit, t)
    t = _FRACTION.sub(lambda m: f"{_numeric(m.group('a'))} trên {_numeric(m.group('b'))}"
                      + (" giờ" if m.group("h") else ""), t)
    t = _NUMBER.sub(lambda m: f" {_numeric(m.group(0))} ", t)
    return _tidy(t)


def _tidy(t: str) -> str:
    t = t.replace("&", " và ").replace("%", " phần trăm")
    t = re.sub(r"[“”\"«»„`*#_~|•▪►→<>=^\\]", " ", t)
    t = re.sub(r"[‘’]", "'", t)
    t = re.sub(r"[(\[{]", ", ", t)
    t = re.sub(r"[)\]}]", ", ", t)
    t = re.sub(r"\s+[-–—]+\s+|\s*[–—]+\s*", ", ", t)
    t = re.sub(r"(?<=\w)/(?=\w)", " ", t)
    t = re.sub(r"[ \t]+", " ", t)
    t = re.sub(r" +([,.;:!?])", r"\1", t)
    t = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", t)
    t = re.sub(r"[,;:]\s*([.!?])", r"\1", t)
    t = re.sub(r"(?m)^\s*[,;:.]\s*", "", t)
    t = re.sub(r"\.{2,}", ".", t)
    t = re.sub(r"([.!?])\s+(\w)", lambda m: f"{m.group(1)} {m.group(2).upper()}", t)
    t = "\n".join(line.strip() for line in t.splitlines())
    return _cap(t.strip())


_SYLLABLE = re.compile(r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?[aeiouy]{1,3}"
                       r"(?:ch|ng|nh|[cmnpt])?")


def _is_syllable(token: str) -> bool:
    from content.render.sms import unaccent

    return bool(_SYLLABLE.fullmatch(unaccent(token).lower()))


def unknown_abbreviations(text: str) -> list[str]:
    """Upper-case tokens still in spoken text that are neither Roman numerals nor Vietnamese
    syllables written in capitals ("KẾ HOẠCH"): words a reader or TTS may stumble on."""
    seen: dict[str, None] = {}
    for m in _WORDISH.finditer(text):
        tok = m.group(0)
        if _is_abbreviation(tok) and not re.fullmatch(r"[IVXLC]+", tok) and not _is_syllable(tok):
            seen.setdefault(tok)
    return list(seen)


def syllables(text: str) -> int:
    """Vietnamese words for reading-time purposes: syllables, i.e. space-separated tokens."""
    return sum(1 for tok in re.split(r"[\s\-]+", text) if re.search(r"\w", tok))
