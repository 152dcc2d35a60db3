"""The staff web console: `make_console_app(settings, db, *, clock)` builds it (bot/web/app.py);
`loa web` serves it alone and `loa run` beside the scheduler when config.toml has a [web] section."""

from bot.web.app import make_console_app
from bot.web.config import WebConfig, web_configured

__all__ = ["make_console_app", "WebConfig", "web_configured"]
