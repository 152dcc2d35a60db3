"""Images attached to items: checked by size and by their first bytes (not by the name or the
browser's word), stored outside any web root under a random name."""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

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
