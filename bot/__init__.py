"""bot: where people meet Loa — the `loa` CLI, the Telegram bot and the Zalo webhook."""
