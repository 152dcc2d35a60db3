"""Web addresses, e-mail addresses and link labels in a radio script.

Decides:
- a host or e-mail address is said part by part with "chấm" for the dot, "a còng" for "@",
  "gạch ngang"/"gạch dưới" for "-"/"_"; the scheme ("https://"), "www." and the path are not read
  (a listener cannot type a path heard once), except the page name on a social network
  ("facebook.com/xangoclam" → "… chấm com gạch chéo xa ngoc lam");
- each part is read, in this order of preference: as the lexicon's `[domains]` says ("gov" →
  "giê-ô-vê", "vn" → "vê-en-nờ", "gmail" → "giê-meo"); as Vietnamese words when it is those words
  written together without diacritics — words found in the same text first ("xã Ngọc Lâm" makes
  "ngoclam" read "Ngọc Lâm"), then the lexicon's ("dichvucong" → "dịch vụ công"); as Vietnamese
  syllables without diacritics (noted for the announcer); otherwise letter by letter, digits one
  by one;
- a link label that only points somewhere ("Xem chi tiết", "tại đây", "bấm vào đây") is never read
  as such: it becomes where to find the page — "trên trang thông tin điện tử của xã" for the
  unit's own site (or a link without an address), "tại địa chỉ …" for another site.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import urlsplit

from content.render.lexicon import Lexicon
from content.render.numbers_vi import read_digits
from content.render.spoken_checks import WEB_ADDRESS, Notes
from content.render.spoken_letters import LETTERS, is_acronym, letter_name, unaccent

DEFAULT_WHERE = "trên trang thông tin điện tử của xã"
_PAGE_HOSTS = frozenset({"facebook.com", "fb.com", "m.facebook.com", "zalo.me", "youtube.com", "tiktok.com"})
DOT = "chấm"

_TLD = r"(?:vn|com|net|org|gov|edu|info|int|io|asia|biz|me)"
URL = re.compile(r"\b(?:https?://|www\.)[^\s<>()\"\]]+"
                 rf"|(?<![@\w.-])[a-z0-9-]+(?:\.[a-z0-9-]+)*\.{_TLD}\b(?:/[^\s<>()\"\]]*)?", re.I)
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\(([^)\s]*)(?:\s+\"[^\"]*\")?\)")

# Words that only point at a link target: a label made of these alone says nothing on the radio.
_POINTER_WORDS = frozenset(
    "xem chi tiết thêm tại đây ở bấm nhấn click kích nhấp vào link liên kết đường dẫn tải về "
    "đọc toàn văn tiếp truy cập tham khảo nội dung tìm hiểu here more read download full "
    "file tệp đính kèm theo dưới sau bên".split())
_HERE = re.compile(
    r"(?i:\b(?:(?:bấm|nhấn|click|kích|nhấp)(?:\s+chuột)?\s+(?:vào\s+)?"
    r"(?:đây|(?:đường\s+)?(?:link|liên\s+kết|đường\s+dẫn))"
    r"|(?:tại|ở|theo|qua|trong)\s+(?:đây|(?:đường\s+)?(?:link|liên\s+kết|đường\s+dẫn)"
    r"(?:\s+(?:dưới\s+đây|sau\s+đây|sau|bên\s+dưới|đính\s+kèm))?))\b)")
_HINT = re.compile(r"(?i:đây|link|liên\s+kết|đường\s+dẫn)")
_ACTION = re.compile(r"(?i:\b(?:xem(?!\s+xét)|đọc|tải|tìm\s+hiểu|truy\s+cập|tham\s+khảo|tra\s+cứu|theo\s+dõi|"
                     r"nộp|đăng\s+ký|điền|khai)\b)")
_SYLLABLE_AT = re.compile(r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?"
                          r"(?:[aeiouy]{1,3})(?:ch|ng|nh|[cmnpt])?")
_WORD = re.compile(r"[^\W\d_]+")


class Web:
    """Reads addresses found in one text; `context` is the text whose words may name a host part."""

    def __init__(self, lex: Lexicon, notes: Notes, context: str, own_host: str | None = None):
        self.lex, self.notes, self.context = lex, notes, context
        self.own_host = (own_host or "").lower().removeprefix("www.")
        self._clauses: list[list[tuple[str, str]]] | None = None
        self._parts: dict[tuple[str, str], str] = {}

    # ----------------------------------------------------------------- words of the text
    def _context_words(self) -> list[list[tuple[str, str]]]:
        if self._clauses is None:
            self._clauses = _clauses(self.context)
        return self._clauses

    def words(self, label: str) -> dict[str, str]:
        """Runs of 1–4 words of the context whose unaccented, joined form occurs in `label`:
        joined form → the words as written ("ngoclam" → "Ngọc Lâm")."""
        found: dict[str, str] = {}
        for clause in self._context_words():
            for i, (key, word) in enumerate(clause):
                if not key or key not in label:
                    continue
                joined, run = "", []
                for k, w in clause[i:i + 4]:
                    joined += k
                    run.append(w)
                    if joined not in label:
                        break
                    if len(run) == 1 and (not _TONED_OR_CAP.search(w) or is_acronym(w)):
                        continue            # a bare unaccented word says nothing new
                    phrase = " ".join(run)
                    found.setdefault(joined, phrase if all(x[0].isupper() for x in run) else phrase.lower())
        return found

    # ----------------------------------------------------------------- one part of a host
    def part(self, label: str, host: str) -> str:
        key = (label, host)
        if key not in self._parts:
            self._parts[key] = self._part(label, host)
        return self._parts[key]

    def _part(self, label: str, host: str) -> str:
        low = label.lower()
        if low in self.lex.domains:
            return self.lex.domains[low]
        if low.isdigit():
            return read_digits(low)
        out, unsure, run = [], False, []          # run: raw text of unknown chunks in a row

        def flush() -> None:
            nonlocal unsure
            if not run:
                return
            if any(kind == "letter" for kind, _ in run):       # not even syllables: spell it all
                out.append(self._letters("".join(raw for _, raw in run)))
            else:
                out.append(" ".join(raw for _, raw in run))
                unsure = True
            run.clear()

        for kind, text, raw in self._segment(low):
            if kind in ("syllable", "letter"):
                run.append((kind, raw))
                continue
            flush()
            out.append(text)
        flush()
        reading = " ".join(out)
        if unsure:
            self.notes.add(host, WEB_ADDRESS, reading)
        return reading

    def _letters(self, label: str) -> str:
        runs = re.findall(r"\d+|[^\W\d_]+", label)
        return " ".join(read_digits(r) if r.isdigit() else "-".join(letter_name(c) for c in r) for r in runs)

    def _segment(self, label: str) -> list[tuple[str, str, str]]:
        """Cheapest cover of `label` as (kind, reading, raw) chunks: known words, abbreviations and
        digit runs cost 1, an unknown syllable 3, a lone letter 5."""
        words = self.words(label)
        known = self.lex.domains
        abbreviations = _spelled_abbreviations(self.lex)
        n = len(label)
        best: list[tuple[int, list[tuple[str, str, str]]] | None] = [None] * (n + 1)
        best[0] = (0, [])
        for i in range(n):
            if best[i] is None:
                continue
            cost, path = best[i]
            candidates: list[tuple[int, int, str, str]] = []
            for j in range(min(n, i + 24), i + 1, -1):
                chunk = label[i:j]
                if chunk in words:
                    candidates.append((j, 1, "word", words[chunk]))
                elif chunk in known:
                    candidates.append((j, 1, "word", known[chunk]))
                elif chunk in abbreviations:
                    candidates.append((j, 1, "word", abbreviations[chunk]))
            digits = re.match(r"\d+", label[i:])
            if digits:
                candidates.append((i + digits.end(), 1, "digits", read_digits(digits.group(0))))
            for j in range(i + 1, min(n, i + 7) + 1):
                if _SYLLABLE_AT.fullmatch(label, i, j):
                    candidates.append((j, 3, "syllable", label[i:j]))
            if not digits:
                candidates.append((i + 1, 5, "letter", label[i]))
            for j, c, kind, text in candidates:
                if best[j] is None or best[j][0] > cost + c:
                    best[j] = (cost + c, path + [(kind, text, label[i:j])])
        result = best[n]
        return result[1] if result is not None else [("letter", label, label)]

    # ----------------------------------------------------------------- whole addresses
    def host(self, host: str) -> str:
        host = host.lower().removeprefix("www.")
        parts = []
        for label in host.split("."):
            if label:
                sub = [self.part(p, host) for p in label.split("-")]
                parts.append(" gạch ngang ".join(sub))
        return f" {DOT} ".join(parts)

    def url(self, m: re.Match[str]) -> str:
        raw, trail = _strip_trailing(m.group(0))
        parts = urlsplit(raw if "://" in raw else "http://" + raw)
        host = parts.hostname or ""
        said = self.host(host)
        page = parts.path.strip("/").split("/")[0].lstrip("@")
        if host.removeprefix("www.") in _PAGE_HOSTS and page:      # facebook.com/xangoclam: the page is the address
            said += " gạch chéo " + " chấm ".join(self.part(p, raw) for p in page.split(".") if p)
        return said + trail

    def email(self, m: re.Match[str]) -> str:
        local, _, domain = m.group(0).partition("@")
        pieces = re.split(r"([._+-])", local)
        said = []
        for p in pieces:
            if p in "._+-":
                said.append({".": DOT, "_": "gạch dưới", "-": "gạch ngang", "+": "cộng"}[p])
            elif p:
                said.append(self.part(p, m.group(0)))
        return f"{' '.join(said)} a còng {self.host(domain)}"

    def where(self, url: str, default: str) -> str:
        host = (urlsplit(url if "://" in url else "http://" + url).hostname or "") if url else ""
        host = host.lower().removeprefix("www.")
        own = self.own_host
        if not host or "." not in host or (own and (host == own or host.endswith("." + own))):
            return default
        return f"tại địa chỉ {self.host(host)}"


_TONED_OR_CAP = re.compile(r"[^\x00-\x7f]|^[A-Z]")


@functools.lru_cache(maxsize=8)
def _clauses(context: str) -> list[list[tuple[str, str]]]:
    """The context's clauses as lists of (unaccented lower-case word, word as written); cached,
    since the radio renderer reads an item paragraph by paragraph with the same context."""
    return [[(unaccent(w).lower(), w) for w in _WORD.findall(line)]
            for line in re.split(r"[.,;:!?()\[\]\n]+", context)]


def _spelled_abbreviations(lex: Lexicon) -> dict[str, str]:
    """"ubnd" → "u-bê-en-nờ-dê": the lexicon's abbreviations, lower-case, as letters (a listener
    types the letters, not the words they stand for)."""
    cached = _ABBR_CACHE.get(id(lex))
    if cached is None or cached[0] is not lex:
        table = {}
        for key in lex.abbreviations:
            if key.isalpha() and len(key) >= 2 and key.isupper():
                low = unaccent(key).lower()
                table[low] = "-".join(letter_name(c) for c in key.lower())
        cached = _ABBR_CACHE[id(lex)] = (lex, table)
    return cached[1]


_ABBR_CACHE: dict[int, tuple[Lexicon, dict[str, str]]] = {}


def _strip_trailing(raw: str) -> tuple[str, str]:
    trail = ""
    while raw and raw[-1] in ".,;:!?)'":
        raw, trail = raw[:-1], raw[-1] + trail
    return raw, trail


def _visit(where: str) -> str:
    """"trên trang …" → "truy cập trang …" (a "bấm vào đây" has no verb of its own)."""
    return "truy cập " + where.removeprefix("trên ") if where.startswith("trên ") else "xem " + where


def _is_pointer(label: str) -> bool:
    words = _WORD.findall(label.lower())
    return bool(words) and all(w in _POINTER_WORDS for w in words)


def _pointer_text(label: str) -> str:
    """What to keep of a pointer label: its action ("xem chi tiết", "tải về"), not "tại đây"."""
    kept = _HERE.sub("", label).strip(" :,.-")
    kept = re.sub(r"(?i)^(?:bấm|nhấn|click|kích|nhấp)(?:\s+vào)?\s*", "", kept).strip()
    return kept


def links(text: str, web: Web, where: str) -> str:
    """Markdown links: a pointer label becomes where to find the page; any other label is read
    as text and its address dropped."""

    def repl(m: re.Match[str]) -> str:
        label, url = m.group(1).strip(), m.group(2)
        if m.group(0).startswith("!"):
            return ""
        if URL.fullmatch(label) or EMAIL.fullmatch(label):
            return label
        if not _is_pointer(label):
            return label
        place = web.where(url, where)
        action = _pointer_text(label)
        before = text[:m.start()].rstrip()
        if not action and _ACTION.search(before.rsplit(".", 1)[-1]):
            return place
        return f"{action} {place}" if action else _visit(place)

    return _MD_LINK.sub(repl, text) if "](" in text else text


def pointers(text: str, where: str) -> str:
    """"Xem chi tiết tại đây", "bấm vào đường link sau" and a lone "Xem chi tiết" in plain text."""

    def repl(m: re.Match[str]) -> str:
        start = max(text.rfind(".", 0, m.start()), text.rfind("\n", 0, m.start()))
        if _ACTION.search(text[start + 1:m.start()]):
            return where
        if m.group(0).lower().startswith(("bấm", "nhấn", "click", "kích", "nhấp")):
            return _visit(where)
        return m.group(0)

    if _HINT.search(text):
        text = _HERE.sub(repl, text)
    stripped = text.strip().rstrip(".:!")
    if len(stripped) < 60 and _is_pointer(stripped) and _ACTION.match(stripped) and where not in text:
        return f"{stripped} {where}."
    return text


def addresses(text: str, web: Web) -> str:
    if "@" in text:
        text = EMAIL.sub(web.email, text)
    return URL.sub(web.url, text) if "." in text else text


__all__ = ["DEFAULT_WHERE", "EMAIL", "LETTERS", "URL", "Web", "addresses", "links", "pointers"]
