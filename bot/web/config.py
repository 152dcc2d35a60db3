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

from content.config import Settings, WebSettings
from content.errors import LoaError

DEFAULT_HOST = WebSettings.host
DEFAULT_PORT = WebSettings.port


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
        """The console's settings: `[web]` (typed and checked in content/config.py), with the
        command line's --host/--port on top."""
        web = settings.web or WebSettings()
        if port is not None and not 0 <= port <= 65535:
            raise WebConfigError(f"Cổng “{port}” không hợp lệ (số từ 1 đến 65535, ví dụ 8080).")
        return cls(host=(host or web.host or DEFAULT_HOST).strip(),
                   port=web.port if port is None else port, https=web.https, trust_proxy=web.trust_proxy,
                   upload_max_bytes=int(web.upload_max_mb * 1024 * 1024),
                   upload_dir=settings.resolve(web.upload_dir))


def web_configured(settings: Settings) -> bool:
    """`loa run` serves the console only when config.toml has a [web] section (even empty)."""
    return settings.web is not None
