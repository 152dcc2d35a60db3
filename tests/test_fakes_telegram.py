"""The fake Telegram Bot API itself, driven by python-telegram-bot: entity parsing and length in
UTF-16, flood limits, scripted failures, long polling."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
import telegram
from telegram.error import BadRequest, InvalidToken, RetryAfter

from tests.fakes.telegram_api import FakeBotAPI, ParseError, parse_html, utf16_len

# PTB 22 warns about its own int retry_after inside RetryAfter.__init__
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


def test_parse_html_counts_visible_text() -> None:
    assert parse_html('<b>Chào</b> &amp; <a href="https://x.vn">bà con</a> &#128512;') == "Chào & bà con 😀"
    assert utf16_len("😀") == 2 and utf16_len("Ngọc") == 4
    assert parse_html("&nbsp;") == "&nbsp;"          # unsupported named entity stays literal
    with pytest.raises(ParseError, match='Unsupported start tag "p"'):
        parse_html("<p>x</p>")
    with pytest.raises(ParseError, match="end tag"):
        parse_html("<b>x")


def _bot(tg: FakeBotAPI, token: str | None = None) -> telegram.Bot:
    return telegram.Bot(token or tg.token, base_url=tg.base_url)


def test_send_and_errors_through_ptb() -> None:
    async def go(tg: FakeBotAPI) -> None:
        async with _bot(tg) as bot:
            m = await bot.send_message("-100123", "<b>a</b>", parse_mode="HTML")
            assert m.message_id == 1 and m.chat.type == "channel" and m.text == "a"
            with pytest.raises(BadRequest, match="too long"):
                await bot.send_message("-100123", "😀" * 2049)            # 4098 UTF-16 units
            with pytest.raises(BadRequest, match="caption is too long"):
                await bot.send_photo("-100123", photo="AgACAgFILEID", caption="x" * 1025)
            tg.known_chats = {"-100123"}
            with pytest.raises(BadRequest, match="not found"):
                await bot.send_message("@khac", "x")
        with pytest.raises(InvalidToken):
            await _bot(tg, "1:WRONG").send_message("-100123", "x")

    with FakeBotAPI() as tg:
        asyncio.run(go(tg))
        assert [c["status"] for c in tg.calls][-4:] == [400, 400, 400, 401]


def test_enforced_flood_limits() -> None:
    async def go(tg: FakeBotAPI) -> None:
        async with _bot(tg) as bot:
            await bot.send_message("@kenh", "1")
            with pytest.raises(RetryAfter) as info:
                await bot.send_message("@kenh", "2")
            assert info.value._retry_after.total_seconds() >= 1
            await bot.send_message("12345", "private chat is a different chat")

    with FakeBotAPI(enforce_limits=True) as tg:
        asyncio.run(go(tg))
        assert tg.count_429 == 1 and len(tg.sent) == 2


def test_group_window_of_twenty_per_minute() -> None:
    with FakeBotAPI(enforce_limits=True) as tg:
        base = time.monotonic() - 59
        with tg.lock:   # twenty earlier messages, 1.5 s apart, inside the last minute
            tg._accepted_at["@kenh"] = [base + i * 1.5 for i in range(20)]

        async def go() -> None:
            async with _bot(tg) as bot:
                with pytest.raises(RetryAfter):
                    await bot.send_message("@kenh", "21st")

        asyncio.run(go())


def test_drop_records_delivery_then_closes() -> None:
    async def go(tg: FakeBotAPI) -> None:
        async with _bot(tg) as bot:
            tg.fail_next(status=200, drop=True, chat_id="@a")
            await bot.send_message("@b", "not matched")
            with pytest.raises(telegram.error.NetworkError):
                await bot.send_message("@a", "lost answer")

    with FakeBotAPI() as tg:
        asyncio.run(go(tg))
        assert [m["chat_id"] for m in tg.sent] == ["@b", "@a"]


def test_get_updates_long_poll_and_offset() -> None:
    async def go(tg: FakeBotAPI) -> list[int]:
        async with _bot(tg) as bot:
            threading.Timer(0.3, tg.push_update, args=({"message": {
                "message_id": 7, "date": int(time.time()), "chat": {"id": 42, "type": "private"},
                "from": {"id": 42, "is_bot": False, "first_name": "Lan"}, "text": "Xin hỏi"}},)).start()
            t0 = time.monotonic()
            first = await bot.get_updates(timeout=5)
            assert 0.2 < time.monotonic() - t0 < 4
            again = await bot.get_updates(offset=first[-1].update_id + 1, timeout=0)
            return [u.message.message_id for u in first] + [len(again)]

    with FakeBotAPI() as tg:
        assert asyncio.run(go(tg)) == [7, 0]
        assert tg.wait_for(lambda: len(tg.calls) >= 2, timeout=1)


def test_two_pollers_get_409_conflict():
    import threading

    import requests

    with FakeBotAPI() as tg:
        url = f"{tg.base_url}{tg.token}/getUpdates"
        out: list[int] = []
        first = threading.Thread(target=lambda: out.append(requests.post(url, json={"timeout": 3}, timeout=10).status_code))
        first.start()
        assert tg.wait_for(lambda: sum(c["method"] == "getUpdates" for c in tg.calls) == 1)
        second = requests.post(url, json={"timeout": 0}, timeout=10)
        first.join()
        assert out == [409] and second.status_code == 200 and tg.conflicts == 1
