"""The channels Loa knows — the one list, in the order staff see them, with their Vietnamese
names — and the wider set of channel kinds a plan may name (the press, notice boards, events…),
of which only the publishable ones get calendar slots and posts."""

from __future__ import annotations

# The channels Loa publishes to, in display order; each has a `[channels.<name>]` section and an
# adapter in channels/adapters/.
PUBLISHABLE = ("portal", "telegram", "zalo", "radio", "hotline")

# How staff name each channel, everywhere Loa shows one.
CHANNEL_NAMES = {"portal": "Cổng TTĐT", "telegram": "Telegram", "zalo": "Zalo",
                 "radio": "Đài truyền thanh", "hotline": "Đường dây nóng"}

# "Mạng xã hội" in a plan: the social channels Loa publishes to.
SOCIAL = ("telegram", "zalo")

# Every kind of channel a plan may name; the calendar gives slots to PLAN_PUBLISHABLE only.
PLAN_KINDS = (
    "portal", "zalo", "telegram", "social", "radio", "hotline",
    "press", "notice_board", "print", "event", "internal",
)
PLAN_PUBLISHABLE = (*PUBLISHABLE, "social")

# Channels whose posts point to the article on the portal (a link, or the hotline notice's QR code).
LINKS_TO_PORTAL = ("telegram", "zalo", "hotline")


def channel_name(channel: str) -> str:
    """The Vietnamese name of a channel ("radio" → "Đài truyền thanh"); unknown names unchanged."""
    return CHANNEL_NAMES.get(channel, channel)
