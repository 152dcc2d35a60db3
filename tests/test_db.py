"""The schema comes up on both back ends and round-trips aware UTC datetimes."""

import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect, select

from content.db import open_db
from content.models import Item


def test_schema_is_created_and_upgrade_is_idempotent(db):
    names = set(inspect(db.engine).get_table_names())
    assert {"plans", "slots", "items", "posts", "publication_log", "channel_state"} <= names
    again = open_db(str(db.engine.url.render_as_string(hide_password=False)))
    assert set(inspect(again.engine).get_table_names()) == names
    again.dispose()


def test_datetimes_are_stored_as_utc(db):
    hanoi = timezone(timedelta(hours=7))
    at = datetime(2024, 3, 4, 8, 0, tzinfo=hanoi)
    with db.session() as s:
        s.add(Item(title="Tin", body="x", publish_at=at, channels=["portal"]))
    with db.session() as s:
        got = s.scalars(select(Item)).one().publish_at
    assert got == at and got.utcoffset() == timedelta(0)
    assert got.hour == 1


def test_naive_datetime_is_refused(db):
    with pytest.raises(Exception):
        with db.session() as s:
            s.add(Item(title="Tin", body="x", publish_at=datetime(2024, 3, 4, 8, 0)))


def test_migrations_build_the_schema_the_models_describe(db):
    """Alembic's own comparison of the migrated database with the models: a model change
    without its migration (or the reverse) shows up here."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    import channels.models  # noqa: F401 - every model module registers its tables
    import content.models  # noqa: F401
    import content.audit  # noqa: F401
    import content.qa.models  # noqa: F401
    import content.users  # noqa: F401
    import schedules.models  # noqa: F401
    from content.db import Base

    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []


def test_the_newest_migration_is_read_as_alembic_reads_it():
    """open_db skips Alembic when alembic_version already names the newest file; that newest
    revision, read from the files' text, must be the one Alembic itself finds."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from content.db import MIGRATIONS, script_heads

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    assert script_heads() == frozenset(ScriptDirectory.from_config(cfg).get_heads())


def test_a_database_behind_the_newest_migration_is_upgraded(tmp_path):
    from alembic import command
    from alembic.config import Config

    from content.db import MIGRATIONS, at_head, make_engine, open_db, script_heads

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    assert not at_head(engine)                       # no alembic_version table yet
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:                     # as an older Loa left it: one migration short
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head-1")
    assert not at_head(engine)
    engine.dispose()
    database = open_db(url)
    assert at_head(database.engine)
    with database.engine.connect() as conn:
        assert set(conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalars()) == script_heads()
    database.dispose()


def test_a_new_sqlite_database_is_the_migrated_schema(tmp_path):
    """open_db starts a new SQLite file as a copy of a database migrated once per process:
    the copy must hold exactly what running the migrations on it would have made."""
    from alembic import command
    from alembic.config import Config

    from content.db import MIGRATIONS, make_engine, open_db

    copied = open_db(f"sqlite:///{tmp_path / 'copied.db'}")
    engine = make_engine(f"sqlite:///{tmp_path / 'migrated.db'}")
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")

    def table_sql(sql: str | None) -> tuple:
        """A CREATE TABLE's columns in order and its table constraints as a set: Alembic's batch
        mode (a table recreated by a migration) writes the constraints in an order that depends
        on the interpreter's hash seed."""
        if not sql:
            return (sql,)
        lines = [line.strip().rstrip(",") for line in sql.splitlines()]
        constraint = re.compile(r"(CONSTRAINT|UNIQUE|FOREIGN KEY|PRIMARY KEY|CHECK)\b")
        return (tuple(x for x in lines if not constraint.match(x)), frozenset(x for x in lines if constraint.match(x)))

    def schema(e):  # noqa: ANN001, ANN202
        with e.connect() as conn:
            rows = conn.exec_driver_sql("SELECT type, name, tbl_name, sql FROM sqlite_master").all()
            return sorted((t, n, tbl, table_sql(sql)) for t, n, tbl, sql in rows), \
                list(conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalars()), \
                conn.exec_driver_sql("PRAGMA journal_mode").scalar()

    assert schema(copied.engine) == schema(engine)
    copied.dispose()
    engine.dispose()
