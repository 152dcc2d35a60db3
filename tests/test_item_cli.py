"""Staff flow through the real `loa` CLI: add, preview, approve (queues posts), publish, log."""

import json

import pytest

from tests.helpers import run_loa, write_config

pytestmark = pytest.mark.slow


def test_add_preview_approve_publish(tmp_path):
    cfg = write_config(tmp_path, '[channels.telegram]\ntoken_env = "LOA_TELEGRAM_TOKEN"\nchat_ids = ["@xangoclam"]\n')
    body = tmp_path / "bai.md"
    body.write_text("Bộ phận một cửa của UBND xã làm việc từ 7h30 ngày 04/3/2024.\n\nGọi 0221 3 946 101.",
                    encoding="utf-8")
    r = run_loa("item", "add", "--title", "Lịch làm việc <b>một cửa</b>", "--body-file", str(body),
                "--channels", "portal,radio,telegram", "--at", "04/03/2024 08:00", "--yes", "--json", cwd=tmp_path,
                config=cfg)
    assert r.code == 0, r.err
    item = json.loads(r.out)
    assert item["state"] == "draft" and item["publish_at"].startswith("2024-03-04T08:00:00+07:00")

    r = run_loa("item", "preview", str(item["id"]), "--channel", "radio", cwd=tmp_path, config=cfg)
    assert r.code == 0, r.err
    assert "Ủy ban nhân dân xã" in r.out and "bảy giờ ba mươi phút" in r.out and "UBND" not in r.out

    r = run_loa("item", "approve", str(item["id"]), "--by", "Chủ tịch", cwd=tmp_path, config=cfg)
    assert r.code == 2 and "04/03/2024 08:00 đã qua" in r.err and "--yes" in r.err, "the past is confirmed"
    r = run_loa("item", "approve", str(item["id"]), "--by", "Chủ tịch", "--yes", cwd=tmp_path, config=cfg)
    assert r.code == 0, r.err
    assert "Đã xếp 3 lượt đăng" in r.out

    r = run_loa("publish", "--due", "--now", "2024-03-04T07:59", cwd=tmp_path, config=cfg)
    assert r.code == 0, r.err
    assert not (tmp_path / "site" / "feed.xml").exists(), "nothing is due before its time"
    r = run_loa("publish", "--due", "--now", "2024-03-04T08:00", cwd=tmp_path, config=cfg)
    assert r.code == 0, r.err
    assert "<b>" not in (tmp_path / "site" / "index.html").read_text(encoding="utf-8").split("<body")[1] \
        .replace("&lt;b&gt;", ""), "a title's markup is escaped on the site"
    assert list((tmp_path / "radio").glob("*.txt")) and list((tmp_path / "var" / "outbox" / "telegram").iterdir())

    r = run_loa("log", "--json", cwd=tmp_path, config=cfg)
    rows = json.loads(r.out)
    assert {row["channel"] for row in rows} == {"portal", "radio", "telegram"}
    assert all(row["outcome"] == "published" for row in rows)
    r = run_loa("item", "show", str(item["id"]), "--json", cwd=tmp_path, config=cfg)
    assert json.loads(r.out)["state"] == "published"

    r = run_loa("publish", "--due", "--now", "2024-03-04T09:00", cwd=tmp_path, config=cfg)
    r = run_loa("log", "--json", cwd=tmp_path, config=cfg)
    assert len(json.loads(r.out)) == 3, "published once, never twice"


def test_bad_input_gets_a_vietnamese_message_and_exit_2(tmp_path):
    cfg = write_config(tmp_path)
    cases = [
        (("item", "add", "--title", "T", "--body-file", "khong-co.md"), "Không tìm thấy tệp nội dung"),
        (("item", "add", "--title", "T", "--body", "x", "--channels", "fax"), "Kênh không hợp lệ"),
        (("item", "add", "--title", "T", "--body", "x", "--at", "thứ tám"), "Không hiểu “thứ tám”"),
        (("item", "add", "--title", "T", "--body", "x", "--at", "01/01/2020"), "--yes"),
        (("item", "approve", "99"), "Không có bài số 99"),
        (("item", "list", "--state", "xyz"), "Trạng thái không hợp lệ"),
    ]
    for args, message in cases:
        r = run_loa(*args, cwd=tmp_path, config=cfg)
        assert r.code == 2 and message in r.err and "Traceback" not in r.err, (args, r.err)
    r = run_loa("item", "list", "--json", cwd=tmp_path, config=cfg)
    assert json.loads(r.out) == [], "nothing half-written"
