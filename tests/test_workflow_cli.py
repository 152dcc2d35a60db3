"""The staff workflow through the real `loa` CLI, as a communications officer would: dates typed
the Vietnamese way, a Word body, edit after approval, reject, restore, withdraw and correct what
went out on the static portal — and exactly one audit row for every staff action."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from docx import Document

from tests.helpers import run_loa, write_config
from tests.helpers import PLANS_DIR

pytestmark = pytest.mark.slow
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _loa(tmp_path, cfg, *args):
    r = run_loa(*args, cwd=tmp_path, config=cfg)
    assert r.code == 0, (args, r.out, r.err)
    return r


def _audit(tmp_path, cfg, *args) -> list[dict]:
    return json.loads(_loa(tmp_path, cfg, "audit", "--json", *args).out)


def test_staff_actions_each_leave_one_audit_row(tmp_path):
    cfg = write_config(tmp_path)
    actions: list[str] = []

    def act(action: str, *args: str) -> str:
        r = _loa(tmp_path, cfg, *args)
        actions.append(action)
        rows = _audit(tmp_path, cfg)
        assert [row["action"] for row in rows] == actions, (args, rows)
        return r.out + r.err

    act("plan.import", "plan", "import", str(PLANS_DIR / "ngoc-lam-ubnd-xa-2024.md"))
    act("calendar.build", "calendar", "build")

    doc = Document()
    doc.add_heading("Lịch tiếp công dân", level=1)
    p = doc.add_paragraph("Chủ tịch UBND xã ")
    p.add_run("tiếp công dân").bold = True
    p.add_run(" vào thứ Năm hằng tuần.")
    doc.save(tmp_path / "bai.docx")
    out = act("item.add", "item", "add", "--title", "Lịch tiếp công dân", "--body-file", str(tmp_path / "bai.docx"),
              "--channels", "portal,radio", "--at", "ngày mai", "--by", "Lan")
    assert "Không ghi giờ: dùng 08:00" in out and "Bài thuộc kế hoạch số 1 (kế hoạch duy nhất đã nhập)" in out
    item = json.loads(_loa(tmp_path, cfg, "item", "show", "1", "--json").out)
    assert item["plan_id"] == 1 and "**tiếp công dân**" in item["body"] and item["body"].startswith("# Lịch")
    tomorrow = (datetime.now(VN) + timedelta(days=1)).strftime("%Y-%m-%d")
    assert item["publish_at"].startswith(f"{tomorrow}T08:00:00+07:00")

    act("item.approve", "item", "approve", "1", "--by", "Chủ tịch Hùng")
    out = act("item.edit", "item", "edit", "1", "--title", "Lịch tiếp công dân (sửa)", "--at", "8h30 thứ Hai tuần sau")
    assert "2 lượt đăng chưa gửi sẽ được rút khỏi hàng đợi" in out and "cần duyệt lại" in out
    act("item.reject", "item", "reject", "1", "--reason", "Thiếu địa điểm")
    assert json.loads(_loa(tmp_path, cfg, "item", "list", "--state", "bị từ chối", "--json").out)[0]["id"] == 1
    act("item.restore", "item", "restore", "1")
    act("item.cancel", "item", "cancel", "1")
    act("item.restore", "item", "restore", "1")
    act("item.approve", "item", "approve", "1", "--yes")

    now = datetime.now(VN) + timedelta(days=15)
    _loa(tmp_path, cfg, "publish", "--due", "--now", now.strftime("%Y-%m-%dT%H:%M"))
    page = next((tmp_path / "site").rglob("*lich-tiep-cong-dan*.html"))
    body = tmp_path / "dung.md"
    body.write_bytes("Chủ tịch UBND xã tiếp công dân vào sáng thứ Năm tại trụ sở.".encode("utf-16"))
    out = act("item.correct", "item", "correct", "1", "--body-file", str(body), "--yes")
    assert "Cổng TTĐT: đã thay trang bằng bản đính chính" in out and "sáng thứ Năm" in page.read_text("utf-8")
    assert "Đài truyền thanh: đã giao kịch bản đính chính" in out
    out = act("item.withdraw", "item", "withdraw", "1", "--reason", "Đổi lịch", "--yes")
    assert not page.exists() and "Cổng TTĐT: đã gỡ trang" in out
    assert "Cần cán bộ xử lý tay" in out and "Đài truyền thanh: hãy báo Đài không phát" in out

    rows = _audit(tmp_path, cfg, "--item", "1")
    assert {r["actor"] for r in rows if r["action"] == "item.approve"} >= {"Chủ tịch Hùng"}
    edit = next(r for r in rows if r["action"] == "item.edit")
    assert edit["before"]["title"] == "Lịch tiếp công dân" and edit["after"]["title"] == "Lịch tiếp công dân (sửa)"
    assert _audit(tmp_path, cfg, "--since", "ngày mai") == []
    text = run_loa("audit", "--item", "1", cwd=tmp_path, config=cfg,
                   env={"COLUMNS": "80"}).out
    assert "gỡ bài đã đăng" in text and "Đổi lịch" in text
    log = json.loads(_loa(tmp_path, cfg, "log", "--json").out)
    assert {"unqueued", "published", "corrected", "correction", "withdrawn", "manual"} <= {e["outcome"] for e in log}

    r = run_loa("report", "--period", str(now.year), "--format", "md", "--output", "bc.md", "--audit",
                cwd=tmp_path, config=cfg)
    assert r.code == 0, r.err
    assert "PHỤ LỤC: NHẬT KÝ THAO TÁC" in (tmp_path / "bc.md").read_text(encoding="utf-8")


def test_withdraw_and_correct_need_confirmation_without_a_terminal(tmp_path):
    cfg = write_config(tmp_path)
    _loa(tmp_path, cfg, "item", "add", "--title", "Tin", "--body", "Nội dung.", "--channels", "portal")
    _loa(tmp_path, cfg, "item", "approve", "1")
    _loa(tmp_path, cfg, "publish", "--due")
    r = run_loa("item", "withdraw", "1", cwd=tmp_path, config=cfg)
    assert r.code == 2 and "Cổng TTĐT: Loa sẽ gỡ bài." in r.err and "--yes" in r.err
    r = run_loa("item", "edit", "1", "--title", "Khác", cwd=tmp_path, config=cfg)
    assert r.code == 2 and "loa item correct" in r.err
    assert json.loads(_loa(tmp_path, cfg, "item", "show", "1", "--json").out)["actions"] == ["withdraw", "correct"]
    assert [row["action"] for row in _audit(tmp_path, cfg)] == ["item.add", "item.approve"], "refusals leave no row"


def test_tables_keep_dates_whole_at_80_columns(tmp_path):
    cfg = write_config(tmp_path)
    _loa(tmp_path, cfg, "item", "add", "--title", "Thông báo về việc tiếp nhận hồ sơ trực tuyến mức độ toàn trình "
         "trên Cổng dịch vụ công quốc gia", "--body", "Nội dung.", "--channels", "portal,radio,hotline",
         "--at", "05/03/2030 08:00")
    _loa(tmp_path, cfg, "item", "approve", "1")
    _loa(tmp_path, cfg, "publish", "--due", "--now", "2030-03-05T08:01")
    for args in (("log",), ("item", "list"), ("post", "list"), ("audit",), ("schedule", "preview", "--week", "2030-W10")):
        r = run_loa(*args, cwd=tmp_path, config=cfg, env={"COLUMNS": "80"})
        assert r.code == 0, r.err
        table = [line for line in r.out.splitlines() if line[:1] in "┏┃┡│└"]
        assert table and all(len(line) <= 80 for line in table), (args, r.out)
        assert "05/03/2030" in r.out or args == ("audit",), (args, r.out)
        assert "…" not in "".join(line for line in r.out.splitlines() if "/20" in line), (args, r.out)


def test_without_a_config_file_loa_says_it_uses_defaults(tmp_path):
    r = run_loa("item", "list", cwd=tmp_path)
    assert r.code == 0, r.err
    assert "Không có tệp cấu hình config.toml" in r.err and str(tmp_path / "var" / "loa.db") in r.err
    assert "Chưa có bài nào." in r.out
