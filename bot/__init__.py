"""bot: where people meet Loa — the `loa` command (`cli/`), the citizens' Q&A bot on Telegram
and Zalo (`qa/`), the staff web console (`web/`), and the wiring they share (`wiring`)."""
