"""The citizens' Q&A bot: Telegram and Zalo intake, the staff relay, replies and notices, and `loa serve`."""
