"""The contract every channel adapter keeps, run against each of them (like APScheduler's
tests/test_jobstores.py): send → Receipt; the same key twice is not duplicated where the
channel can tell; reconcile after send finds it; limits are declared.

Also the shared set-up the per-adapter tests import: one `Harness` per adapter, wired to its
fake service on 127.0.0.1 (or to a temporary folder), and sample messages. A harness counts
deliveries at the far end (`delivered()`; None when the far end cannot tell).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from channels.base import Channel, Limits, Receipt
from channels.adapters.hotline import HotlineChannel
from channels.adapters.outbox import OutboxChannel
from channels.adapters.portal_static import StaticPortal
from channels.adapters.portal_wordpress import WordPressPortal
from channels.adapters.radio import RadioChannel
from channels.state import StateStore
from channels.adapters.telegram import TelegramChannel
from channels.adapters.zalo import ZaloChannel
from content import db as dbmod
from tests.helpers import make_settings
from tests.fakes.sms_gateway import FakeSMSGateway
from tests.fakes.telegram_api import FakeBotAPI
from tests.fakes.wordpress_api import FakeWordPress
from tests.fakes.zalo_api import FakeZaloAPI
from tests.helpers import message, run, zalo_config, zalo_env

ADAPTER_NAMES = ["portal-static", "portal-wordpress", "telegram", "zalo-article", "zalo-user",
                 "radio", "hotline-notice", "hotline-sms", "outbox-telegram"]


@dataclass
class Harness:
    channel: Channel
    target: str
    delivered: Callable[[], int | None]       # deliveries seen by the far end; None = cannot tell
    fake: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


@contextlib.contextmanager
def harness(name: str, tmp_path: Path) -> Iterator[Harness]:
    """The adapter called `name`, live against its fake."""
    stack = contextlib.ExitStack()
    with stack:
        if name == "portal-static":
            s = make_settings(tmp_path)
            ch = StaticPortal(s, s.channel("portal"))
            yield Harness(ch, "", lambda: _manifest_count(ch.state_dir))
        elif name == "portal-wordpress":
            wp = stack.enter_context(FakeWordPress(user="bientap", app_password="abcd efgh ijkl mnop"))
            s = make_settings(tmp_path, {"channels": {"portal": {"kind": "wordpress", "url": wp.url,
                                                                 "user": "bientap", "password_env": "WP_PASS"}}},
                              env={"WP_PASS": "abcd efgh ijkl mnop"})
            yield Harness(WordPressPortal(s, s.channel("portal")), "", lambda: len(wp.posts), wp)
        elif name == "telegram":
            tg = stack.enter_context(FakeBotAPI())
            s = make_settings(tmp_path, {"channels": {"telegram": {"token_env": "TG", "base_url": tg.base_url,
                                                                   "chat_ids": ["@xangoclam"]}}},
                              env={"TG": tg.token})
            ch = TelegramChannel(s, s.channel("telegram"))
            yield Harness(ch, "@xangoclam", lambda: None, tg)
        elif name in ("zalo-article", "zalo-user"):
            zalo = stack.enter_context(FakeZaloAPI())
            db = dbmod.open_db(f"sqlite:///{tmp_path / 'state.db'}")
            stack.callback(db.dispose)
            state = StateStore(db)
            s = make_settings(tmp_path, {"channels": {"zalo": zalo_config(zalo, recipient_user_ids=["u-100"])}},
                              env=zalo_env(zalo))
            ch = ZaloChannel(s, s.channel("zalo"), state)
            if name == "zalo-article":
                yield Harness(ch, "article", lambda: len(zalo.articles), zalo, {"state": state})
            else:
                yield Harness(ch, "user:u-100", lambda: None, zalo, {"state": state})
        elif name == "radio":
            s = make_settings(tmp_path)
            ch = RadioChannel(s, s.channel("radio"))
            yield Harness(ch, "", lambda: len(list(ch.folder.glob("*.txt"))))
        elif name in ("hotline-notice", "hotline-sms"):
            gw = stack.enter_context(FakeSMSGateway(auth="bearer", secret="SMS-KEY"))
            s = make_settings(tmp_path, {"channels": {"hotline": {"path": "hotline", "sms_url": gw.url,
                                                                  "sms_auth": "bearer", "sms_auth_env": "SMS_KEY",
                                                                  "sms_recipients": ["0912345678"],
                                                                  "sms_sender": "UBND NGOCLAM"}}},
                              env={"SMS_KEY": "SMS-KEY"})
            ch = HotlineChannel(s, s.channel("hotline"))
            if name == "hotline-notice":
                yield Harness(ch, "notice", lambda: len(list(ch.folder.glob("*.html"))), gw)
            else:
                yield Harness(ch, "sms:0912345678", lambda: None, gw)
        elif name == "outbox-telegram":
            s = make_settings(tmp_path, {"channels": {"telegram": {"chat_ids": ["@xangoclam"]}}})
            ch = OutboxChannel.for_channel(TelegramChannel)(s, s.channel("telegram"), reason="chưa có token")
            yield Harness(ch, "@xangoclam", lambda: len(list(ch.folder.glob("*.json"))))
        else:  # pragma: no cover
            raise LookupError(name)


def _manifest_count(folder: Path) -> int:
    import json

    path = folder / "manifest.json"
    return len(json.loads(path.read_text(encoding="utf-8"))) if path.exists() else 0


@pytest.fixture(params=ADAPTER_NAMES)
def h(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Harness]:
    with harness(request.param, tmp_path) as hh:
        yield hh


def test_send_returns_receipt(h: Harness) -> None:
    async def go() -> Receipt:
        try:
            return await h.channel.send(message(), h.target)
        finally:
            await h.channel.aclose()

    receipt = run(go())
    assert isinstance(receipt, Receipt)
    assert receipt.external_id or receipt.url
    if h.delivered() is not None:
        assert h.delivered() == 1


def test_same_key_twice_is_not_duplicated_where_the_channel_can_tell(h: Harness) -> None:
    async def go() -> tuple[Receipt, Receipt]:
        try:
            return await h.channel.send(message(), h.target), await h.channel.send(message(), h.target)
        finally:
            await h.channel.aclose()

    first, second = run(go())
    count = h.delivered()
    if count is None:
        pytest.skip(f"{h.channel.name} → {h.target}: the far end offers no way to tell")
    assert count == 1
    assert first.external_id == second.external_id


def test_reconcile_after_send(h: Harness) -> None:
    async def go() -> tuple[Receipt | None, Receipt, Receipt | None]:
        try:
            before = await h.channel.reconcile(message(), h.target)
            sent = await h.channel.send(message(), h.target)
            return before, sent, await h.channel.reconcile(message(), h.target)
        finally:
            await h.channel.aclose()

    before, sent, after = run(go())
    assert before is None
    if h.delivered() is None:
        assert after is None      # cannot tell: staff must check, never a guess
    else:
        assert after is not None and after.external_id == sent.external_id


def test_limits_declared_and_described(h: Harness) -> None:
    ch = h.channel
    assert isinstance(type(ch).limits, Limits)
    assert isinstance(type(ch).name, str) and ch.name
    assert h.target in ch.targets()
    text = ch.describe()
    assert ch.name in text
    for secret in ("SMS-KEY", "abcd efgh ijkl mnop", "123456:TEST-TOKEN", "AT-1", "RT-1", "ZALO-SECRET"):
        assert secret not in text
