"""One `loa run` per SQLite database: an OS file lock beside the database file.

The kernel drops the lock when the process dies (even on kill -9), so a crash never leaves a
stale lock behind. PostgreSQL needs no lock: posts are claimed row by row with
`FOR UPDATE SKIP LOCKED`, so several instances share the work.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from sqlalchemy.engine import make_url


class AlreadyRunning(Exception):
    """Another `loa run` holds this SQLite database; the message says what to do."""


class InstanceLock:
    def __init__(self, database_url: str):
        url = make_url(database_url)
        self.path: Path | None = None
        if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
            self.path = Path(url.database).with_name(Path(url.database).name + ".run.lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode(errors="replace").strip() or "?"
            os.close(fd)
            raise AlreadyRunning(
                f"Đã có một tiến trình “loa run” khác (PID {holder}) đang chạy trên cơ sở dữ liệu SQLite "
                f"{self.path.with_suffix('').with_suffix('')}. SQLite chỉ cho phép một tiến trình; "
                "hãy dừng tiến trình kia, hoặc dùng PostgreSQL để chạy nhiều tiến trình cùng lúc.") from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> "InstanceLock":
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
