"""The explicit adapter registry: live adapter, outbox when credentials are unset, nothing when
disabled; unknown names are a clear LookupError; secrets never shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from channels.adapters.outbox import OutboxChannel
from channels.adapters.portal_static import StaticPortal
from channels.adapters.portal_wordpress import WordPressPortal
from channels.registry import ADAPTERS, adapter_class, build_channels, channel_status
from channels.state import StateStore
from channels.adapters.telegram import TelegramChannel
from channels.adapters.zalo import ZaloChannel
from content.db import Database
from tests.helpers import make_settings

TELEGRAM = {"token_env": "TG", "chat_ids": ["@xangoclam"]}
ZALO = {"access_token_env": "ZA", "refresh_token_env": "ZR", "secret_key_env": "ZS", "app_id": "1"}


def test_live_outbox_and_disabled(tmp_path: Path) -> None:
    s = make_settings(tmp_path, {"channels": {"telegram": TELEGRAM, "zalo": ZALO,
                                              "hotline": {"enabled": False}}},
                      env={"TG": "123456:SECRET-TOKEN"})
    modes = {st.name: st for st in channel_status(s)}
    assert {n: st.mode for n, st in modes.items()} == {
        "portal": "live", "telegram": "live", "zalo": "outbox", "radio": "live", "hotline": "disabled"}
    assert "ZA" in modes["zalo"].reason_vi and "hộp thư đi" in modes["zalo"].reason_vi
    chans = build_channels(s)
    assert set(chans) == {"portal", "telegram", "zalo", "radio"}
    assert isinstance(chans["portal"], StaticPortal) and isinstance(chans["telegram"], TelegramChannel)
    assert isinstance(chans["zalo"], OutboxChannel) and chans["zalo"].name == "zalo"
    assert "SECRET" not in chans["telegram"].describe()


def test_unconfigured_channels_are_disabled_with_a_reason(tmp_path: Path) -> None:
    s = make_settings(tmp_path)
    st = {x.name: x for x in channel_status(s)}
    assert st["telegram"].mode == "disabled" and st["telegram"].reason_vi == "chưa cấu hình"


def test_wordpress_by_kind_and_its_password(tmp_path: Path) -> None:
    cfg = {"portal": {"kind": "wordpress", "url": "https://cong.example.vn", "user": "u", "password_env": "WP"}}
    without = build_channels(make_settings(tmp_path, {"channels": cfg}))
    assert isinstance(without["portal"], OutboxChannel)
    live = build_channels(make_settings(tmp_path, {"channels": cfg}, env={"WP": "xxxx yyyy"}))
    assert isinstance(live["portal"], WordPressPortal) and "xxxx" not in live["portal"].describe()


def test_stored_zalo_pair_makes_zalo_live(tmp_path: Path, sqlite_db: Database) -> None:
    state = StateStore(sqlite_db)
    s = make_settings(tmp_path, {"channels": {"zalo": ZALO}})
    assert isinstance(build_channels(s, state)["zalo"], OutboxChannel)
    state.set_many("zalo", {"access_token": "AT-9", "refresh_token": "RT-9"})
    assert isinstance(build_channels(s, state)["zalo"], ZaloChannel)


def test_unknown_adapter_is_a_lookup_error() -> None:
    with pytest.raises(LookupError, match="Không có bộ kết nối kênh “fax”"):
        adapter_class("fax")
    assert adapter_class("portal") is StaticPortal
    assert all(isinstance(k, str) for k in ADAPTERS)
