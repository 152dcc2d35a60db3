"""Where citizens' questions come in ("Dân hỏi – Chính quyền trả lời") and what is missing for
each door, one Vietnamese sentence per fact: what `loa doctor` prints and the console's
/channels page shows."""

from __future__ import annotations

from content.config import Settings

WEBHOOK_PATH = "/zalo/webhook"


def webhook_secret(settings: Settings) -> str:
    """The key that signs this OA's webhook events ("" when none is set)."""
    z = settings.channel("zalo")
    return settings.secret(z.oa_secret_key_env) or settings.secret(z.secret_key_env) or ""


def telegram_ready(settings: Settings) -> bool:
    """Questions come in by Telegram: the channel is on and its bot token is set."""
    tg = settings.channel("telegram")
    return tg.enabled and bool(settings.secret(tg.token_env))


def zalo_ready(settings: Settings) -> bool:
    """Questions come in by Zalo: the channel is on, with an app id and a webhook signing key."""
    z = settings.channel("zalo")
    return z.enabled and bool(z.app_id) and bool(webhook_secret(settings))


def intake_lines(settings: Settings) -> list[str]:
    tg, z = settings.channel("telegram"), settings.channel("zalo")
    lines = []
    if telegram_ready(settings):
        lines.append("Telegram: bot nhận câu hỏi khi chạy loa run (hoặc loa serve).")
        if tg.staff_chat_id and not tg.staff_user_ids:
            lines.append("Cảnh báo: staff_user_ids trống — không cán bộ nào được trả lời câu hỏi trong nhóm; "
                         "chỉ trả lời được bằng lệnh loa qa.")
    else:
        lines.append("Telegram: chưa có mã bot, không nhận câu hỏi qua Telegram.")
    if zalo_ready(settings):
        host, port = settings.qa.webhook_host, settings.qa.webhook_port
        lines.append(f"Zalo: webhook mở tại http://{host}:{port}{WEBHOOK_PATH} khi chạy loa run; khai báo địa "
                     "chỉ công khai tương ứng (HTTPS) trong Zalo for Developers → Webhook.")
    elif z.enabled and z.app_id:
        lines.append(f"Zalo: chưa mở webhook — thiếu khóa bí mật OA (biến môi trường {z.oa_secret_key_env}).")
    else:
        lines.append("Zalo: chưa khai báo app_id ([channels.zalo]), không nhận câu hỏi qua Zalo.")
    return lines
