"""File-based adapters: the static portal (pages, index, RSS read back with feedparser), radio
scripts (and optional espeak-ng audio), and the outbox that stands in for an unconfigured
channel."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import feedparser
import pytest

from channels.adapters.outbox import OutboxChannel
from channels.adapters.portal_static import StaticPortal
from channels.adapters.radio import RadioChannel
from channels.adapters.telegram import TelegramChannel
from channels.adapters.zalo import ZaloChannel
from tests.helpers import make_settings
from tests.helpers import message, run


def publish(ch, *msgs, target: str = ""):
    async def go():
        return [await ch.send(m, target) for m in msgs]
    return run(go())


def article(n: int, day: str, title: str, at: str | None = None):
    slug = f"{n}-bai-{n}"
    return message(f"post-{n}-part-1", title=title, slug=slug, path=f"bai-viet/{slug}.html", date=day,
                   summary=f"Tóm tắt {n}", tags=["Chuyển đổi số"], at=at or f"{day}T08:30:00+07:00",
                   body_html=f"<p>Nội dung bài {n}.</p>")


def test_static_portal_feed_and_index(tmp_path: Path) -> None:
    s = make_settings(tmp_path)
    ch = StaticPortal(s, s.channel("portal"))
    receipts = publish(ch, article(1, "2025-05-02", "Bài cũ & xưa"), article(2, "2025-05-15", "Bài mới"),
                       article(1, "2025-05-02", "Bài cũ & xưa"))
    assert receipts[0].url == "https://ngoclam.example.gov.vn/bai-viet/1-bai-1.html"
    site = tmp_path / "site"
    assert (site / "bai-viet" / "2-bai-2.html").exists()

    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not feed.bozo
    assert feed.feed.title == "Cải cách hành chính – Ủy ban nhân dân xã Ngọc Lâm" and feed.feed.language == "vi"
    assert [e.title for e in feed.entries] == ["Bài mới", "Bài cũ & xưa"]          # newest first, no duplicate
    first = feed.entries[0]
    assert first.link == first.id == "https://ngoclam.example.gov.vn/bai-viet/2-bai-2.html"
    assert first.published == "Thu, 15 May 2025 08:30:00 +0700"                   # its real time, not 07:00
    assert first.summary == "Tóm tắt 2"
    assert first.tags[0].term == "Chuyển đổi số"

    index = (site / "index.html").read_text(encoding="utf-8")
    assert index.index("Bài mới") < index.index("Bài cũ &amp; xưa")
    assert "15/05/2025" in index and 'lang="vi"' in index
    assert not list(site.rglob("*.tmp"))                                            # atomic writes
    assert not (site / "manifest.json").exists() and not (site / ".loa.lock").exists()   # not in the web root
    assert (tmp_path / "site.loa" / "manifest.json").exists()


def test_static_portal_reconcile_and_file_links_without_base_url(tmp_path: Path) -> None:
    s = make_settings(tmp_path, {"channels": {"portal": {"kind": "static", "path": "site"}}})
    ch = StaticPortal(s, s.channel("portal"))
    assert run(ch.reconcile(article(3, "2025-05-01", "Ba"), "")) is None
    (receipt,) = publish(ch, article(3, "2025-05-01", "Ba"))
    assert receipt.url.startswith("file://") and receipt.url.endswith("bai-viet/3-bai-3.html")
    again = run(StaticPortal(s, s.channel("portal")).reconcile(article(3, "2025-05-01", "Ba"), ""))
    assert again is not None and again.url == receipt.url


def test_radio_writes_script_and_docx(tmp_path: Path) -> None:
    s = make_settings(tmp_path)
    ch = RadioChannel(s, s.channel("radio"))
    msg = message("post-7-part-1", body="Đây là Đài truyền thanh xã Ngọc Lâm.\n", fmt="text",
                  docx=b"PK\x03\x04fake-docx", txt_name="2025-05-15-7-ngay-hoi.txt")
    (receipt,) = publish(ch, msg)
    folder = tmp_path / "radio"
    assert (folder / "2025-05-15-post-7-part-1.txt").read_text(encoding="utf-8") == msg.body
    assert (folder / "2025-05-15-post-7-part-1.docx").read_bytes() == b"PK\x03\x04fake-docx"
    assert receipt.external_id == "2025-05-15-post-7-part-1.txt"
    assert run(ch.reconcile(msg, "")) == receipt
    publish(ch, msg)
    assert len(list(folder.glob("*.txt"))) == 1


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed (audio is optional)")
def test_radio_audio_with_espeak(tmp_path: Path) -> None:
    s = make_settings(tmp_path, {"channels": {"radio": {"path": "radio", "audio": True}}})
    ch = RadioChannel(s, s.channel("radio"))
    publish(ch, message("post-8-part-1", body="Kính thưa bà con nhân dân.", fmt="text", date="2025-05-15"))
    wav = tmp_path / "radio" / "2025-05-15-post-8-part-1.wav"
    assert wav.read_bytes()[:4] == b"RIFF"


def test_outbox_writes_what_would_be_sent(tmp_path: Path) -> None:
    s = make_settings(tmp_path, {"channels": {"telegram": {"chat_ids": ["@xangoclam", "-1001"]}}})
    cls = OutboxChannel.for_channel(TelegramChannel)
    assert cls.name == "telegram" and cls.limits == TelegramChannel.limits    # split identically
    ch = cls(s, s.channel("telegram"), reason="chưa có token")
    assert ch.targets() == ["@xangoclam", "-1001"]
    msg = message("post-12-part-2", docx=b"\x00\x01binary")
    msg = type(msg)(**{**msg.__dict__, "part": 2, "parts": 3})
    (receipt,) = publish(ch, msg, target="@xangoclam")
    folder = tmp_path / "var" / "outbox" / "telegram"
    record = json.loads((folder / "post-12-part-2--xangoclam.json").read_text(encoding="utf-8"))
    assert record["target"] == "@xangoclam" and record["body"] == msg.body and record["format"] == "html"
    assert (record["part"], record["parts"]) == (2, 3) and record["title"] == msg.title
    assert record["extras"]["docx"].startswith("<8 byte") and record["extras"]["tags"] == ["Cải cách hành chính"]
    page = (folder / "post-12-part-2--xangoclam.html").read_text(encoding="utf-8")
    assert '<meta charset="utf-8">' in page and f'<div class="msg">{msg.body}</div>' in page
    assert (folder / "post-12-part-2--xangoclam.txt").read_text(encoding="utf-8") == \
        "Ngày hội cải cách hành chính xã Ngọc Lâm\n"
    assert run(ch.reconcile(msg, "@xangoclam")) == receipt
    assert run(ch.reconcile(msg, "-1001")) is None


def test_outbox_for_zalo_keeps_targets_and_limits(tmp_path: Path) -> None:
    s = make_settings(tmp_path, {"channels": {"zalo": {"recipient_user_ids": ["u-9"]}}})
    ch = OutboxChannel.for_channel(ZaloChannel)(s, s.channel("zalo"))
    assert ch.targets() == ["article", "user:u-9"] and ch.limits.body_maxlen == 2000
    assert "hộp thư đi" in ch.describe()
