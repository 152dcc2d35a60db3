"""Shared fixtures: real SQLite files and, when reachable, a real PostgreSQL server.

`db` is parametrized over both back ends. PostgreSQL comes from LOA_TEST_PG_URL (set by
.ci/run) or the local default; each test gets its own schema, dropped afterwards. When no
server answers, the PostgreSQL variants skip with the reason.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Iterator

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


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL schema for this test, as a SQLAlchemy URL."""
    ok, why = pg_available()
    if not ok:
        pytest.skip(why)
    from sqlalchemy import create_engine, text

    schema = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(PG_URL)
    with admin.begin() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as c:
        c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


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
