"""Telegram adapter against the fake Bot API: every documented failure maps to the right Loa
error type, with a Vietnamese message naming the chat."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from channels.base import PermanentError, RateLimited, RetryableError, UnknownOutcome
from channels.adapters.telegram import TelegramChannel
from tests.helpers import make_settings
from tests.fakes.telegram_api import FakeBotAPI

# PTB 22 warns about its own int retry_after inside RetryAfter.__init__
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
from tests.helpers import message, run

CHAT = "@xangoclam"


def channel(tmp_path: Path, tg: FakeBotAPI, token: str | None = None) -> TelegramChannel:
    s = make_settings(tmp_path, {"channels": {"telegram": {"token_env": "TG", "base_url": tg.base_url,
                                                           "chat_ids": [CHAT, "-1001234567890"]}}},
                      env={"TG": token or tg.token})
    return TelegramChannel(s, s.channel("telegram"))


async def _send(ch: TelegramChannel, msg: Any = None, target: str = CHAT):
    try:
        return await ch.send(msg or message(), target)
    finally:
        await ch.aclose()


def test_sends_html_without_preview_and_links_public_channel(tmp_path: Path) -> None:
    with FakeBotAPI() as tg:
        receipt = run(_send(channel(tmp_path, tg)))
        sent = tg.sent[0]
    assert sent["text"] == "Ngày hội cải cách hành chính xã Ngọc Lâm"   # entities parsed
    assert sent["parse_mode"] == "HTML" and sent["disable_preview"]
    assert receipt.external_id == "1" and receipt.url == "https://t.me/xangoclam/1"


def test_photo_with_caption(tmp_path: Path) -> None:
    img = tmp_path / "anh.png"
    img.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    with FakeBotAPI() as tg:
        run(_send(channel(tmp_path, tg), message(body="<i>Ảnh</i> ngày hội", photo=str(img))))
        sent = tg.sent[0]
    assert sent["method"] == "sendPhoto" and sent["caption"] == "Ảnh ngày hội"
    assert sent["photo"]["source"] == "upload" and sent["photo"]["file_size"] == 72


CASES = [
    # (fail_next kwargs, expected error, expected retry_after, words in the message)
    (dict(status=429, retry_after=17), RateLimited, 17, ["17 giây", CHAT]),
    (dict(status=400, description="Bad Request: message is too long"), PermanentError, None, ["quá dài", CHAT]),
    (dict(status=400, description="Bad Request: chat not found"), PermanentError, None, ["Không tìm thấy", CHAT]),
    (dict(status=403), PermanentError, None, ["bị xóa khỏi kênh", CHAT]),
    (dict(status=401, description="Unauthorized"), PermanentError, None, ["Token bot", "@BotFather"]),
    (dict(status=500, description="Internal Server Error"), RetryableError, None, ["thử lại", CHAT]),
    (dict(status=502, description="Bad Gateway"), RetryableError, None, ["thử lại"]),
    (dict(status=503, description=""), RetryableError, None, ["thử lại"]),
    (dict(status=200, drop=True), UnknownOutcome, None, ["kiểm tra kênh", CHAT]),
]


@pytest.mark.parametrize(("fail", "error", "retry_after", "words"), CASES,
                         ids=["429", "400-too-long", "400-chat", "403-kicked", "401", "500", "502", "503", "dropped"])
def test_documented_errors(tmp_path: Path, fail: dict, error: type, retry_after: int | None,
                           words: list[str]) -> None:
    with FakeBotAPI() as tg:
        tg.fail_next(**fail)
        with pytest.raises(error) as info:
            run(_send(channel(tmp_path, tg)))
        if fail.get("drop"):
            assert len(tg.sent) == 1      # it was delivered, only the answer was lost
    e = info.value
    assert type(e) is error               # a 400 is not retried as a NetworkError
    if retry_after is not None:
        assert e.retry_after == retry_after
    if fail["status"] >= 400:
        assert e.http_status == fail["status"]
    for w in words:
        assert w in e.message


def test_real_length_and_markup_checks_of_the_fake(tmp_path: Path) -> None:
    with FakeBotAPI() as tg:
        with pytest.raises(PermanentError, match="quá dài"):
            run(_send(channel(tmp_path, tg), message(body="<b>" + "ạ" * 4097 + "</b>")))
        with pytest.raises(PermanentError, match="định dạng HTML"):
            run(_send(channel(tmp_path, tg), message(body="<h1>Tiêu đề</h1>")))
        run(_send(channel(tmp_path, tg), message(body="<b>" + "ạ" * 4096 + "</b>")))   # exactly at the limit
        assert len(tg.sent) == 1


def test_wrong_token_and_kicked_bot(tmp_path: Path) -> None:
    with FakeBotAPI() as tg:
        with pytest.raises(PermanentError, match="Token bot"):
            run(_send(channel(tmp_path, tg, token="999:WRONG")))
        tg.kicked_chats.add(CHAT)
        with pytest.raises(PermanentError, match="bị xóa khỏi kênh"):
            run(_send(channel(tmp_path, tg)))


def test_connection_refused_is_retryable(tmp_path: Path) -> None:
    with FakeBotAPI() as tg:
        ch = channel(tmp_path, tg)
    with pytest.raises(RetryableError) as info:   # the server is gone: nothing was sent
        run(_send(ch))
    assert type(info.value) is RetryableError


def test_limits() -> None:
    lim = TelegramChannel.limits
    assert (lim.body_maxlen, lim.caption_maxlen, lim.per_target_interval, lim.per_target_per_minute,
            lim.global_per_second) == (4096, 1024, 1.0, 20, 30)
