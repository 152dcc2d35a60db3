"""`loa publish --due`, `loa log` and `loa post …` through the real CLI, with the static portal,
radio and hotline folders and the outbox taking the unconfigured Telegram channel."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from tests.helpers import LOA, Result, run_loa, write_config

pytestmark = pytest.mark.slow


def loa(*args: str, cwd: Path, config: Path) -> Result:
    return run_loa(*args, cwd=cwd, config=config)


@pytest.fixture
def site(tmp_path: Path) -> tuple[Path, Path]:
    assert LOA.exists()
    return tmp_path, write_config(tmp_path)


@pytest.mark.skipif(importlib.util.find_spec("channels.registry") is None,
                    reason="channels/registry.py (the adapters) not there yet")
def test_publish_due_log_and_posts(site):
    cwd, cfg = site
    r = loa("item", "add", "--title", "Lịch tiếp công dân tháng 3", "--body",
            "Ủy ban nhân dân xã tiếp công dân vào thứ Năm hằng tuần.",
            "--channels", "portal,telegram,radio", "--at", "2024-03-04 08:00", "--yes", cwd=cwd, config=cfg)
    assert r.code == 0, r.err
    r = loa("item", "approve", "1", "--by", "Chủ tịch", "--yes", cwd=cwd, config=cfg)
    assert r.code == 0, r.err

    # not due yet: nothing goes out
    r = loa("publish", "--due", "--now", "2024-03-04 07:00", cwd=cwd, config=cfg)
    assert r.code == 0, r.err
    assert "Không có bài nào đến hạn" in r.out

    r = loa("publish", "--due", "--now", "2024-03-04 08:05", cwd=cwd, config=cfg)
    assert r.code == 0, r.err
    assert "Kết quả đăng bài đến hạn (04/03/2024 08:05)" in r.out
    assert "Đã đăng" in r.out
    assert any(cwd.joinpath("site").rglob("*.html"))
    assert any(cwd.joinpath("radio").rglob("*"))

    r = loa("log", "--json", cwd=cwd, config=cfg)
    assert r.code == 0, r.err
    rows = json.loads(r.out)
    assert {row["channel"] for row in rows} >= {"portal", "radio"}
    assert all(row["outcome"] == "published" and row["item_id"] == 1 for row in rows)
    assert all(row["at_local"].startswith("04/03/2024 08:0") for row in rows)
    assert any(row["url"] for row in rows if row["channel"] == "portal")

    r = loa("log", cwd=cwd, config=cfg)
    assert r.code == 0 and "Nhật ký đăng bài" in r.out and "đã đăng" in r.out
    assert "Số phát hành" in r.out and "Độ trễ" in r.out
    r = loa("log", "--failed", cwd=cwd, config=cfg)
    assert r.code == 0 and "chưa có dòng nào khớp" in r.out
    r = loa("log", "--channel", "portal", "--since", "2024-03-05", "--json", cwd=cwd, config=cfg)
    assert r.code == 0 and json.loads(r.out) == []

    r = loa("post", "list", "--json", cwd=cwd, config=cfg)
    posts = json.loads(r.out)
    assert posts and all(p["state"] == "published" for p in posts)
    r = loa("post", "list", "--state", "dead", cwd=cwd, config=cfg)
    assert r.code == 0 and "Không có bài đăng nào “bỏ cuộc”" in r.out
    r = loa("post", "show", str(posts[0]["id"]), cwd=cwd, config=cfg)
    assert r.code == 0 and "Trạng thái: đã đăng" in r.out
    r = loa("post", "retry", str(posts[0]["id"]), cwd=cwd, config=cfg)
    assert r.code == 2 and "đã đăng" in r.err

    r = loa("item", "show", "1", "--json", cwd=cwd, config=cfg)
    assert json.loads(r.out)["state"] == "published"


def test_bad_arguments_exit_2(site):
    cwd, cfg = site
    r = loa("publish", cwd=cwd, config=cfg)
    assert r.code == 2 and "loa publish --due" in r.err
    r = loa("publish", "--due", "--now", "ngày xửa ngày xưa", cwd=cwd, config=cfg)
    assert r.code == 2 and "Không hiểu “xửa xưa” trong thời điểm “ngày xửa ngày xưa”" in r.err
    r = loa("log", "--channel", "facebook", cwd=cwd, config=cfg)
    assert r.code == 2 and "Kênh không hợp lệ" in r.err
    r = loa("post", "list", "--state", "lost", cwd=cwd, config=cfg)
    assert r.code == 2 and "Trạng thái không hợp lệ" in r.err
    r = loa("post", "retry", "42", cwd=cwd, config=cfg)
    assert r.code == 2 and "Không có bài đăng số 42" in r.err
