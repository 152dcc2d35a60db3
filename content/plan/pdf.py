"""PDF plans → text lines with their page and line, read with pypdfium2 (PDFium, the engine of
Chrome's viewer).

Why PDFium (pypdfium2) and not pypdf or pdfplumber: measured on the corpus's 8-page plan with
a task table, pypdf's `extract_text` took about 650 ms against about 25-120 ms here (a busy
machine), and gives text in content-stream order only: each table cell's wrapped lines come
one after another ("01 Tham mưu Kế hoạch / chỉ đạo, hướng dẫn / …") so rows cannot be put
back, and the header's two columns run together on one line. PDFium reports each run of text
with its box (and the page's ruling paths), which is what rows and columns need; pdfplumber
does the same in pure Python on top of pdfminer.six. Vietnamese comes out NFC-normalisable
from both. Signed PDFs (a signature dictionary, revisions appended after the first `%%EOF`)
read like any other: PDFium reads the last revision.

How the layout is put back, page by page:
- text runs (`FPDFText_GetRect`) inside ruled table cells (the rules are the page's thin
  path objects, or the edges of the boxes drawn around cells) are gathered per cell; a table
  row becomes one tab-separated line, as Word tables do in `content.plan.word`; a row cut by
  a page break is joined to its first part;
- other runs are grouped into visual lines by their vertical overlap; a wide gap inside a
  line (the two columns of a borderless header table) becomes a tab;
- a line that runs to the right margin, or (ragged text) whose next line's first word would
  not have fitted after it, is continued by the next line (a wrapped paragraph becomes one
  line, as in Word), unless the next one starts a list item or a heading, or
  one is bold and the other not (a title over the opening paragraph);
- lines that are only a page number are dropped.
Every line keeps where it came from ("trang 2, dòng 14") for `loa plan parse --explain`.

A PDF with no text layer (a scan) is refused with a Vietnamese message: Loa does no OCR.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from content.plan.model import PlanError

_RULE_THICKNESS = 3.0      # a path thinner than this (pt) is a rule
_TAB_GAP = 28.0            # a gap wider than this (pt) inside a visual line separates columns
_MIN_TEXT_CHARS = 40       # fewer characters in the whole file: no text layer
_PAGE_NUMBER = re.compile(r"^[-–\s]*(?:Trang\s*)?\d{1,3}(?:\s*/\s*\d{1,3})?[-–\s]*$", re.I)
_STARTS_ITEM = re.compile(r"^(?:[IVX]{1,5}\s*[.)]|\d{1,2}(?:\.\d{1,2})*\s*[.)]\s*\D|[a-zđ]\s*\)\s|Điều\s+\d+\.|Căn cứ"
                          r"|Nơi nhận|KẾ HOẠCH|QUYẾT ĐỊNH|PHỤ LỤC|Số\s*:)")
_BULLET = re.compile(r"^[-–—+•●▪◦○∙·➢➤✓√]\s*(\S)")


def _starts_item(text: str) -> bool:
    """A list item or a heading starts here ("- Tuyên…" but not "- xã hội…", which is a line
    broken before a hyphen in running text)."""
    bullet = _BULLET.match(text)
    if bullet:
        return not bullet[1].islower()
    return bool(_STARTS_ITEM.match(text))


@dataclass
class PdfLine:
    text: str
    page: int      # 1-based
    line: int      # 1-based, within the page as Loa lays it out

    @property
    def origin(self) -> str:
        return f"trang {self.page}, dòng {self.line}"


@dataclass
class _Run:
    left: float
    bottom: float
    right: float
    top: float
    text: str
    bold: bool = False

    @property
    def cx(self) -> float:
        return (self.left + self.right) / 2

    @property
    def cy(self) -> float:
        return (self.bottom + self.top) / 2


@dataclass
class _Block:
    """A visual line or a table row, placed on the page by its top."""
    top: float
    left: float
    right: float
    text: str
    cells: int = 0          # > 0: a table row with this many cells
    first_cell_empty: bool = False
    bold: bool = False       # the first run is bold
    bold_end: bool = False   # the last run is bold


def pdf_lines(data: bytes, name: str) -> list[PdfLine]:
    """The text lines of a PDF (see the module docstring). Raises `PlanError` (Vietnamese)."""
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        msg = str(e).lower()
        if "password" in msg:
            raise PlanError(f"Tệp PDF “{name}” có mật khẩu, Loa không mở được. Hãy xin bản không đặt mật "
                            "khẩu (hoặc bản Word .docx) của kế hoạch rồi thử lại.") from None
        raise PlanError(f"Tệp PDF “{name}” bị hỏng, không mở được. Hãy tải lại tệp từ hệ thống văn bản "
                        "điện tử (hoặc dùng bản Word .docx) rồi thử lại.") from None
    try:
        blocks: list[tuple[int, _Block]] = []
        total_chars = 0
        images = 0
        for index in range(len(doc)):
            page = doc[index]
            try:
                found, chars, has_images = _page_blocks(page)
            finally:
                page.close()
            total_chars += chars
            images += has_images
            if (blocks and found and blocks[-1][1].cells and found[0].cells == blocks[-1][1].cells
                    and found[0].first_cell_empty):
                _merge_row(blocks[-1][1], found.pop(0))   # a table row cut by the page break
            blocks += [(index + 1, b) for b in found]
        pages = len(doc)
    finally:
        doc.close()
    out: list[PdfLine] = []
    numbers: dict[int, int] = {}
    for page_no, block in _join_wrapped(blocks):
        numbers[page_no] = numbers.get(page_no, 0) + 1
        out.append(PdfLine(block.text, page_no, numbers[page_no]))
    if total_chars < _MIN_TEXT_CHARS:
        what = "là bản quét (chỉ có hình ảnh)" if images else "không có chữ"
        raise PlanError(f"Tệp PDF “{name}” {what}, không có lớp văn bản để Loa đọc ({pages} trang). "
                        "Loa chưa nhận dạng chữ từ ảnh quét. Hãy dùng bản PDF gốc xuất từ hệ thống văn bản "
                        "điện tử, bản Word (.docx), hoặc gõ lại nội dung vào tệp .txt rồi thử lại.")
    return out


def _merge_row(previous: _Block, continued: _Block) -> None:
    before = previous.text.split("\t")
    after = continued.text.split("\t")
    previous.text = "\t".join(" ".join(x for x in (a.strip(), b.strip()) if x) for a, b in zip(before, after))


def _page_blocks(page) -> tuple[list[_Block], int, bool]:  # noqa: ANN001
    import pypdfium2.raw as raw

    textpage = page.get_textpage()
    try:
        chars = textpage.count_chars()
        runs = [_Run(*box, text, bold) for box, text, bold in _rect_texts(textpage)]
    finally:
        textpage.close()
    horizontal: list[tuple[float, float, float]] = []   # (y, x0, x1)
    vertical: list[tuple[float, float, float]] = []     # (x, y0, y1)
    has_images = False
    for obj in page.get_objects(max_depth=3):
        if obj.type == raw.FPDF_PAGEOBJ_IMAGE:
            has_images = True
            continue
        if obj.type != raw.FPDF_PAGEOBJ_PATH:
            continue
        left, bottom, right, top = obj.get_bounds()
        width, height = right - left, top - bottom
        if height <= _RULE_THICKNESS and width > _RULE_THICKNESS:
            horizontal.append(((top + bottom) / 2, left, right))
        elif width <= _RULE_THICKNESS and height > _RULE_THICKNESS:
            vertical.append(((left + right) / 2, bottom, top))
        elif width > _RULE_THICKNESS and height > _RULE_THICKNESS:
            horizontal += [(bottom, left, right), (top, left, right)]
            vertical += [(left, bottom, top), (right, bottom, top)]
    horizontal, vertical = _merge_rules(horizontal), _merge_rules(vertical)
    page_width = page.get_width()
    cells: dict[tuple[int, int, int, int], list[_Run]] = {}
    loose: list[_Run] = []
    for run in runs:
        key = _cell_of(run, horizontal, vertical, page_width) if horizontal and vertical else None
        if key is None:
            loose.append(run)
        else:
            cells.setdefault(key, []).append(run)
    blocks = _table_rows(cells, loose) + _visual_lines(loose)
    blocks.sort(key=lambda b: (-b.top, b.left))
    blocks = [b for b in blocks if not _PAGE_NUMBER.match(b.text)]
    return blocks, chars, has_images


def _rect_texts(textpage) -> list[tuple[tuple[float, float, float, float], str, bool]]:  # noqa: ANN001
    """Each text rectangle of the page with its text. PDFium builds the rectangles walking the
    characters in order, so each one's text is the page text from its first character to the
    next one's; that is one search per rectangle instead of `get_text_bounded`'s scan of the
    whole page per rectangle (ten times slower on a table page). If the first characters are
    not found in order, fall back to `get_text_bounded`."""
    import pypdfium2.raw as raw

    boxes = [textpage.get_rect(i) for i in range(textpage.count_rects())]
    full = textpage.get_text_range()
    starts = [raw.FPDFText_GetCharIndexAtPos(textpage.raw, (left + min(right, left + 3)) / 2, (bottom + top) / 2,
                                             2, 2) for left, bottom, right, top in boxes]
    ordered = all(0 <= a < b for a, b in zip(starts, starts[1:])) and (not starts or starts[0] >= 0)
    out = []
    for i, box in enumerate(boxes):
        bold = False
        if ordered:
            text = full[starts[i]:starts[i + 1] if i + 1 < len(starts) else len(full)]
            bold = raw.FPDFText_GetFontWeight(textpage.raw, starts[i]) >= 600
        else:
            text = textpage.get_text_bounded(*box)
        text = re.sub(r"\s+", " ", text.replace("\x02", "").replace("\ufffe", "")).strip()
        if text:
            out.append((box, text, bold))
    return out


def _merge_rules(rules: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """Rules on the same line (within 1 pt) joined where they touch: cell boxes draw each
    edge twice, and a ruled table has few distinct lines."""
    by_line: dict[int, list[tuple[float, float]]] = {}
    for pos, a, b in rules:
        by_line.setdefault(round(pos), []).append((a, b))
    out = []
    for pos, spans in by_line.items():
        spans.sort()
        start, end = spans[0]
        for a, b in spans[1:]:
            if a <= end + 2:
                end = max(end, b)
            else:
                out.append((float(pos), start, end))
                start, end = a, b
        out.append((float(pos), start, end))
    return out


def _cell_of(run: _Run, horizontal, vertical, page_width: float):  # noqa: ANN001, ANN202
    """The ruled cell around a run: (left, right, top, bottom) rounded, or None."""
    cx, cy = run.cx, run.cy
    above = min((y for y, x0, x1 in horizontal if y >= cy - 1 and x0 - 1 <= cx <= x1 + 1), default=None)
    below = max((y for y, x0, x1 in horizontal if y <= cy + 1 and x0 - 1 <= cx <= x1 + 1), default=None)
    left = max((x for x, y0, y1 in vertical if x <= cx and y0 - 1 <= cy <= y1 + 1), default=None)
    right = min((x for x, y0, y1 in vertical if x >= cx and y0 - 1 <= cy <= y1 + 1), default=None)
    if None in (above, below, left, right) or right - left > page_width * 0.8 or above - below > 400:
        return None
    return round(left), round(right), round(above), round(below)


def _table_rows(cells: dict, loose: list[_Run]) -> list[_Block]:  # noqa: ANN001
    """Cells grouped into rows by their top rule, in column order; a "table" of one column
    (a framed paragraph) is read as ordinary lines."""
    rows: dict[int, list[tuple[tuple[int, int, int, int], list[_Run]]]] = {}
    for key, runs in cells.items():
        rows.setdefault(key[2], []).append((key, runs))
    columns = {key[0] for key in cells}
    if len(columns) < 2:
        for runs in cells.values():
            loose.extend(runs)
        return []
    grid = sorted(columns)
    out = []
    for top, members in rows.items():
        members.sort(key=lambda m: m[0][0])
        texts = {m[0][0]: _cell_text(m[1]) for m in members}
        first = min(texts)
        start = grid.index(first) if first in grid else 0
        last = grid.index(max(texts))
        row = [texts.get(x, "") for x in grid[start:last + 1]]
        out.append(_Block(top=float(top), left=float(first), right=float(max(m[0][1] for m in members)),
                          text="\t".join(row), cells=len(row), first_cell_empty=not row[0]))
    return out


def _cell_text(runs: list[_Run]) -> str:
    lines = _visual_lines(runs, tabs=False)
    lines.sort(key=lambda b: (-b.top, b.left))
    return " ".join(b.text for b in lines)


def _visual_lines(runs: list[_Run], tabs: bool = True) -> list[_Block]:
    lines: list[list[_Run]] = []
    for run in sorted(runs, key=lambda r: -r.top):
        for line in lines:
            ref = line[0]
            overlap = min(ref.top, run.top) - max(ref.bottom, run.bottom)
            if overlap >= 0.5 * min(ref.top - ref.bottom, run.top - run.bottom):
                line.append(run)
                break
        else:
            lines.append([run])
    out = []
    for line in lines:
        line.sort(key=lambda r: r.left)
        text = line[0].text
        for prev, run in zip(line, line[1:]):
            gap = run.left - prev.right
            text += ("\t" if tabs and gap > _TAB_GAP else " ") + run.text
        out.append(_Block(top=max(r.top for r in line), left=line[0].left, right=line[-1].right, text=text,
                          bold=line[0].bold, bold_end=line[-1].bold))
    return out


def _join_wrapped(blocks: list[tuple[int, _Block]]) -> list[tuple[int, _Block]]:
    """A line that reaches the right margin is continued by the next plain line, also across
    a page break (the continuation keeps the first line's page and line)."""
    plain = [b.right for _, b in blocks if not b.cells and "\t" not in b.text]
    if len(plain) < 3:
        return blocks
    margin = statistics.quantiles(plain, n=10)[-1] if len(plain) >= 10 else max(plain)
    out: list[tuple[int, _Block]] = []
    for page_no, block in blocks:
        prev = out[-1][1] if out else None
        if (prev is not None and not prev.cells and not block.cells and "\t" not in prev.text + block.text
                and _wrapped(prev, block, margin) and not _starts_item(block.text)
                and not prev.text.endswith(":") and prev.bold_end == block.bold):
            prev.text = f"{prev.text} {block.text}"
            prev.right = block.right
            prev.bold_end = block.bold_end
            continue
        out.append((page_no, block))
    return out


def _wrapped(prev: _Block, block: _Block, margin: float) -> bool:
    """Whether `block` continues `prev`: `prev` runs to the margin (justified text), or — ragged
    text — the first word of `block` would not have fitted after it."""
    if prev.right >= margin - 15:
        return True
    if prev.text.endswith((".", ";", "!", "?", ":")) or not prev.text:
        return False
    char = (prev.right - prev.left) / max(len(prev.text), 1)
    first = block.text.split(" ", 1)[0]
    return prev.right + char * (len(first) + 1.5) > margin
