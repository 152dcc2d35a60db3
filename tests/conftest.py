"""Shared fixtures: real SQLite files and, when reachable, a real PostgreSQL server.

`db` is parametrized over both back ends. PostgreSQL comes from LOA_TEST_PG_URL (set by
.ci/run) or the local default; each test process (each pytest-xdist worker) migrates a schema of
its own once, and every test finds it empty. When no server answers, the PostgreSQL variants
skip with the reason.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any, Iterator

import pytest

from content import db as dbmod
from content.config import Settings
from tests.helpers import PLANS_DIR, make_settings


PG_URL = os.environ.get("LOA_TEST_PG_URL", "postgresql+psycopg://loa:loa@127.0.0.1:5432/loa_test")

_pg_status: tuple[bool, str] | None = None


def pg_available() -> tuple[bool, str]:
    global _pg_status
    if _pg_status is None:
        try:
            import psycopg  # noqa: F401
            from sqlalchemy import create_engine, text

            eng = create_engine(PG_URL, connect_args={"connect_timeout": 3})
            with eng.connect() as c:
                c.execute(text("select 1"))
            eng.dispose()
            _pg_status = (True, "")
        except Exception as e:  # noqa: BLE001
            _pg_status = (False, f"no PostgreSQL server at {PG_URL.split('@')[-1]} "
                                 f"({type(e).__name__}); run .ci/run or set LOA_TEST_PG_URL")
    return _pg_status


def _schema_url(schema: str) -> str:
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options=-csearch_path%3D{schema}"


def _migrated_schema(admin: Any, schema: str) -> None:
    from sqlalchemy import text

    with admin.begin() as c:
        c.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    dbmod._upgraded.discard(_schema_url(schema))
    dbmod.open_db(_schema_url(schema)).dispose()


def _emptied(admin: Any, schema: str) -> bool:
    """Every table of the schema emptied and its ids restarted, the migrations' own table
    aside; user triggers (the audit log's "append-only") are set aside for it, in the same
    transaction. False when it could not be done (a test left a lock behind)."""
    from sqlalchemy import text

    try:
        with admin.begin() as c:
            c.execute(text("SET LOCAL lock_timeout = '10s'"))
            tables = list(c.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = :s "
                                         "AND tablename <> 'alembic_version'"), {"s": schema}).scalars())
            triggered = list(c.execute(text(
                "SELECT DISTINCT cl.relname FROM pg_trigger t JOIN pg_class cl ON cl.oid = t.tgrelid "
                "JOIN pg_namespace n ON n.oid = cl.relnamespace WHERE n.nspname = :s AND NOT t.tgisinternal"),
                {"s": schema}).scalars())
            for name in triggered:
                c.execute(text(f'ALTER TABLE "{schema}"."{name}" DISABLE TRIGGER USER'))
            if tables:
                c.execute(text("TRUNCATE TABLE " + ", ".join(f'"{schema}"."{t}"' for t in tables)
                               + " RESTART IDENTITY CASCADE"))
            for name in triggered:
                c.execute(text(f'ALTER TABLE "{schema}"."{name}" ENABLE TRIGGER USER'))
        return True
    except Exception:  # noqa: BLE001 - the caller makes the schema again
        return False


@pytest.fixture(scope="session")
def _pg_schema() -> Iterator[tuple[Any, str]]:
    """This test process's PostgreSQL schema, migrated once (and dropped at the end)."""
    ok, why = pg_available()
    if not ok:
        pytest.skip(why)
    from sqlalchemy import create_engine, text

    admin = create_engine(PG_URL)
    schema = "w_" + uuid.uuid4().hex[:12]
    _migrated_schema(admin, schema)
    yield admin, schema
    with admin.begin() as c:
        c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def pg_url(_pg_schema: tuple[Any, str]) -> Iterator[str]:
    """A PostgreSQL schema for this test, as a SQLAlchemy URL: at the newest migration, every
    table empty. Migrating a schema takes most of a second, so each test process migrates one
    and empties it after each test (TRUNCATE … RESTART IDENTITY) — or, if that cannot be done,
    makes it again."""
    admin, schema = _pg_schema
    yield _schema_url(schema)
    if not _emptied(admin, schema):
        _migrated_schema(admin, schema)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'loa.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def db(db_url: str) -> Iterator[dbmod.Database]:
    database = dbmod.open_db(db_url)
    yield database
    database.dispose()


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[dbmod.Database]:
    database = dbmod.open_db(f"sqlite:///{tmp_path / 'loa.db'}")
    yield database
    database.dispose()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
def plans_dir() -> Path:
    if not PLANS_DIR.exists():
        pytest.skip(f"sample plans not found at {PLANS_DIR} (set LOA_PLANS_DIR)")
    return PLANS_DIR
