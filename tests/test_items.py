"""Content items: validation, the approval state machine and slot/theme links, on both databases."""

from datetime import date, datetime, timedelta, timezone

import pytest
import unicodedata

from content.items import workflow as items
from content.errors import LoaError
from content.items.workflow import ItemError, NewItem
from content.models import Item, PlanRecord, Slot
from content.plan.parse import Period, Plan, Signer, Theme

NOW = datetime(2024, 3, 1, 2, 0, tzinfo=timezone.utc)


def _plan(s) -> PlanRecord:
    plan = Plan(number="11/KH-UBND", issuer="Ủy ban nhân dân xã Ngọc Lâm", place="Ngọc Lâm",
                date=date(2024, 1, 26), year=2024, period=Period(date(2024, 1, 1), date(2024, 12, 31)),
                title="Tuyên truyền cải cách hành chính", signer=Signer("Nguyễn Hữu Hoan", "Chủ tịch"),
                themes=[Theme("t1", "Tầm quan trọng của cải cách hành chính"), Theme("t2", "Cải cách tổ chức bộ máy")])
    rec = PlanRecord(key="k", number=plan.number, issuer=plan.issuer, title=plan.title, year=2024,
                     data=plan.to_dict())
    s.add(rec)
    s.flush()
    return rec


def test_create_normalises_and_defaults_to_draft(db):
    nfd = unicodedata.normalize("NFD", "Cải cách thủ tục hành chính")
    with db.session() as s:
        item = items.create_item(s, NewItem(title=f"  {nfd} ", body=f"{nfd}\r\nDòng hai"), now=NOW)
        assert item.state == "draft"
        assert item.title == unicodedata.normalize("NFC", "Cải cách thủ tục hành chính")
        assert "\r" not in item.body
        assert item.channels == ["portal", "telegram", "zalo", "radio", "hotline"]


def test_without_approval_items_start_approved(db):
    with db.session() as s:
        item = items.create_item(s, NewItem(title="Tin", body="x"), now=NOW, require_approval=False)
        assert item.state == "approved" and item.approved_at == NOW


@pytest.mark.parametrize("kwargs, message", [
    ({"title": "   ", "body": "x"}, "Tiêu đề không được để trống"),
    ({"title": "x" * 301, "body": "x"}, "tối đa 300"),
    ({"title": "Tin", "body": "x", "channels": ("portal", "fax")}, "Kênh không hợp lệ: fax"),
    ({"title": "Tin", "body": "x", "image_path": "/khong/co/anh.jpg"}, "Không tìm thấy ảnh"),
    ({"title": "Tin", "body": "x", "theme_id": "t1"}, "Chưa có kế hoạch nào"),
    ({"title": "Tin", "body": "x", "slot_id": 999}, "Không có ô lịch số 999"),
])
def test_bad_input_is_refused_and_nothing_written(db, kwargs, message):
    with pytest.raises(ItemError, match=message):
        with db.session() as s:
            items.create_item(s, NewItem(**kwargs), now=NOW)
    with db.session() as s:
        assert s.query(Item).count() == 0


def test_theme_must_exist_in_the_plan(db):
    with db.session() as s:
        plan = _plan(s)
        item = items.create_item(s, NewItem(title="Tin", body="x", theme_id="t2"), now=NOW)
        assert item.plan_id == plan.id
        assert items.theme_text(s, item) == "Cải cách tổ chức bộ máy"
        with pytest.raises(ItemError, match="không có chủ đề “t9”"):
            items.create_item(s, NewItem(title="Tin", body="x", theme_id="t9", plan_id=plan.id), now=NOW)


def test_a_slot_takes_one_live_item_and_no_events(db):
    with db.session() as s:
        plan = _plan(s)
        slot = Slot(plan_id=plan.id, key="publish:2024-03-04:radio", day=date(2024, 3, 4), kind="publish",
                    channel="radio", theme_id="t1")
        holiday = Slot(plan_id=plan.id, key="holiday:2024-04-30", day=date(2024, 4, 30), kind="holiday",
                       label="Ngày Giải phóng miền Nam")
        s.add_all([slot, holiday])
        s.flush()
        first = items.create_item(s, NewItem(title="Tin", body="x", slot_id=slot.id), now=NOW)
        assert first.plan_id == plan.id
        with pytest.raises(ItemError, match="đã có bài"):
            items.create_item(s, NewItem(title="Tin 2", body="x", slot_id=slot.id), now=NOW)
        with pytest.raises(ItemError, match="không nhận bài đăng"):
            items.create_item(s, NewItem(title="Tin 3", body="x", slot_id=holiday.id), now=NOW)
        items.cancel(first, now=NOW)
        again = items.create_item(s, NewItem(title="Tin 4", body="x", slot_id=slot.id), now=NOW)
        assert again.slot_id == slot.id


def test_state_machine():
    item = Item(id=1, title="Tin", body="x", state="draft", channels=["portal"])
    items.approve(item, by="Trưởng phòng", now=NOW)
    assert (item.state, item.approved_by) == ("approved", "Trưởng phòng")
    with pytest.raises(LoaError, match="không thể duyệt"):
        items.approve(item, by="x", now=NOW)
    items.edit(item, now=NOW + timedelta(minutes=1), body="nội dung mới")
    assert item.state == "draft" and item.approved_by is None, "an edit needs approval again"
    with pytest.raises(ItemError, match="lý do"):
        items.reject(item, reason="  ", now=NOW)
    items.reject(item, reason="Sai số liệu", now=NOW)
    assert item.state == "rejected" and item.note == "Sai số liệu"
    item.state = "scheduled"
    with pytest.raises(LoaError, match="không thể sửa.*loa item correct"):
        items.edit(item, now=NOW, title="x", sent=True)
    items.edit(item, now=NOW, title="x")
    assert item.state == "draft", "a scheduled item not yet out goes back to draft"
    items.cancel(item, now=NOW)
    assert item.state == "cancelled"
    with pytest.raises(LoaError, match="không thể hủy"):
        items.cancel(item, now=NOW)
    items.restore(item, now=NOW)
    assert item.state == "draft"


def test_article_date_is_local(db, settings):
    with db.session() as s:
        at = datetime(2024, 3, 3, 18, 30, tzinfo=timezone.utc)  # 01:30 on 04/03 in Hà Nội
        item = items.create_item(s, NewItem(title="Tin", body="x", publish_at=at), now=NOW)
        assert items.article_of(s, item, settings).date == date(2024, 3, 4)


def test_theme_and_date_fill_the_matching_empty_slot(db, settings):
    with db.session() as s:
        plan = _plan(s)
        radio = Slot(plan_id=plan.id, key="r", day=date(2024, 3, 4), kind="publish", channel="radio", theme_id="t1")
        other = Slot(plan_id=plan.id, key="p", day=date(2024, 3, 4), kind="publish", channel="portal", theme_id="t2")
        s.add_all([radio, other])
        s.flush()
        monday_8am = datetime(2024, 3, 4, 1, 0, tzinfo=timezone.utc)
        new = NewItem(title="Tin", body="x", theme_id="t1", channels=("radio", "portal"), publish_at=monday_8am)
        first = items.create_item(s, new, now=NOW, tz=settings.tz)
        assert first.slot_id == radio.id
        second = items.create_item(s, new, now=NOW, tz=settings.tz)
        assert second.slot_id is None, "a filled slot is not filled twice"
