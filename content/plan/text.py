"""Plan text → cleaned lines, section boundaries and list items.

The sample plans mark headings in every way a word processor allows (`##`, bold, plain;
"II.", "1.", "a)"), so nothing here relies on Markdown: a line is a *section heading* when
it is Roman-numbered, or short and worded like a section title ("Nội dung tuyên truyền",
"Hình thức…", "Tổ chức thực hiện"…). Inside a section, list items nest by marker kind
("1." → "-" → "+") and paragraphs without a marker continue the item before them (page
breaks split items in the real files).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
_SPACES = dict.fromkeys(map(ord, "\u00a0\u2007\u202f\u3000"), " ")


def normalise_text(text: str) -> str:
    """NFC, Unix line ends, no zero-width characters, ordinary spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = text.translate(_INVISIBLE).translate(_SPACES)
    return unicodedata.normalize("NFC", text)


_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>])")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
_HTML_BR = re.compile(r"<br\s*/?>", re.I)
_HEADING_HASHES = re.compile(r"^\s{0,3}#{1,6}(?=\s|\*|_|$)\s*")
_PIPE_SEPARATOR = re.compile(r"^:?-{2,}:?$")


def _pipe_row(line: str) -> str | None:
    """A Markdown pipe-table row as tab-separated cells; '' for the |---| separator row."""
    s = line.strip()
    if not (s.startswith("|") and s.endswith("|") and len(s) > 1):
        return None
    cells = [c.strip() for c in re.split(r"(?<!\\)\|", s[1:-1])]
    if all(_PIPE_SEPARATOR.match(c) for c in cells if c) and any(cells):
        return ""
    return "\t".join(_HTML_BR.sub(" ", c).replace("\\|", "|") for c in cells)


def clean_line(raw: str) -> str:
    """One source line without Markdown decoration; table rows keep their tab separators."""
    row = _pipe_row(raw)
    if row is not None:
        raw = row
    s = raw.rstrip()
    if s.endswith("\\"):
        s = s[:-1]
    s = _HEADING_HASHES.sub("", s)
    s = s.replace("**", "").replace("__", "")
    s = re.sub(r"^(\s*)_(\S(?:.*\S)?)_$", r"\1\2", s)   # a line in _emphasis_
    s = re.sub(r"^(\s*)\*\s+", r"\1- ", s)  # "* item" is a bullet, other asterisks are emphasis
    s = s.replace("*", "")
    s = _AUTOLINK.sub(r"\1", s)
    s = _MD_LINK.sub(r"\1", s)
    s = _HTML_BR.sub(" ", s)
    s = _MD_ESCAPE.sub(r"\1", s)
    if "\t" in s:
        return "\t".join(re.sub(r" {2,}", " ", c).strip() for c in s.split("\t"))
    indent = len(s) - len(s.lstrip(" "))
    return " " * indent + re.sub(r"\s{2,}", " ", s.strip())


@dataclass
class Line:
    text: str      # cleaned, stripped
    indent: int    # leading spaces in the source (Markdown nesting only)
    kind: str      # blank | table | roman | num | alpha | bullet | text
    marker: str    # the marker ("II", "1", "a", "-", "+") or ""
    body: str      # the text after the marker


_ROMAN = re.compile(r"^(?P<m>[IVX]{1,5})\s*[.)\-–:]\s*(?P<b>\S.*)$")
_NUM = re.compile(r"^(?P<m>\d{1,2}(?:\.\d{1,2})*)\s*[.)]\s*(?P<b>[^\d\s].*)$")
_ALPHA = re.compile(r"^(?P<m>[a-zđ])\s*[).]\s+(?P<b>\S.*)$")
_BULLET = re.compile(r"^(?P<m>[-–—+•●▪◦○∙·➢➤✓√])\s*(?P<b>\S.*)$")


def classify(raw: str) -> Line:
    cleaned = clean_line(raw)
    text = cleaned.strip()
    indent = len(cleaned) - len(cleaned.lstrip(" "))
    if not text:
        return Line("", 0, "blank", "", "")
    if "\t" in text:
        return Line(text, indent, "table", "", text)
    for kind, rx in (("roman", _ROMAN), ("num", _NUM), ("alpha", _ALPHA), ("bullet", _BULLET)):
        m = rx.match(text)
        if m:
            marker = m["m"]
            if kind == "bullet":
                marker = {"–": "-", "—": "-"}.get(marker, marker)
            if kind == "num" and "." in marker:
                kind = f"num{marker.count('.') + 1}"
            return Line(text, indent, kind, marker, m["b"].strip())
    return Line(text, indent, "text", "", text)


def to_lines(text: str) -> list[Line]:
    return [classify(raw) for raw in normalise_text(text).split("\n")]


# --- section headings -------------------------------------------------------------------

SECTION_WORDS = (
    "mục đích", "mục tiêu", "yêu cầu", "đối tượng", "phạm vi", "nội dung", "hình thức",
    "phương thức", "biện pháp", "thời gian", "tiến độ", "kinh phí", "tổ chức thực hiện",
    "trách nhiệm", "phân công", "chế độ báo cáo", "giải pháp", "nhiệm vụ",
)
_MAX_HEADING_WORDS = 12


def heading_text(line: Line) -> str:
    """The words of a heading, lower-case, without numbering or final punctuation."""
    return line.body.rstrip(" :.;").lower()


def is_section_heading(line: Line) -> bool:
    if line.kind == "roman":
        return True
    if line.kind not in ("num", "num2", "alpha", "text"):
        return False
    words = heading_text(line)
    if len(words.split()) > _MAX_HEADING_WORDS:
        return False
    if line.body.rstrip().endswith((";", ",")):
        return False          # a list item ("a) Nội dung thủ tục đất đai;"), never a heading
    if line.kind == "text" and line.body.rstrip().endswith("."):
        return False
    if words.startswith(SECTION_WORDS):
        return True
    letters = [c for c in line.body if c.isalpha()]
    return line.kind != "alpha" and len(letters) >= 6 and line.body.upper() == line.body


_APPENDIX = re.compile(r"^(?:PHỤ LỤC\b|Phụ lục(?:\s+[IVX\d]+)?\s*:?$)")
_RECIPIENTS = re.compile(r"^Nơi nhận\s*:?", re.I)
_CLOSING = re.compile(r"^Trên đây là\b", re.I)


def is_appendix_heading(line: Line) -> bool:
    return line.kind == "text" and bool(_APPENDIX.match(line.text))


def is_recipients(line: Line) -> bool:
    return bool(_RECIPIENTS.match(line.text))


def ends_section(line: Line) -> bool:
    return (is_section_heading(line) or is_appendix_heading(line) or is_recipients(line)
            or bool(_CLOSING.match(line.text)))


def find_section(lines: list[Line], accept) -> tuple[int, int] | None:  # noqa: ANN001
    """(first, end) line indexes of the body of the first heading `accept(words)` likes.
    Among several accepted headings, one that names "tuyên truyền"/"thông tin" wins over a
    bare parent heading such as "II. NỘI DUNG"."""
    candidates = [i for i, ln in enumerate(lines) if is_section_heading(ln) and accept(heading_text(ln))]
    if not candidates:
        return None
    specific = [i for i in candidates if re.search(r"tuyên truyền|thông tin|phổ biến", heading_text(lines[i]))]
    start = (specific or candidates)[0]
    end = start + 1
    while end < len(lines) and not ends_section(lines[end]):
        end += 1
    return start + 1, end


def content_heading(words: str) -> bool:
    return words.startswith("nội dung") and "hình thức" not in words


def forms_heading(words: str) -> bool:
    return words.startswith(("hình thức", "phương thức"))


# --- list items ---------------------------------------------------------------------------

@dataclass
class Item:
    parts: list[str]
    children: list["Item"] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(self.parts)

    def leaves(self) -> list["Item"]:
        if not self.children:
            return [self]
        return [leaf for child in self.children for leaf in child.leaves()]


def _is_note(text: str) -> bool:
    return text.startswith("(") and text.endswith(")")


def section_items(lines: list[Line]) -> list[Item]:
    """The list items of a section body, nested by marker kind (and Markdown indent).
    A paragraph without a marker continues the item before it; a section with no markers
    at all is read one paragraph per item."""
    roots: list[Item] = []
    stack: list[tuple[tuple[str, int], Item]] = []
    loose: list[Item] = []
    for ln in lines:
        if ln.kind == "blank":
            continue
        if ln.kind in ("table", "text", "roman"):
            if _is_note(ln.text):
                continue
            if stack:
                stack[-1][1].parts.append(ln.text)
            elif loose and ln.text[:1].islower():
                loose[-1].parts.append(ln.text)
            else:
                loose.append(Item([ln.text]))
            continue
        key = (ln.kind if ln.kind != "bullet" else f"bullet{ln.marker}", ln.indent // 2)
        depth = next((i for i in range(len(stack) - 1, -1, -1) if stack[i][0] == key), None)
        if depth is not None:
            del stack[depth:]
        node = Item([ln.body])
        (stack[-1][1].children if stack else roots).append(node)
        stack.append((key, node))
    return roots if roots else loose


def clean_item(text: str) -> str:
    s = re.sub(r"\s{2,}", " ", text).strip()
    s = s.rstrip(" ;,")
    if s.endswith(".") and not s.endswith(".."):
        s = s[:-1].rstrip()
    return s


def flat(lines: list[Line]) -> str:
    """The text of some lines as one string (table cells and lines joined by spaces), for
    sentence-level patterns that page breaks would otherwise cut."""
    return " ".join(ln.text.replace("\t", " ") for ln in lines if ln.kind != "blank")
