"""Uploaded files, stored outside any web root under random names. Images attached to items:
checked by size and by their first bytes (not by the name or the browser's word). Plan files
(.docx, .pdf, .md, .txt): checked by extension and size here, by content when the plan reader
reads them; kept under `plans/` between "read" and "import" (`store_pending`), then removed."""

from __future__ import annotations

import os
import re
import secrets
import time
from pathlib import Path, PurePosixPath, PureWindowsPath

from content.errors import LoaError

SIGNATURES = ((b"\xff\xd8\xff", ".jpg"), (b"\x89PNG\r\n\x1a\n", ".png"))
NAME_RE = re.compile(r"^[0-9a-f]{32}\.(jpg|png|webp)$")


class UploadError(LoaError):
    """An uploaded file that cannot be used."""


def kind_of(head: bytes) -> str | None:
    for magic, ext in SIGNATURES:
        if head.startswith(magic):
            return ext
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return ".webp"
    return None


def store_image(data: bytes, folder: Path, *, max_bytes: int) -> str:
    """Save an uploaded image; returns its stored name (random, 32 hex digits + extension)."""
    if not data:
        raise UploadError("Tệp ảnh trống.")
    if len(data) > max_bytes:
        raise UploadError(f"Ảnh quá lớn: {len(data) / 1048576:.1f} MB, tối đa {max_bytes / 1048576:.0f} MB.")
    ext = kind_of(data[:16])
    if ext is None:
        raise UploadError("Chỉ nhận ảnh JPEG, PNG hoặc WebP.")
    folder.mkdir(parents=True, exist_ok=True)
    name = secrets.token_hex(16) + ext
    fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    return name


def stored_path(folder: Path, name: str) -> Path | None:
    """The path of an image stored earlier, when `name` is one of ours and the file exists."""
    if not NAME_RE.match(name or ""):
        return None
    path = folder / name
    return path if path.is_file() else None


PLAN_SUFFIXES = (".docx", ".pdf", ".md", ".txt")
PENDING_RE = re.compile(r"^[0-9a-f]{32}\.(docx|pdf|md|txt)$")
PENDING_HOURS = 24        # an upload not imported within a day is removed


def plan_file_name(filename: str | None) -> str:
    """The uploaded plan's own name (no folders, at most 200 characters); UploadError when it is
    not a .docx, .pdf, .md or .txt file."""
    name = PureWindowsPath(PurePosixPath(filename or "").name).name.strip()[:200]
    if not name:
        raise UploadError("Hãy chọn tệp kế hoạch (.docx, .pdf, .md hoặc .txt).")
    if Path(name).suffix.lower() not in PLAN_SUFFIXES:
        raise UploadError(f"“{name}” không phải tệp kế hoạch Loa đọc được: chỉ nhận tệp Word (.docx), PDF có "
                          "lớp chữ (.pdf), Markdown (.md) hoặc văn bản (.txt).")
    return name


def store_pending(data: bytes, folder: Path, name: str) -> str:
    """Keep an uploaded plan until it is imported; returns its stored name. Older ones are removed."""
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - PENDING_HOURS * 3600
    for old in folder.iterdir():
        if PENDING_RE.match(old.name) and old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    stored = secrets.token_hex(16) + Path(name).suffix.lower()
    fd = os.open(folder / stored, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    return stored


def pending_path(folder: Path, stored: str) -> Path | None:
    """The path of a plan kept by `store_pending`, when `stored` is one of ours and still there."""
    if not PENDING_RE.match(stored or ""):
        return None
    path = folder / stored
    return path if path.is_file() else None
