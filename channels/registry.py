"""The explicit list of channel adapters, and the choice for each configured channel: the live
adapter, the outbox (credentials not set), or nothing (disabled).

`ADAPTERS` maps a channel name (and, for the portal, its kind) to a class; nothing is found by
naming pattern. An unknown name is a LookupError at start-up. `channel_status` is what
`loa doctor` prints; `build_channels` is what the publisher uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from channels.base import Channel
from channels.adapters.hotline import HotlineChannel
from channels.adapters.outbox import OutboxChannel
from channels.adapters.portal_static import StaticPortal
from channels.adapters.portal_wordpress import WordPressPortal
from channels.adapters.radio import RadioChannel
from channels.adapters.telegram import TelegramChannel
from channels.adapters.zalo import ZaloChannel
from content.config import ChannelSettings, Settings
from content.kinds import PUBLISHABLE

if TYPE_CHECKING:
    from channels.state import StateStore

ADAPTERS: dict[str, type[Channel]] = {
    "portal:static": StaticPortal,
    "portal:wordpress": WordPressPortal,
    "telegram": TelegramChannel,
    "zalo": ZaloChannel,
    "radio": RadioChannel,
    "hotline": HotlineChannel,
}


@dataclass(frozen=True)
class ChannelStatus:
    name: str
    mode: str          # "live" | "outbox" | "disabled"
    reason_vi: str


def adapter_class(name: str, config: ChannelSettings | None = None) -> type[Channel]:
    """The adapter class for a channel name (the portal by its `kind`); LookupError if unknown."""
    key = name
    if name == "portal":
        key = f"portal:{getattr(config, 'kind', '') or 'static'}"
    cls = ADAPTERS.get(key)
    if cls is None:
        known = ", ".join(sorted(ADAPTERS))
        raise LookupError(f"Không có bộ kết nối kênh “{key}”. Các kênh có: {known}.")
    if not issubclass(cls, Channel):  # pragma: no cover - guards edits of ADAPTERS
        raise TypeError(f"{cls!r} không phải một Channel")
    return cls


def _status(name: str, settings: Settings, state: "StateStore | None") -> ChannelStatus:
    config = settings.channel(name)
    if not config.enabled:
        return ChannelStatus(name, "disabled", config.disabled_reason or "tắt")
    cls = adapter_class(name, config)     # unknown adapter → LookupError at start-up
    if not isinstance(config, cls.options):  # pragma: no cover - guards edits of content.config
        raise TypeError(f"{cls.__name__} cần {cls.options.__name__}, nhận {type(config).__name__}")
    why = cls.missing_credentials(settings, config, state)
    if why:
        return ChannelStatus(name, "outbox", f"{why}; bài sẽ được ghi vào hộp thư đi "
                                             f"{settings.resolve(settings.outbox_path) / name}")
    return ChannelStatus(name, "live", "sẵn sàng")


def channel_status(settings: Settings, state: "StateStore | None" = None) -> list[ChannelStatus]:
    """One line per publishable channel, for `loa doctor`."""
    names = list(PUBLISHABLE) + [n for n in settings.channels if n not in PUBLISHABLE]
    return [_status(n, settings, state) for n in names]


def build_channels(settings: Settings, state: "StateStore | None" = None, *,
                   only: str | None = None) -> dict[str, Channel]:
    """The adapter (live or outbox) of every enabled channel (or of channel `only`), by name."""
    out: dict[str, Channel] = {}
    for st in channel_status(settings, state):
        if st.mode == "disabled" or (only is not None and st.name != only):
            continue
        config = settings.channel(st.name)
        cls = adapter_class(st.name, config)
        if st.mode == "outbox":
            out[st.name] = OutboxChannel.for_channel(cls)(settings, config, state, reason=st.reason_vi)
        else:
            out[st.name] = cls(settings, config, state)
    return out
