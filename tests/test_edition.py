"""The weekly edition's rule: the edition firing Monday 07:00 holds what was published in the
seven days before (any item, with or without a theme or a slot), links only to pages that
exist, and `loa schedule preview` shows the same list. Its radio script reads the edition number
as a number and no "Xem chi tiết"."""

from __future__ import annotations

import asyncio
import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from channels.models import Post
from content.models import Item, PlanRecord, Slot
from content.plan.parse import Period, Plan, Signer, Theme
from content.render.item import Article, render
from schedules.edition import compose_digest, edition_contents, Entry
from schedules.models import Edition
from schedules.runner import Runner
from schedules.timing import Weekly
from tests.helpers import run_loa, write_config
from content import db as dbmod

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
MON7 = Weekly.parse("mon 07:00")
SITE = "https://ngoclam.example.gov.vn"


def at(y, mo, d, h=0, mi=0):  # noqa: ANN001, ANN201
    return datetime(y, mo, d, h, mi, tzinfo=HCM)


def _item(s, title, *, state="published", slot=None, source="staff", channels=("portal", "telegram")):  # noqa: ANN001, ANN202
    it = Item(title=title, body=f"{title}: nội dung.\n\nĐoạn hai.", state=state, slot_id=slot, source=source,
              channels=list(channels))
    s.add(it)
    s.flush()
    return it


def _post(s, item, channel, when, *, state="published", url=None):  # noqa: ANN001, ANN202
    s.add(Post(item_id=item.id, channel=channel, target="", state=state, due_at=when,
               published_at=when if state == "published" else None, attempts=1 if state == "published" else 0,
               url=url))
    s.flush()


def seed(db) -> dict[str, int]:  # noqa: ANN001
    """Items around the edition of Monday 04/03/2024 07:00 (it covers 26/02 07:00 – 04/03 06:59)."""
    plan = Plan(number="11/KH-UBND", issuer="Ủy ban nhân dân xã Ngọc Lâm", place="Ngọc Lâm",
                date=date(2024, 1, 26), year=2024, period=Period(date(2024, 1, 1), date(2024, 12, 31)),
                title="Tuyên truyền CCHC", signer=Signer(), themes=[Theme("t1", "Tầm quan trọng của CCHC")])
    with db.session() as s:
        rec = PlanRecord(key="nl", data=plan.to_dict())
        s.add(rec)
        s.flush()
        slot = Slot(plan_id=rec.id, key="publish:2024-02-27:radio", day=date(2024, 2, 27), kind="publish",
                    channel="radio", theme_id="t1")
        s.add(slot)
        s.flush()
        a = _item(s, "Bài cho ô lịch thứ Ba", slot=slot.id, channels=("radio", "portal"))
        _post(s, a, "radio", at(2024, 2, 27, 8), url="file:///var/radio/a.txt")
        _post(s, a, "portal", at(2024, 2, 27, 8), url=f"{SITE}/bai-viet/a.html")
        b = _item(s, "Tin không thuộc chủ đề nào, đăng thứ Tư")               # no theme, no slot
        _post(s, b, "telegram", at(2024, 2, 28, 9, 30), url="https://t.me/xangoclam/9")
        _post(s, b, "portal", at(2024, 2, 28, 9, 31), url=f"{SITE}/bai-viet/b.html")
        h = _item(s, "Chỉ đăng Telegram", channels=("telegram",))
        _post(s, h, "telegram", at(2024, 3, 1, 15))
        c = _item(s, "Đăng sau giờ phát bản tin")                             # next edition
        _post(s, c, "portal", at(2024, 3, 4, 8), url=f"{SITE}/bai-viet/c.html")
        d = _item(s, "Đăng trước tuần của bản tin")                           # previous edition
        _post(s, d, "portal", at(2024, 2, 26, 6, 59), url=f"{SITE}/bai-viet/d.html")
        e = _item(s, "Chờ đăng thứ Năm", state="scheduled")                    # not yet out
        _post(s, e, "portal", at(2024, 3, 7, 8), state="pending")
        f = _item(s, "Chờ đăng Chủ nhật trước giờ phát", state="scheduled")
        _post(s, f, "portal", at(2024, 3, 3, 20), state="pending")
        g = _item(s, "Bản tin CCHC số 8/2024", source="edition")
        _post(s, g, "portal", at(2024, 2, 26, 7))
        q = _item(s, "Dân hỏi – Chính quyền trả lời: tuần trước", source="qa")
        _post(s, q, "portal", at(2024, 2, 26, 7, 1))
        return {k: v.id for k, v in dict(a=a, b=b, h=h, c=c, d=d, e=e, f=f, g=g, q=q).items()}


def test_the_edition_holds_what_was_published_the_week_before(db):
    ids = seed(db)
    with db.session() as s:
        got = edition_contents(s, MON7, HCM, date(2024, 3, 4))
    assert (got.start, got.end) == (at(2024, 2, 26, 7), at(2024, 3, 4, 7))
    assert [e.item_id for e in got.entries] == [ids["a"], ids["b"], ids["h"]]
    links = {e.item_id: e.link for e in got.entries}
    assert links == {ids["a"]: f"{SITE}/bai-viet/a.html", ids["b"]: f"{SITE}/bai-viet/b.html", ids["h"]: None}
    assert [e.item_id for e in got.expected] == [ids["f"]]    # due Sunday evening, before the fire time
    with db.session() as s:
        nxt = edition_contents(s, MON7, HCM, date(2024, 3, 11))
    assert [e.item_id for e in nxt.entries] == [ids["c"]]      # published after 07:00: next week's edition
    assert [e.item_id for e in nxt.expected] == [ids["f"], ids["e"]]   # by due time


def test_an_approved_item_with_no_theme_is_in_the_next_edition(db, settings):
    with db.session() as s:
        tue = _item(s, "Thông báo lịch tiếp dân thứ Ba", channels=("portal",))
        _post(s, tue, "portal", at(2024, 3, 5, 8), url=f"{SITE}/bai-viet/tue.html")
        tue_id = tue.id
    runner = Runner(db, settings, {}, clock=lambda: at(2024, 3, 4, 7))
    asyncio.run(runner.tick(at(2024, 3, 4, 7)))
    with db.session() as s:
        first = s.scalars(select(Edition)).one()
        assert first.item_id is None                  # nothing was out before Monday 07:00
    asyncio.run(runner.tick(at(2024, 3, 11, 7)))
    with db.session() as s:
        second = s.scalar(select(Edition).where(Edition.week_start == date(2024, 3, 11)))
        digest = s.get(Item, second.item_id)
        assert "Thông báo lịch tiếp dân thứ Ba" in digest.body and f"({SITE}/bai-viet/tue.html)" in digest.body
        assert "từ ngày 04/03/2024 đến ngày 11/03/2024" in digest.body
        assert s.get(Item, tue_id).title in digest.body


def test_digest_links_only_existing_pages_and_radio_reads_it_well(db, settings):
    ids = seed(db)
    runner = Runner(db, settings, {}, clock=lambda: at(2024, 3, 4, 7))
    report = asyncio.run(runner.tick(at(2024, 3, 4, 7)))
    assert report.edition == "1/2024"
    with db.session() as s:
        digest = s.get(Item, s.scalars(select(Edition)).one().item_id)
        body = digest.body
    assert f"## 1. [Bài cho ô lịch thứ Ba]({SITE}/bai-viet/a.html)" in body
    assert "## 3. Chỉ đăng Telegram" in body                     # no page: no link
    for absent in ("c.html", "Chờ đăng", "Đăng trước tuần", "số 8/2024", "Dân hỏi"):
        assert absent not in body
    assert "Xem chi tiết" not in body
    radio = render(Article(title=digest.title, body=body, date=date(2024, 3, 4), id=digest.id), "radio",
                   settings).parts[0]
    assert "số một năm hai nghìn không trăm hai mươi tư" in radio
    assert "tháng một" not in radio and "Xem chi tiết" not in radio and "https" not in radio
    assert "Bài cho ô lịch thứ Ba" in radio
    assert ids


def test_compose_digest_escapes_titles():
    title, body = compose_digest("2/2024", date(2024, 3, 4), date(2024, 3, 10),
                                 [Entry(1, "Giải đáp *thủ tục* [mới] <b>", "Tóm tắt.", "https://x.vn/1.html")],
                                 home="https://x.vn/")
    assert title == "Bản tin CCHC số 2/2024"
    assert r"[Giải đáp \*thủ tục\* \[mới\] \<b\>](https://x.vn/1.html)" in body
    assert body.rstrip().endswith("<https://x.vn/>")


def test_schedule_preview_shows_the_edition_exactly(tmp_path):
    cfg = write_config(tmp_path)
    database = dbmod.open_db(f"sqlite:///{tmp_path / 'loa.db'}")
    ids = seed(database)
    database.dispose()
    r = run_loa("schedule", "preview", "--week", "2024-W10", "--json", cwd=tmp_path, config=cfg)
    assert r.code == 0, r.err
    ed = json.loads(r.out)["edition"]
    assert [x["item"] for x in ed["items"]] == [ids["a"], ids["b"], ids["h"]]
    assert [x["item"] for x in ed["expected"]] == [ids["f"]]
    assert ed["fires"] == "2024-03-04T07:00:00+07:00"
    r = run_loa("schedule", "preview", "--week", "2024-W10", cwd=tmp_path, config=cfg)
    assert "Bài cho ô lịch thứ Ba" in r.out and "Chờ đăng Chủ nhật trước giờ phát" in r.out
    assert "Chờ đăng thứ Năm" not in r.out.split("Bản tin tuần")[1].split("ô lịch")[0]
