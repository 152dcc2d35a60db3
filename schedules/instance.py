"""One `loa run` per SQLite database: an OS file lock beside the database file.

The kernel drops the lock when the process dies (even on kill -9), so a crash never leaves a
stale lock behind. PostgreSQL needs no lock: posts are claimed row by row with
`FOR UPDATE SKIP LOCKED`, so several instances share the work.

`PollLock`: one process at a time receives a Telegram bot's updates (two pollers of one token
split the updates between them, and Telegram answers one of them 409 Conflict). SQLite: an OS
file lock beside the database per bot; PostgreSQL: a session advisory lock per bot, held on a
connection of its own — the instances agree who polls, and another one takes over when the
holder stops or loses its connection.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.pool import NullPool

from content.errors import LoaError


class AlreadyRunning(LoaError):
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


class PollLock:
    """Who receives the updates of the Telegram bot `bot_id` for this database (see the module)."""

    def __init__(self, database_url: str, bot_id: str):
        self.url = database_url
        self.role = f"telegram-poll:{bot_id}"
        parsed = make_url(database_url)
        self.sqlite = parsed.get_backend_name() == "sqlite"
        self.path: Path | None = None
        if self.sqlite and parsed.database and parsed.database != ":memory:":
            self.path = Path(parsed.database).with_name(f"{Path(parsed.database).name}.telegram-{bot_id}.lock")
        self._fd: int | None = None
        self._conn: Connection | None = None
        self.holder = "?"          # the PID holding the lock (SQLite), once try_acquire failed

    @property
    def held(self) -> bool:
        return self._fd is not None or self._conn is not None or (self.sqlite and self.path is None)

    def _key(self) -> int:
        return int.from_bytes(hashlib.sha256(self.role.encode()).digest()[:8], "big", signed=True)

    def try_acquire(self) -> bool:
        if self.held:
            return True
        if self.sqlite:
            assert self.path is not None
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                self.holder = os.read(fd, 32).decode(errors="replace").strip() or "?"
                os.close(fd)
                return False
            os.ftruncate(fd, 0)
            os.write(fd, str(os.getpid()).encode())
            self._fd = fd
            return True
        engine = create_engine(self.url, poolclass=NullPool)
        conn = engine.connect()
        try:
            got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self._key()}).scalar())
            conn.commit()           # the lock belongs to the session, not to this transaction
        except Exception:
            conn.close()
            raise
        if not got:
            conn.close()
            return False
        self._conn = conn
        return True

    def alive(self) -> bool:
        """Still the holder (PostgreSQL: the lock's connection still answers)."""
        if self._conn is None:
            return self.held
        try:
            self._conn.execute(text("SELECT 1")).scalar()
            self._conn.commit()
            return True
        except Exception:  # noqa: BLE001 - the connection is gone, and the lock with it
            self._drop_conn()
            return False

    def _drop_conn(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:  # noqa: BLE001
                pass

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
        if self._conn is not None:
            try:
                self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self._key()})
                self._conn.commit()
            except Exception:  # noqa: BLE001 - closing the connection releases it too
                pass
            self._drop_conn()

    def refusal(self) -> str:
        """Why this process may not poll (Vietnamese), for SQLite where nobody takes turns."""
        return (f"Một tiến trình Loa khác (PID {self.holder}, “loa run” hoặc “loa serve”) đang nhận tin nhắn của "
                "bot Telegram này trên cùng cơ sở dữ liệu. Mỗi bot chỉ được một tiến trình nhận tin, nếu không "
                "một câu hỏi có thể thành hai; hãy dừng tiến trình kia (loa run đã gồm cả bot hỏi – đáp).")
