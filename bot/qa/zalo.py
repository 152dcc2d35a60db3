"""The Zalo Official Account webhook for the citizens' Q&A (Starlette).

Zalo posts events (`user_send_text`, `user_send_image`, `follow`, …) with header
`X-ZEvent-Signature: mac=<hex sha256(app_id + raw_body + timestamp + oa_secret_key)>`, where
`timestamp` is the event's own field. A missing or forged signature gets 403; a good one gets
200 at once and the work runs after the response (a background task), because Zalo retries,
then disables, a webhook that answers slowly. An event already handled (its msg_id is kept in
the database, `content.qa.replay`) is acknowledged and ignored, also after a restart.
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
import time
from typing import Callable

from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.qa import texts as T
from bot.qa.intake import WEBHOOK_PATH, webhook_secret
from bot.qa.relay import Relay, relay_from_settings
from bot.qa.service import QAService
from bot.qa.zalo_event import BadEvent, ZaloEvent, parse_event
from content.logsafe import Throttle
from content.qa import replay
from content.qa import workflow as qa
from content.db import Database
from content.config import Settings

log = logging.getLogger("loa.qa.zalo")
SIGNATURE_HEADER = "X-ZEvent-Signature"
MAX_BODY = 64 * 1024          # a text event is a few kilobytes; Zalo's texts are at most 2,000 characters


def zalo_signature(app_id: str, raw_body: bytes, timestamp: str, secret_key: str) -> str:
    """The value Zalo puts in X-ZEvent-Signature: "mac=" + hex sha256(app_id + body + timestamp + secret)."""
    data = str(app_id).encode() + raw_body + str(timestamp).encode() + str(secret_key).encode()
    return "mac=" + hashlib.sha256(data).hexdigest()


def signature_ok(header: str | None, app_id: str, raw_body: bytes, timestamp: str, secret_key: str) -> bool:
    if not header or not app_id or not secret_key:
        return False
    expected = zalo_signature(app_id, raw_body, timestamp, secret_key)
    return hmac.compare_digest(header.strip().lower(), expected)


async def handle_event(service: QAService, ev: ZaloEvent) -> None:
    """Feed one verified event into the Q&A flow (runs after Zalo got its 200)."""
    name, user = ev.name, ev.user
    if not user:
        return
    try:
        if name.startswith("user_send_"):      # any message reopens Zalo's 48-hour reply window
            await service.run(qa.touch, "zalo", user, service.clock())
        if name == "user_send_text":
            await service.zalo_text(user, ev.text)
        elif name in ("user_send_image", "user_send_file"):
            text = ev.text.strip()
            if not text:
                await service.relay.to_citizen("zalo", user, T.need_text())
                return
            kind = "image" if name == "user_send_image" else "file"
            await service.citizen_message(qa.Incoming("zalo", user, text,
                                                      attachments=tuple((kind, u) for u in ev.attachments)))
        elif name == "follow":
            days = service.settings.qa.answer_working_days
            await service.relay.to_citizen("zalo", user, T.greet(service.settings, days))
        elif name.startswith("user_send_"):
            await service.relay.to_citizen("zalo", user, T.unsupported())
    except Exception as e:  # noqa: BLE001 - Zalo already has its 200; staff must hear of it
        log.exception("Zalo event %s failed", name)
        await service.relay.to_staff(T.error_for_staff(f"Zalo {name}: {type(e).__name__}: {e}"))


class _TooLarge(Exception):
    pass


async def read_capped(request: Request, limit: int) -> bytes:
    """The request body, refused (`_TooLarge`) as soon as it is known to exceed `limit` bytes:
    from Content-Length before reading, else while streaming — never read whole first."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > limit:
                raise _TooLarge
        except ValueError:
            raise _TooLarge from None
    parts, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        parts.append(chunk)
    return b"".join(parts)


def make_zalo_app(settings: Settings, db: Database, send: Relay | None = None, *,
                  service: QAService | None = None, path: str = WEBHOOK_PATH,
                  monotonic: Callable[[], float] = time.monotonic) -> Starlette:
    """The webhook app. `send` is the Relay used for replies and staff cards (default: built
    from settings); pass `service` to share one QAService with the Telegram bot.

    In order: the body is capped (`[qa] webhook_max_bytes`, 64 KiB; 413), must be a JSON
    object (400), signed (403), well formed (400), for this OA's app_id (403), with a
    timestamp inside the replay horizon (`content.qa.replay`; 400); a repeat of an event
    already handled gets 200 and nothing else. A refused request is logged once a minute per
    reason at most, with the number of the others."""
    z = settings.channel("zalo")
    app_id = str(z.app_id)
    secret = webhook_secret(settings)
    limit = settings.qa.webhook_max_bytes
    svc = service or QAService(settings, db, send or relay_from_settings(settings, db))
    throttle = Throttle(60.0, monotonic)
    if not app_id or not secret:
        log.warning("Zalo webhook: app_id or secret key not set; every event will be refused (403)")

    def refuse(status: int, reason: str, detail: str = "") -> JSONResponse:
        left_out = throttle.ready(reason)
        if left_out is not None:
            more = f" (and {left_out} more in the last minute)" if left_out else ""
            log.warning("Zalo webhook: refused a request (%s%s)%s", reason, f": {detail}" if detail else "", more)
        return JSONResponse({"error": reason}, status_code=status)

    async def webhook(request: Request) -> JSONResponse:
        try:
            raw = await read_capped(request, limit)
        except _TooLarge:
            return refuse(413, "body too large")
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            data = None
        if not isinstance(data, dict):
            return refuse(400, "invalid body")
        stamp = data.get("timestamp")
        stamp = str(stamp) if isinstance(stamp, (str, int)) and not isinstance(stamp, bool) else ""
        if not signature_ok(request.headers.get(SIGNATURE_HEADER), app_id, raw, stamp, secret):
            return refuse(403, "invalid signature")
        try:
            ev = parse_event(data)
        except BadEvent as e:
            return refuse(400, "invalid event", str(e))
        if ev.app_id != app_id:
            return refuse(403, "wrong app_id")
        problem = replay.zalo_time_problem(ev.timestamp, svc.clock())
        if problem is not None:
            return refuse(400, f"timestamp {problem.replace('_', ' ')}")
        try:
            fresh = await svc.first_delivery(f"zalo:{app_id}", ev.key)
        except Exception:  # noqa: BLE001 - the database is down: Zalo will deliver it again
            log.exception("Zalo webhook: could not record the event")
            return JSONResponse({"error": "try again"}, status_code=503)
        if not fresh:
            return JSONResponse({"ok": True, "duplicate": True})
        return JSONResponse({"ok": True}, background=BackgroundTask(handle_event, svc, ev))

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"ok": True})

    return Starlette(routes=[Route(path, webhook, methods=["POST"]), Route(path, health, methods=["GET"])])
