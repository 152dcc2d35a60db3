"""Letters on the radio: acronyms, brand names and codes the reader must say letter by letter.

Convention (README, "Đọc chữ cái"): each letter by its Vietnamese name — a, bê, xê, dê, đê, e,
ép, giê, hát, i, gi, ca, e-lờ, em-mờ, en-nờ, ô, pê, quy, e-rờ, ét-xì, tê, u, vê, vê-kép, ích-xì,
i-dài, dét — joined by hyphens into one word ("OTP" → "ô-tê-pê", "4G" → "bốn-giê"). O is said
"ô", as Vietnamese speakers say it in acronyms. Digits inside a code are read as numbers.

Decides, for a token the lexicon does not know:
- an all-capital token of two or more letters without tone marks that is neither a Roman numeral
  nor a Vietnamese syllable ("KHO", "BAN") is an unknown abbreviation: spelled and noted;
- a token mixing capitals and small letters inside the word ("VNeID", "iPhone") is a brand name:
  noted always; spelled when it has more capitals than small letters ("eKYC"), else left as
  written ("TikTok");
- `[spelled]` entries of the lexicon give the reading outright (mixed-case ones are still noted,
  since their reading is a convention the announcer should confirm).
Hyphen/ampersand compounds of known abbreviations ("QP-AN", "HĐND-UBND", "CCHC&CĐS") are read
part by part.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from content.render.lexicon import Lexicon
from content.render.numbers_vi import read_number
from content.render.spoken_checks import MIXED_CASE, UNKNOWN_ABBREVIATION, Notes

LETTERS = {
    "a": "a", "b": "bê", "c": "xê", "d": "dê", "đ": "đê", "e": "e", "f": "ép", "g": "giê",
    "h": "hát", "i": "i", "j": "gi", "k": "ca", "l": "e-lờ", "m": "em-mờ", "n": "en-nờ", "o": "ô",
    "p": "pê", "q": "quy", "r": "e-rờ", "s": "ét-xì", "t": "tê", "u": "u", "v": "vê", "w": "vê-kép",
    "x": "ích-xì", "y": "i-dài", "z": "dét",
}

_ROMAN = re.compile(r"(?=[IVXL])(?:XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
_SYLLABLE = re.compile(r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?[aeiouy]{1,3}"
                       r"(?:ch|ng|nh|[cmnpt])?")
_TONED = re.compile(r"[^\x00-\x7fĐđ]")              # a letter with a Vietnamese diacritic other than đ
# a token with a capital after its first letter ("UBNDX", "VNeID", "iPhone"); others need no look
_TOKEN = re.compile(r"(?<![\w&.@/-])(?=[^\W_][^\W_]*?[A-ZĐ])[^\W_]+(?:[-&][^\W_]+)*(?![\w&@/]|-\w|\.\w)")
_RUNS = re.compile(r"\d+|[^\W\d_]+")


def letter_name(ch: str) -> str:
    return LETTERS.get(ch.lower(), ch)


def spell(token: str) -> str:
    """"OTP" → "ô-tê-pê", "4G" → "bốn-giê", "H5N1" → "hát-năm-en-nờ-một"."""
    parts: list[str] = []
    for run in _RUNS.findall(token):
        if run.isdigit():
            parts.append(read_number(int(run)) if len(run) <= 3 else " ".join(read_number(int(d)) for d in run))
        else:
            parts.extend(letter_name(c) for c in run)
    return "-".join(p.replace(" ", "-") for p in parts)


def _unaccent_table() -> dict[int, str]:
    table = {ord("đ"): "d", ord("Đ"): "D"}
    for code in list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00)):
        base = unicodedata.normalize("NFD", chr(code))[0]
        if base != chr(code) and base.isascii():
            table[code] = base
    return table


_UNACCENT = _unaccent_table()


def unaccent(text: str) -> str:
    """Vietnamese letters without their marks (NFC input): "Ngọc Lâm" → "Ngoc Lam", "đ" → "d"."""
    return text.translate(_UNACCENT)


def is_syllable(token: str) -> bool:
    """A Vietnamese syllable (tone marks ignored): "KHO", "quốc", "nghiêng"; not "TT", "UBND"."""
    return bool(_SYLLABLE.fullmatch(unaccent(token).lower()))


def is_roman(token: str) -> bool:
    return bool(_ROMAN.fullmatch(token))


def is_acronym(token: str) -> bool:
    """Two or more capitals, no small letters, no tone marks (Đ allowed), not a Roman numeral or syllable."""
    letters = [c for c in token if c.isalpha()]
    if len(letters) < 2 or not all(c.isupper() for c in letters) or _TONED.search(token.replace("Đ", "")):
        return False
    return not is_roman(token) and not is_syllable(token)


def is_mixed_case(token: str) -> bool:
    """A capital after the first letter together with small letters: "VNeID", "iPhone", "TikTok"."""
    letters = [c for c in token if c.isalpha()]
    return (any(c.islower() for c in letters) and any(c.isupper() for c in letters[1:])
            and not _TONED.search(token.replace("Đ", "").replace("đ", "")))


@functools.lru_cache(maxsize=32)
def key_pattern(keys: tuple[str, ...]) -> re.Pattern[str] | None:
    if not keys:
        return None
    alternation = "|".join(map(re.escape, sorted(keys, key=len, reverse=True)))
    first = "".join(sorted({re.escape(k[0]) for k in keys}))       # fails fast elsewhere
    return re.compile(rf"(?<![\w&])(?=[{first}])(?:{alternation})(?![\w&])")


def apply_spelled(text: str, lex: Lexicon, notes: Notes) -> str:
    """`[spelled]` entries → their reading; mixed-case ones are noted for the announcer."""
    pattern = key_pattern(tuple(lex.spelled))
    if pattern is None:
        return text

    def repl(m: re.Match[str]) -> str:
        reading = lex.spelled[m.group(0)]
        if is_mixed_case(m.group(0)):
            notes.add(m.group(0), MIXED_CASE, reading)
        return reading

    return pattern.sub(repl, text)


_COMPOUND = re.compile(r"(?<![\w&-])[A-ZĐ][A-ZĐa-z]*(?:\s?[-&]\s?[A-ZĐ][A-ZĐa-z]*)+(?![\w&]|-\w)")


def compounds(text: str, lex: Lexicon) -> str:
    """"HĐND-UBND" → "Hội đồng nhân dân - Ủy ban nhân dân" when every part is a known abbreviation."""
    table = lex.abbreviations

    def repl(m: re.Match[str]) -> str:
        raw = m.group(0)
        if raw in table:
            return raw
        parts = re.split(r"\s?([-&])\s?", raw)
        words, seps = parts[0::2], parts[1::2]
        if not all(w in table for w in words):
            return raw
        out = table[words[0]]
        for sep, w in zip(seps, words[1:]):
            out += (" và " if sep == "&" else " - ") + table[w]
        return out

    return _COMPOUND.sub(repl, text)


def acronyms(text: str, notes: Notes) -> str:
    """Unknown all-capital abbreviations spelled and noted; mixed-case brand names noted."""

    def repl(m: re.Match[str]) -> str:
        tok = m.group(0)
        if any(c in tok for c in "-&"):
            pieces = re.split(r"([-&])", tok)
            if not any(is_acronym(p) or is_mixed_case(p) for p in pieces[0::2]):
                return tok
            return "".join(repl_one(p) if i % 2 == 0 else (" và " if p == "&" else " ")
                           for i, p in enumerate(pieces))
        return repl_one(tok)

    def repl_one(tok: str) -> str:
        if is_acronym(tok) and not any(c.isdigit() for c in tok):
            reading = spell(tok)
            notes.add(tok, UNKNOWN_ABBREVIATION, reading)
            return reading
        if is_mixed_case(tok):
            small = sum(c.islower() for c in tok)
            reading = spell(tok) if small < sum(c.isupper() for c in tok) else tok
            notes.add(tok, MIXED_CASE, reading if reading != tok else "")
            return reading
        return tok

    return _TOKEN.sub(repl, text)


_CODE = re.compile(r"(?<![\w.,/-])(?=[A-Z]*\d)(?=\d*[A-Z])[A-Z\d]{2,8}(?![\w/-])")


def codes(text: str, lex: Lexicon) -> str:
    """Capitals mixed with digits ("4G", "F0", "B2", "H5N1") spelled by the convention."""
    return _CODE.sub(lambda m: lex.spelled.get(m.group(0), spell(m.group(0))), text)
