"""`loa item preview` shows readable text in the terminal (no markup codes, no HTML, no CSS) and
writes the HTML pages (portal, hotline notice) and printable .docx to files it names."""

import json
import re

import pytest

from content.render.plain import html_to_text
from tests.helpers import run_loa, write_config

pytestmark = pytest.mark.slow


def test_preview_is_text_and_the_pages_are_files(tmp_path):
    cfg = write_config(tmp_path, '[channels.telegram]\ntoken_env = "LOA_TELEGRAM_TOKEN"\nchat_ids = ["@xangoclam"]\n')
    body = tmp_path / "bai.md"
    body.write_text("Bộ phận **một cửa** tiếp nhận hồ sơ cả tuần.\n\n- Sáng 7h30\n- Chiều 13h30\n\n"
                    "Xem [hướng dẫn](https://dichvucong.gov.vn/huong-dan).", encoding="utf-8")
    r = run_loa("item", "add", "--title", "Lịch làm việc một cửa", "--body-file", str(body),
                "--channels", "portal,telegram,radio,hotline", "--at", "04/03/2024 08:00", "--json", "--yes",
                cwd=tmp_path, config=cfg)
    item = json.loads(r.out)["id"]
    r = run_loa("item", "preview", str(item), cwd=tmp_path, config=cfg)
    assert r.code == 0, r.err
    out = r.out
    assert "[dim]" not in out and "[/]" not in out
    assert not re.search(r"</?(p|b|ul|li|style|div|a)\b", out), "no raw HTML in the terminal"
    assert "{" not in out, "no CSS in the terminal"
    assert "Bộ phận một cửa tiếp nhận hồ sơ cả tuần." in out and "• Sáng 7h30" in out
    assert "hướng dẫn (https://dichvucong.gov.vn/huong-dan)" in out
    assert "Tin nhắn SMS" in out and "Thời lượng ước tính" in out
    previews = tmp_path / "var" / "preview"
    page = previews / f"bai-{item}-cong-ttdt.html"
    notice = previews / f"bai-{item}-duong-day-nong.html"
    assert str(page) in out and str(notice) in out
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert "Lịch làm việc một cửa" in html_to_text(notice.read_text(encoding="utf-8"))
    assert (previews / f"bai-{item}-dai-truyen-thanh.docx").read_bytes().startswith(b"PK")


def test_html_to_text_spells_links_and_keeps_lines():
    assert html_to_text('<b>Tiêu đề</b>\n\nĐoạn &amp; <a href="https://x.vn/a">Xem chi tiết</a>', newlines=True) \
        == "Tiêu đề\n\nĐoạn & Xem chi tiết (https://x.vn/a)"
    page = ("<!DOCTYPE html><html><head><style>p{color:red}</style></head><body><h1>Thông báo</h1>"
            "<p>Gọi <a href='tel:02213946101'>0221 3 946 101</a> hoặc <a href='https://x.vn'>https://x.vn</a></p>"
            "<ul><li>Một</li><li>Hai</li></ul><table><tr><td>a</td><td>b</td></tr></table></body></html>")
    assert html_to_text(page) == "Thông báo\n\nGọi 0221 3 946 101 hoặc https://x.vn\n\n• Một\n• Hai\n\na | b"


def test_the_telegram_outbox_holds_text_to_paste(tmp_path):
    from channels.adapters.outbox import OutboxChannel
    from channels.adapters.telegram import TelegramChannel
    from channels.base import Message
    from tests.helpers import make_settings
    from tests.helpers import run

    s = make_settings(tmp_path, {"channels": {"telegram": {"chat_ids": ["@xangoclam"]}}})
    ch = OutboxChannel.for_channel(TelegramChannel)(s, s.channel("telegram"), reason="chưa có token")
    body = ('<b>Lịch làm việc một cửa</b>\n\nTiếp nhận hồ sơ <i>cả tuần</i> &amp; trả kết quả.\n\n'
            '<a href="https://ngoclam.example.gov.vn/bai-viet/1.html">Xem chi tiết</a>')
    run(ch.send(Message(key="post-1-part-1", title="Lịch", body=body, format="html"), "@xangoclam"))
    text = (tmp_path / "var" / "outbox" / "telegram" / "post-1-part-1--xangoclam.txt").read_text(encoding="utf-8")
    assert text == ("Lịch làm việc một cửa\n\nTiếp nhận hồ sơ cả tuần & trả kết quả.\n\n"
                    "Xem chi tiết (https://ngoclam.example.gov.vn/bai-viet/1.html)\n")
