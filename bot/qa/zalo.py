"""The Zalo Official Account webhook for the citizens' Q&A (Starlette).

Zalo posts events (`user_send_text`, `user_send_image`, `follow`, …) with header
`X-ZEvent-Signature: mac=<hex sha256(app_id + raw_body + timestamp + oa_secret_key)>`, where
`timestamp` is the event's own field. A missing or forged signature gets 403; a good one gets
200 at once and the work runs after the response (a background task), because Zalo retries,
then disables, a webhook that answers slowly. Retries of an event already seen are ignored.
The formula lives in `zalo_signature` only, so it is easy to change if Zalo's differs.

The OA secret key that signs webhooks (Zalo for Developers → Webhook) is not the app's secret
key used to renew tokens; `[channels.zalo] oa_secret_key_env` names its variable (default
LOA_ZALO_OA_SECRET_KEY), and when that variable is unset the app's `secret_key_env` is used,
for set-ups where one key was put in both places.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections import OrderedDict
from typing import Any

from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.qa import texts as T
from bot.qa.relay import Relay, relay_from_settings
from bot.qa.service import QAService
from content.qa import workflow as qa
from content.db import Database
from content.config import Settings

log = logging.getLogger("loa.qa.zalo")
WEBHOOK_PATH = "/zalo/webhook"
SIGNATURE_HEADER = "X-ZEvent-Signature"


def webhook_secret(settings: Settings) -> str:
    """The key that signs this OA's webhook events ("" when none is set)."""
    z = settings.channel("zalo")
    return settings.secret(z.oa_secret_key_env) or settings.secret(z.secret_key_env) or ""


def zalo_signature(app_id: str, raw_body: bytes, timestamp: str, secret_key: str) -> str:
    """The value Zalo puts in X-ZEvent-Signature: "mac=" + hex sha256(app_id + body + timestamp + secret)."""
    data = str(app_id).encode() + raw_body + str(timestamp).encode() + str(secret_key).encode()
    return "mac=" + hashlib.sha256(data).hexdigest()


def signature_ok(header: str | None, app_id: str, raw_body: bytes, timestamp: str, secret_key: str) -> bool:
    if not header or not app_id or not secret_key:
        return False
    expected = zalo_signature(app_id, raw_body, timestamp, secret_key)
    return hmac.compare_digest(header.strip().lower(), expected)


class _Seen:
    """The last few thousand event ids, so a retried delivery is handled once."""

    def __init__(self, size: int = 5000):
        self.size, self.ids = size, OrderedDict()

    def add(self, key: str) -> bool:
        if key in self.ids:
            return False
        self.ids[key] = None
        if len(self.ids) > self.size:
            self.ids.popitem(last=False)
        return True


async def handle_event(service: QAService, event: dict[str, Any]) -> None:
    """Feed one verified event into the Q&A flow (runs after Zalo got its 200)."""
    name = str(event.get("event_name", ""))
    user = str((event.get("sender") or {}).get("id") or "")
    message = event.get("message") or {}
    if not user:
        return
    try:
        if name.startswith("user_send_"):      # any message reopens Zalo's 48-hour reply window
            await service.run(qa.touch, "zalo", user, service.clock())
        if name == "user_send_text":
            await service.zalo_text(user, str(message.get("text") or ""))
        elif name in ("user_send_image", "user_send_file"):
            urls = [str((a.get("payload") or {}).get("url") or "") for a in message.get("attachments") or []
                    if isinstance(a, dict)]
            text = str(message.get("text") or "").strip()
            if not text:
                await service.relay.to_citizen("zalo", user, T.need_text())
                return
            kind = "image" if name == "user_send_image" else "file"
            await service.citizen_message(qa.Incoming("zalo", user, text,
                                                      attachments=tuple((kind, u) for u in urls if u)))
        elif name == "follow":
            days = service.settings.qa.answer_working_days
            await service.relay.to_citizen("zalo", user, T.greet(service.settings, days))
        elif name.startswith("user_send_"):
            await service.relay.to_citizen("zalo", user, T.unsupported())
    except Exception as e:  # noqa: BLE001 - Zalo already has its 200; staff must hear of it
        log.exception("Zalo event %s failed", name)
        await service.relay.to_staff(T.error_for_staff(f"Zalo {name}: {type(e).__name__}: {e}"))


def make_zalo_app(settings: Settings, db: Database, send: Relay | None = None, *,
                  service: QAService | None = None, path: str = WEBHOOK_PATH) -> Starlette:
    """The webhook app. `send` is the Relay used for replies and staff cards (default: built
    from settings); pass `service` to share one QAService with the Telegram bot."""
    z = settings.channel("zalo")
    app_id = str(z.app_id)
    secret = webhook_secret(settings)
    svc = service or QAService(settings, db, send or relay_from_settings(settings, db))
    seen = _Seen()
    if not app_id or not secret:
        log.warning("Zalo webhook: app_id or secret key not set; every event will be refused (403)")

    async def webhook(request: Request) -> JSONResponse:
        raw = await request.body()
        try:
            event = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            event = None
        timestamp = str(event.get("timestamp", "")) if isinstance(event, dict) else ""
        if not signature_ok(request.headers.get(SIGNATURE_HEADER), app_id, raw, timestamp, secret):
            log.warning("Zalo webhook: refused a request with a missing or wrong signature")
            return JSONResponse({"error": "invalid signature"}, status_code=403)
        if not isinstance(event, dict):
            return JSONResponse({"error": "invalid body"}, status_code=400)
        key = str((event.get("message") or {}).get("msg_id") or "") or f"{event.get('event_name')}:{timestamp}:" \
            f"{(event.get('sender') or {}).get('id')}"
        if not seen.add(key):
            return JSONResponse({"ok": True, "duplicate": True})
        return JSONResponse({"ok": True}, background=BackgroundTask(handle_event, svc, event))

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"ok": True})

    return Starlette(routes=[Route(path, webhook, methods=["POST"]), Route(path, health, methods=["GET"])])
