"""An item's body from the file staff wrote it in → Markdown.

What it decides:
- .docx (python-docx): headings ("Heading 1…6", "Title") become "#"-headings, Word lists
  become "- " / "1. " items (nested by level), bold and italic runs become **…** and *…*,
  tables become Markdown tables; empty paragraphs separate blocks.
- .md, .txt and anything else textual: read by `content.textfile` (UTF-8 with or without BOM,
  UTF-16 as Notepad saves "Unicode").
- Refused with a Vietnamese `BodyFileError`: missing file, a folder, over 2 MB, old Word .doc,
  PDF, RTF, a broken .docx, binary or non-Unicode text.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from content.errors import LoaError
from content.textfile import TextFileError, decode_text

MAX_BYTES = 2 * 1024 * 1024
_HINT = "Hãy lưu lại nội dung dạng .docx, .md hoặc .txt (UTF-8) rồi thử lại."


class BodyFileError(LoaError):
    """A body file Loa cannot read."""


def read_body_file(path: str | Path) -> str:
    p = Path(path)
    try:
        if p.is_dir():
            raise BodyFileError(f"“{p}” là thư mục, không phải tệp nội dung.")
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise BodyFileError(f"Tệp nội dung “{p.name}” quá lớn ({size / 1024 / 1024:.1f} MB; tối đa 2 MB). "
                                "Hãy bỏ ảnh chèn trong tệp; ảnh kèm bài dùng --image.")
        data = p.read_bytes()
    except FileNotFoundError:
        raise BodyFileError(f"Không tìm thấy tệp nội dung: {p}") from None
    except PermissionError:
        raise BodyFileError(f"Không có quyền đọc tệp nội dung “{p}”.") from None
    return body_from_bytes(data, p.name)


def body_from_bytes(data: bytes, name: str) -> str:
    """Markdown (NFC) from a body file's bytes (also used for uploads in the web console)."""
    suffix = Path(name).suffix.lower()
    if not data.strip():
        raise BodyFileError(f"Tệp “{name}” trống.")
    if data.startswith(b"\xd0\xcf\x11\xe0") or suffix == ".doc":
        raise BodyFileError(f"“{name}” là tệp Word cũ (.doc), Loa chưa đọc được. Hãy mở bằng Word, chọn "
                            "Lưu thành… dạng .docx rồi thử lại.")
    if data.startswith(b"%PDF"):
        raise BodyFileError(f"“{name}” là tệp PDF; Loa không lấy nội dung bài từ PDF. {_HINT}")
    if data.startswith(b"{\\rtf"):
        raise BodyFileError(f"“{name}” là tệp RTF. {_HINT}")
    if data.startswith(b"PK\x03\x04") or suffix == ".docx":
        return docx_to_markdown(data, name)
    try:
        return decode_text(data, name).lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    except TextFileError as e:
        raise BodyFileError(e.message) from None


def docx_to_markdown(data: bytes, name: str) -> str:
    try:
        from docx import Document

        doc = Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError):
        raise BodyFileError(f"Tệp “{name}” không phải .docx hợp lệ hoặc đã hỏng. Hãy mở bằng Word, lưu lại dạng "
                            ".docx rồi thử lại.") from None
    except Exception as e:  # noqa: BLE001 - lxml/zip errors of every kind mean "corrupt"
        raise BodyFileError(f"Tệp “{name}” bị hỏng, không đọc được ({type(e).__name__}).") from None
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    numbering = _numbering_formats(doc)
    counters: dict[tuple[str, int], int] = {}
    blocks: list[str] = []
    in_list = False
    for child in doc.element.body.iterchildren():
        if child.tag == qn("w:p"):
            para = Paragraph(child, doc)
            text = _runs_markdown(para)
            style = (para.style.name if para.style is not None else "") or ""
            level, kind = _list_info(para, style, numbering)
            if not text.strip():
                in_list = False
                counters.clear()
                continue
            if kind:
                key = (kind, level)
                counters[key] = counters.get(key, 0) + 1
                for deeper in [k for k in counters if k[1] > level]:
                    del counters[deeper]
                marker = f"{counters[key]}." if kind == "number" else "-"
                line = "   " * level + f"{marker} {text.strip()}"
                if in_list and blocks:
                    blocks[-1] += "\n" + line
                else:
                    blocks.append(line)
                in_list = True
                continue
            in_list = False
            counters.clear()
            heading = _heading_level(style)
            if heading:
                blocks.append("#" * heading + " " + _plain(para.text).strip())
            else:
                blocks.append(text.strip())
        elif child.tag == qn("w:tbl"):
            in_list = False
            rows = []
            for row in Table(child, doc).rows:
                cells, seen = [], set()
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    cells.append(" ".join(_plain(p.text).strip() for p in cell.paragraphs if p.text.strip())
                                 .replace("|", "\\|"))
                rows.append(cells)
            if rows:
                width = max(len(r) for r in rows)
                rows = [r + [""] * (width - len(r)) for r in rows]
                lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * width]
                lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
                blocks.append("\n".join(lines))
    text = "\n\n".join(b for b in blocks if b.strip())
    if not text.strip():
        raise BodyFileError(f"Tệp “{name}” không có chữ nào.")
    import unicodedata

    return unicodedata.normalize("NFC", text)


def _plain(text: str) -> str:
    return text.replace("\t", " ")


_MD_SPECIAL = re.compile(r"([\\`*_\[\]])")


def _runs_markdown(para) -> str:  # noqa: ANN001
    """The paragraph's runs with bold/italic as Markdown; adjacent runs of one style merged."""
    pieces: list[tuple[str, bool, bool]] = []
    for run in para.runs:
        t = _plain(run.text)
        if not t:
            continue
        bold, italic = bool(run.bold), bool(run.italic)
        if pieces and pieces[-1][1:] == (bold, italic):
            pieces[-1] = (pieces[-1][0] + t, bold, italic)
        else:
            pieces.append((t, bold, italic))
    if not pieces:
        return _MD_SPECIAL.sub(r"\\\1", _plain(para.text))
    out = []
    for t, bold, italic in pieces:
        body = _MD_SPECIAL.sub(r"\\\1", t)
        core = body.strip()
        if not core or not (bold or italic):
            out.append(body)
            continue
        mark = "***" if bold and italic else "**" if bold else "*"
        lead = body[:len(body) - len(body.lstrip())]
        tail = body[len(body.rstrip()):]
        out.append(f"{lead}{mark}{core}{mark}{tail}")
    return "".join(out)


def _heading_level(style: str) -> int:
    if style == "Title":
        return 1
    m = re.fullmatch(r"Heading (\d)", style)
    return min(int(m.group(1)), 6) if m else 0


def _numbering_formats(doc) -> dict[tuple[str, str], str]:  # noqa: ANN001
    from docx.oxml.ns import qn

    formats: dict[tuple[str, str], str] = {}
    try:
        root = doc.part.numbering_part.element
    except (KeyError, NotImplementedError, AttributeError):
        return formats
    abstract = {}
    for an in root.findall(qn("w:abstractNum")):
        levels = {}
        for lvl in an.findall(qn("w:lvl")):
            fmt = lvl.find(qn("w:numFmt"))
            levels[lvl.get(qn("w:ilvl"))] = fmt.get(qn("w:val")) if fmt is not None else "bullet"
        abstract[an.get(qn("w:abstractNumId"))] = levels
    for num in root.findall(qn("w:num")):
        ref = num.find(qn("w:abstractNumId"))
        if ref is not None:
            for ilvl, fmt in abstract.get(ref.get(qn("w:val")), {}).items():
                formats[(num.get(qn("w:numId")), ilvl)] = fmt
    return formats


def _list_info(para, style: str, formats: dict[tuple[str, str], str]) -> tuple[int, str | None]:  # noqa: ANN001
    """(nesting level, "bullet" | "number" | None) of a paragraph."""
    from docx.oxml.ns import qn

    ppr = para._p.pPr
    numpr = ppr.find(qn("w:numPr")) if ppr is not None else None
    if numpr is not None:
        num_id = numpr.find(qn("w:numId"))
        ilvl = numpr.find(qn("w:ilvl"))
        key = (num_id.get(qn("w:val")) if num_id is not None else "0",
               ilvl.get(qn("w:val")) if ilvl is not None else "0")
        if key[0] == "0":
            return 0, None
        fmt = formats.get(key, "bullet")
        return int(key[1]), "bullet" if fmt in ("bullet", "none") else "number"
    if style.startswith("List Bullet"):
        m = re.search(r"(\d)$", style)
        return (int(m.group(1)) - 1 if m else 0), "bullet"
    if style.startswith("List Number"):
        m = re.search(r"(\d)$", style)
        return (int(m.group(1)) - 1 if m else 0), "number"
    return 0, None
