"""Database plumbing: the declarative Base, engines, sessions and schema upgrades.

Every command that needs the database calls `open_db(settings_url)`, which brings the schema
up to date with Alembic before returning (a database already at the newest migration is seen
with one query, without loading Alembic). Times are stored as UTC; SQLite gets WAL mode,
foreign keys and a busy timeout so that short concurrent readers do not fail.
"""

from __future__ import annotations

import ast
import re
import threading
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Iterator

from sqlalchemy import Connection, DateTime, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from content.text import UTC

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
_upgraded: set[str] = set()
_lock = threading.RLock()


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):  # noqa: ANN001
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):  # noqa: ANN001
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class Database:
    """An engine plus a session factory. `session()` is a transaction: commit or roll back whole."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.Session = sessionmaker(engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.Session.begin() as s:
            yield s

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A Core connection in a transaction, for statements that need no ORM objects."""
        with self.engine.begin() as conn:
            yield conn

    def dispose(self) -> None:
        self.engine.dispose()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:" and not path.startswith(":"):
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # noqa: ANN001
            # pysqlite's own transaction handling breaks SAVEPOINTs; SQLAlchemy's documented
            # recipe: let SQLAlchemy emit BEGIN itself. IMMEDIATE takes the write lock up front,
            # so a transaction that reads then writes waits (busy_timeout) instead of failing
            # with "database is locked" when another writer committed in between.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn):  # noqa: ANN001
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True)


_ASSIGN = re.compile(r"^(revision|down_revision)\s*(?::[^=\n]*)?=\s*(.+?)\s*$", re.M)
_heads: frozenset[str] | None = None


def script_heads() -> frozenset[str]:
    """The newest revision(s) in migrations/versions, read from the files' `revision` and
    `down_revision` lines (empty when a file cannot be read that way: Alembic decides then)."""
    global _heads
    if _heads is None:
        revisions: set[str] = set()
        parents: set[str] = set()
        try:
            for path in (MIGRATIONS / "versions").glob("*.py"):
                found = dict(m.groups() for m in _ASSIGN.finditer(path.read_text(encoding="utf-8")))
                if "revision" not in found:
                    continue
                revisions.add(str(ast.literal_eval(found["revision"])))
                down = ast.literal_eval(found.get("down_revision", "None"))
                parents.update([down] if isinstance(down, str) else (down or ()))
        except (OSError, ValueError, SyntaxError):
            revisions = parents = set()
        _heads = frozenset(revisions - parents)
    return _heads


def at_head(engine: Engine) -> bool:
    """Whether the database's alembic_version is exactly the newest migration (one query)."""
    heads = script_heads()
    if not heads:
        return False
    try:
        with engine.connect() as conn:
            current = set(conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalars())
    except DBAPIError:        # no table yet, or no server: Alembic will say what is wrong
        return False
    return current == heads


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (idempotent, once per process and URL)."""
    key = str(engine.url)
    with _lock:
        if key in _upgraded:
            return
        if at_head(engine):
            _upgraded.add(key)
            return
        from alembic import command

        cfg = _alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
        _upgraded.add(key)


def _alembic_config():  # noqa: ANN202
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


_template: Path | None = None      # an empty SQLite database at the newest migration (this process)


def _sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL that does not exist yet (or is empty); else None."""
    if not url.startswith("sqlite"):
        return None
    path = url.split("///", 1)[-1].split("?", 1)[0]
    if not path or path.startswith(":"):
        return None
    p = Path(path)
    return p if not p.exists() or p.stat().st_size == 0 else None


def _migrated_template() -> Path:
    """Migrate an empty SQLite database once per process; new databases start as its copy."""
    global _template
    with _lock:
        if _template is None or not _template.exists():
            import atexit
            import shutil
            import tempfile

            folder = Path(tempfile.mkdtemp(prefix="loa-schema-"))
            atexit.register(shutil.rmtree, folder, True)
            engine = make_engine(f"sqlite:///{folder / 'schema.db'}")
            try:
                cfg = _alembic_config()
                from alembic import command

                with engine.begin() as conn:
                    cfg.attributes["connection"] = conn
                    command.upgrade(cfg, "head")
            finally:
                engine.dispose()        # the last connection closed: the WAL is checkpointed into the file
            if (folder / "schema.db-wal").exists():
                raise RuntimeError("the migrated template kept a WAL file")
            _template = folder / "schema.db"
        return _template


def open_db(url: str) -> Database:
    """The database at `url`, its schema brought to the newest migration. A new SQLite file
    starts as a copy of an empty database migrated once in this process (the same migrations,
    run once: the tests and benchmarks make many)."""
    fresh = _sqlite_file(url)
    if fresh is not None:
        import shutil

        fresh.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(_migrated_template(), fresh)
    engine = make_engine(url)
    upgrade(engine)
    return Database(engine)
