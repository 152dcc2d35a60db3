"""The plan's identity fields: number, place and date, issuer, title, year and period,
signer, cited documents and reporting duties.

Each function reads the cleaned lines of `content.plan.text`. Decisions the samples forced:
- the number comes from the "Số:" line; a blank one ("Số: /KH - SNV") is None, and an
  incoming-mail stamp ("Số.....532.....") is ignored because it has no document-number
  shape; an appendix heading "kèm theo Kế hoạch số: N ngày D của X" fills number, date and
  issuer when the header lacks them;
- the issuer is whoever "xây dựng / ban hành Kế hoạch" in the opening paragraph, with
  "UBND" spelled out and bracketed abbreviations dropped;
- the place falls back to the locality in the issuer's name ("… tỉnh Gia Lai" → "Gia Lai");
- `year` is the year the plan is for (the title's "năm 2024"), else the year of issue;
  the period is the title's "giai đoạn 2021 - 2030", else that year;
- the signer's position is the signer's own title, the last line of the signature block
  ("TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH" → "Chủ tịch"), without the TM./KT./TL. line.
"""

from __future__ import annotations

import re
from datetime import date

from content.plan.text import (SECTION_WORDS, Line, flat, heading_text, is_appendix_heading, is_recipients,
                               is_section_heading)

# "205/KH-UBND", "22/2020/QĐ-UBND", "18-NQ/TW", "30c/NQ-CP", "921/UBND"; not dates, not "2021-2030".
_NUMBER = r"\d{1,5}[a-z]?(?:/\d{4})?(?:[/-][A-ZĐ][A-Za-zĐđ&]*)+"
DOC_NUMBER = re.compile(rf"(?<![\w/.-])({_NUMBER})")
DOCNUM_ANCHORED = re.compile(rf"^({_NUMBER})")
_SO_LINE = re.compile(r"^(?:Số|SỐ)\s*[:.]*\s*(.*)$")
_PLACE_DATE = re.compile(
    r"^(?P<place>[^\d,;:()]{2,60}?)\s*,\s*ngày\s*(?P<d>\d{1,2})?\s*tháng\s*(?P<m>\d{1,2})?\s*năm\s*(?P<y>\d{4})")
_PLACE_DATE_NUMERIC = re.compile(
    r"^(?P<place>[^\d,;:()]{2,60}?)\s*,\s*ngày\s*(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})")
_APPENDIX_REF = re.compile(
    r"kèm theo Kế hoạch\s+số\s*:?\s*(?P<n>\S+)\s+ngày\s+(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})"
    r"(?:\s+(?:của|do)\s+(?P<issuer>[^)]+?))?\s*\)", re.I)
_ISSUES = re.compile(r"(?:xây dựng|ban hành)\s+Kế hoạch", re.I)
_LOCALITY = re.compile(r"\b(?:tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn)\s+(?P<p>[^,;()]+)$")
_SIGN_PREFIX = re.compile(r"^(?:TM|KT|TL|TUQ|Q)\.?\s+", re.I)


def compact_number(s: str) -> str:
    return re.sub(r"\s*([/-])\s*", r"\1", s.strip())


def _segments(lines: list[Line]) -> list[str]:
    """Line texts, with table rows (a Word header table) split into their cells."""
    out: list[str] = []
    for ln in lines:
        if ln.kind == "table":
            out.extend(c.strip() for c in ln.text.split("\t") if c.strip())
        else:
            out.append(ln.text)
    return out


def front(lines: list[Line]) -> list[Line]:
    """The lines before the first section heading (the header, title and opening paragraph).
    Upper-case lines such as "KẾ HOẠCH" or a mail stamp do not end it."""
    for i, ln in enumerate(lines):
        if is_section_heading(ln) and (ln.kind != "text" or heading_text(ln).startswith(SECTION_WORDS)):
            return lines[:i]
    return lines


def header_number(lines: list[Line]) -> str | None:
    for seg in _segments(front(lines)):
        m = _SO_LINE.match(seg)
        if m:
            found = DOCNUM_ANCHORED.match(compact_number(m[1]))
            if found:
                return found[1]
    return None


def place_and_date(lines: list[Line]) -> tuple[str | None, date | None, int | None]:
    for seg in _segments(front(lines)):
        m = _PLACE_DATE.match(seg) or _PLACE_DATE_NUMERIC.match(seg)
        if m:
            d = _safe_date(m["y"], m["m"], m["d"]) if m["d"] and m["m"] else None
            return m["place"].strip(), d, int(m["y"])
    return None, None, None


def appendix_reference(text: str) -> tuple[str | None, date | None, str | None]:
    m = _APPENDIX_REF.search(text)
    if not m:
        return None, None, None
    number = DOCNUM_ANCHORED.match(compact_number(m["n"]))
    issuer = clean_issuer(m["issuer"]) if m["issuer"] else None
    return (number[1] if number else None), _safe_date(m["y"], m["m"], m["d"]), issuer


def _safe_date(y: str, m: str, d: str) -> date | None:
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        return None


def clean_issuer(s: str) -> str:
    s = re.sub(r"\s*\([^)]*\)", "", s)
    s = re.sub(r"\bUBND\b", "Ủy ban nhân dân", s)
    s = re.sub(r"\bHĐND\b", "Hội đồng nhân dân", s)
    return re.sub(r"\s{2,}", " ", s).strip(" ,;.")


def issuer_from_opening(lines: list[Line]) -> str | None:
    """The agency that "xây dựng/ban hành Kế hoạch" in the opening paragraph."""
    text = flat(front(lines))
    matches = list(_ISSUES.finditer(text))
    if not matches:
        return None
    before = text[:matches[-1].start()]
    cut = max(before.rfind(";"), before.rfind(". "), before.rfind(", "), before.rfind(": "))
    candidate = clean_issuer(before[cut + 1:])
    if not candidate or not candidate[0].isupper() or len(candidate.split()) > 15:
        return None
    return candidate


def place_from_issuer(issuer: str | None) -> str | None:
    m = _LOCALITY.search(issuer or "")
    return m["p"].strip() if m else None


def title(lines: list[Line]) -> str | None:
    """The line(s) under the "KẾ HOẠCH" heading; lower-case lines continue the title."""
    for i, ln in enumerate(lines):
        m = re.match(r"^KẾ HOẠCH\b\s*(.*)$", ln.text)
        if not m or ln.kind != "text":
            continue
        parts: list[str] = [m[1]] if m[1] else []
        for nxt in lines[i + 1:]:
            if nxt.kind == "blank":
                continue
            if not parts and nxt.kind == "text":
                parts.append(nxt.text)
                continue
            if parts and nxt.kind == "text" and nxt.text[:1].islower():
                parts.append(nxt.text)
                continue
            break
        return " ".join(parts) or None
    return None


def year_and_period(title_text: str | None, issue_year: int | None) -> tuple[int | None, tuple[date, date] | None]:
    t = title_text or ""
    span = re.search(r"giai đoạn\s+(\d{4})\s*[-–—]\s*(\d{4})", t, re.I)
    one = re.search(r"năm\s+(\d{4})", t, re.I)
    year = int(one[1]) if one else issue_year or (int(span[1]) if span else None)
    if span:
        return year, (date(int(span[1]), 1, 1), date(int(span[2]), 12, 31))
    if year:
        return year, (date(year, 1, 1), date(year, 12, 31))
    return None, None


_SPACED_NUMBER = re.compile(rf"({_NUMBER})\s+([/-])\s+(?=[A-ZĐ])")


def references(text: str, own: str | None) -> list[str]:
    """Cited document numbers, de-duplicated in order of first appearance; "05/KH - UBND"
    counts as "05/KH-UBND", and the plan's own number is left out."""
    while True:
        joined = _SPACED_NUMBER.sub(r"\1\2", text)
        if joined == text:
            break
        text = joined
    seen: dict[str, None] = {}
    for m in DOC_NUMBER.finditer(text):
        ref = m[1]
        if ref != own:
            seen.setdefault(ref, None)
    return list(seen)


def _position_case(s: str) -> str:
    if s != s.upper():
        return s
    s = s.lower()
    s = s[:1].upper() + s[1:]
    return re.sub(r"^(Phó|Quyền) (\w)", lambda m: f"{m[1]} {m[2].upper()}", s)


_POSITION_WORDS = ("CHỦ TỊCH", "GIÁM ĐỐC", "TRƯỞNG", "PHÓ ", "BÍ THƯ", "CHÁNH ", "ỦY BAN", "UBND",
                   "SỞ ", "BAN ", "QUYỀN", "THỦ TRƯỞNG")


def _is_name(s: str) -> bool:
    words = s.split()
    return 2 <= len(words) <= 6 and all(w[:1].isupper() and w.isalpha() for w in words)


def signer(lines: list[Line]) -> tuple[str | None, str | None]:
    """Name and position from the signature block (after "Nơi nhận", before any appendix)."""
    end = next((i for i, ln in enumerate(lines) if is_appendix_heading(ln)), len(lines))
    start = max((i for i, ln in enumerate(lines[:end]) if is_recipients(ln)), default=max(0, end - 30))
    titles: list[str] = []
    for ln in lines[start:end]:
        text = ln.text
        if ln.kind in ("blank", "bullet") or is_recipients(ln) or text.startswith("("):
            continue
        if text.isupper():
            if (titles and not _SIGN_PREFIX.match(text) and not any(w in text + " " for w in _POSITION_WORDS)
                    and _is_name(text.title())):
                return text.title(), _position(titles)
            titles.append(text)
        elif titles and _is_name(text):
            return text, _position(titles)
    return None, None


def _position(titles: list[str]) -> str | None:
    last = _SIGN_PREFIX.sub("", titles[-1]).strip()
    return _position_case(last) if last else None
