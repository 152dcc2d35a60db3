"""Vietnamese read-aloud normaliser for radio scripts (and for TTS such as espeak-ng).

Radio copy is read exactly as written, so everything a reader (or a TTS engine) could misread is
written out in words: abbreviations (from content/data/abbreviations.txt plus the unit's own list),
document numbers ("Nghị định số 61/2018/NĐ-CP" → "Nghị định số sáu mươi mốt năm hai nghìn không
trăm mười tám của Chính phủ"), dates, times, phone and service numbers (digit by digit),
percentages, decimals ("," is the decimal mark, "." the thousands separator), fractions, rates
("đồng/người/tháng"), units, ordinals, Roman numerals after "khóa", "quý"…, ranges ("2021-2025" →
"… đến …"), web and e-mail addresses, link labels; emoji are dropped.

`read_aloud(text)` returns the script and what the announcer should check (`Check`: unknown
abbreviations spelled out, mixed-case names, "a/b" that could be a date or a fraction, addresses
read without diacritics); `speak(text)` returns the script alone.

The pieces: `numbers_vi` (numbers in words), `lexicon` (abbreviations, document parts, spelled
names, address words), `spoken_numbers` (a/b, editions, leading zeros, service numbers),
`spoken_units` (units, rates), `spoken_web` (addresses, link labels), `spoken_letters` (acronyms,
letter names), `spoken_symbols` (emoji), `spoken_checks` (what is noted).

Everything is a pure function of its input; only the lexicon files are read (and cached).
"""

from __future__ import annotations

import re

from content.render.lexicon import Lexicon, builtin_lexicon
from content.render.numbers_vi import (read_date, read_day, read_decimal, read_digits, read_month, read_number,
                                       read_ordinal, read_time, roman_to_int)
from content.render.spoken_checks import UNKNOWN_ABBREVIATION, Check, Notes
from content.render.spoken_letters import (LETTERS, acronyms, apply_spelled, compounds, codes, is_syllable,
                                           key_pattern, letter_name)
from content.render.spoken_numbers import (DOC_WORDS, editions, leading_zeros, month_year, number_name,
                                           service_numbers, slashes)
from content.render.spoken_symbols import strip_decorations
from content.render.spoken_units import quantities, rates
from content.render.spoken_web import DEFAULT_WHERE, Web, addresses, links, pointers
from content.text import nfc

URL_WORD = "chấm"
__all__ = ["Check", "DEFAULT_WHERE", "LETTERS", "UNKNOWN_ABBREVIATION", "read_aloud", "speak", "syllables", "unknown_abbreviations"]


# --------------------------------------------------------------------------- normaliser

_ROMAN = r"(?=[IVX])X{0,3}(?:IX|IV|V?I{0,3})"
_CODE = r"[A-ZĐ][A-Za-zĐđ&]*\d*"
_DOC_WORDS = DOC_WORDS
_DOC = re.compile(                   # the document word before it is found by _DOC_WORD (speed)
    rf"(?P<so>[Ss]ố\s*:?\s*)?"
    rf"(?<![\w/.-])(?P<num>\d+)(?P<suffix>[a-z]?)(?:/(?P<year>\d{{4}}))?[/-]"
    rf"(?P<code>{_CODE}(?:[-/.]{_CODE})*)(?![\w&])")
_DOC_WORD = re.compile(rf"(?P<word>(?i:{_DOC_WORDS}))\s+$")
_ISSUER_FOLLOWS = re.compile(
    r"\s*,?\s*(?:ngày\s+\d{1,2}(?:/\d{1,2}/\d{4}|\s+tháng\s+\d{1,2}\s+năm\s+\d{4}))?\s*,?\s*của\b")
_PAREN_ABBR = re.compile(r"\s*\(([^()\s][^()]{1,14})\)")
_PHONE = re.compile(r"(?<![\w.,/+-])(?:\+84|0)\d{1,10}(?:[ .-]\d{1,7}){0,5}(?![\w/])")
_DATE_FULL = re.compile(
    r"(?:(?P<ngay>[Nn]gày)\s+)?(?<![\d/.])(?P<d>\d{1,2})(?P<sep>[/.-])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4})(?![\d/])")
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
    rf"\b(?=[KkQqPpCcMmĐđGg])(?P<kw>(?i:khóa|khoá|quý|phần|chương|mục|đại hội|kỳ họp|giai đoạn))\s+(?P<n>{_ROMAN})\b")
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

    def __call__(self, m: re.Match[str], text: str, word: str | None) -> str | None:
        """The reading of a document number, or None when it is not one we understand."""
        codes = re.split(r"[-/.]", m.group("code"))
        doctype = self.lex.doctypes.get(codes[0])
        issuers = codes[1:] if doctype else codes
        names = [self.issuer(c) for c in issuers]
        if any(n is None for n in names):
            return None                # not a document number we understand: leave for later steps
        reading = number_name(m.group("num"))
        if m.group("suffix"):
            reading += " " + letter_name(m.group("suffix"))
        if m.group("year"):
            reading += " năm " + read_number(int(m.group("year")))
        if names and not _ISSUER_FOLLOWS.match(text, m.end()):
            reading += " của " + " và ".join(n for n in names if n)
        if word:
            return f"{word} số {reading}"
        if doctype:
            return f"{doctype} số {reading}"
        return f"{m.group('so').rstrip(': ').strip() if m.group('so') else 'văn bản số'} {reading}"


def _documents(text: str, docs: _Docs) -> str:
    """Document numbers, with the document word ("Nghị định") before them when there is one."""
    out, last = [], 0
    for m in _DOC.finditer(text):
        w = _DOC_WORD.search(text, max(last, m.start() - 40), m.start())
        said = docs(m, text, w.group("word") if w else None)
        if said is None:
            continue
        out.append(text[last:w.start() if w else m.start()])
        out.append(said)
        last = m.end()
    return "".join(out) + text[last:] if out else text


def _abbreviations(text: str, lex: Lexicon) -> str:
    pattern = key_pattern(tuple(lex.abbreviations))
    if pattern is None:
        return text

    def repl(m: re.Match[str]) -> str:
        out = lex.abbreviations[m.group(0)]
        before = m.string[max(0, m.start() - 30):m.start()].rstrip().lower()
        words = out.split()
        for n in (3, 2, 1):             # "chỉ số PAR INDEX", "Sở SNV": the leading words are not said twice
            head = " ".join(words[:n])
            if len(words) > n and (before == head.lower() or before.endswith(" " + head.lower())):
                out = " ".join(words[n:])
                break
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


def read_aloud(text: str, lex: Lexicon | None = None, *, numbering: bool = False,
               where: str = DEFAULT_WHERE, context: str | None = None,
               own_host: str | None = None) -> tuple[str, list[Check]]:
    """Plain text (or Markdown links) → (text to be read aloud, what the announcer should check).

    `numbering` drops a leading "1." / "II."; `where` says where a pointer link's page is found
    ("trên trang thông tin điện tử của xã"); `context` is the whole item, whose words may name parts
    of a web address; `own_host` is the unit's own site (links to it get `where`)."""
    lex = lex or builtin_lexicon()
    notes = Notes()
    t = nfc(text)
    if numbering:
        t = _NUMBERING.sub("", t)
    t = strip_decorations(t)
    t = re.sub(r"</?[a-zA-Z][^<>]*>", " ", t)   # markup typed into a title is not read out
    t = t.replace("\u00a0", " ").replace("…", ".").replace("\u200b", "")
    web = Web(lex, notes, nfc(context) if context else t, own_host)
    t = links(t, web, where)                     # "[Xem chi tiết](…)" → where to find it
    t = pointers(t, where)                       # "Xem chi tiết tại đây" → where to find it
    t = _PAREN_ABBR.sub(_paren, t)               # "Sở Thông tin và Truyền thông (TT&TT)": said once
    t = addresses(t, web)
    t = _documents(t, _Docs(lex))
    t = apply_spelled(t, lex, notes)
    t = compounds(t, lex)
    t = _abbreviations(t, lex)
    t = leading_zeros(t)
    t = _QUARTER.sub(lambda m: f"{m.group('kw')} {read_number(_int(m.group('n')))} "
                     f"năm {read_number(int(m.group('y')))}", t)
    t = service_numbers(t)
    t = _PHONE.sub(_phone, t)
    t = _DATE_FULL.sub(_date_full, t)
    t = editions(t)
    t = _MONTH_YEAR.sub(month_year, t)
    t = rates(t)
    t = slashes(t, notes)
    t = _DAY_WORD.sub(lambda m: f"{m.group('kw')} {read_day(int(m.group('d')))}", t)
    t = _MONTH_WORD.sub(lambda m: f"{m.group('kw')} {read_month(int(m.group('m')))}"
                        if 1 <= int(m.group("m")) <= 12 else m.group(0), t)
    t = _TIME_RANGE.sub(lambda m: f"{_time_words(m.group('a'))} đến {_time_words(m.group('b'))}", t)
    t = _TIME_RE.sub(lambda m: _time_words(m.group(0)), t)
    t = quantities(t)
    t = _RANGE.sub(lambda m: f"{_numeric(m.group('a'))} đến {_numeric(m.group('b'))}"
                   + (" phần trăm" if m.group("pct") else ""), t)
    if "%" in t:
        t = _PERCENT.sub(lambda m: f"{_numeric(m.group('n'))} phần trăm", t)
    t = _ORDINAL.sub(lambda m: f"{m.group('kw')} {read_ordinal(_int(m.group('n')))}", t)
    t = _ROMAN_AFTER.sub(lambda m: f"{m.group('kw')} {read_number(roman_to_int(m.group('n')))}", t)
    t = codes(t, lex)
    t = _NUMBER.sub(lambda m: f" {_numeric(m.group(0))} ", t)
    t = acronyms(t, notes)
    source = nfc(text)
    in_order = sorted(notes.items(), key=lambda c: source.find(c) % (len(source) + 1))
    return _tidy(t), in_order


def speak(text: str, lex: Lexicon | None = None, *, numbering: bool = False, **kw) -> str:
    """Plain text (no markup) → text to be read aloud; `numbering` drops a leading "1." / "II."."""
    return read_aloud(text, lex, numbering=numbering, **kw)[0]


def _tidy(t: str) -> str:
    t = t.replace("&", " và ").replace("%", " phần trăm")
    t = re.sub(r"[“”\"«»„`*#_~|•▪►→<>=^\\]", " ", t)
    t = re.sub(r"[‘’]", "'", t)
    t = re.sub(r"[(\[{]", ", ", t)
    t = re.sub(r"[)\]}]", ", ", t)
    t = re.sub(r"\s+[-–—]+\s+|\s*[–—]+\s*", ", ", t)
    t = re.sub(r"(?<=\w)\s?/\s?(?=\w)", ", ", t)       # "xã/phường": a list
    t = re.sub(r"[ \t]+", " ", t)
    t = re.sub(r" +([,.;:!?])", r"\1", t)
    t = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", t)
    t = re.sub(r"[,;:]\s*([.!?])", r"\1", t)
    t = re.sub(r"(?m)^\s*[,;:.]\s*", "", t)
    t = re.sub(r"\.{2,}", ".", t)
    t = re.sub(r"([.!?])\s+(\w)", lambda m: f"{m.group(1)} {m.group(2).upper()}", t)
    t = "\n".join(line.strip() for line in t.splitlines())
    return _cap(t.strip())


_is_syllable = is_syllable


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
