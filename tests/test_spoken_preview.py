"""`loa item preview --channel radio` lists what the announcer should check."""

import json

import pytest

from tests.helpers import run_loa, write_config

pytestmark = pytest.mark.slow


def test_radio_preview_lists_words_to_check(tmp_path):
    cfg = write_config(tmp_path)
    body = tmp_path / "bai.md"
    body.write_text("Cài đặt VNeID, liên hệ hệ thống XKCD; tỷ lệ 1/5 hộ dân; chỉ tiêu đạt 3/7.\n\n"
                    "[Xem chi tiết](https://ngoclam.example.gov.vn/tin/1)", encoding="utf-8")
    r = run_loa("item", "add", "--title", "Tin 📢 Đề án 06", "--body-file", str(body), "--channels", "radio",
                "--at", "04/03/2024 08:00", "--yes", "--json", cwd=tmp_path, config=cfg)
    assert r.code == 0, r.err
    item = json.loads(r.out)
    r = run_loa("item", "preview", str(item["id"]), "--channel", "radio", cwd=tmp_path, config=cfg)
    assert r.code == 0, r.err
    assert "Đề án không sáu" in r.out and "📢" not in r.out
    assert "trên trang thông tin điện tử" in r.out and "Xem chi tiết trên" in r.out
    checks = r.out.split("Người đọc cần kiểm tra:")[1]
    assert "một trên năm hộ dân" in r.out   # "tỷ lệ … hộ" says it is a ratio: read, not listed
    for word in ("VNeID", "XKCD", "3/7"):
        assert word in checks
