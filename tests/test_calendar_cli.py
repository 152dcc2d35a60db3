"""`loa calendar build|show|export` run as staff run them: the real console script."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from icalendar import Calendar

from content import db as dbmod
from content.models import Item, PlanRecord, Slot
from content.plan.parse import ReportDuty
from tests.helpers import run_loa, write_config
from tests.helpers import make_plan, task

pytestmark = pytest.mark.slow


def setup(tmp_path: Path, *plans) -> Path:  # noqa: ANN002
    cfg = write_config(tmp_path)
    database = dbmod.open_db(f"sqlite:///{tmp_path / 'loa.db'}")
    with database.session() as s:
        for i, plan in enumerate(plans, start=1):
            s.add(PlanRecord(key=f"kh-{i}", number=plan.number, title=plan.title, data=plan.to_dict()))
    database.dispose()
    return cfg


def ngoc_lam():  # noqa: ANN201
    return make_plan(themes=7, channels=("radio", "notice_board", "print", "event"),
                     tasks=[task("01", "deadline", due=date(2024, 3, 15))],
                     reports=[ReportDuty("half_year"), ReportDuty("year")])


def test_no_plans_yet(tmp_path):
    cfg = setup(tmp_path)
    for args in (("build",), ("show", "--week", "2024-W10"), ("export", "--format", "ics")):
        r = run_loa("calendar", *args, cwd=tmp_path, config=cfg)
        assert r.code == 2, (args, r.out, r.err)
        assert "Chưa có kế hoạch nào" in r.err and "loa plan import" in r.err
        assert "Traceback" not in r.err


def test_build_show_and_errors(tmp_path):
    cfg = setup(tmp_path, ngoc_lam(), make_plan(channels=("portal", "social"), number="136/KH-STTTT"))
    r = run_loa("calendar", "show", "--week", "2024-W10", cwd=tmp_path, config=cfg)
    assert r.code == 2 and "loa calendar build" in r.err

    r = run_loa("calendar", "build", cwd=tmp_path, config=cfg)
    assert r.code == 0, r.err
    assert "Kế hoạch số 11/KH-UBND (mã số 1)" in r.out and "Kế hoạch số 136/KH-STTTT (mã số 2)" in r.out
    again = run_loa("calendar", "build", "--plan", "1", cwd=tmp_path, config=cfg)
    assert again.code == 0 and "thêm 0, cập nhật 0, xóa 0." in again.out and "136/KH" not in again.out

    r = run_loa("calendar", "show", "--week", "2024-W36", cwd=tmp_path, config=cfg)
    assert r.code == 0, r.err
    assert "02/09/2024" in r.out and "Thứ Hai" in r.out and "Nghỉ lễ: Quốc khánh" in r.out
    assert r.out.count("Nghỉ lễ: Quốc khánh") == 2       # 02/09 and 03/09, once each for both plans
    assert "04/09/2024" in r.out and "Thứ Tư" in r.out and "Đài truyền thanh" in r.out
    assert "Cổng TTĐT" in r.out and "Telegram" in r.out and "Zalo" in r.out
    assert "chưa có" in r.out

    r = run_loa("calendar", "show", "--month", "2024-03", "--plan", "1", "--json", cwd=tmp_path, config=cfg)
    data = json.loads(r.out)
    radio = [s for s in data["slots"] if s["kind"] == "publish"]
    assert len(radio) == 8 and {s["channel"] for s in radio} == {"radio"}
    assert any(s["title"] == "Hạn nhiệm vụ 01: Công việc 01" for s in data["slots"])

    for args, words in [
        (("--week", "2024-W99"), "2024-W10"), (("--month", "2024-13"), "2024-03"),
        (("--week", "2024-W10", "--month", "2024-03"), "--week hoặc --month"),
        (("--plan", "9"), "Không có kế hoạch mã số 9"), (("--plan", "một"), "phải là số"),
    ]:
        r = run_loa("calendar", "show", *args, cwd=tmp_path, config=cfg)
        assert r.code == 2 and words in r.err, (args, r.err)
        assert "Lỗi:" in r.err and "Traceback" not in r.err


def test_rebuild_keeps_a_filled_slot_after_a_config_change(tmp_path):
    cfg = setup(tmp_path, ngoc_lam())
    assert run_loa("calendar", "build", cwd=tmp_path, config=cfg).code == 0
    database = dbmod.open_db(f"sqlite:///{tmp_path / 'loa.db'}")
    with database.session() as s:
        slot = s.query(Slot).filter_by(key="publish:2024-03-07:radio").one()
        s.add(Item(title="Bài ngày 07/03", plan_id=slot.plan_id, slot_id=slot.id, channels=["radio"]))
    database.dispose()
    cfg.write_text(cfg.read_text(encoding="utf-8") + "[calendar.per_week]\nradio = 1\n", encoding="utf-8")
    r = run_loa("calendar", "build", cwd=tmp_path, config=cfg)
    assert r.code == 0, r.err
    assert "Giữ lại 1 ô đã có bài" in r.out
    r = run_loa("calendar", "show", "--week", "2024-W10", "--json", cwd=tmp_path, config=cfg)
    radio = [(s["day"], s["items"]) for s in json.loads(r.out)["slots"] if s["kind"] == "publish"]
    assert radio == [("2024-03-04", []), ("2024-03-07", [1])]


def test_export_ics_and_csv(tmp_path):
    cfg = setup(tmp_path, ngoc_lam())
    assert run_loa("calendar", "build", cwd=tmp_path, config=cfg).code == 0
    out = tmp_path / "xuat" / "lich.ics"
    r = run_loa("calendar", "export", "--format", "ics", "--output", str(out), cwd=tmp_path, config=cfg)
    assert r.code == 0, r.err
    cal = Calendar.from_ical(out.read_bytes())
    evs = cal.walk("VEVENT")
    radio = [e for e in evs if str(e["SUMMARY"]).startswith("Đài truyền thanh – Chủ đề ")]
    assert len(radio) > 90
    assert str(cal["X-WR-CALNAME"]).endswith("Ủy ban nhân dân xã Ngọc Lâm")
    assert f"Đã ghi {len(evs)} mục lịch" in r.out
    # the second half-year's report is due with the year's: one event that names both
    assert {"Hạn báo cáo 6 tháng đầu năm 2024",
            "Hạn báo cáo năm 2024 (gồm cả báo cáo 6 tháng cuối năm 2024)",
            "Nghỉ lễ: Quốc khánh"} <= {str(e["SUMMARY"]) for e in evs}
    assert not any(str(e["SUMMARY"]) == "Hạn báo cáo 6 tháng cuối năm 2024" for e in evs)

    r = run_loa("calendar", "export", "--format", "csv", "--plan", "1", cwd=tmp_path, config=cfg)
    assert r.code == 0
    rows = list(csv.DictReader(io.StringIO(r.out.removeprefix("\ufeff"))))
    assert len(rows) == len(evs)
    assert rows[0]["Ngày"] == "01/01/2024" and rows[0]["Loại"] == "Nghỉ lễ"

    r = run_loa("calendar", "export", "--format", "csv", "--plan", "1", "--delimiter", ";", cwd=tmp_path, config=cfg)
    assert r.code == 0
    assert list(csv.DictReader(io.StringIO(r.out.removeprefix("\ufeff")), delimiter=";")) == rows
    r = run_loa("calendar", "export", "--format", "csv", "--delimiter", "|", cwd=tmp_path, config=cfg)
    assert r.code == 2 and "--delimiter tab" in r.err

    r = run_loa("calendar", "export", "--format", "pdf", cwd=tmp_path, config=cfg)
    assert r.code == 2 and "ics" in r.err and "csv" in r.err
