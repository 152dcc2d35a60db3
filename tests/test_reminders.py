"""Reminder rules over real rows; each reminder reaches staff once."""

from datetime import date, datetime, timezone

from content.models import Item, PlanRecord, Slot
from content.plan.parse import Period, Plan, Signer, Task, Theme, Timing
from schedules import reminders

NOW = datetime(2024, 3, 4, 1, 0, tzinfo=timezone.utc)
TODAY = date(2024, 3, 4)


def _seed(s):
    plan = Plan(number="136/KH-STTTT", issuer="Sở Thông tin và Truyền thông tỉnh Gia Lai", place="Gia Lai",
                date=date(2023, 12, 28), year=2024, period=Period(date(2024, 1, 1), date(2024, 12, 31)),
                title="Tuyên truyền CCHC", signer=Signer(),
                themes=[Theme("t1", "Dịch vụ công trực tuyến")],
                tasks=[Task("01", "Tham mưu kế hoạch", "Văn phòng Sở", [],
                            Timing("deadline", "Trước 06/3/2024", due=date(2024, 3, 6))),
                       Task("02", "Hội thi", "Công đoàn Sở", [],
                            Timing("window", "Tháng 3/2024", start=date(2024, 3, 5), end=date(2024, 3, 31))),
                       Task("03", "Cập nhật", "Văn phòng Sở", [], Timing("ongoing", "Thường xuyên"))])
    rec = PlanRecord(key="gl", data=plan.to_dict())
    s.add(rec)
    s.flush()
    empty = Slot(plan_id=rec.id, key="a", day=date(2024, 3, 5), kind="publish", channel="radio", theme_id="t1")
    full = Slot(plan_id=rec.id, key="b", day=date(2024, 3, 6), kind="publish", channel="portal", theme_id="t1")
    far = Slot(plan_id=rec.id, key="c", day=date(2024, 3, 20), kind="publish", channel="portal", theme_id="t1")
    s.add_all([empty, full, far])
    s.flush()
    s.add(Item(title="Bài đã duyệt", body="x", state="approved", slot_id=full.id, channels=["portal"]))
    draft_slot = Slot(plan_id=rec.id, key="d", day=date(2024, 3, 7), kind="publish", channel="zalo", theme_id="t1")
    s.add(draft_slot)
    s.flush()
    s.add(Item(title="Còn nháp", body="x", state="draft", slot_id=draft_slot.id, channels=["zalo"]))
    return empty, draft_slot


def test_collect_and_deliver_once(db):
    sent: list[str] = []
    with db.session() as s:
        empty, draft_slot = _seed(s)
        found = reminders.collect(s, TODAY, days_ahead=3)
        pid = empty.plan_id
        assert {r.key for r in found} == {
            f"slot:{empty.id}", f"slot:{draft_slot.id}",  # a draft does not fill a slot; the far one is not due
            f"task:{pid}:01:due:2024-03-06", f"task:{pid}:02:start:2024-03-05"}
        text = next(r.text for r in found if r.key == f"slot:{empty.id}")
        assert "Đài truyền thanh" in text and "05/03/2024" in text and "Dịch vụ công trực tuyến" in text
        assert len(reminders.deliver(s, found, sent.append, now=NOW)) == 4
    with db.session() as s:
        again = reminders.deliver(s, reminders.collect(s, TODAY, days_ahead=3), sent.append, now=NOW)
    assert again == [] and len(sent) == 4


def test_stuck_posts_name_the_item_channel_and_the_fix():
    dead, unknown = reminders.stuck_posts([
        (7, 3, "Lịch tiếp dân", "telegram", "@xangoclam", "dead", "bot đã bị xóa khỏi kênh"),
        (8, 3, "Lịch tiếp dân", "zalo", "article", "unknown", None),
    ])
    assert dead.text.startswith("Vẫn chưa xử lý:")
    assert "bài số 3" in dead.text and "Telegram (@xangoclam)" in dead.text and "loa post retry 7" in dead.text
    assert "bot đã bị xóa khỏi kênh" in dead.text
    assert "Chưa rõ" in unknown.text and "Zalo" in unknown.text and unknown.key == "post:8:unknown"


def test_stuck_post_reminded_only_when_still_stuck_the_next_day(db):
    from channels.models import Post

    with db.session() as s:
        item = Item(title="Lịch tiếp dân", body="x", state="scheduled", channels=["telegram"])
        s.add(item)
        s.flush()
        s.add_all([Post(item_id=item.id, channel="telegram", target="@a", state="dead", due_at=NOW,
                        updated_at=datetime(2024, 3, 2, 9, 0, tzinfo=timezone.utc), last_error="bị chặn"),
                   Post(item_id=item.id, channel="telegram", target="@b", state="dead", due_at=NOW,
                        updated_at=NOW)])
    with db.session() as s:
        keys = [r.key for r in reminders.collect(s, TODAY) if r.key.startswith("post:")]
    assert len(keys) == 1, "the post that died today was already reported by the publisher"
