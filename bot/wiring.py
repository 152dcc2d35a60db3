"""Glue between the staff front ends (the CLI, the web console) and the channel layer: which adapters are live, queueing an
approved item, and the per-channel limits that previews and the publisher share."""

from __future__ import annotations

from sqlalchemy.orm import Session

from channels.publisher import schedule_item
from channels.registry import adapter_class, build_channels, channel_status
from channels.state import StateStore
from content.db import Database
from content.models import Item
from content.config import Settings
from content.kinds import PUBLISHABLE
from content.render.item import item_link
from content.text import now_utc


def live_channels(settings: Settings, db: Database):
    return build_channels(settings, StateStore(db))


def queue_item(session: Session, item: Item, settings: Settings, channels: dict) -> tuple[int, list[tuple[str, str]]]:
    """Create the item's posts; return (posts queued, [(channel, why it cannot publish)]).
    `channels` comes from `live_channels`, built before the caller's transaction opens (building
    adapters reads channel state, and SQLite allows one writer transaction at a time)."""
    status = {st.name: st for st in channel_status(settings)}
    missing = [(name, status[name].reason_vi if name in status else "chưa cấu hình")
               for name in item.channels if name not in channels]
    posts = schedule_item(session, item, channels, now=now_utc())
    return len(posts), missing


def body_limits(settings: Settings) -> dict[str, int | None]:
    limits: dict[str, int | None] = {}
    for name in PUBLISHABLE:
        try:
            limits[name] = adapter_class(name, settings.channel(name)).limits.body_maxlen
        except LookupError:
            limits[name] = None
    return limits


def link_for(settings: Settings, item: Item) -> str | None:
    """The portal address the item's posts point to (the same rule as the publisher's)."""
    return item_link(settings, item.id, item.title, item.channels)
