"""Writing files that people and web servers read: whole or not at all, readable by others.

What it decides: a file is written through a temporary file in the same folder and renamed into
place (never half a file), with the permissions an ordinary `open()` would give — 0666 less the
process's umask, so 0644 under the usual 022 — because `tempfile.mkstemp` creates files 0600,
which made every page of the static portal a 403 for a web server running as another user and
radio scripts unreadable for other staff. Folders are created with the umask too (0755).
`overwrite=False` refuses to replace an existing file, atomically (a hard link, not a check
followed by a write).
"""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path

_lock = threading.Lock()


def current_umask() -> int:
    """The process's umask, read without changing it where Linux allows (/proc), else briefly set."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    with _lock:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def file_mode() -> int:
    return 0o666 & ~current_umask()


def write_atomic(path: Path, data: bytes | str, *, overwrite: bool = True) -> Path:
    """Write `path` via a temporary file in the same folder. Raises FileExistsError when the
    file exists and `overwrite` is False (nothing is written then)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fchmod(fh.fileno(), file_mode())
            os.fsync(fh.fileno())
        if overwrite:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)          # fails if `path` exists: no check-then-write race
            os.unlink(tmp)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path
