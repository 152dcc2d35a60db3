"""The audit trail: rows go in with the action, and the database refuses to change them."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DBAPIError

from content import audit
from content.audit import Actor, AuditEntry

NOW = datetime(2024, 3, 4, 1, 0, tzinfo=timezone.utc)


def _add(db, **kw):
    with db.session() as s:
        return audit.record(s, Actor("lan", "cli"), kw.pop("action", "item.edit"), now=kw.pop("now", NOW),
                            **kw).id


def test_rows_are_recorded_and_filtered(db):
    _add(db, item_id=1, before={"title": "A"}, after={"title": "B"}, note="sửa lỗi chính tả")
    _add(db, item_id=2, action="item.approve", now=NOW + timedelta(days=2))
    _add(db, question_id=7, action="qa.answer", now=NOW + timedelta(days=3))
    with db.session() as s:
        assert [e.item_id for e in audit.entries(s)] == [1, 2, None]
        only = audit.entries(s, item_id=1)
        assert len(only) == 1 and only[0].before == {"title": "A"} and only[0].after == {"title": "B"}
        assert only[0].actor == "lan" and only[0].via == "cli"
        assert [e.action for e in audit.entries(s, since=NOW + timedelta(days=1))] == ["item.approve", "qa.answer"]
        assert [e.action for e in audit.entries(s, limit=1)] == ["qa.answer"]
        assert audit.describe_change(only[0], {"title": "tiêu đề"}) == "tiêu đề: “A” → “B”"


@pytest.mark.parametrize("statement", [
    lambda: update(AuditEntry).values(actor="ai đó"),
    lambda: delete(AuditEntry),
])
def test_the_database_refuses_to_change_or_delete_rows(db, statement):
    _add(db, item_id=1)
    with pytest.raises(DBAPIError, match="append-only"):
        with db.session() as s:
            s.execute(statement())
    with pytest.raises(DBAPIError, match="append-only"):
        with db.session() as s:
            row = s.get(AuditEntry, 1)
            row.note = "viết lại lịch sử"
    with db.session() as s:
        assert s.get(AuditEntry, 1).actor == "lan"


def test_truncate_is_refused_on_postgresql(db):
    if db.is_sqlite:
        pytest.skip("SQLite has no TRUNCATE")
    _add(db, item_id=1)
    with pytest.raises(DBAPIError, match="append-only"):
        with db.session() as s:
            s.execute(text("TRUNCATE audit_log"))


def test_changes_keep_only_what_differs():
    before = {"title": "A", "body": "x", "publish_at": NOW}
    after = {"title": "A", "body": "y", "publish_at": NOW + timedelta(hours=1)}
    b, a = audit.changes(before, after)
    assert b == {"body": "x", "publish_at": NOW.isoformat()}
    assert a == {"body": "y", "publish_at": (NOW + timedelta(hours=1)).isoformat()}


def test_actor_is_the_named_person_or_the_os_user():
    assert Actor.os_user("Nguyễn Văn A").name == "Nguyễn Văn A"
    assert Actor.os_user(None).name


def test_the_report_annex_lists_the_period_s_actions(db, settings):
    from schedules.reports.data import gather
    from schedules.reports.md import render_md
    from schedules.reports.period import parse_period
    from schedules.reports.text import compose

    _add(db, item_id=4, before={"title": "Lịch cũ"}, after={"title": "Lịch mới"}, note="sửa lỗi")
    _add(db, item_id=5, action="item.withdraw", now=NOW + timedelta(days=40), note="Số liệu sai")
    with db.session() as s:
        plain = gather(s, settings, parse_period("2024-03"), now=NOW + timedelta(days=60))
        data = gather(s, settings, parse_period("2024-03"), now=NOW + timedelta(days=60), with_audit=True)
    assert plain.audit is None and "PHỤ LỤC" not in render_md(compose(plain, settings))
    assert [(a.actor, a.action, a.item_id) for a in data.audit] == [("lan", "sửa bài", 4)]
    md = render_md(compose(data, settings))
    assert "PHỤ LỤC: NHẬT KÝ THAO TÁC CỦA CÁN BỘ" in md
    assert "04/03/2024 08:00" in md and "sửa lỗi; title: “Lịch cũ” → “Lịch mới”" not in md
    assert "sửa lỗi; tiêu đề: “Lịch cũ” → “Lịch mới”" in md
