"""Build the PDF and .docx copies of the plan corpus from its text sources.

    python tests/data/plan_corpus/build.py        # writes built/<name>.pdf and built/<name>.docx

The sources (sources/*.md, *.txt, and the five shared sample plans) are written the way
plans are typed: a tab-separated block is a table. The renderings follow the layout of
Decree 30/2020/NĐ-CP as e-office systems print it: a borderless two-column header table
(agency and number on the left, national motto and place-date on the right), a bold centred
title, justified paragraphs, ruled task tables, and a borderless signature table. The PDF is
drawn with fpdf2 in DejaVu Serif (Debian's fonts-dejavu), the .docx with python-docx; the
.docx of sources listed in LETTERHEAD_IN_PAGE_HEADER put the letterhead in the page header,
as some units do. Output is deterministic (fixed creation date), so rebuilding changes
nothing unless a source changed.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
LETTERHEAD_IN_PAGE_HEADER = {"tay-ninh-so-tu-phap-2024"}
_TITLE = re.compile(r"^(?:KẾ HOẠCH|QUYẾT ĐỊNH|PHỤ LỤC)\b")


def sources() -> dict[str, tuple[Path, list[str]]]:
    """Corpus name → (text source, formats to render), from expected.json."""
    expected = json.loads((HERE / "expected.json").read_text(encoding="utf-8"))
    return {name: (ROOT / facts["source"], facts.get("renders", [])) for name, facts in expected.items()
            if facts.get("renders")}


def blocks(text: str) -> list[tuple[str, object]]:
    """("table", rows) | ("line", (text, bold, heading)), with tables marked as header or
    signature (borderless) or ruled."""
    out: list[tuple[str, object]] = []
    rows: list[list[str]] = []
    seen_title = False

    def flush() -> None:
        if rows:
            borderless = not seen_title or any(c.startswith(("Nơi nhận", "TM.", "KT.")) for r in rows for c in r)
            out.append(("table", (list(rows), borderless)))
            rows.clear()

    for raw in text.split("\n"):
        if "\t" in raw:
            rows.append([c.strip() for c in raw.split("\t")])
            continue
        flush()
        line = raw.strip()
        heading = line.startswith("#")
        bold = heading or line.startswith("**")
        line = re.sub(r"^#{1,6}\s*", "", line).replace("**", "").replace("*", "").rstrip("\\ ").strip()
        if _TITLE.match(line):
            seen_title = True
        out.append(("line", (line, bold, heading)))
    flush()
    return out


def render_pdf(text: str, align: str = "J") -> bytes:
    """The plan as a PDF; `align="L"` sets paragraphs ragged-right instead of justified."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF(format="A4")
    pdf.set_creation_date(dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc))
    pdf.set_margins(25, 20, 18)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_font("Serif", "", str(FONT_DIR / "DejaVuSerif.ttf"))
    pdf.add_font("Serif", "B", str(FONT_DIR / "DejaVuSerif-Bold.ttf"))
    pdf.add_font("Serif", "I", str(FONT_DIR / "DejaVuSerif-Italic.ttf"))
    pdf.add_page()
    pdf.set_font("Serif", "", 11)
    for kind, value in blocks(text):
        if kind == "table":
            rows, borderless = value
            width = max(len(r) for r in rows)
            pdf.set_font("Serif", "", 9 if not borderless else 10)
            widths = (45, 55) if borderless and width == 2 else None
            if widths is None and width >= 4:
                widths = tuple([6] + [(94 - 6) / (width - 1)] * (width - 1))
            with pdf.table(col_widths=widths, borders_layout="NONE" if borderless else "ALL",
                           text_align="CENTER" if borderless else "LEFT", v_align="TOP",
                           first_row_as_headings=not borderless and not re.fullmatch(r"\d+\.?", rows[0][0]),
                           headings_style=FontFace(emphasis="BOLD")) as table:
                for cells in rows:
                    row = table.row()
                    for c in range(width):
                        row.cell(cells[c] if c < len(cells) else "")
            pdf.set_font("Serif", "", 11)
            pdf.ln(2)
            continue
        line, bold, heading = value
        if not line:
            pdf.ln(2)
            continue
        centred = bool(_TITLE.match(line)) or (heading and line.isupper() and len(line) < 60)
        pdf.set_font("Serif", "B" if bold else "", 11)
        pdf.multi_cell(0, 5.5, line, align="C" if centred else align, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Serif", "", 11)
    return bytes(pdf.output())


def render_docx(text: str, letterhead_in_header: bool = False) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = Document()
    core = doc.core_properties
    core.created = core.modified = dt.datetime(2025, 1, 1)
    items = blocks(text)
    if letterhead_in_header and items and items[0][0] == "table":
        rows, _ = items.pop(0)[1]
        header = doc.sections[0].header
        table = header.add_table(rows=len(rows), cols=max(len(r) for r in rows), width=doc.sections[0].page_width)
        for r, cells in enumerate(rows):
            for c, value in enumerate(cells):
                table.cell(r, c).text = value
    for kind, value in items:
        if kind == "table":
            rows, borderless = value
            table = doc.add_table(rows=len(rows), cols=max(len(r) for r in rows))
            if not borderless:
                table.style = "Table Grid"
            for r, cells in enumerate(rows):
                for c, value_ in enumerate(cells):
                    table.cell(r, c).text = value_
            continue
        line, bold, _ = value
        if not line:
            continue
        p = doc.add_paragraph()
        p.add_run(line).bold = bold
        if _TITLE.match(line):
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    buf = io.BytesIO()
    doc.save(buf)
    return _fixed_zip_times(buf.getvalue())


def _fixed_zip_times(data: bytes) -> bytes:
    """The same package with every entry dated 2025-01-01, so a rebuild is byte-identical."""
    import zipfile

    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=(2025, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, src.read(item))
    return out.getvalue()


def main() -> int:
    out = HERE / "built"
    out.mkdir(exist_ok=True)
    for stem, (src, formats) in sorted(sources().items()):
        text = src.read_text(encoding="utf-8")
        if "pdf" in formats:
            (out / f"{stem}.pdf").write_bytes(render_pdf(text))
        if "docx" in formats:
            (out / f"{stem}.docx").write_bytes(render_docx(text, stem in LETTERHEAD_IN_PAGE_HEADER))
        print(f"built {stem}: {', '.join(formats)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
