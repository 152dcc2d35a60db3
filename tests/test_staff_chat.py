"""One sender for staff notices (channels.staff.StaffChat): the runner's notices and the web
console's test message go through the Telegram adapter and the send queue the publisher uses."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from channels.health import send_staff_test
from channels.pacing import Pacer
from channels.registry import build_channels
from channels.sending import SendQueue
from channels.staff import StaffChat
from schedules.runner import Runner
from tests.helpers import make_settings
from tests.fakes.telegram_api import FakeBotAPI

STAFF = "-100777"
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


def _settings(tmp_path: Path, tg: FakeBotAPI, staff: str = STAFF):
    return make_settings(tmp_path, {"channels": {"telegram": {
        "token_env": "TG", "base_url": tg.base_url, "chat_ids": ["@kenh"], "staff_chat_id": staff}}},
        env={"TG": tg.token})


class Clock:
    """Virtual time for the send queue: sleeping moves it on."""

    def __init__(self) -> None:
        self.now, self.slept = 1000.0, []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


def test_notices_keep_telegrams_pace_into_the_staff_chat(tmp_path: Path):
    with FakeBotAPI() as tg:
        settings = _settings(tmp_path, tg)
        channels = build_channels(settings)
        clock = Clock()
        queue = SendQueue(Pacer({}), monotonic=clock.monotonic, sleep=clock.sleep)
        staff = StaffChat.of(settings, channels, queue)

        async def go() -> None:
            try:
                for i in range(3):
                    await staff.send(f"Nhắc việc <{i}>")
            finally:
                await channels["telegram"].aclose()

        asyncio.run(go())
        assert tg.texts(STAFF) == ["Nhắc việc <0>", "Nhắc việc <1>", "Nhắc việc <2>"]
        assert sum(clock.slept) >= 2 * 1.0    # 1 message a second into one chat, as the publisher


def test_no_staff_chat_sends_nothing(tmp_path: Path):
    with FakeBotAPI() as tg:
        settings = _settings(tmp_path, tg, staff="")
        staff = StaffChat.of(settings, build_channels(settings))
        assert not staff.ready and asyncio.run(staff.send("x")) is None
        assert tg.sent == []


def test_the_runner_tells_staff_in_the_publishers_queue(tmp_path: Path, sqlite_db):
    with FakeBotAPI() as tg:
        settings = _settings(tmp_path, tg)
        runner = Runner(sqlite_db, settings, build_channels(settings))
        assert runner.notify.staff.sender is runner.publisher.sender

        async def go() -> None:
            try:
                runner.notify("Bài số 3 không đăng được lên Telegram.")
                await runner.notify.flush()
            finally:
                await runner.channels["telegram"].aclose()

        asyncio.run(go())
        assert tg.texts(STAFF) == ["Bài số 3 không đăng được lên Telegram."]


def test_the_web_test_message_is_a_staff_notice(tmp_path: Path):
    with FakeBotAPI() as tg:
        settings = _settings(tmp_path, tg)
        channels = build_channels(settings)

        async def go():
            try:
                return await send_staff_test(channels["telegram"], STAFF, "Tin nhắn thử")
            finally:
                await channels["telegram"].aclose()

        receipt = asyncio.run(go())
        assert receipt.external_id and tg.texts(STAFF) == ["Tin nhắn thử"]
