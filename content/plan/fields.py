"""The plan's identity fields: number, place and date, issuer, title, year and period,
signer, cited documents.

Each function reads the cleaned lines of `content.plan.text`. Decisions the samples and the
corpus (tests/data/plan_corpus) forced:
- the number comes from the header's "Số:" — on its line, after the letterhead on the same
  line, or alone with the number on the next line; a blank one ("Số: /KH - SNV") is None,
  and an incoming-mail stamp ("Số.....532.....") is ignored because it has no
  document-number shape; the bracketed note under an annex's title "(Ban hành kèm theo
  Quyết định/Kế hoạch số N ngày D của X)" fills number, date and issuer when the header
  lacks them;
- headers arrive flattened (copied from a web page or a PDF): the columns of the header
  table interleaved or run together on one line, pipes of a web table, the place-and-date
  broken mid-phrase — `_segments` puts the pieces back;
- a plan attached to a decision ("QUYẾT ĐỊNH Về việc ban hành Kế hoạch …") takes the
  decision's number, date, letterhead (issuer) and signer;
- the issuer is whoever "xây dựng / ban hành Kế hoạch" in the opening paragraph, with
  "UBND" spelled out and bracketed abbreviations dropped, completed by the letterhead or the
  annex note when they name the same agency in full; else the letterhead's most specific
  agency, written as in running text ("SỞ TƯ PHÁP" → "Sở Tư pháp");
- the place falls back to the locality in the issuer's name ("… tỉnh Gia Lai" → "Gia Lai");
- the title is the line(s) under "KẾ HOẠCH", a title in capitals in sentence case with its
  place and agency names;
- `year` is the year the plan is for (the title's "năm 2024"), else the year of issue;
  the period is the title's "giai đoạn 2021 - 2030", else that year;
- the signer's position is the signer's own title, the last line of the signature block
  ("TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH" → "Chủ tịch"), without the TM./KT./TL. line; "Q." is
  "Quyền".
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
    r"^(?P<place>[^\W\d][^,;:()]{1,59}?)\s*,\s*ngày\s*(?P<d>\d{1,2})?\s*tháng\s*(?P<m>\d{1,2})?\s*năm\s*(?P<y>\d{4})")
_PLACE_DATE_NUMERIC = re.compile(
    r"^(?P<place>[^\W\d][^,;:()]{1,59}?)\s*,\s*ngày\s*(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})")
_APPENDIX_REF = re.compile(
    r"kèm theo (?:Kế hoạch|Quyết định)\s+số\s*:?\s*(?P<n>\S+)\s+ngày\s+(?P<d>\d{1,2})"
    r"(?:[/.-](?P<m>\d{1,2})[/.-]|\s+tháng\s+(?P<m2>\d{1,2})\s+năm\s+)(?P<y>\d{4})"
    r"(?:\s+(?:của|do)\s+(?P<issuer>[^)]+?))?\s*\)", re.I)
_ISSUES = re.compile(r"(?:xây dựng|ban hành)\s+Kế hoạch", re.I)
_LOCALITY = re.compile(r"\b(?:tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn)\s+(?P<p>[^,;()]+)$")
_SIGN_PREFIX = re.compile(r"^(?:TM|KT|TL|TUQ|Q)\.?\s+", re.I)


def compact_number(s: str) -> str:
    return re.sub(r"\s*([/-])\s*", r"\1", s.strip())


def _segments(lines: list[Line]) -> list[str]:
    """Line texts, with table rows (a Word header table) split into their cells, lines
    flattened from a web page's table ("Bộ Nội vụ Số: 251/QĐ-BNV | Cộng hòa … |") split at
    the pipes, and the two header columns run together on one line split apart."""
    out: list[str] = []
    for ln in lines:
        if ln.kind == "blank":
            continue
        parts = ln.text.split("\t") if ln.kind == "table" else [ln.text]
        for part in parts:
            part = _COLUMN_JOINS.sub("\n", part)
            part = _NUMBER_THEN_PLACE.sub(r"\1\n", part)
            out.extend(c.strip(" |") for piece in part.split("\n") for c in piece.split(" | ") if c.strip(" |"))
    return out


# The two header columns run together on one line (text copied out of a PDF): split before the
# national motto and between the number and the place-and-date.
_COLUMN_JOINS = re.compile(r"(?<=\S)\s+(?=(?:CỘNG HÒA|CỘNG HOÀ|Cộng hòa|Cộng hoà)\s+(?:XÃ|xã)\s|(?:Độc lập|ĐỘC LẬP)\s*[-–])")
_NUMBER_THEN_PLACE = re.compile(rf"((?:Số|SỐ)\s*:?\s*{_NUMBER})\s+(?=[^\d\s,][^,]{{1,40}},\s*ngày)")
_BROKEN_DATE = re.compile(r",\s*ngày(?:\s*\d{1,2})?(?:\s*tháng(?:\s*\d{1,2})?)?(?:\s*năm)?\s*$")


def front(lines: list[Line]) -> list[Line]:
    """The lines before the first section heading (the header, title and opening paragraph).
    Upper-case lines such as "KẾ HOẠCH" or a mail stamp do not end it."""
    for i, ln in enumerate(lines):
        if is_section_heading(ln) and (ln.kind != "text" or heading_text(ln).startswith(SECTION_WORDS)):
            return lines[:i]
    return lines


_SO_ANYWHERE = re.compile(r"(?:^|\s)(?:Số|SỐ)\s*:\s*(.*)$")


def header_number(lines: list[Line]) -> tuple[str | None, int | None]:
    """The document number from the header's "Số:" — on its line, after the letterhead on the
    same line, or alone with the number on the next line — and the index of its line."""
    found = _header_number(front(lines))
    if found[0] is None and any(is_decision_title(ln) for ln in lines):
        found = _header_number(lines[:_first_title(lines, "KẾ HOẠCH")])
    return found


def _header_number(lines: list[Line]) -> tuple[str | None, int | None]:
    segs = _indexed_segments(lines)
    for k, (i, seg) in enumerate(segs):
        m = _SO_LINE.match(seg) or _SO_ANYWHERE.search(seg)
        if not m:
            continue
        rest = compact_number(m[1])
        if not rest and k + 1 < len(segs):
            rest = compact_number(segs[k + 1][1])
        found = DOCNUM_ANCHORED.match(rest)
        if found:
            return found[1], i
    return None, None


def _indexed_segments(lines: list[Line]) -> list[tuple[int, str]]:
    """(line index, segment) for each segment of `lines`; a place-and-date broken mid-phrase
    ("Đông Hòa, ngày 10" / "tháng 01 năm 2025") is joined again."""
    out = []
    for i, ln in enumerate(lines):
        for seg in _segments([ln]):
            out.append((i, seg))
    joined: list[tuple[int, str]] = []
    for i, seg in out:
        if joined and _BROKEN_DATE.search(joined[-1][1]) and re.match(r"^(?:ngày|tháng|năm|\d)", seg):
            joined[-1] = (joined[-1][0], f"{joined[-1][1]} {seg}")
        else:
            joined.append((i, seg))
    return joined


_DECISION = re.compile(r"^QUYẾT ĐỊNH\s*$")


def is_decision_title(line: Line) -> bool:
    return bool(_DECISION.match(line.text))


def _first_title(lines: list[Line], word: str) -> int:
    return next((i for i, ln in enumerate(lines) if ln.text.startswith(word) and ln.kind == "text"), len(lines))


def place_and_date(lines: list[Line]) -> tuple[str | None, date | None, int | None, int | None]:
    """Place, date and year of issue from the header, and the index of their line."""
    head = front(lines)
    if any(is_decision_title(ln) for ln in lines):
        head = lines[:max(len(head), _first_title(lines, "KẾ HOẠCH"))]
    for i, seg in _indexed_segments(head):
        m = _PLACE_DATE.match(seg) or _PLACE_DATE_NUMERIC.match(seg)
        if m:
            d = _safe_date(m["y"], m["m"], m["d"]) if m["d"] and m["m"] else None
            return m["place"].strip(), d, int(m["y"]), i
    return None, None, None, None


def appendix_reference(lines: list[Line]) -> tuple[str | None, date | None, str | None, int | None]:
    """Number, date and issuer from the note under an annex's title, "(Ban hành kèm theo
    Quyết định/Kế hoạch số N ngày D của X)" — a bracketed line of its own, possibly wrapped —
    and the index of its line. The same words inside a sentence cite another document."""
    for i, ln in enumerate(lines):
        if not (ln.text.startswith("(") and re.search(r"kèm theo", ln.text[:40], re.I)):
            continue
        text = ln.text
        for nxt in lines[i + 1:i + 4]:
            if ")" in text:
                break
            text += " " + nxt.text
        found = _appendix_reference(text)
        if found[0] or found[1]:
            return (*found, i)
    return None, None, None, None


def _appendix_reference(text: str) -> tuple[str | None, date | None, str | None]:
    m = _APPENDIX_REF.search(text)
    if not m:
        return None, None, None
    number = DOCNUM_ANCHORED.match(compact_number(m["n"]))
    issuer = clean_issuer(m["issuer"]) if m["issuer"] else None
    return (number[1] if number else None), _safe_date(m["y"], m["m"] or m["m2"], m["d"]), issuer


def _safe_date(y: str, m: str, d: str) -> date | None:
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        return None


def clean_issuer(s: str) -> str:
    s = re.sub(r"\s*\([^)]*\)", "", s)
    # "của Chủ tịch UBND xã Phú Mỹ": the issuing body, not its head's title
    s = re.sub(r"^(?:Phó\s+)?(?:Chủ tịch|Giám đốc|Trưởng ban|Trưởng phòng|Thủ trưởng|Bộ trưởng)\s+(?=\S)", "", s.strip(), flags=re.I)
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
    if not candidate or not _AGENCY_START.match(candidate) or len(candidate.split()) > 15:
        return None
    return candidate


_AGENCY_WORDS = (r"Ủy ban|Uỷ ban|UBND|Sở|Phòng|Ban|Bộ|Trung tâm|Văn phòng|Cục|Chi cục|Tổng cục|Hội đồng|Đài|Báo"
                 r"|Thanh tra|Công an|Bảo hiểm|Kho bạc|Viện|Trường|Bệnh viện|Chi nhánh|Đoàn|Hội|Liên đoàn|Mặt trận")
_AGENCY_START = re.compile(rf"^(?:{_AGENCY_WORDS})\b")
_LOCALITY_START = re.compile(r"^(?:TỈNH|THÀNH PHỐ|HUYỆN|QUẬN|THỊ XÃ|XÃ|PHƯỜNG|THỊ TRẤN)\b")
_MOTTO = re.compile(r"CỘNG HÒA|CỘNG HOÀ|Độc lập|ĐỘC LẬP|^[-_–—=.\s]+$", re.I)


def issuer_from_letterhead(lines: list[Line]) -> str | None:
    """The issuing agency from the letterhead: the most specific agency named in capitals
    before the title ("UBND TỈNH TÂY NINH / SỞ TƯ PHÁP" → "Sở Tư pháp"; "ỦY BAN NHÂN DÂN /
    HUYỆN KRÔNG PẮC" → "Ủy ban nhân dân huyện Krông Pắc"), skipping the national motto that
    a flattened header table puts between its lines."""
    end = next((i for i, ln in enumerate(lines) if re.match(r"^(?:KẾ HOẠCH|QUYẾT ĐỊNH)\b", ln.text)), None)
    if end is None:
        return None
    agencies: list[str] = []
    for seg in _segments(lines[:end]):
        seg = re.split(r"\s+(?:Số|SỐ)\s*:", seg)[0].strip(" -")
        if not seg or _MOTTO.search(seg) or _SO_LINE.match(seg) or _PLACE_DATE.match(seg):
            continue
        upper = seg.upper() == seg
        if not upper and not _AGENCY_START.match(seg):
            continue
        if _LOCALITY_START.match(seg.upper()) and agencies:
            agencies[-1] = f"{agencies[-1]} {seg}"
        elif _AGENCY_START.match(seg) or _AGENCY_START.match(_agency_case(seg)):
            agencies.append(seg)
    return clean_issuer(_agency_case(agencies[-1])) if agencies else None


def _agency_case(name: str) -> str:
    """An agency's name in capitals → as written in running text: "SỞ THÔNG TIN VÀ TRUYỀN
    THÔNG" → "Sở Thông tin và Truyền thông", "ỦY BAN NHÂN DÂN HUYỆN KRÔNG PẮC" → "Ủy ban nhân
    dân huyện Krông Pắc"."""
    if name.upper() != name:
        return name
    name = re.sub(r"\bUBND\b", "ỦY BAN NHÂN DÂN", name)
    return capitalise_names(name.lower())


_LOCALITY_WORD = re.compile(r"\b(tỉnh|thành phố|huyện|quận|thị xã|xã|phường|thị trấn|thôn|ấp|bản)\s+"
                            r"((?:(?!và\b|năm\b|giai\b|trên\b|của\b)\w+\s*){1,3})")
_AGENCY_HEAD = re.compile(r"^(ủy ban nhân dân|hội đồng nhân dân|sở|phòng|ban|bộ|trung tâm|văn phòng|cục|chi cục"
                          r"|tổng cục|đài|báo|thanh tra|công an)\s+(?!nhân dân)(\w)")


def capitalise_names(text: str) -> str:
    """Lower-case Vietnamese text with its proper names capitalised again: the first letter,
    place names after "tỉnh/huyện/xã…", the name of a department after "Sở/Phòng…" and after
    "và"/"-" inside it."""
    s = text[:1].upper() + text[1:]
    s = _LOCALITY_WORD.sub(lambda m: f"{m[1]} {m[2].title()}", s)
    s = re.sub(r"(?<=\s)(ủy ban nhân dân|hội đồng nhân dân)\b", lambda m: m[1][:1].upper() + m[1][1:], s)
    s = re.sub(r"(?<=\s)sở\s+(\w+)((?:\s+(?!tỉnh\b|thành phố\b|năm\b)\w+)*?(?:\s+và\s+\w+)?)(?=\s+(?:tỉnh|thành phố|năm)\b|$|,)",
               lambda m: f"Sở {m[1][:1].upper()}{m[1][1:]}" + re.sub(r"(và\s+)(\w)", lambda x: x[1] + x[2].upper(), m[2]), s)
    m = _AGENCY_HEAD.match(s.lower())
    if m and not s.lower().startswith(("ủy ban nhân dân", "hội đồng nhân dân")):
        head_end = m.end(1)
        rest = s[head_end:]
        rest = re.sub(r"^(\s+)(\w)", lambda x: x[1] + x[2].upper(), rest)
        rest = re.sub(r"(\s(?:và|-)\s+)(\w)", lambda x: x[1] + x[2].upper(), rest)
        s = s[:head_end] + rest
    return s


def place_from_issuer(issuer: str | None) -> str | None:
    m = _LOCALITY.search(issuer or "")
    return m["p"].strip() if m else None


def title(lines: list[Line]) -> tuple[str | None, int | None]:
    """The line(s) under the "KẾ HOẠCH" heading (lower-case lines continue the title) and the
    index of the first. A title set in capitals is written in sentence case with its place
    names; a trailing "(Ban hành kèm theo …)" is not part of it."""
    for i, ln in enumerate(lines):
        m = re.match(r"^KẾ HOẠCH\b\s*(.*)$", ln.text)
        if not m or ln.kind != "text":
            continue
        parts: list[str] = [m[1]] if m[1] else []
        first = i if m[1] else None
        for j in range(i + 1, len(lines)):
            nxt = lines[j]
            if nxt.kind == "blank":
                continue
            if not parts and nxt.kind == "text" and not nxt.text.startswith("("):
                parts.append(nxt.text)
                first = j
                continue
            if parts and nxt.kind == "text" and nxt.text[:1].islower():
                parts.append(nxt.text)
                continue
            if (parts and nxt.kind == "text" and _all_caps(parts[-1])
                    and (_all_caps(nxt.text) or re.fullmatch(r"\d{4}", nxt.text))
                    and not is_section_heading_words(nxt.text) and nxt.text[:1] != "("):
                parts.append(nxt.text)   # a title in capitals set on two lines
                continue
            break
        text = re.sub(r"\s*\((?:Ban hành )?kèm theo\b.*$", "", " ".join(parts), flags=re.I).strip()
        if not text:
            return None, None
        letters = [c for c in text if c.isalpha()]
        if letters and "".join(letters).isupper():
            text = capitalise_names(text.lower())
        return text, first
    return None, None


def _all_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters)


def is_section_heading_words(text: str) -> bool:
    return text.lower().lstrip("0123456789ivx. ").startswith(SECTION_WORDS)


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


_NAME_NOISE = re.compile(r"^\(.*\)$|^(?:Đã ký|đã ký|Ký|ký)\b|^\[.*\]$"
                         # the visible stamp of a digital signature in e-office PDFs
                         r"|^(?:Ký bởi|Người ký|Email|E-mail|Cơ quan|Chức vụ|Thời gian ký|Ngày ký|Signed by|Signature"
                         r"|Reason|Location|Date)\s*:", re.I)


def signer(lines: list[Line]) -> tuple[str | None, str | None, int | None]:
    """Name and position from the signature block, and the index of the name's line.

    The block follows "Nơi nhận" (beside it, when a borderless table holds both: the cells
    that are not recipients are the signature side). For a decision with the plan attached
    that is the decision's signer. Without "Nơi nhận", the lines before the appendix are
    searched. Titles are capitals ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"); the name follows after
    blank lines, "(Đã ký)" or emphasis."""
    starts = [i for i, ln in enumerate(lines) if is_recipients(ln)]
    end = next((i for i, ln in enumerate(lines) if is_appendix_heading(ln)), len(lines))
    blocks = [(i, min(len(lines), i + 40)) for i in starts] or [(max(0, end - 30), end)]
    for start, stop in blocks:
        found = _signer_in(lines, start, stop)
        if found[0]:
            return found
    return None, None, None


def _signature_parts(ln: Line) -> list[str]:
    if ln.kind == "table" or "\t" in ln.text:
        cells = [c.strip() for c in ln.text.split("\t")]
        return [c for c in cells if c and not c.startswith(("-", "–", "+", "•")) and not _RECIPIENTS_CELL.match(c)]
    if ln.kind in ("blank", "bullet") or is_recipients(ln):
        return []
    return [ln.text]


_RECIPIENTS_CELL = re.compile(r"^Nơi nhận\s*:?", re.I)


def _signer_in(lines: list[Line], start: int, stop: int) -> tuple[str | None, str | None, int | None]:
    titles: list[str] = []
    for i in range(start, stop):
        ln = lines[i]
        if i > start and (is_appendix_heading(ln) or re.match(r"^(?:KẾ HOẠCH|QUYẾT ĐỊNH|PHỤ LỤC)\b", ln.text)):
            break
        for text in _signature_parts(ln):
            if _NAME_NOISE.match(text):
                continue
            if text.isupper():
                if (titles and not _SIGN_PREFIX.match(text)
                        and not any(w in text + " " for w in _POSITION_WORDS) and _is_name(text.title())):
                    return text.title(), _position(titles), i
                titles.append(text)
            elif titles and _is_name(text):
                return text, _position(titles), i
            elif titles:
                titles.clear()   # running text: what came before was not a signature block
    return None, None, None


def _position(titles: list[str]) -> str | None:
    acting = re.match(r"^Q\.\s*", titles[-1])
    last = _SIGN_PREFIX.sub("", titles[-1]).strip()
    if not last:
        return None
    position = _position_case(last)
    return f"Quyền {position}" if acting else position
