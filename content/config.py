"""Typed configuration: config.toml is read and checked once here and passed down as `Settings`.

Every section is a frozen dataclass below, with its keys' types and defaults in this one place;
nothing else reads the raw TOML. `from_mapping` checks the whole file at once and raises
`ConfigError` (a `LoaError`, exit code 2) listing every problem — wrong type, unknown key (with a
"did you mean" hint), missing required key — one Vietnamese line each, naming the file, the
section and the key.

Channel sections (`[channels.<name>]`) are typed here too, because rendering reads them (the
portal's base_url, the radio's words per minute); the adapters in `channels/adapters/` declare
which of these keys name secrets (environment variables) and what they need to go live. A channel
whose section is incomplete (a WordPress portal without `url`) is disabled with the reason, not
the whole program; a typo or a wrong type anywhere is an error of the file.

Secrets never live in the file: it names the environment variable holding each one, and
`Settings.secret(name)` reads it.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import difflib
import os
import tomllib
import types
import typing
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, ClassVar, Literal, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from content.errors import LoaError

DEFAULT_CONFIG = "config.toml"


class ConfigError(LoaError):
    """The configuration file cannot be used; `problems` lists every reason (Vietnamese)."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("Cấu hình chưa đúng:\n  - " + "\n  - ".join(self.problems), exit_code=2)


def required(default: Any = dataclasses.MISSING, **kw: Any) -> Any:
    """A key the file must give (the default only serves programs that build Settings directly)."""
    return field(default=default, metadata={"required": True}, **kw)


def internal(default: Any = dataclasses.MISSING, **kw: Any) -> Any:
    """A field filled by the loader, not a key of the file."""
    return field(default=default, metadata={"internal": True}, **kw)


# ---------------------------------------------------------------------------------- sections
@dataclass(frozen=True)
class Hotline:
    """`[unit.hotline]`: how citizens reach the unit (shown in posts, SMS and the Q&A bot)."""

    phone: str = ""
    email: str = ""
    address: str = ""
    hours: str = ""
    topics: tuple[str, ...] = (
        "thủ tục hành chính rườm rà, không đúng quy định",
        "thái độ, tinh thần trách nhiệm của cán bộ, công chức",
        "nhũng nhiễu, gây phiền hà trong giải quyết hồ sơ",
    )


@dataclass(frozen=True)
class Contact:
    """`[unit.contact]`: the official in charge of the published information (name, position,
    phone, official email — Decree 42/2022, art. 4(1)(e)), shown on every portal page."""

    name: str = ""
    position: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class Unit:
    """`[unit]`: the public body that publishes."""

    name: str = required("Ủy ban nhân dân xã")
    short_name: str = ""
    radio_station: str = ""
    place: str = ""
    hotline: Hotline = field(default_factory=Hotline)
    contact: Contact = field(default_factory=Contact)


@dataclass(frozen=True)
class DatabaseSettings:
    """`[database]` (LOA_DATABASE_URL overrides `url`)."""

    url: str = "sqlite:///var/loa.db"


@dataclass(frozen=True)
class ContentSettings:
    """`[content]`."""

    require_approval: bool = True


@dataclass(frozen=True)
class OutboxSettings:
    """`[outbox]`: where channels without credentials write their posts."""

    path: str = "var/outbox"


@dataclass(frozen=True)
class Cadence:
    """`[calendar]`: calendar slots per publishable channel, per week or per month."""

    per_week: Mapping[str, int] = field(
        default_factory=lambda: {"radio": 2, "portal": 1, "telegram": 1, "zalo": 1, "social": 1}
    )
    per_month: Mapping[str, int] = field(default_factory=lambda: {"hotline": 1})


@dataclass(frozen=True)
class Holiday:
    """`[[holidays]]`: a public holiday with a moving date."""

    date: date = required(date(1970, 1, 1))
    name: str = required("")


@dataclass(frozen=True)
class ScheduleSettings:
    """`[schedule]`: when the daemon does things."""

    weekly: str = "mon 07:00"              # the weekly edition
    default_hour: int | str | None = None  # when an item without a time goes out (8 or "07:30")
    catch_up_hours: float = 36.0           # a missed edition is caught up once within this
    poll_seconds: float = 2.0
    feeds_every_minutes: float = 60.0
    remind_hour: int = 8
    remind_days_ahead: int = 3
    report_days_ahead: int = 7

    def problems(self) -> list[tuple[str, str]]:
        if not _valid_weekly(self.weekly):
            return [("weekly", f"“{self.weekly}” không hợp lệ (ví dụ: \"mon 07:00\")")]
        if not 0 <= self.remind_hour < 24:
            return [("remind_hour", f"{self.remind_hour} không phải giờ trong ngày (0–23)")]
        return []


@dataclass(frozen=True)
class PublisherSettings:
    """`[publisher]`: delivery, leases and retries."""

    max_attempts: int = 5
    retry_initial: float = 30.0
    retry_min: float = 5.0
    retry_max: float = 3600.0
    lease_seconds: float = 300.0
    max_inline_wait: float = 60.0
    claim_batch: int = 64            # posts claimed by one statement, at most
    claim_horizon: float = 1.0       # paced channels: claim what the limits let go within this (s)
    claim_ahead: float = 1.0         # the daemon claims posts due this soon and sends each at its time (s)

    def problems(self) -> list[tuple[str, str]]:
        out = [("max_attempts", "phải từ 1 trở lên")] if self.max_attempts < 1 else []
        out += [("claim_batch", "phải từ 1 trở lên")] if self.claim_batch < 1 else []
        out += [(k, "không được âm") for k in ("claim_horizon", "claim_ahead") if getattr(self, k) < 0]
        return out


@dataclass(frozen=True)
class QASettings:
    """`[qa]`: citizens' questions ("Dân hỏi – Chính quyền trả lời")."""

    answer_working_days: int = 7
    rate_per_hour: int = 5
    max_chars: int = 4000
    retention_days: int = 365
    webhook_host: str = "127.0.0.1"
    webhook_port: int = 8090
    webhook_max_bytes: int = 64 * 1024       # a Zalo event is a few kilobytes
    concurrency: int = 16
    card_retry_seconds: float = 60.0
    poll_timeout: float = 10.0
    poll_lock_seconds: float = 5.0           # how often the Telegram polling lock is renewed

    def problems(self) -> list[tuple[str, str]]:
        out = [(k, "phải lớn hơn 0") for k in ("answer_working_days", "rate_per_hour", "max_chars",
                                                  "retention_days", "concurrency")
               if getattr(self, k) <= 0]
        if not 0 <= self.webhook_port < 65536:   # 0: any free port (tests)
            out.append(("webhook_port", f"{self.webhook_port} không phải cổng hợp lệ (0–65535)"))
        return out


@dataclass(frozen=True)
class ReportSettings:
    """`[report]`: the letterhead of the report ready to sign, and where drafts are written."""

    superior: str = ""
    code: str = ""
    place: str = ""
    subject: str = ""
    signer_title: str | tuple[str, ...] = ""
    signer_name: str = ""
    recipients: str | tuple[str, ...] = ()
    to: str | tuple[str, ...] = ()           # "Kính gửi" lines
    path: str = "var/reports"


@dataclass(frozen=True)
class WebSettings:
    """`[web]`: the staff console (served by `loa run` only when the section is present)."""

    host: str = "127.0.0.1"                  # put the unit's reverse proxy in front for others
    port: int = 8080
    https: bool = False                      # cookies marked Secure (the proxy terminates TLS)
    trust_proxy: bool = False                # believe X-Forwarded-Proto / -For from the proxy
    upload_max_mb: float = 5.0               # largest image a composer may upload
    upload_dir: str = "var/uploads"          # outside any web root; files get random names

    def problems(self) -> list[tuple[str, str]]:
        out = []
        if not 0 <= self.port <= 65535:
            out.append(("port", f"{self.port} không phải cổng hợp lệ (1–65535, ví dụ 8080)"))
        if not 0 < self.upload_max_mb <= 100:
            out.append(("upload_max_mb", f"{self.upload_max_mb:g} không hợp lệ (từ 1 đến 100)"))
        return out


@dataclass(frozen=True)
class Feed:
    """`[[feeds]]`: an RSS/Atom source whose new entries become draft items."""

    url: str = required("")
    name: str = ""
    channels: tuple[str, ...] = ("portal",)

    @property
    def label(self) -> str:
        return self.name or self.url


# ---------------------------------------------------------------------------------- channels
@dataclass(frozen=True)
class ChannelSettings:
    """Keys every `[channels.<name>]` section accepts; each channel's class adds its own."""

    name: str = internal("")
    disabled_reason: str = internal("")
    enabled: bool = True
    default_hour: int | str | None = None       # this channel's default publication time
    per_target_interval: float | None = None    # overrides the adapter's pacing
    global_per_second: float | None = None

    def problems(self) -> list[tuple[str, str]]:
        """Why this channel cannot run although the file is well-formed (→ disabled)."""
        return []


@dataclass(frozen=True)
class PortalSettings(ChannelSettings):
    """`[channels.portal]`: a static site folder, or a WordPress site through its REST API."""

    kind: str = "static"                     # static | wordpress
    path: str = "var/site"
    base_url: str = ""                       # public address of the static site (links in posts)
    title: str = ""
    per_page: int = 10                       # static site: articles per listing page
    url: str = ""                            # WordPress site
    user: str = ""
    password_env: str = "LOA_WORDPRESS_PASSWORD"
    status: str = "publish"
    categories: tuple[int, ...] = ()
    tags: tuple[int, ...] = ()
    meta_key: str = ""
    timeout: float = 30.0

    KINDS: ClassVar[tuple[str, ...]] = ("static", "wordpress")

    def problems(self) -> list[tuple[str, str]]:
        if self.kind not in self.KINDS:
            return [("kind", f"“{self.kind}” không hỗ trợ (chỉ static hoặc wordpress)")]
        if self.kind == "wordpress" and not self.url:
            return [("url", "WordPress cần url")]
        return []


@dataclass(frozen=True)
class TelegramSettings(ChannelSettings):
    """`[channels.telegram]`: the bot, the public channels, and the staff group."""

    token_env: str = "LOA_TELEGRAM_TOKEN"
    base_url: str = ""                       # empty = Telegram; else a local Bot API server
    chat_ids: tuple[str | int, ...] = ()
    staff_chat_id: str | int = ""
    staff_user_ids: tuple[str | int, ...] = ()


@dataclass(frozen=True)
class ZaloSettings(ChannelSettings):
    """`[channels.zalo]`: the Official Account (articles, messages) and its webhook."""

    access_token_env: str = "LOA_ZALO_ACCESS_TOKEN"
    refresh_token_env: str = "LOA_ZALO_REFRESH_TOKEN"
    app_id: str | int = ""
    secret_key_env: str = "LOA_ZALO_SECRET_KEY"
    oa_secret_key_env: str = "LOA_ZALO_OA_SECRET_KEY"
    base_url: str = ""
    oauth_url: str = ""
    timeout: float = 30.0
    articles: bool = True
    recipient_user_ids: tuple[str | int, ...] = ()
    cover_url: str = ""


@dataclass(frozen=True)
class RadioSettings(ChannelSettings):
    """`[channels.radio]`: scripts (and optionally audio) for the commune radio."""

    path: str = "var/radio"
    words_per_minute: int = 120
    abbreviations: str = ""                  # a file extending content/data/abbreviations.txt
    link_where: str = ""                     # how a script names where a link leads
    audio: bool = False
    voice: str = "vi"
    speed: int = 130

    def problems(self) -> list[tuple[str, str]]:
        return [("words_per_minute", "phải lớn hơn 0")] if self.words_per_minute <= 0 else []


@dataclass(frozen=True)
class HotlineSettings(ChannelSettings):
    """`[channels.hotline]`: the hotline notice and an optional HTTP SMS gateway."""

    path: str = "var/hotline"
    requirements: tuple[str, ...] = ()
    refusals: tuple[str, ...] = ()
    sms_url: str = ""
    sms_auth: str = "bearer"
    sms_auth_env: str = "LOA_SMS_KEY"
    sms_fields: Mapping[str, str] = field(default_factory=dict)
    sms_recipients: tuple[str | int, ...] = ()
    sms_sender: str = ""
    sms_format: str = "json"                 # json | form
    sms_unaccented: bool = False


CHANNEL_SETTINGS: dict[str, type[ChannelSettings]] = {
    "portal": PortalSettings,
    "telegram": TelegramSettings,
    "zalo": ZaloSettings,
    "radio": RadioSettings,
    "hotline": HotlineSettings,
}


# ---------------------------------------------------------------------------------- the whole
@dataclass(frozen=True)
class Settings:
    path: Path | None = None
    timezone: str = "Asia/Ho_Chi_Minh"
    database_url: str = DatabaseSettings.url
    unit: Unit = field(default_factory=Unit)
    channels: Mapping[str, ChannelSettings] = field(default_factory=dict)
    cadence: Cadence = field(default_factory=Cadence)
    holidays: tuple[Holiday, ...] = ()
    require_approval: bool = True
    schedule: ScheduleSettings = field(default_factory=ScheduleSettings)
    publisher: PublisherSettings = field(default_factory=PublisherSettings)
    qa: QASettings = field(default_factory=QASettings)
    report: ReportSettings = field(default_factory=ReportSettings)
    web: WebSettings | None = None           # None: no [web] section (the console stays off)
    feeds: tuple[Feed, ...] = ()
    outbox_path: str = OutboxSettings.path
    base_dir: Path = field(default_factory=Path.cwd)
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def weekly(self) -> str:
        return self.schedule.weekly

    def channel(self, name: str) -> Any:
        """The typed section of a channel (its defaults, disabled, when the file has none)."""
        found = self.channels.get(name)
        if found is not None:
            return found
        cls = CHANNEL_SETTINGS.get(name, ChannelSettings)
        return cls(name=name, enabled=False, disabled_reason="chưa cấu hình")

    def secret(self, env_name: str | None) -> str | None:
        """The value of the environment variable a config key names, or None when unset/empty."""
        if not env_name:
            return None
        value = self.env.get(env_name, "")
        return value or None

    def resolve(self, relative: str | os.PathLike[str]) -> Path:
        """A path from the config, relative to the config file's folder."""
        p = Path(relative)
        return p if p.is_absolute() else self.base_dir / p


def mask(secret: str | None) -> str:
    """Show a secret in logs without revealing it (first and last two characters)."""
    if not secret:
        return "(trống)"
    if len(secret) <= 6:
        return "****"
    return f"{secret[:2]}****{secret[-2:]}"


# Top-level tables of the file and the dataclass each is read into.
SECTIONS: dict[str, type] = {
    "database": DatabaseSettings, "unit": Unit, "content": ContentSettings, "outbox": OutboxSettings,
    "calendar": Cadence, "schedule": ScheduleSettings, "publisher": PublisherSettings, "qa": QASettings,
    "report": ReportSettings, "web": WebSettings,
}
TOP_KEYS = ("timezone", "channels", "holidays", "feeds", *SECTIONS)
REQUIRED_SECTIONS = ("unit",)


# ---------------------------------------------------------------------------------- loading
def config_path(explicit: str | os.PathLike[str] | None = None,
                env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    return Path(explicit or env.get("LOA_CONFIG") or DEFAULT_CONFIG)


def load(path: str | os.PathLike[str] | None = None,
         env: Mapping[str, str] | None = None) -> Settings:
    """Read and check config.toml. No file at the default path gives the defaults."""
    env = dict(os.environ if env is None else env)
    p = config_path(path, env)
    if not p.exists():
        if path or env.get("LOA_CONFIG"):
            raise ConfigError([f"Không tìm thấy tệp cấu hình: {p}"])
        base = Path.cwd()
        url = _absolute_sqlite(env.get("LOA_DATABASE_URL") or DatabaseSettings.url, base)
        return Settings(path=None, database_url=url, base_dir=base, env=env)
    try:
        raw = tomllib.loads(p.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ConfigError([f"Tệp cấu hình {p} không phải văn bản UTF-8."]) from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError([f"Tệp cấu hình {p} sai cú pháp TOML: {e}"]) from None
    return from_mapping(raw, env=env, base_dir=p.resolve().parent, path=p)


class _Problems:
    """Collects problems as one Vietnamese line each: file, section, key, what is wrong."""

    def __init__(self, path: Path | None):
        self.file = path.name if path is not None else "cấu hình"
        self.lines: list[str] = []

    def add(self, section: str, key: str | None, text: str) -> None:
        where = f"{self.file}, mục [{section}]" if section else self.file
        if key:
            where += f", khóa “{key}”"
        self.lines.append(f"{where}: {text}")


def from_mapping(raw: Mapping[str, Any], *, env: Mapping[str, str] | None = None,
                 base_dir: Path | None = None, path: Path | None = None) -> Settings:
    """Build Settings from parsed TOML data, checking everything (used by `load` and tests)."""
    env = dict(os.environ if env is None else env)
    base_dir = base_dir or Path.cwd()
    bad = _Problems(path)

    for key in raw:
        if key not in TOP_KEYS:
            bad.add("", key, f"không có mục hay khóa này ở đầu tệp{_suggest(key, TOP_KEYS)}")
    for name in REQUIRED_SECTIONS:
        if name not in raw:
            bad.add(name, None, f"thiếu mục [{name}] (bắt buộc; ví dụ: [{name}] name = \"Ủy ban nhân dân xã …\")")

    tz = raw.get("timezone", Settings.timezone)
    if not isinstance(tz, str):
        bad.add("", "timezone", f"phải là chuỗi, đang là {_shown(tz)}")
        tz = Settings.timezone
    else:
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            bad.add("", "timezone", f"múi giờ “{tz}” không hợp lệ (ví dụ đúng: Asia/Ho_Chi_Minh)")
            tz = Settings.timezone

    parsed: dict[str, Any] = {}
    for name, cls in SECTIONS.items():
        parsed[name] = _section(cls, raw.get(name, {}), name, bad, check_required=name in raw)

    holidays = tuple(_array(Holiday, raw.get("holidays", []), "holidays", bad))
    feeds = tuple(_array(Feed, raw.get("feeds", []), "feeds", bad))

    channels: dict[str, ChannelSettings] = {}
    section = raw.get("channels", {})
    if not isinstance(section, Mapping):
        bad.add("channels", None, "phải là một bảng các kênh, ví dụ [channels.telegram]")
        section = {}
    for name, body in section.items():
        cls = CHANNEL_SETTINGS.get(name)
        if cls is None:
            bad.add(f"channels.{name}", None, f"không có kênh “{name}”{_suggest(name, CHANNEL_SETTINGS)}; "
                                              f"các kênh có: {', '.join(CHANNEL_SETTINGS)}")
            continue
        ch = _section(cls, body, f"channels.{name}", bad, check_required=True)
        reasons = "; ".join(f"{k}: {t}" for k, t in ch.problems())
        if not ch.enabled:
            reasons = reasons or "tắt trong cấu hình (enabled = false)"
        channels[name] = dataclasses.replace(ch, name=name, enabled=ch.enabled and not reasons,
                                             disabled_reason=reasons)

    if bad.lines:
        raise ConfigError(bad.lines)

    db_url = _absolute_sqlite(env.get("LOA_DATABASE_URL") or parsed["database"].url, base_dir)
    return Settings(
        path=path, timezone=tz, database_url=db_url, unit=parsed["unit"], channels=channels,
        cadence=parsed["calendar"], holidays=holidays,
        require_approval=parsed["content"].require_approval, schedule=parsed["schedule"],
        publisher=parsed["publisher"], qa=parsed["qa"], report=parsed["report"],
        web=parsed["web"] if "web" in raw else None, feeds=feeds,
        outbox_path=parsed["outbox"].path, base_dir=base_dir, env=env,
    )


def _section(cls: type, body: Any, where: str, bad: _Problems, *, check_required: bool) -> Any:
    """One table → an instance of `cls`; problems go to `bad` and the defaults stand in."""
    if not isinstance(body, Mapping):
        bad.add(where, None, f"phải là một bảng khóa = giá trị, đang là {_shown(body)}")
        return cls()
    hints = typing.get_type_hints(cls)
    keys = {f.name: f for f in dataclasses.fields(cls) if not f.metadata.get("internal")}
    values: dict[str, Any] = {}
    for key, value in body.items():
        f = keys.get(key)
        if f is None:
            bad.add(where, key, f"không có khóa này{_suggest(key, keys)}")
            continue
        if dataclasses.is_dataclass(hints[key]):
            values[key] = _section(hints[key], value, f"{where}.{key}", bad, check_required=True)
            continue
        ok, converted = _convert(hints[key], value, where, key, bad)
        if ok:
            values[key] = converted
    if check_required:
        for key, f in keys.items():
            if f.metadata.get("required") and key not in body:
                bad.add(where, key, "thiếu khóa bắt buộc")
    try:
        obj = cls(**values)
    except TypeError:          # pragma: no cover - every field has a default
        return cls()
    if not issubclass(cls, ChannelSettings):     # a channel's own problems disable it instead
        for key, text in getattr(obj, "problems", list)():
            bad.add(where, key, text)
    return obj


def _array(cls: type, body: Any, where: str, bad: _Problems) -> list[Any]:
    if not isinstance(body, list):
        bad.add(where, None, f"phải là danh sách bảng [[{where}]], đang là {_shown(body)}")
        return []
    out = []
    for i, entry in enumerate(body, 1):
        out.append(_section(cls, entry, f"[{where}] số {i}", bad, check_required=True))
    return out


_TYPE_VI = {bool: "true hoặc false", int: "số nguyên", float: "số", str: "chuỗi", date: "ngày (YYYY-MM-DD)"}


def _convert(hint: Any, value: Any, where: str, key: str, bad: _Problems) -> tuple[bool, Any]:
    """Check `value` against the annotation `hint`; (True, value) or (False, None) after a problem."""
    ok, out, expected = _match(hint, value)
    if not ok:
        bad.add(where, key, f"phải là {expected}, đang là {_shown(value)}")
    return ok, out


def _match(hint: Any, value: Any) -> tuple[bool, Any, str]:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        members = [a for a in args if a is not type(None)]
        for a in members:
            ok, out, _ = _match(a, value)
            if ok:
                return True, out, ""
        return False, None, " hoặc ".join(_match(a, object())[2] for a in members)
    if origin is tuple:
        inner = args[0]
        expected = f"danh sách {_match(inner, object())[2]}"
        if not isinstance(value, (list, tuple)):
            return False, None, expected
        items = []
        for v in value:
            ok, out, _ = _match(inner, v)
            if not ok:
                return False, None, expected
            items.append(out)
        return True, tuple(items), expected
    if origin in (dict, collections.abc.Mapping):
        inner = args[1] if args else Any
        expected = f"bảng tên = {_match(inner, object())[2]}"
        if not isinstance(value, Mapping):
            return False, None, expected
        converted = {}
        for k, v in value.items():
            ok, out, _ = _match(inner, v)
            if not ok:
                return False, None, expected + f" (sai ở “{k}”)"
            converted[str(k)] = out
        return True, converted, expected
    if origin is Literal:
        return (value in args), value, "một trong " + ", ".join(map(str, args))
    if hint is Any:
        return True, value, "giá trị"
    if hint is bool:
        return isinstance(value, bool), value, _TYPE_VI[bool]
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool), value, _TYPE_VI[int]
    if hint is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        return ok, float(value) if ok else None, _TYPE_VI[float]
    if hint is str:
        return isinstance(value, str), value, _TYPE_VI[str]
    if hint is date:
        if isinstance(value, date):
            return True, value, _TYPE_VI[date]
        if isinstance(value, str):
            try:
                return True, date.fromisoformat(value), _TYPE_VI[date]
            except ValueError:
                pass
        return False, None, _TYPE_VI[date]
    return isinstance(value, hint), value, getattr(hint, "__name__", str(hint))   # pragma: no cover


def _suggest(word: str, options: Any) -> str:
    close = difflib.get_close_matches(word, sorted(options), n=1, cutoff=0.6)
    return f" — có phải ý bạn là “{close[0]}”?" if close else ""


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return f"chuỗi “{value}”"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        return "một bảng"
    if isinstance(value, list):
        return "một danh sách"
    return f"“{value}”"


def _valid_weekly(text: str) -> bool:
    parts = text.split()
    if len(parts) != 2 or parts[0][:3].lower() not in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"):
        return False
    hh, _, mm = parts[1].partition(":")
    return hh.isdigit() and mm.isdigit() and 0 <= int(hh) < 24 and 0 <= int(mm) < 60


def _absolute_sqlite(url: str, base_dir: Path) -> str:
    """Relative SQLite paths are taken relative to the config file, not the working directory."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith("sqlite:////") and url != "sqlite:///:memory:":
        rel = url[len(prefix):]
        if rel and not rel.startswith(":"):
            return prefix + str((base_dir / rel).resolve())
    return url
