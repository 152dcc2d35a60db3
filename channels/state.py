"""Small durable per-channel state (e.g. Zalo's access/refresh token pair) in the database."""

from __future__ import annotations

from sqlalchemy import select

from channels.models import ChannelState
from content.db import Database


class StateStore:
    def __init__(self, db: Database):
        self.db = db

    def get(self, channel: str, key: str) -> str | None:
        with self.db.session() as s:
            row = s.get(ChannelState, (channel, key))
            return row.value if row else None

    def set_many(self, channel: str, values: dict[str, str]) -> None:
        """Write several keys in one transaction (a token pair is stored together or not at all)."""
        with self.db.session() as s:
            for key, value in values.items():
                row = s.get(ChannelState, (channel, key))
                if row is None:
                    s.add(ChannelState(channel=channel, key=key, value=value))
                else:
                    row.value = value

    def set(self, channel: str, key: str, value: str) -> None:
        self.set_many(channel, {key: value})

    def all(self, channel: str) -> dict[str, str]:
        with self.db.session() as s:
            rows = s.scalars(select(ChannelState).where(ChannelState.channel == channel))
            return {r.key: r.value for r in rows}
