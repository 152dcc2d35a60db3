"""The one Telegram classifier (channels.adapters.telegram_errors), as the publisher and the Q&A
relay both use it: PTB's own exceptions, then real failures from the fake Bot API."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter, TimedOut

from bot.qa.relay import Relay, passing, relay_from_settings
from channels.adapters.telegram_errors import about_chat, classify, refused_for_message, safe_to_resend
from channels.base import PermanentError, RateLimited, RetryableError, UnknownOutcome
from tests.helpers import make_settings
from tests.fakes.telegram_api import FakeBotAPI

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


def _caused(e: Exception, cause: Exception) -> Exception:
    e.__cause__ = cause
    return e


@pytest.mark.parametrize(("error", "outcome", "resend"), [
    (BadRequest("Chat not found"), PermanentError, False),           # a NetworkError subclass in PTB
    (BadRequest("Bad Request: message is too long"), PermanentError, False),
    (Forbidden("Forbidden: bot was blocked by the user"), PermanentError, False),
    (InvalidToken("Not Found"), PermanentError, False),
    (RetryAfter(30), RateLimited, True),
    (TimedOut(), UnknownOutcome, False),
    (_caused(NetworkError("httpx.RemoteProtocolError: Server disconnected"),
             httpx.RemoteProtocolError("Server disconnected without sending a response.")), UnknownOutcome, False),
    (_caused(NetworkError("httpx.ConnectError: refused"), httpx.ConnectError("refused")), RetryableError, True),
    (NetworkError("Bad Gateway"), RetryableError, True),
    (NetworkError("Internal Server Error (500)"), RetryableError, True),
])
def test_classify(error, outcome, resend):
    got = classify(error, "@kenh")
    assert type(got) is outcome, got
    assert safe_to_resend(error) is resend
    assert passing(error) is resend                # the relay asks the same classifier
    assert got.message and "@kenh" in got.message or outcome is PermanentError


def test_details_of_the_outcome():
    assert classify(RetryAfter(30)).retry_after == 30
    assert classify(NetworkError("Bad Gateway")).http_status == 502
    assert classify(BadRequest("Chat not found")).http_status == 400
    assert about_chat(BadRequest("Bad Request: chat not found"))
    assert about_chat(Forbidden("Forbidden: bot was kicked from the channel chat"))
    assert refused_for_message(BadRequest("Bad Request: message is too long"))
    assert not refused_for_message(BadRequest("Bad Request: chat not found"))
    assert not refused_for_message(NetworkError("Bad Gateway"))


def _relay(tmp_path: Path, tg: FakeBotAPI) -> Relay:
    settings = make_settings(tmp_path, {"channels": {"telegram": {"token_env": "TG", "base_url": tg.base_url}}},
                             env={"TG": tg.token})
    return relay_from_settings(settings)


async def _to_citizen(relay: Relay, chat: str):
    async with relay.bot:
        return await relay.to_citizen("telegram", chat, "Câu trả lời của Ủy ban.")


def test_relay_chat_not_found_is_not_retried(tmp_path: Path):
    with FakeBotAPI() as tg:
        tg.known_chats = {"111"}
        d = asyncio.run(_to_citizen(_relay(tmp_path, tg), "999"))
        assert d.where == "failed" and not d.retryable


def test_relay_dropped_connection_is_an_unknown_outcome_never_resent(tmp_path: Path):
    with FakeBotAPI() as tg:
        tg.fail_next(status=200, drop=True, method="sendMessage")
        d = asyncio.run(_to_citizen(_relay(tmp_path, tg), "111"))
        assert d.where == "failed" and not d.retryable and "có thể đã đến" in d.detail
        assert len(tg.texts("111")) == 1          # it did arrive: resending would duplicate it


@pytest.mark.parametrize("status", [500, 502])
def test_relay_server_errors_are_retried_later(tmp_path: Path, status: int):
    with FakeBotAPI() as tg:
        tg.fail_next(status=status, method="sendMessage")
        d = asyncio.run(_to_citizen(_relay(tmp_path, tg), "111"))
        assert d.where == "failed" and d.retryable
        assert tg.texts("111") == []


def test_relay_blocked_bot_is_not_retried(tmp_path: Path):
    with FakeBotAPI() as tg:
        tg.fail_next(status=403, description="Forbidden: bot was blocked by the user", method="sendMessage")
        d = asyncio.run(_to_citizen(_relay(tmp_path, tg), "111"))
        assert d.where == "failed" and not d.retryable and "chặn bot" in d.detail
