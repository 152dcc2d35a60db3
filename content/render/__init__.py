"""Rendering: one item → what each channel shows (portal HTML, Telegram HTML and its split, Zalo text, radio script read aloud, SMS)."""
