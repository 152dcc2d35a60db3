"""Report figures over a seeded database (SQLite and PostgreSQL): exact counts of what went
out, task statuses with their evidence, missed calendar slots, failures, the Q&A section."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from content.models import Item, PlanRecord, Slot
from channels.models import Attempt, Post
from content.plan.parse import Period as PlanPeriod
from content.plan.parse import Plan, ReportDuty, Signer, Task, Theme, Timing
from schedules.reports.data import QAFigures, gather, task_status
from schedules.reports.period import parse_period

UTC = timezone.utc
NOW = datetime(2024, 4, 5, 3, 0, tzinfo=UTC)          # 10:00 on 05/04/2024 in Hà Nội
HOSTILE_TITLE = "Giải đáp <script>alert(1)</script> & “hồ sơ” | trực tuyến"


def utc(y, m, d, hh=2, mm=0):  # noqa: ANN001, ANN201
    return datetime(y, m, d, hh, mm, tzinfo=UTC)


def make_plan() -> Plan:
    t = [
        Task("01", "Xây dựng, ban hành lịch tiếp công dân quý I/2024", "Văn phòng UBND xã", [],
             Timing("deadline", "Trước 15/02/2024", due=date(2024, 2, 15))),
        Task("02", "Niêm yết công khai bộ thủ tục hành chính mới tại Bộ phận một cửa", "Công chức Văn phòng - Thống kê",
             ["Bộ phận một cửa"], Timing("deadline", "Trước 15/3/2024", due=date(2024, 3, 15))),
        Task("03", "Tuyên truyền dịch vụ công trực tuyến trên Đài truyền thanh xã", "Đài truyền thanh xã", [],
             Timing("ongoing", "Thường xuyên trong năm 2024")),
        Task("04", "Công khai đường dây nóng tiếp nhận phản ánh, kiến nghị", "Văn phòng UBND xã", [],
             Timing("ongoing", "Thường xuyên trong năm 2024")),
        Task("05", "Tổ chức Hội thi tìm hiểu về cải cách hành chính", "Đoàn Thanh niên xã", ["Hội Phụ nữ xã"],
             Timing("window", "Tháng 3 - 4/2024", start=date(2024, 3, 1), end=date(2024, 4, 30))),
        Task("06", "Sơ kết 6 tháng công tác tuyên truyền", "Văn phòng UBND xã", [],
             Timing("deadline", "Trước 30/6/2024", due=date(2024, 6, 30))),
        Task("07", "Cử công chức dự tập huấn nghiệp vụ cải cách hành chính của thị xã", "Văn phòng UBND xã", [],
             Timing("external", "Theo kế hoạch của thị xã")),
        Task("08", "In tờ rơi hướng dẫn thủ tục đăng ký khai sinh trực tuyến", "Công chức Tư pháp - Hộ tịch", [],
             Timing("deadline", "Trước 20/3/2024", due=date(2024, 3, 20))),
    ]
    return Plan(number="11/KH-UBND", issuer="Ủy ban nhân dân xã Ngọc Lâm", place="Ngọc Lâm",
                date=date(2024, 1, 26), year=2024, period=PlanPeriod(date(2024, 1, 1), date(2024, 12, 31)),
                title="Tuyên truyền cải cách hành chính xã Ngọc Lâm năm 2024",
                signer=Signer(name="Nguyễn Hữu Hoan", position="Chủ tịch"),
                themes=[Theme("t1", "Tầm quan trọng, ý nghĩa của công tác cải cách hành chính"),
                        Theme("t2", "Cải cách thủ tục hành chính, dịch vụ công trực tuyến"),
                        Theme("t3", "Chỉ số cải cách hành chính và mức độ hài lòng của người dân")],
                tasks=t, reports=[ReportDuty("half_year"), ReportDuty("year")])


def _post(s, item, channel, state, *, due, published=None, url=None, error=None, target=""):  # noqa: ANN001, ANN202
    p = Post(item_id=item.id, channel=channel, target=target, state=state, due_at=due, published_at=published,
             url=url, last_error=error, attempts=1)
    s.add(p)
    s.flush()
    outcome = {"published": "published", "dead": "dead", "unknown": "unknown", "failed": "retry"}.get(state)
    if outcome:
        s.add(Attempt(at=published or due + timedelta(minutes=1), post_id=p.id, item_id=item.id, channel=channel,
                      outcome=outcome, error=error, url=url, http_status=200 if state == "published" else None))
    return p


def seed(s) -> dict:  # noqa: ANN001
    """A commune's first quarter of 2024, with the edge cases a report must get right."""
    rec = PlanRecord(key="ngoc-lam-2024", number="11/KH-UBND", issuer="Ủy ban nhân dân xã Ngọc Lâm",
                     title="Tuyên truyền cải cách hành chính xã Ngọc Lâm năm 2024", year=2024,
                     period_start=date(2024, 1, 1), period_end=date(2024, 12, 31), data=make_plan().to_dict())
    s.add(rec)
    s.flush()
    sl = {k: Slot(plan_id=rec.id, key=k, day=d, kind=kind, channel=ch, theme_id=th, label=lb)
          for k, d, kind, ch, th, lb in [
              ("s1", date(2024, 2, 10), "publish", "portal", "t1", ""),
              ("s2", date(2024, 3, 5), "publish", "zalo", "t2", ""),
              ("s3", date(2024, 3, 12), "publish", "radio", "t1", ""),     # nothing → missed
              ("s4", date(2024, 3, 25), "publish", "telegram", "t3", ""),  # only a draft → missed
              ("s5", date(2024, 4, 10), "publish", "portal", "t2", ""),    # next quarter
              ("s6", date(2024, 3, 15), "task_deadline", "", "", "Hạn nhiệm vụ 02"),
          ]}
    s.add_all(sl.values())
    s.flush()

    def item(title, theme, task, slot, state, channels, plan=True, **kw):  # noqa: ANN001, ANN202
        it = Item(title=title, body="Nội dung", plan_id=rec.id if plan else None, theme_id=theme, task_no=task,
                  slot_id=sl[slot].id if slot else None, state=state, channels=channels, **kw)
        s.add(it)
        s.flush()
        return it

    a = item("Lịch tiếp công dân quý I năm 2024 của UBND xã Ngọc Lâm", "t1", "01", "s1", "published",
             ["portal", "telegram", "radio"])
    for ch, url in (("portal", "https://ngoclam.example.gov.vn/tin/1-lich-tiep-cong-dan"),
                    ("telegram", "https://t.me/xangoclam/15"), ("radio", None)):
        _post(s, a, ch, "published", due=utc(2024, 2, 10), published=utc(2024, 2, 10, 2, 5), url=url)
    b = item("Hướng dẫn nộp hồ sơ trực tuyến trên Cổng Dịch vụ công quốc gia", "t2", "03", "s2", "scheduled",
             ["portal", "zalo", "telegram"])
    _post(s, b, "portal", "published", due=utc(2024, 3, 5), published=utc(2024, 3, 5, 1),
          url="https://ngoclam.example.gov.vn/tin/2-dich-vu-cong")
    _post(s, b, "zalo", "published", due=utc(2024, 3, 5), published=utc(2024, 3, 5, 1, 1))
    _post(s, b, "telegram", "pending", due=utc(2024, 3, 5))
    c = item(HOSTILE_TITLE, "t3", "05", None, "scheduled", ["portal", "telegram", "radio"])
    _post(s, c, "portal", "published", due=utc(2024, 3, 20), published=utc(2024, 3, 20, 3),
          url="https://ngoclam.example.gov.vn/tin/3-hoi-thi?a=1&b=2")
    _post(s, c, "telegram", "dead", due=utc(2024, 3, 20), error="Forbidden: bot was kicked from the channel chat")
    # 00:30 on 01/04 in Hà Nội is still 31/03 in UTC: not in the first quarter
    _post(s, c, "radio", "published", due=utc(2024, 3, 31, 17), published=utc(2024, 3, 31, 17, 30))
    d = item("Tin từ Cổng Dịch vụ công tỉnh: thêm 20 thủ tục trực tuyến toàn trình", None, None, None, "published",
             ["portal"], plan=False, source="feed")
    # 00:30 on 01/01/2024 in Hà Nội, 31/12/2023 in UTC: in the first quarter
    _post(s, d, "portal", "published", due=utc(2023, 12, 31, 17), published=utc(2023, 12, 31, 17, 30))
    e = item("Phát tờ rơi hướng dẫn đăng ký khai sinh trực tuyến", "t2", "08", None, "published", ["portal"])
    _post(s, e, "portal", "published", due=utc(2024, 4, 2), published=utc(2024, 4, 2, 2))
    item("Công chức xã dự tập huấn nghiệp vụ cải cách hành chính", None, "7", None, "published", [],
         publish_at=utc(2024, 3, 10, 1))
    item("Bản nháp cho ô lịch 25/03", "t3", None, "s4", "draft", ["telegram"])
    g = item("Thông báo lịch nghỉ Tết Nguyên đán Giáp Thìn 2024", "t1", None, None, "scheduled", ["zalo", "telegram"])
    _post(s, g, "zalo", "unknown", due=utc(2024, 2, 5), error="Hết thời gian chờ phản hồi từ Zalo")
    _post(s, g, "telegram", "failed", due=utc(2024, 2, 5), error="HTTP 502 Bad Gateway")
    h = item("Bài đăng sau kỳ báo cáo", "t1", None, None, "scheduled", ["telegram"])
    _post(s, h, "telegram", "dead", due=utc(2024, 4, 3), error="Unauthorized")
    return {"plan": rec, "slots": sl, "items": {"a": a, "b": b, "c": c, "d": d, "e": e, "g": g}}


def test_counts_what_went_out_in_local_days(db, settings):
    with db.session() as s:
        seeded = seed(s)
        r = gather(s, settings, parse_period("2024-Q1"), seeded["plan"], now=NOW)
    assert (r.total_posts, r.total_items) == (7, 4)
    assert [(c.key, c.name, c.posts, c.items) for c in r.by_channel] == [
        ("portal", "Cổng TTĐT", 4, 4), ("telegram", "Telegram", 1, 1), ("zalo", "Zalo", 1, 1),
        ("radio", "Đài truyền thanh", 1, 1), ("hotline", "Đường dây nóng", 0, 0)]
    assert [(c.key, c.posts, c.items) for c in r.by_theme] == [
        ("t1", 3, 1), ("t2", 2, 1), ("t3", 1, 1), ("", 1, 1)]
    assert r.by_theme[-1].name == "Tin, bài khác"
    assert r.reference_day == date(2024, 4, 1) and r.plan_number == "11/KH-UBND"


def test_task_status_and_evidence(db, settings):
    with db.session() as s:
        seeded = seed(s)
        r = gather(s, settings, parse_period("2024-Q1"), seeded["plan"], now=NOW)
        ids = {k: v.id for k, v in seeded["items"].items()}
    assert [(t.no, t.status) for t in r.tasks] == [
        ("01", "done"), ("02", "overdue"), ("03", "in_progress"), ("04", "not_started"),
        ("05", "in_progress"), ("06", "not_started"), ("07", "done"), ("08", "overdue")]
    assert r.status_counts() == {"done": 2, "in_progress": 2, "overdue": 2, "not_started": 2}
    ev = {t.no: t.evidence for t in r.tasks}
    assert [(e.item_id, e.day, e.channels) for e in ev["01"]] == [
        (ids["a"], date(2024, 2, 10), ("portal", "telegram", "radio"))]
    assert ev["01"][0].urls == ("https://ngoclam.example.gov.vn/tin/1-lich-tiep-cong-dan", "https://t.me/xangoclam/15")
    assert ev["05"][0].title == HOSTILE_TITLE
    assert ev["07"][0].day == date(2024, 3, 10) and ev["07"][0].channels == ()
    assert ev["08"] == ()   # published on 02/04, after the period: no evidence for the first quarter


def test_missed_slots_and_failures(db, settings):
    with db.session() as s:
        seeded = seed(s)
        r = gather(s, settings, parse_period("2024-Q1"), seeded["plan"], now=NOW)
        sl = {k: v.id for k, v in seeded["slots"].items()}
    assert [(m.slot_id, m.day, m.channel) for m in r.missed] == [
        (sl["s3"], date(2024, 3, 12), "radio"), (sl["s4"], date(2024, 3, 25), "telegram")]
    assert r.missed[0].theme == "Tầm quan trọng, ý nghĩa của công tác cải cách hành chính"
    assert [(f.channel, f.state) for f in r.failures] == [("zalo", "unknown"), ("telegram", "failed"),
                                                          ("telegram", "dead")]
    assert r.failures[2].error.startswith("Forbidden") and r.failures[2].at is not None
    assert r.qa is None


def test_report_drafted_mid_quarter_judges_only_past_days(db, settings):
    mid = datetime(2024, 3, 14, 1, 0, tzinfo=UTC)
    with db.session() as s:
        seeded = seed(s)
        r = gather(s, settings, parse_period("2024-Q1"), seeded["plan"], now=mid)
    status = {t.no: t.status for t in r.tasks}
    assert r.reference_day == date(2024, 3, 14)
    assert status["02"] == "not_started" and status["08"] == "not_started"
    assert [m.day for m in r.missed] == [date(2024, 3, 12)]


def test_without_plan_and_with_a_qa_provider(db, settings):
    seen = []

    def provider(session, cfg, period):  # noqa: ANN001, ANN202
        seen.append(period.key)
        return QAFigures(received=12, answered=10, on_time=9, overdue=1, median_hours=30.5)

    with db.session() as s:
        seed(s)
        r = gather(s, settings, parse_period("2024-01-01..2024-02-29"), None, now=NOW, qa_provider=provider)
    assert (r.total_posts, r.total_items) == (4, 2)
    assert r.tasks == [] and r.missed == [] and len(r.by_theme) == 1
    assert r.by_theme[0].name == "Tin, bài khác" and r.by_theme[0].posts == 4
    assert seen == ["2024-01-01..2024-02-29"] and r.qa.received == 12


def test_status_rules_table():
    ref = date(2024, 4, 1)
    cases = [
        ("deadline", date(2024, 3, 31), None, True, False, "done"),
        ("deadline", date(2024, 3, 31), None, False, False, "overdue"),
        ("deadline", date(2024, 4, 1), None, False, False, "not_started"),
        ("window", date(2024, 3, 1), date(2024, 3, 31), True, True, "done"),
        ("window", date(2024, 3, 1), date(2024, 5, 31), True, True, "in_progress"),
        ("window", date(2024, 1, 1), date(2024, 2, 28), False, False, "overdue"),
        ("recurring", None, None, True, False, "not_started"),
        ("recurring", None, None, True, True, "in_progress"),
        ("external", None, None, False, False, "not_started"),
        ("external", None, None, True, False, "done"),
    ]
    for kind, due, end, has, within, expected in cases:
        got = task_status(kind, due if kind == "deadline" else None, end or due, has_evidence=has,
                          evidence_in_period=within, reference=ref)
        assert got == expected, (kind, due, end, has, within)
