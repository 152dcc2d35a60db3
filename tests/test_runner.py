"""The scheduler pass with an injected clock: the weekly edition is made once, at its time or
caught up once within the grace period; empty slots are reported, never filled."""

import asyncio
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from content.models import Item, PlanRecord, Slot
from content.plan.parse import Period, Plan, Signer, Theme
from schedules.models import Edition, Notice
from schedules.runner import Runner

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def at(y, mo, d, h=0, mi=0):
    return datetime(y, mo, d, h, mi, tzinfo=HCM)


def seed_week(db):
    """Week 2024-W10: three slots, two filled by approved items, one empty."""
    plan = Plan(number="11/KH-UBND", issuer="Ủy ban nhân dân xã Ngọc Lâm", place="Ngọc Lâm", date=date(2024, 1, 26),
                year=2024, period=Period(date(2024, 1, 1), date(2024, 12, 31)), title="Tuyên truyền CCHC",
                signer=Signer(), themes=[Theme("t1", "Tầm quan trọng của CCHC"), Theme("t2", "Chỉ số CCHC")])
    with db.session() as s:
        rec = PlanRecord(key="nl", data=plan.to_dict())
        s.add(rec)
        s.flush()
        slots = [Slot(plan_id=rec.id, key=f"publish:{d}:{c}", day=d, kind="publish", channel=c, theme_id=t)
                 for d, c, t in ((date(2024, 3, 4), "radio", "t1"), (date(2024, 3, 4), "portal", "t2"),
                                 (date(2024, 3, 7), "radio", "t2"))]
        s.add_all(slots)
        s.flush()
        s.add_all([Item(title="Một cửa liên thông ở xã", body="Bài về một cửa.\n\nĐoạn hai.", state="approved",
                        slot_id=slots[0].id, channels=["radio"]),
                   Item(title="Chỉ số hài lòng năm 2023", body="Kết quả SIPAS.", summary="Xã đạt 85%.",
                        state="scheduled", slot_id=slots[1].id, channels=["portal"])])
        return [sl.id for sl in slots]


def publish_all(db, when):
    """Every item of the seed went out at `when` (on its first channel)."""
    from channels.models import Post

    with db.session() as s:
        for item in s.scalars(select(Item)).all():
            s.add(Post(item_id=item.id, channel=item.channels[0], target="", state="published", due_at=when,
                       published_at=when, attempts=1))


def run(runner, when):
    return asyncio.run(runner.tick(when))


def test_edition_at_its_time_once(db, settings):
    slot_ids = seed_week(db)
    publish_all(db, at(2024, 2, 29, 8))          # the edition tells what went out the week before
    clock = [at(2024, 3, 4, 7)]
    runner = Runner(db, settings, {}, clock=lambda: clock[0])
    report = run(runner, clock[0])
    assert report.edition == "1/2024" and report.edition_gaps == 1
    with db.session() as s:
        ed = s.scalars(select(Edition)).one()
        digest = s.get(Item, ed.item_id)
        assert (ed.week_start, ed.caught_up) == (date(2024, 3, 4), 0)
        assert digest.title == "Bản tin CCHC số 1/2024" and digest.source == "edition"
        assert "Một cửa liên thông ở xã" in digest.body and "Xã đạt 85%." in digest.body
        assert "từ ngày 26/02/2024 đến ngày 04/03/2024" in digest.body
        assert f"ô lịch {slot_ids[2]}" in ed.missing, "the empty slot is listed, not filled"
        assert s.scalar(select(Item).where(Item.slot_id == slot_ids[2])) is None
    assert any("1 ô lịch" in t and "07/03/2024" in t for t in runner.notify.sent)
    again = run(runner, at(2024, 3, 4, 7, 30))
    assert again.edition is None
    clock[0] = at(2024, 3, 11, 7)
    assert run(runner, clock[0]).edition is None, "nothing went out that week: no edition, no number"
    with db.session() as s:
        s.add(Item(title="Tin tuần sau", body="Nội dung.", state="published", channels=["portal"]))
    with db.session() as s:
        from channels.models import Post
        late = s.scalar(select(Item).where(Item.title == "Tin tuần sau"))
        s.add(Post(item_id=late.id, channel="portal", target="", state="published", due_at=at(2024, 3, 12, 8),
                   published_at=at(2024, 3, 12, 8), attempts=1))
    clock[0] = at(2024, 3, 18, 7)
    assert run(runner, clock[0]).edition == "2/2024", "numbered within the year, without gaps"
    with db.session() as s:
        assert [(e.week_start.day, e.number) for e in s.scalars(select(Edition).order_by(Edition.week_start))] == \
            [(4, 1), (11, None), (18, 2)]


def test_missed_monday_caught_up_once(db, settings):
    seed_week(db)
    publish_all(db, at(2024, 2, 29, 8))
    tuesday = at(2024, 3, 5, 10)
    runner = Runner(db, settings, {}, clock=lambda: tuesday)
    assert run(runner, tuesday).edition == "1/2024"
    assert run(runner, tuesday + timedelta(hours=1)).edition is None
    with db.session() as s:
        assert s.scalars(select(Edition)).one().caught_up == 1


def test_too_late_is_skipped_not_repeated(db, settings):
    seed_week(db)
    thursday = at(2024, 3, 7, 10)
    runner = Runner(db, settings, {}, clock=lambda: thursday)
    assert run(runner, thursday).edition is None
    with db.session() as s:
        assert s.scalar(select(Edition)) is None


def test_empty_week_makes_no_digest(db, settings):
    runner = Runner(db, settings, {}, clock=lambda: at(2024, 3, 4, 7))
    report = run(runner, at(2024, 3, 4, 7))
    assert report.edition is None
    with db.session() as s:
        ed = s.scalars(select(Edition)).one()
        assert ed.item_id is None and ed.number is None     # made once, but takes no number
        assert s.scalar(select(Item)) is None
    assert any("không phát: tuần trước không có tin, bài nào được đăng" in t for t in runner.notify.sent)


def test_reminders_sent_once_across_passes(db, settings):
    slot_ids = seed_week(db)
    runner = Runner(db, settings, {}, clock=lambda: at(2024, 3, 5, 8))
    first = run(runner, at(2024, 3, 5, 8))
    assert any(f"Ô lịch {slot_ids[2]}" in r for r in first.reminders)
    second = run(runner, at(2024, 3, 5, 9))
    assert second.reminders == []
    with db.session() as s:
        assert s.get(Notice, f"slot:{slot_ids[2]}") is not None
