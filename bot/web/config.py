"""`[web]` in config.toml: where the console listens and how it treats its cookies and uploads.

    [web]
    host = "127.0.0.1"      # default; put the unit's reverse proxy in front for other machines
    port = 8080
    https = false           # true: cookies are marked Secure (the proxy terminates TLS)
    trust_proxy = false     # true: believe X-Forwarded-Proto / X-Forwarded-For from the proxy
    upload_max_mb = 5       # largest image a composer may upload
    upload_dir = "var/uploads"   # outside any web root; files get random names
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from content.errors import LoaError
from content.settings import Settings

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080


class WebConfigError(LoaError):
    """`[web]` holds a value the console cannot use."""


@dataclass(frozen=True)
class WebConfig:
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    https: bool = False
    trust_proxy: bool = False
    upload_max_bytes: int = 5 * 1024 * 1024
    upload_dir: Path = Path("var/uploads")

    @classmethod
    def from_settings(cls, settings: Settings, *, host: str | None = None, port: int | None = None) -> "WebConfig":
        raw = dict(settings.web or {})
        problems: list[str] = []
        h = str(host or raw.get("host") or DEFAULT_HOST).strip()
        p_raw = port if port is not None else raw.get("port", DEFAULT_PORT)
        try:
            p = int(p_raw)
            if not 0 <= p <= 65535:
                raise ValueError
        except (TypeError, ValueError):
            problems.append(f"[web] port = “{p_raw}” không hợp lệ (số từ 1 đến 65535, ví dụ 8080).")
            p = DEFAULT_PORT
        for key in ("https", "trust_proxy"):
            if key in raw and not isinstance(raw[key], bool):
                problems.append(f"[web] {key} phải là true hoặc false.")
        mb = raw.get("upload_max_mb", 5)
        if not isinstance(mb, (int, float)) or isinstance(mb, bool) or not 0 < mb <= 100:
            problems.append(f"[web] upload_max_mb = “{mb}” không hợp lệ (từ 1 đến 100).")
            mb = 5
        unknown = set(raw) - {"host", "port", "https", "trust_proxy", "upload_max_mb", "upload_dir"}
        problems += [f"Khóa không hợp lệ “{k}” trong [web]." for k in sorted(unknown)]
        if problems:
            raise WebConfigError("Cấu hình [web] chưa đúng: " + " ".join(problems))
        return cls(host=h, port=p, https=bool(raw.get("https", False)),
                   trust_proxy=bool(raw.get("trust_proxy", False)),
                   upload_max_bytes=int(mb * 1024 * 1024),
                   upload_dir=settings.resolve(str(raw.get("upload_dir", "var/uploads"))))


def web_configured(settings: Settings) -> bool:
    """`loa run` serves the console only when config.toml has a [web] section (even empty)."""
    return settings.web is not None
