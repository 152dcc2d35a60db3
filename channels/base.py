"""The one small interface every channel adapter implements, and the errors they raise.

An adapter declares its `name` and its `limits` (body length, pacing) as class attributes and
implements one coroutine, `send(message, target)`, that delivers one piece to one target and
returns a `Receipt`. It raises `RetryableError` (maybe later), `RateLimited` (later, after
exactly `retry_after` seconds), `PermanentError` (never) or `UnknownOutcome` (the request may
have been delivered: never resend blindly). The publisher decides what to do; it never
special-cases a channel.

Taking back what went out: an adapter declares `can_withdraw` (it can remove a published post)
and `can_correct` (it can replace a published post's text in place) and implements
`withdraw(sent, now)` and `correct(sent, messages, notice, now)`. Both return a `TakeBack`
saying what the channel did, or what staff must still do by hand (`done=False`). The default
`withdraw` lists the post for staff; the default `correct` sends the correction notice as new
messages (a channel that cannot edit in place still says what changed).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Mapping

from content.config import ChannelSettings
from content.errors import LoaError
from content.text import where_name

if TYPE_CHECKING:
    from channels.state import StateStore
    from content.config import Settings


class ChannelError(LoaError):
    """Base of every adapter error. `message` is Vietnamese and safe to show to staff."""

    def __init__(self, message: str, *, http_status: int | None = None, detail: str | None = None):
        super().__init__(message)
        self.message = message
        self.http_status = http_status
        self.detail = detail


class RetryableError(ChannelError):
    """A temporary failure (network, 5xx): try again later. `retry_after` in seconds, if known."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: Any):
        super().__init__(message, **kw)
        self.retry_after = retry_after


class RateLimited(RetryableError):
    """The server said "too many requests": wait exactly `retry_after` seconds for this target."""


class PermanentError(ChannelError):
    """The request is wrong and will stay wrong (400, 401/403, too long): do not retry."""


class UnknownOutcome(ChannelError):
    """The request left us but no answer came back (timeout, dropped connection)."""


@dataclass(frozen=True)
class Limits:
    """What a channel accepts. None means no limit."""

    body_maxlen: int | None = None        # characters in one message body
    caption_maxlen: int | None = None     # characters in a media caption
    title_maxlen: int | None = None
    per_target_interval: float = 0.0      # seconds between two messages into one target
    per_target_per_minute: int | None = None
    global_per_second: float | None = None


@dataclass(frozen=True)
class Secret:
    """A secret an adapter needs to go live: the key of its section that names the environment
    variable (e.g. `token_env`), and what the secret is, in Vietnamese, for `loa doctor`."""

    key: str
    what_vi: str


@dataclass(frozen=True)
class Message:
    """One piece to deliver: part `part` (1-based) of `parts` of an item's rendering."""

    key: str                 # stable idempotency key, e.g. "post-12-part-1"
    title: str
    body: str
    format: str = "text"     # "html" | "text"
    part: int = 1
    parts: int = 1
    image: Path | None = None
    extras: Mapping[str, Any] = field(default_factory=dict)  # channel-specific data from rendering


@dataclass(frozen=True)
class Receipt:
    external_id: str | None = None
    url: str | None = None
    http_status: int | None = None


@dataclass(frozen=True)
class Delivered:
    """What one published post left on its channel: the ids of its parts (in order), its URL,
    when it went out, and the ids of correction notices sent since."""

    post_id: int
    key: str                             # message keys were f"{key}-part-{n}"
    target: str
    external_ids: tuple[str, ...] = ()
    url: str | None = None
    published_at: datetime | None = None
    notice_ids: tuple[str, ...] = ()

    def part_keys(self, parts: int | None = None) -> list[str]:
        n = parts if parts is not None else max(1, len(self.external_ids))
        return [f"{self.key}-part-{i}" for i in range(1, n + 1)]


@dataclass(frozen=True)
class TakeBack:
    """The outcome of a withdrawal or correction on one post. `done` False: `note` says what
    staff must do by hand (Vietnamese). `how`: removed | trashed | deleted | gone | edited |
    correction | manual."""

    done: bool
    how: str
    note: str = ""
    external_ids: tuple[str, ...] = ()
    url: str | None = None


class Channel(ABC):
    name: ClassVar[str]
    limits: ClassVar[Limits] = Limits()
    paced: ClassVar[bool] = True     # the pacing limits apply (False: e.g. the outbox, which writes files)
    options: ClassVar[type[ChannelSettings]] = ChannelSettings   # its typed `[channels.<name>]`
    secrets: ClassVar[tuple[Secret, ...]] = ()       # environment variables it needs to go live
    any_secret: ClassVar[bool] = False                # True: one of `secrets` is enough

    @classmethod
    def missing_credentials(cls, settings: "Settings", config: ChannelSettings,
                            state: "StateStore | None" = None) -> str | None:
        """Why the live adapter cannot run (Vietnamese), or None when its secrets are set."""
        unset = [s for s in cls.secrets if not settings.secret(getattr(config, s.key))]
        if not unset or (cls.any_secret and len(unset) < len(cls.secrets)):
            return None
        if state is not None and cls.credentials_stored(state):
            return None
        envs = " và ".join(str(getattr(config, s.key)) for s in unset)
        whats = ", ".join(dict.fromkeys(s.what_vi for s in unset))
        return f"chưa đặt biến môi trường {envs} ({whats})"

    @classmethod
    def credentials_stored(cls, state: "StateStore") -> bool:
        """Whether credentials saved in the database (by an earlier renewal) can stand in."""
        return False

    can_withdraw: ClassVar[bool] = False   # can remove a published post
    can_correct: ClassVar[bool] = False    # can replace a published post's text in place

    def __init__(self, settings: "Settings", config: "ChannelSettings", state: "StateStore | None" = None):
        self.settings = settings
        self.config = config
        self.state = state

    def targets(self) -> list[str]:
        """Where one post of this channel goes; one post row per target. Default: one place."""
        return [""]

    @abstractmethod
    async def send(self, message: Message, target: str) -> Receipt:
        """Deliver one message to one target, or raise a ChannelError subclass."""

    async def reconcile(self, message: Message, target: str) -> Receipt | None:
        """After an unknown outcome: a Receipt if the message is known to be delivered,
        None if this channel cannot tell (staff must check)."""
        return None

    async def warm(self) -> None:
        """Open the connection before the first message is timed, so that the first message does
        not arrive late (its delay would eat the pacer's margin). Default: nothing to open."""

    def can_take_back(self, sent: Delivered, now: datetime) -> bool:
        """Whether `withdraw` will remove this post (e.g. Telegram: only within 48 hours)."""
        return self.can_withdraw

    def can_edit(self, sent: Delivered, now: datetime) -> bool:
        """Whether `correct` will edit this post in place (else it sends a correction notice)."""
        return self.can_correct

    async def withdraw(self, sent: Delivered, now: datetime) -> TakeBack:
        """Remove a published post from the channel, or say what staff must do."""
        return TakeBack(False, "manual", f"{self.describe_target(sent.target)}: kênh này không cho Loa gỡ "
                        "bài đã đăng; hãy gỡ tay" + (f" ({sent.url})" if sent.url else "") + ".")

    async def correct(self, sent: Delivered, messages: list[Message], notice: list[Message],
                      now: datetime) -> TakeBack:
        """Replace a published post with `messages` (the new version), or — where the channel
        cannot edit — send `notice` (a correction notice) as new messages."""
        ids = []
        for msg in notice:
            receipt = await self.send(msg, sent.target)
            if receipt.external_id:
                ids.append(receipt.external_id)
        return TakeBack(True, "correction", f"{self.describe_target(sent.target)}: đã gửi tin đính chính.",
                        external_ids=tuple(ids))

    def describe_target(self, target: str) -> str:
        """The channel (and target) as staff name it."""
        return where_name(self.name, target)

    async def aclose(self) -> None:
        """Release connections."""

    def describe(self) -> str:
        """One line for `loa doctor` and logs; secrets masked."""
        return self.name
