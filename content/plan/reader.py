"""Plan files → text: size and type checks, encodings, and .docx → lines.

What users actually send, and what happens:
- UTF-8 (with or without BOM, CRLF or not) and UTF-16 with BOM: read; decomposed (NFD)
  diacritics are composed (NFC).
- .docx: paragraphs in document order (Word list numbering is written out as "1.", "a)",
  "-" so the parser sees the same markers as in a text file), tables as tab-separated rows.
- TCVN3 (ABC) text — bytes, or "KÕ ho¹ch" characters left by a .VnTime font — is converted
  to Unicode automatically, with a warning asking staff to check the result.
- PDF with a text layer: lines put back in reading order by `content.plan.pdf`, each with
  its page and line; a scan (no text layer) is refused.
- Everything else is refused with a Vietnamese `PlanError` that says what to do: empty,
  over 5 MB, binary, a scanned or broken PDF, RTF, old Word .doc, a corrupt .docx, VNI text,
  or bytes that are not UTF-8 (e.g. Windows-1258).
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from content.plan.model import PlanError
from content.plan.pdf import pdf_lines
from content.plan.word import DocxError, docx_lines
from content.textfile import BinaryFile, NotUnicode, decode_text

MAX_BYTES = 5 * 1024 * 1024
MAX_PDF_BYTES = 20 * 1024 * 1024  # signed e-office PDFs carry seal and signature images
_CONVERT_HINT = ("Hãy mở tệp bằng Word, chọn Tệp → Lưu thành… và lưu dạng .docx "
                 "(hoặc văn bản .txt với mã hóa UTF-8), rồi thử lại.")


@dataclass
class PlanSource:
    name: str
    text: str
    sha256: str
    warnings: list[str] = field(default_factory=list)
    # Where each line of `text` came from, for --explain ("trang 2, dòng 14"); None: "dòng N".
    origins: list[str] | None = None


def read_plan_source(path: str | os.PathLike[str]) -> PlanSource:
    """Read a plan file into text, checking it first. Raises `PlanError` (Vietnamese)."""
    p = Path(path)
    try:
        if p.is_dir():
            raise PlanError(f"“{p}” là một thư mục, không phải tệp. Hãy chỉ đến tệp kế hoạch (.docx, .md, .txt).")
        size = p.stat().st_size
        limit = MAX_PDF_BYTES if p.suffix.lower() == ".pdf" else MAX_BYTES
        if size > limit:
            raise PlanError(f"Tệp “{p.name}” quá lớn ({size / 1024 / 1024:.1f} MB; tối đa "
                            f"{limit // 1024 // 1024} MB). "
                            "Kế hoạch tuyên truyền thường chỉ vài chục KB: hãy bỏ ảnh chèn trong tệp "
                            "hoặc lưu lại chỉ phần văn bản.")
        data = p.read_bytes()
    except FileNotFoundError:
        raise PlanError(f"Không tìm thấy tệp “{p}”. Hãy kiểm tra lại đường dẫn và tên tệp.") from None
    except PermissionError:
        raise PlanError(f"Không có quyền đọc tệp “{p}”. Hãy kiểm tra quyền truy cập tệp.") from None
    except OSError as e:
        raise PlanError(f"Không đọc được tệp “{p}”: {e.strerror or e}.") from None
    return source_from_bytes(data, p.name)


def source_from_bytes(data: bytes, name: str) -> PlanSource:
    """A `PlanSource` from a plan file's bytes: its text (NFC), warnings, and for a PDF the page
    and line of every text line. Raises `PlanError` (Vietnamese)."""
    warnings: list[str] = []
    origins: list[str] = []
    text = decode_plan_bytes(data, name, warnings, origins)
    return PlanSource(name=name, text=text, sha256=hashlib.sha256(data).hexdigest(), warnings=warnings,
                      origins=origins or None)


def decode_plan_bytes(data: bytes, name: str, warnings: list[str] | None = None,
                      origins: list[str] | None = None) -> str:
    """The text of a plan file's bytes (NFC). Conversions made are appended to `warnings`; for a
    PDF, each line's page and line are appended to `origins`."""
    warnings = warnings if warnings is not None else []
    is_pdf = data[:1024].lstrip().startswith(b"%PDF") or (b"%PDF-" in data[:1024] and name.lower().endswith(".pdf"))
    limit = MAX_PDF_BYTES if is_pdf else MAX_BYTES
    if len(data) > limit:
        raise PlanError(f"Tệp “{name}” quá lớn (tối đa {limit // 1024 // 1024} MB).")
    if not data.strip():
        raise PlanError(f"Tệp “{name}” trống, không có nội dung. Hãy chọn đúng tệp kế hoạch rồi thử lại.")
    suffix = Path(name).suffix.lower()
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise PlanError(f"“{name}” là tệp Word cũ (.doc) hoặc Office 97–2003, Loa chưa đọc được. " + _CONVERT_HINT)
    if data.startswith(b"PK\x03\x04") or suffix == ".docx":
        text = docx_to_text(data, name)
    elif is_pdf:
        lines = pdf_lines(data, name)
        text = "\n".join(ln.text for ln in lines)
        if origins is not None:
            origins.extend(ln.origin for ln in lines)
    elif suffix == ".pdf":
        raise PlanError(f"“{name}” có đuôi .pdf nhưng không phải tệp PDF (hoặc đã hỏng). "
                        "Hãy tải lại tệp, hoặc dùng bản Word (.docx) của kế hoạch.")
    elif data.startswith(b"{\\rtf"):
        raise PlanError(f"“{name}” là tệp RTF, Loa chưa đọc được. " + _CONVERT_HINT)
    elif suffix == ".doc":
        raise PlanError(f"“{name}” là tệp Word cũ (.doc), Loa chưa đọc được. " + _CONVERT_HINT)
    else:
        text = _decode_text(data, name, warnings)
    text = unicodedata.normalize("NFC", text)
    if looks_like_tcvn3(text):
        text = tcvn3_to_unicode(text)
        warnings.append(f"Tệp “{name}” dùng bảng mã cũ TCVN3 (ABC, phông .VnTime); Loa đã tự chuyển sang "
                        "Unicode. Hãy kiểm tra lại dấu tiếng Việt trong kết quả, và lần sau nên lưu tệp "
                        "bằng Unicode (ví dụ chuyển mã bằng Unikey).")
    elif looks_like_vni(text):
        raise PlanError(f"Tệp “{name}” dùng bảng mã cũ VNI (phông VNI-Times), Loa không đọc đúng được. "
                        "Hãy chuyển sang Unicode (ví dụ bằng công cụ chuyển mã của Unikey) rồi thử lại.")
    if not text.strip():
        raise PlanError(f"Tệp “{name}” không có chữ nào. Hãy chọn đúng tệp kế hoạch rồi thử lại.")
    return text


def _decode_text(data: bytes, name: str, warnings: list[str]) -> str:
    """UTF-8/UTF-16 through the shared reader (`content.textfile`); bytes that are not Unicode
    may still be TCVN3 or VNI, which the caller converts or refuses."""
    try:
        return decode_text(data, name)
    except BinaryFile:
        raise PlanError(f"“{name}” không phải tệp văn bản (có vẻ là tệp nhị phân: ảnh, tệp nén, chương trình…). "
                        "Loa đọc kế hoạch dạng .docx, .md hoặc .txt.") from None
    except NotUnicode as e:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise PlanError(f"Tệp “{name}” hỏng (UTF-16 không hợp lệ). " + _CONVERT_HINT) from None
        latin = data.decode("latin-1")
        mostly_utf8 = _VN_ONLY.search(data.decode("utf-8", errors="replace"))
        if not mostly_utf8 and (looks_like_tcvn3(latin) or looks_like_vni(latin)):
            return latin  # converted, or refused with its own message, by the caller
        raise PlanError(
            f"Tệp “{name}” không phải văn bản Unicode UTF-8 (byte lạ ở vị trí {e.start}); có thể tệp đang "
            "dùng bảng mã Windows-1258, VNI hoặc TCVN3. Hãy mở tệp bằng Notepad hoặc Word, chọn Lưu thành… "
            "với mã hóa UTF-8 (hoặc lưu dạng .docx), rồi thử lại.") from None


# --- legacy Vietnamese encodings ------------------------------------------------------------

_TCVN3_SRC = ("µ¸¶·¹¨»¾¼½Æ©ÇÊÈÉË®ÌÐÎÏÑªÒÕÓÔÖ×ÝØÜÞßãáâä«åèæçé¬êíëìîïóñòô\xadõøö÷ùúýûüþ¡¢§£¤¥¦")
_TCVN3_DST = ("àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵĂÂĐÊÔƠƯ")
_TCVN3 = str.maketrans(_TCVN3_SRC, _TCVN3_DST)
# TCVN3 codes 0xA1-0xBE (ạ á à ă â ê ô ơ ư đ …) are frequent in TCVN3 text and are neither
# Vietnamese letters nor used by VNI, so they tell TCVN3 apart from Unicode and from VNI.
_TCVN3_ONLY = frozenset(c for c in _TCVN3_SRC if "\xa1" <= c <= "\xbe")
_VN_ONLY = re.compile(r"[ăđơưĂĐƠƯ\u1ea0-\u1ef9]")


def looks_like_tcvn3(text: str) -> bool:
    sample = text[:200_000]
    legacy = sum(1 for c in sample if c in _TCVN3_ONLY)
    return legacy >= 3 and legacy > 3 * len(_VN_ONLY.findall(sample))


def tcvn3_to_unicode(text: str) -> str:
    """TCVN3 (ABC) → Unicode. TCVN3 has no upper-case accented vowels (an upper-case font
    drew them), so a line whose plain letters are all capitals is upper-cased whole."""
    out = []
    for line in text.translate(_TCVN3).split("\n"):
        ascii_letters = [c for c in line if c.isascii() and c.isalpha()]
        if len(ascii_letters) >= 3 and all(c.isupper() for c in ascii_letters):
            line = line.upper()
        out.append(line)
    return unicodedata.normalize("NFC", "\n".join(out))


# VNI writes a vowel followed by a Latin-1 "mark" character: "Keá hoaïch", "ñòa phöông".
_VNI_MARKS = re.compile(r"[aeiouyAEIOUY][øùûõïâêáàåãäéèëíìóòôöúØÙÛÕÏÂÊÁÀÅÃÄ]|ñ")


def looks_like_vni(text: str) -> bool:
    sample = text[:200_000]
    return len(_VNI_MARKS.findall(sample)) >= 5 and not _VN_ONLY.search(sample)


# --- .docx ---------------------------------------------------------------------------------

def docx_to_text(data: bytes, name: str) -> str:
    """Paragraphs and tables of a .docx in document order, one line per paragraph, table rows
    as tab-separated cells (`content.plan.word`)."""
    try:
        return "\n".join(docx_lines(data))
    except (zipfile.BadZipFile, DocxError, KeyError, ValueError) as e:
        kind = "bị hỏng" if isinstance(e, zipfile.BadZipFile) else "không phải .docx hợp lệ"
        raise PlanError(f"Tệp “{name}” {kind} (không mở được như tài liệu Word). "
                        "Hãy mở tệp bằng Word để kiểm tra, lưu lại dạng .docx rồi thử lại.") from None
    except Exception as e:  # noqa: BLE001 - zlib and zip errors of every kind mean "corrupt"
        raise PlanError(f"Tệp “{name}” bị hỏng, không đọc được ({type(e).__name__}). "
                        "Hãy mở bằng Word, lưu lại dạng .docx rồi thử lại.") from None
