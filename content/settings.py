"""Typed settings: config.toml is read once here and passed down as a `Settings` object.

Secrets never live in the file: it names the environment variable holding each one, and
`Settings.secret(name)` reads it. Every problem in the file is collected and reported at once
(`ConfigError.problems`), in Vietnamese, so the operator can fix them in one go. A broken
channel section does not stop Loa: the channel is marked disabled with the reason.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_CONFIG = "config.toml"
PUBLISHABLE = ("portal", "telegram", "zalo", "radio", "hotline")


class ConfigError(Exception):
    """The configuration file cannot be used; `problems` lists every reason (Vietnamese)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Hotline:
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
    name: str = "Ủy ban nhân dân xã"
    short_name: str = ""
    radio_station: str = ""
    place: str = ""
    hotline: Hotline = field(default_factory=Hotline)
    contact: Contact = field(default_factory=Contact)


@dataclass(frozen=True)
class ChannelSettings:
    """One channel's section. `options` keeps every key of the section (e.g. base_url, path)."""

    name: str
    enabled: bool = True
    disabled_reason: str = ""
    options: Mapping[str, Any] = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        return self.options.get(key, default)


@dataclass(frozen=True)
class Cadence:
    """How often each publishable channel gets a calendar slot (times per week, or per month)."""

    per_week: Mapping[str, int] = field(
        default_factory=lambda: {"radio": 2, "portal": 1, "telegram": 1, "zalo": 1, "social": 1}
    )
    per_month: Mapping[str, int] = field(default_factory=lambda: {"hotline": 1})


@dataclass(frozen=True)
class Holiday:
    date: date
    name: str


@dataclass(frozen=True)
class Settings:
    path: Path | None
    timezone: str = "Asia/Ho_Chi_Minh"
    database_url: str = "sqlite:///var/loa.db"
    unit: Unit = field(default_factory=Unit)
    channels: Mapping[str, ChannelSettings] = field(default_factory=dict)
    cadence: Cadence = field(default_factory=Cadence)
    holidays: tuple[Holiday, ...] = ()
    require_approval: bool = True
    weekly: str = "mon 07:00"
    schedule: Mapping[str, Any] = field(default_factory=dict)
    publisher: Mapping[str, Any] = field(default_factory=dict)
    qa: Mapping[str, Any] = field(default_factory=dict)
    report: Mapping[str, Any] = field(default_factory=dict)
    web: Mapping[str, Any] | None = None   # the [web] section (None: absent); see bot/web/config.py
    feeds: tuple[Mapping[str, Any], ...] = ()
    outbox_path: str = "var/outbox"
    base_dir: Path = field(default_factory=Path.cwd)
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def channel(self, name: str) -> ChannelSettings:
        return self.channels.get(name) or ChannelSettings(name=name, enabled=False,
                                                          disabled_reason="chưa cấu hình")

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


_KNOWN_TOP = {
    "timezone", "database", "unit", "channels", "schedule", "qa", "calendar", "holidays",
    "content", "publisher", "feeds", "outbox", "report", "web",
}
_KNOWN_CHANNELS = {"portal", "telegram", "zalo", "radio", "hotline"}


def _suggest(word: str, options: set[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, sorted(options), n=1)
    return f" (có phải ý bạn là “{close[0]}”?)" if close else ""


def config_path(explicit: str | os.PathLike[str] | None = None,
                env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    return Path(explicit or env.get("LOA_CONFIG") or DEFAULT_CONFIG)


def load(path: str | os.PathLike[str] | None = None,
         env: Mapping[str, str] | None = None) -> Settings:
    """Read and validate config.toml. A missing file at the default path gives the defaults."""
    env = dict(os.environ if env is None else env)
    p = config_path(path, env)
    if not p.exists():
        if path or env.get("LOA_CONFIG"):
            raise ConfigError([f"Không tìm thấy tệp cấu hình: {p}"])
        raw: dict[str, Any] = {}
        base = Path.cwd()
        src: Path | None = None
    else:
        try:
            raw = tomllib.loads(p.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            raise ConfigError([f"Tệp cấu hình {p} không phải văn bản UTF-8."]) from None
        except tomllib.TOMLDecodeError as e:
            raise ConfigError([f"Tệp cấu hình {p} sai cú pháp TOML: {e}"]) from None
        base = p.resolve().parent
        src = p
    return from_mapping(raw, env=env, base_dir=base, path=src)


def from_mapping(raw: Mapping[str, Any], *, env: Mapping[str, str] | None = None,
                 base_dir: Path | None = None, path: Path | None = None) -> Settings:
    """Build Settings from already-parsed TOML data (used by `load` and by tests)."""
    env = dict(os.environ if env is None else env)
    problems: list[str] = []

    for key in raw:
        if key not in _KNOWN_TOP:
            problems.append(f"Khóa không hợp lệ “{key}” trong cấu hình{_suggest(key, _KNOWN_TOP)}.")

    tz = raw.get("timezone", "Asia/Ho_Chi_Minh")
    try:
        ZoneInfo(str(tz))
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(f"Múi giờ không hợp lệ: “{tz}” (ví dụ đúng: Asia/Ho_Chi_Minh).")
        tz = "Asia/Ho_Chi_Minh"

    db = raw.get("database", {}) or {}
    db_url = env.get("LOA_DATABASE_URL") or db.get("url") or "sqlite:///var/loa.db"
    base_dir = base_dir or Path.cwd()
    db_url = _absolute_sqlite(db_url, base_dir)

    u = raw.get("unit", {}) or {}
    h = u.get("hotline", {}) or {}
    hotline_kwargs = {k: str(h[k]) for k in ("phone", "email", "address", "hours") if k in h}
    if "topics" in h:
        hotline_kwargs["topics"] = tuple(str(t) for t in h["topics"])
    unit = Unit(
        name=str(u.get("name", Unit.name)),
        short_name=str(u.get("short_name", "")),
        radio_station=str(u.get("radio_station", "")),
        place=str(u.get("place", "")),
        hotline=Hotline(**hotline_kwargs),
        contact=Contact(**{k: str(v) for k, v in (u.get("contact", {}) or {}).items()
                           if k in ("name", "position", "phone", "email")}),
    )

    channels: dict[str, ChannelSettings] = {}
    for name, section in (raw.get("channels", {}) or {}).items():
        if name not in _KNOWN_CHANNELS:
            problems.append(f"Kênh không biết: “{name}”{_suggest(name, _KNOWN_CHANNELS)}. "
                            f"Các kênh có: {', '.join(sorted(_KNOWN_CHANNELS))}.")
            continue
        if not isinstance(section, Mapping):
            problems.append(f"Mục [channels.{name}] phải là một bảng khóa = giá trị.")
            continue
        channels[name] = _channel(name, section)

    cal = raw.get("calendar", {}) or {}
    cadence = Cadence(
        per_week={**Cadence().per_week, **{k: int(v) for k, v in (cal.get("per_week") or {}).items()}},
        per_month={**Cadence().per_month, **{k: int(v) for k, v in (cal.get("per_month") or {}).items()}},
    )

    holidays: list[Holiday] = []
    for entry in raw.get("holidays", []) or []:
        try:
            holidays.append(Holiday(date=date.fromisoformat(str(entry["date"])), name=str(entry["name"])))
        except (KeyError, ValueError, TypeError):
            problems.append(f"Ngày nghỉ không hợp lệ: {entry!r} (cần date = \"YYYY-MM-DD\", name = \"…\").")

    schedule = dict(raw.get("schedule", {}) or {})
    weekly = str(schedule.get("weekly", "mon 07:00"))
    if not _valid_weekly(weekly):
        problems.append(f"[schedule] weekly = “{weekly}” không hợp lệ (ví dụ: \"mon 07:00\").")

    content = raw.get("content", {}) or {}
    feeds = tuple(raw.get("feeds", []) or [])
    for f in feeds:
        if not isinstance(f, Mapping) or not f.get("url"):
            problems.append(f"Nguồn tin (feeds) thiếu url: {f!r}.")

    if problems:
        raise ConfigError(problems)

    return Settings(
        path=path,
        timezone=str(tz),
        database_url=db_url,
        unit=unit,
        channels=channels,
        cadence=cadence,
        holidays=tuple(holidays),
        require_approval=bool(content.get("require_approval", True)),
        weekly=weekly,
        schedule=schedule,
        publisher=dict(raw.get("publisher", {}) or {}),
        qa=dict(raw.get("qa", {}) or {}),
        report=dict(raw.get("report", {}) or {}),
        web=dict(raw["web"]) if isinstance(raw.get("web"), Mapping) else None,
        feeds=feeds,
        outbox_path=str((raw.get("outbox", {}) or {}).get("path", "var/outbox")),
        base_dir=base_dir,
        env=env,
    )


def _channel(name: str, section: Mapping[str, Any]) -> ChannelSettings:
    opts = dict(section)
    enabled = bool(opts.pop("enabled", True))
    reason = "" if enabled else "tắt trong cấu hình (enabled = false)"
    if name == "portal":
        kind = opts.get("kind", "static")
        if kind not in ("static", "wordpress"):
            return ChannelSettings(name, False, f"kind = “{kind}” không hỗ trợ (chỉ static hoặc wordpress)", opts)
        if kind == "wordpress" and not opts.get("url"):
            return ChannelSettings(name, False, "WordPress cần url", opts)
    if name == "telegram" and not isinstance(opts.get("chat_ids", []), list):
        return ChannelSettings(name, False, "chat_ids phải là danh sách, ví dụ [\"@kenh\"]", opts)
    return ChannelSettings(name, enabled, reason, opts)


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
