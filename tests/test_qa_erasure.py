"""Erasure everywhere: a question erased after its weekly column went out leaves the database,
the column item and the published portal page; the column went through a leader's approval
with the scrubbed text; erasing twice changes nothing more."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta

from bot.qa.erasure import fix_columns
from channels.publisher import Publisher
from channels.registry import build_channels
from channels.state import StateStore
from channels.steering import Steering
from content.audit import Actor
from content.models import Item
from content.qa import workflow as qa
from content.qa.column import column_item, columns_to_fix
from content.text import UTC
from tests.helpers import make_settings

T0 = datetime(2025, 3, 3, 2, 0, tzinfo=UTC)
PII = ("Nguyễn Thị Hoa", "thôn Đông", "xóm 3", "0912 345 678", "001089012345", "12/03/1985", "29A-123.45")
TEXT = ("Tôi là Nguyễn Thị Hoa, ở thôn Đông, xóm 3, SĐT 0912 345 678, CCCD 001089012345, sinh ngày 12/03/1985, "
        "xe biển số 29A-123.45. Xin hỏi thủ tục sang tên xe máy cần giấy tờ gì?")


def _site(tmp_path) -> str:  # noqa: ANN001
    return "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "site").rglob("*.html"))


def _published_column(tmp_path, db, settings, texts):  # noqa: ANN001, ANN202
    with db.session() as s:
        qs = []
        for i, text in enumerate(texts):
            q = qa.receive(s, settings, qa.Incoming("telegram", str(700 + i), text, display_name="Hoa"), now=T0)
            qa.answer(s, q, f"Trả lời câu {i}: mang giấy đăng ký xe đến công an xã.", by="cli:a",
                      now=T0 + timedelta(hours=1))
            qa.set_consent(s, q, True, now=T0)
            qa.mark_public(s, q, by="cli:a", now=T0)
            qs.append(q.code)
        item = column_item(s, settings, date(2025, 3, 3), T0 + timedelta(days=1))
        assert item.state == "draft"                         # waits for a leader
        item_id, body = item.id, item.body
    for pii in PII:
        assert pii not in body, pii                         # what the leader reviews is scrubbed
    channels = build_channels(settings, StateStore(db))
    Steering(db, settings, channels, clock=lambda: T0 + timedelta(days=1)).approve(item_id, Actor("lanhdao"))
    summary = asyncio.run(Publisher(db, channels, settings, clock=lambda: T0 + timedelta(days=1))
                          .publish_due(T0 + timedelta(days=1)))
    assert summary.published >= 1
    return qs, item_id, channels


def test_erase_takes_the_question_out_of_the_published_column(tmp_path, db):  # noqa: ANN001
    settings = make_settings(tmp_path)
    codes, item_id, channels = _published_column(tmp_path, db, settings,
                                                 [TEXT, "Xin hỏi lệ phí cấp đổi giấy phép lái xe là bao nhiêu?"])
    page = _site(tmp_path)
    assert codes[0] in page and "sang tên xe máy" in page
    for pii in PII:
        assert pii not in page, pii
    with db.session() as s:
        qa.erase(s, qa.get(s, codes[0]), by="cli:test", now=T0 + timedelta(days=2))
        assert columns_to_fix(s) == [item_id]
    lines = asyncio.run(fix_columns(db, settings, channels, by="cli:test", clock=lambda: T0 + timedelta(days=2)))
    assert lines, lines
    page = _site(tmp_path)
    assert codes[0] not in page and "sang tên xe máy" not in page
    assert codes[1] in page and "giấy phép lái xe" in page          # the other question stays
    with db.session() as s:
        q = qa.get(s, codes[0])
        assert q.text == "" and q.public_text is None and q.answer is None
        item = s.get(Item, item_id)
        assert codes[0] not in item.body and "sang tên" not in item.body
        assert columns_to_fix(s) == []
        qa.erase(s, q, by="cli:test", now=T0 + timedelta(days=3))     # twice: nothing changes
        assert q.erased_at == T0 + timedelta(days=2)
    assert asyncio.run(fix_columns(db, settings, channels, by="cli:test")) == []
    radio = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "radio").glob("*.txt"))
    assert "đính chính" in radio.lower() or any("Đài" in line for line in lines)


def test_erasing_the_only_question_withdraws_the_column(tmp_path, db):  # noqa: ANN001
    settings = make_settings(tmp_path)
    codes, item_id, channels = _published_column(tmp_path, db, settings, [TEXT])
    with db.session() as s:
        qa.erase(s, qa.get(s, codes[0]), by="cli:test", now=T0 + timedelta(days=2))
    asyncio.run(fix_columns(db, settings, channels, by="cli:test", clock=lambda: T0 + timedelta(days=2)))
    assert "sang tên xe máy" not in _site(tmp_path) and codes[0] not in _site(tmp_path)
    with db.session() as s:
        item = s.get(Item, item_id)
        assert item.state == "withdrawn" and "sang tên" not in item.body


def test_retention_keeps_the_published_column(tmp_path, db):  # noqa: ANN001
    settings = make_settings(tmp_path, {"qa": {"retention_days": 30}})
    codes, item_id, channels = _published_column(tmp_path, db, settings, [TEXT])
    with db.session() as s:
        assert qa.purge_expired(s, settings, T0 + timedelta(days=40)) == 1
        assert columns_to_fix(s) == []                      # anonymised and consented: stays public
        assert "sang tên xe máy" in s.get(Item, item_id).body
