"""The Q&A core on SQLite and PostgreSQL: codes, state machine, consent, column, erasure,
retention, deadlines and statistics."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from content.qa import workflow as qa
from content.qa.column import column_item, compose_column
from content.qa.models import Attachment, Citizen, QuestionEvent
from content.text import UTC
from tests.helpers import make_settings

T0 = datetime(2025, 3, 3, 2, 0, tzinfo=UTC)      # Monday 09:00 in Hà Nội


def ask(s, settings, text="Xin hỏi thủ tục chứng thực bản sao?", who="100", at=T0, **kw):  # noqa: ANN001, ANN201
    return qa.receive(s, settings, qa.Incoming("telegram", who, text, display_name="Lê Văn Tám", **kw), now=at)


def test_codes_per_year_and_due_date(tmp_path, db):  # noqa: ANN001
    settings = make_settings(tmp_path)
    with db.session() as s:
        a = ask(s, settings)
        b = ask(s, settings, who="101")
        c = ask(s, settings, who="102", at=datetime(2025, 12, 31, 17, 30, tzinfo=UTC))   # 01/01/2026 local
    assert (a.code, b.code, c.code) == ("HD-2025-000001", "HD-2025-000002", "HD-2026-000001")
    assert a.due_on == date(2025, 3, 12)
    assert c.due_on == date(2026, 1, 12)     # 7 working days after Thu 01/01/2026 (a holiday itself)


def test_refusals(tmp_path, db):  # noqa: ANN001
    settings = make_settings(tmp_path, {"qa": {"rate_per_hour": 2}})
    with db.session() as s:
        for text, reason in (("", "empty"), ("x" * 4001, "too_long"), ("Tôi làm đơn tố cáo chủ tịch xã", "out_of_scope"),
                             ("Đề nghị giải quyết KHIẾU NẠI", "out_of_scope")):
            with pytest.raises(qa.Refused) as e:
                ask(s, settings, text)
            assert e.value.reason == reason
        ask(s, settings)
        ask(s, settings, at=T0 + timedelta(minutes=1))
        with pytest.raises(qa.Refused) as e:
            ask(s, settings, at=T0 + timedelta(minutes=2))
        assert e.value.reason == "rate_limited"
        ask(s, settings, at=T0 + timedelta(minutes=61))        # the hour has passed


def test_state_machine_and_audit(tmp_path, db):  # noqa: ANN001
    settings = make_settings(tmp_path)
    with db.session() as s:
        q = ask(s, settings)
        qa.assign(s, q, "Công chức Tư pháp – Hộ tịch", by="cli:a", now=T0)
        qa.answer(s, q, "Mang bản chính và bản sao.", by="cli:a", now=T0 + timedelta(hours=5))
        with pytest.raises(qa.BadState):
            qa.reject(s, q, "trùng", by="cli:a", now=T0)
        with pytest.raises(qa.BadState):
            qa.answer(s, q, "lần hai", by="cli:a", now=T0)
        actions = [e.action for e in s.scalars(select(QuestionEvent).where(QuestionEvent.question_id == q.id)
                                               .order_by(QuestionEvent.id))]
    assert actions == ["received", "assigned", "answered"]


def test_column_needs_consent_and_public(tmp_path, db):  # noqa: ANN001
    settings = make_settings(tmp_path)
    with db.session() as s:
        qs = [ask(s, settings, f"Tôi là Lê Văn Tám, hỏi câu số {i}: lệ phí trước bạ?", who=str(200 + i)) for i in range(3)]
        for q in qs:
            qa.answer(s, q, "Kính gửi ông Tám, lệ phí là 2%.", by="cli:a", now=T0 + timedelta(hours=1))
        qa.set_consent(s, qs[0], True, now=T0)
        qa.mark_public(s, qs[0], by="cli:a", now=T0)
        qa.set_consent(s, qs[1], True, now=T0)                 # consent but not marked public
        qa.mark_public(s, qs[2], by="cli:a", now=T0)           # public but no consent
        week = date(2025, 3, 3)
        new = compose_column(s, settings, week, T0 + timedelta(days=1))
        assert new is not None and new.title.startswith("Dân hỏi – Chính quyền trả lời: bản tin tuần 03/03/2025")
        assert qs[0].code in new.body and qs[1].code not in new.body and qs[2].code not in new.body
        assert "Tám" not in new.body and "lệ phí trước bạ" in new.body
        item = column_item(s, settings, week, T0 + timedelta(days=1))
        assert item.state == "draft" and qs[0].item_id == item.id       # a leader approves it like any item
        assert column_item(s, settings, week, T0 + timedelta(days=1)).id == item.id
        assert compose_column(s, settings, week + timedelta(days=7), T0 + timedelta(days=8)) is None


def test_staff_edited_public_text_wins(tmp_path, db):  # noqa: ANN001
    settings = make_settings(tmp_path)
    with db.session() as s:
        q = ask(s, settings, "Nhà tôi ở xóm Chùa, hỏi về <b>cấp sổ đỏ</b> *gấp*")
        qa.answer(s, q, "Nộp hồ sơ tại bộ phận một cửa.", by="cli:a", now=T0)
        qa.set_consent(s, q, True, now=T0)
        qa.mark_public(s, q, by="cli:a", now=T0, public_text="Hỏi về <b>cấp sổ đỏ</b> *gấp*")
        body = compose_column(s, settings, date(2025, 3, 3), T0 + timedelta(hours=1)).body
    assert "xóm Chùa" not in body and r"\<b\>cấp sổ đỏ\</b\> \*gấp\*" in body
    from content.render.markdown import to_html
    assert "<b>" not in to_html(body) and "&lt;b&gt;" in to_html(body)


def test_erase_and_retention(tmp_path, db):  # noqa: ANN001
    settings = make_settings(tmp_path, {"qa": {"retention_days": 30}})
    with db.session() as s:
        q = ask(s, settings, "Tôi là Lê Văn Tám, SĐT 0912345678, hỏi về lệ phí?", attachments=(("photo", "F1"),))
        qa.answer(s, q, "Kính gửi ông Tám, lệ phí 2%.", by="cli:a", now=T0 + timedelta(hours=2))
        old = ask(s, settings, "Hỏi cũ của Tám", who="300", at=T0 - timedelta(days=40))
        qa.erase(s, q, by="cli:a", now=T0 + timedelta(days=1))
        assert q.text == "" and q.answer is None and q.public_text is None and q.reject_reason is None
        qa.erase(s, q, by="cli:a", now=T0 + timedelta(days=2))          # twice: nothing more changes
        assert q.erased_at == T0 + timedelta(days=1)
        assert q.citizen_id is None and s.scalars(select(Attachment)).all() == []
        assert s.scalar(select(Citizen).where(Citizen.external_id == "100")) is None
        assert qa.purge_expired(s, settings, T0) == 1
        assert old.citizen_id is None and old.erased_at is not None
        assert s.scalars(select(Citizen)).all() == []
        stats = qa.qa_stats(s, T0 - timedelta(days=60), T0 + timedelta(days=1), now=T0 + timedelta(days=1))
    assert stats["received"] == 2 and stats["answered"] == 1 and stats["on_time"] == 1 and stats["median_hours"] == 2.0


def test_due_questions_and_stats(tmp_path, db):  # noqa: ANN001
    settings = make_settings(tmp_path, {"qa": {"answer_working_days": 2}})
    with db.session() as s:
        a = ask(s, settings, who="1")                                    # due Wed 05/03
        b = ask(s, settings, who="2", at=T0 + timedelta(days=2))         # due Fri 07/03
        late = ask(s, settings, who="3", at=T0 - timedelta(days=7))      # due Wed 26/02: overdue
        due = qa.due_questions(s, datetime(2025, 3, 4, 2, tzinfo=UTC), settings)    # Tuesday
        assert [(d.code, d.working_days_left) for d in due] == [(late.code, -4), (a.code, 1)]
        qa.answer(s, late, "Đã trả lời muộn.", by="cli:a", now=datetime(2025, 3, 4, 3, tzinfo=UTC))
        stats = qa.qa_stats(s, T0 - timedelta(days=30), T0 + timedelta(days=30), now=datetime(2025, 3, 10, tzinfo=UTC))
    assert stats["received"] == 3 and stats["answered"] == 1 and stats["on_time"] == 0
    assert stats["overdue"] == 3 and b.due_on == date(2025, 3, 7)
