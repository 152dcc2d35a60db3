"""The schema comes up on both back ends and round-trips aware UTC datetimes."""

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
