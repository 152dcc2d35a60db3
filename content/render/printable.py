"""Documents on paper: the radio script an announcer reads and the hotline notice posted at the
one-stop desk, as A4 .docx in the unit's administrative layout (`docx_vi`), plus the helpers the
printable HTML notice shares with them.

What it decides:
- The place-and-date line is Decree 30/2020's: "Ngọc Lâm, ngày 06 tháng 3 năm 2024" (a day
  below 10 and the months 1 and 2 take a leading zero); the place is `[unit] place`, else the
  name after "Ủy ban nhân dân <cấp>".
- Paper has no clickable links: a link labelled "Xem chi tiết" (or the like) is dropped, other
  links keep their words; where a link is useful (the article's page on the portal, else the
  first link of the text) a QR code of it is printed instead, made by `segno`.
- The radio script: reading time at the top, the speech left-aligned (never justified: stretched
  words make an announcer stumble), one paragraph per line of the script, 14 pt, 1.5 line
  spacing. The hotline notice fits one page: 13 pt text, 12 pt lists, the number large.
Both .docx are byte-stable (same input, same bytes).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Iterable

import segno
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm
from lxml import html as lxml_html

from content.render import docx_vi as dv
from content.text import nfc

LINK_LABELS = ("xem chi tiết", "chi tiết", "xem thêm", "đọc thêm", "xem tại đây", "tại đây", "link", "đường dẫn")
_UBND = "ủy ban nhân dân"
_LEVELS = ("thành phố", "thị trấn", "thị xã", "phường", "huyện", "quận", "tỉnh", "xã")


# ------------------------------------------------------------------ names, places, dates


def unit_lines(unit: str) -> tuple[str, ...]:
    """The unit's name in capitals, "ỦY BAN NHÂN DÂN" on a line of its own: ("ỦY BAN NHÂN DÂN",
    "XÃ NGỌC LÂM"); other bodies on one line."""
    up = re.sub(r"^UBND\b", _UBND.upper(), " ".join(nfc(unit).upper().split()))
    up = re.sub(r"^UỶ BAN", "ỦY BAN", up)
    if up.startswith(_UBND.upper()) and len(up) > len(_UBND):
        return (up[:len(_UBND)], up[len(_UBND):].strip())
    return (up,)


def place_of(unit: str) -> str:
    """"Ủy ban nhân dân xã Ngọc Lâm" → "Ngọc Lâm"; other names are returned unchanged."""
    rest = " ".join(nfc(unit).split())
    rest = re.sub(r"^(UBND|[ỦUủu][ỷy] ban nhân dân)\s+", "", rest, flags=re.IGNORECASE)
    for level in _LEVELS:
        if rest.lower().startswith(level + " "):
            return rest[len(level):].strip()
    return rest


def place_date(place: str, day: date) -> str:
    """"Ngọc Lâm, ngày 06 tháng 3 năm 2024" (Decree 30/2020: zero before days 1–9, months 1–2)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


# ------------------------------------------------------------------ links on paper


@dataclass(frozen=True)
class PaperText:
    html: str                    # the text's HTML with no anchors left
    links: tuple[str, ...]       # the http(s) addresses it pointed to, in order


def paper_html(fragment: str) -> PaperText:
    """Sanitised HTML → the same without links: "Xem chi tiết"-like anchors (and a paragraph left
    empty by them) removed, other anchors unwrapped to their words."""
    if not fragment.strip():
        return PaperText("", ())
    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    links: list[str] = []
    for a in list(root.iter("a")):
        href = (a.get("href") or "").strip()
        if href.startswith(("http://", "https://")) and href not in links:
            links.append(href)
        label = " ".join(a.text_content().split()).strip(" .:…").lower()
        parent = a.getparent()
        if label in LINK_LABELS or label == href.lower():
            a.drop_tree()
            if parent is not None and parent.tag in ("p", "li") and not parent.text_content().strip(" .:…\n"):
                parent.drop_tree()
        else:
            a.drop_tag()
    html = "".join(lxml_html.tostring(child, encoding="unicode") for child in root)
    return PaperText(((root.text or "") + html).strip(), tuple(links))


def qr_svg(url: str, *, size_mm: float = 28) -> str:
    """An inline SVG QR code of `url`, `size_mm` wide, labelled for screen readers."""
    qr = segno.make(url, error="m", micro=False)
    buf = io.BytesIO()
    qr.save(buf, kind="svg", xmldecl=False, svgns=True, nl=False, border=2, scale=1, title=None,
            unit="mm")
    svg = buf.getvalue().decode("utf-8")
    return re.sub(r"<svg ", f'<svg role="img" aria-label="Mã QR: {_attr(url)}" '
                          f'style="width:{size_mm}mm;height:{size_mm}mm" ', svg, count=1)


def qr_png(url: str, *, scale: int = 8) -> bytes:
    buf = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buf, kind="png", scale=scale, border=2)
    return buf.getvalue()


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


# ------------------------------------------------------------------ the radio script


def fmt_duration(seconds: int) -> str:
    m, s = divmod(int(seconds), 60)
    return f"{m} phút {s} giây" if m else f"{s} giây"


def radio_docx(*, title: str, station: str, day: date, seconds: int, words: int, wpm: int,
               script: str, unit: str = "", place: str = "") -> bytes:
    """The script on A4 in the unit's layout: letterhead, place and date, "KỊCH BẢN PHÁT THANH",
    the title, the station, day and reading time at the top, then the speech, left-aligned."""
    doc = dv.new_document()
    doc.core_properties.title, doc.core_properties.author = title, station
    if unit:
        dv.letterhead(doc, unit_lines=unit_lines(unit), place_date=place_date(place or place_of(unit), day))
    dv.par(doc, "KỊCH BẢN PHÁT THANH", 14, dv.CENTER, bold=True, before=12, keep=True)
    dv.par(doc, title, 14, dv.CENTER, bold=True, after=6, keep=True)
    for label, value in (("Đài", station), ("Ngày phát", f"{day:%d/%m/%Y}"),
                         ("Thời lượng đọc", f"khoảng {fmt_duration(seconds)} ({words} tiếng, "
                                            f"{wpm} tiếng/phút)")):
        p = dv.par(doc, "", 13, dv.LEFT, keep=True)
        dv.run(p, f"{label}: ", 13, bold=True)
        dv.run(p, value, 13)
    dv.rule(doc, 40, dv.text_width_mm(doc))
    for block in script.strip().split("\n\n"):
        lines = [x.strip() for x in block.split("\n") if x.strip()]
        for i, line in enumerate(lines):
            p = dv.par(doc, line, 14, dv.LEFT, before=6 if i == 0 else 0, after=0)
            p.paragraph_format.line_spacing = 1.5
            p.paragraph_format.widow_control = True
    return dv.to_bytes(doc, datetime(day.year, day.month, day.day))


# ------------------------------------------------------------------ the hotline notice


@dataclass(frozen=True)
class Notice:
    unit: str
    place: str
    day: date
    title: str
    intro_html: str               # already without links (paper_html)
    phones: tuple[str, ...]
    email: str
    address: str
    hours: str
    topics: tuple[str, ...]
    requirements: tuple[str, ...]
    refusals: tuple[str, ...]
    qr_url: str | None = None


def _cell_shading(cell, fill: str) -> None:  # noqa: ANN001
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    for k, v in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", fill)):
        shd.set(qn(k), v)
    tcpr.append(shd)


def _intro_paragraphs(intro_html: str) -> list[str]:
    """The introduction as paragraphs of text (list items "• …")."""
    if not intro_html.strip():
        return []
    root = lxml_html.fragment_fromstring(intro_html, create_parent="div")
    out = []
    for el in root:
        if el.tag in ("ul", "ol"):
            out += [f"• {' '.join(li.text_content().split())}" for li in el.iter("li")]
        elif text := " ".join(el.text_content().split()):
            out.append(text)
    return out or [t for t in [" ".join(root.text_content().split())] if t]


def _list(doc, heading: str, items: Iterable[str]) -> None:  # noqa: ANN001
    dv.par(doc, heading, 13, dv.LEFT, bold=True, before=4, after=1, keep=True)
    for item in items:
        p = dv.par(doc, f"- {item}", 12, dv.JUSTIFY, after=0)
        p.paragraph_format.left_indent = Mm(4)
        p.paragraph_format.first_line_indent = Mm(-3)


def hotline_docx(n: Notice) -> bytes:
    """The notice on one A4 page: letterhead and place-date line, THÔNG BÁO and its subject,
    the introduction (with a QR code of the useful link beside it), the number(s) large in a
    box, how else to reach the unit, and what is received, what to give, what is refused."""
    doc = dv.new_document(size_pt=13, margins=(15, 15, 25, 15))
    doc.core_properties.title = f"Thông báo: {n.title}"
    dv.letterhead(doc, unit_lines=unit_lines(n.unit), place_date=place_date(n.place, n.day))
    dv.par(doc, "THÔNG BÁO", 15, dv.CENTER, bold=True, before=8, keep=True)
    dv.par(doc, n.title, 13, dv.CENTER, bold=True, after=2, keep=True)
    dv.rule(doc, 40, dv.text_width_mm(doc))
    width = dv.text_width_mm(doc)
    paragraphs = _intro_paragraphs(n.intro_html)
    if n.qr_url:
        t = doc.add_table(rows=1, cols=2)
        dv.widths(t, [width - 38, 38])
        left, right = t.rows[0].cells
        for i, text in enumerate(paragraphs or [""]):
            dv.par(left, text, 13, dv.JUSTIFY, after=2, first=left.paragraphs[0] if i == 0 else None)
        pic = right.paragraphs[0]
        pic.alignment = dv.CENTER
        pic.add_run().add_picture(io.BytesIO(qr_png(n.qr_url)), width=Mm(28))
        dv.par(right, "Quét mã để xem chi tiết", 9, dv.CENTER, italic=True)
    else:
        for text in paragraphs:
            dv.par(doc, text, 13, dv.JUSTIFY, after=2, indent=True)
    if n.phones:
        box = doc.add_table(rows=1, cols=1)
        box.style = doc.styles["Table Grid"]
        box.alignment = WD_TABLE_ALIGNMENT.CENTER
        dv.widths(box, [width * 0.8])
        cell = box.rows[0].cells[0]
        _cell_shading(cell, "FFF4F4")
        dv.par(cell, "SỐ ĐIỆN THOẠI ĐƯỜNG DÂY NÓNG", 12, dv.CENTER, bold=True, before=3, first=cell.paragraphs[0])
        for phone in n.phones:
            dv.par(cell, phone, 24, dv.CENTER, bold=True, after=2)
    details = [(k, v) for k, v in (("Thư điện tử", n.email), ("Địa chỉ tiếp nhận", n.address),
                                   ("Thời gian tiếp nhận", n.hours)) if v]
    for k, v in details:
        p = dv.par(doc, "", 13, dv.LEFT, before=2 if k == details[0][0] else 0)
        dv.run(p, f"{k}: ", 13, bold=True)
        dv.run(p, v, 13)
    if n.topics:
        _list(doc, "Nội dung tiếp nhận phản ánh, kiến nghị", n.topics)
    _list(doc, "Khi phản ánh, kiến nghị, đề nghị cung cấp", n.requirements)
    _list(doc, "Không tiếp nhận, xử lý", n.refusals)
    dv.drop_leading_empty_paragraph(doc)
    return dv.to_bytes(doc, datetime(n.day.year, n.day.month, n.day.day))

