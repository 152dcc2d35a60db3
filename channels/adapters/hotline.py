"""Hotline channel: writes the printable notice to its folder — the HTML page and, beside it,
the same notice as .docx (extras["docx"]) — and, when an SMS gateway is configured, texts
extras["sms"] to each number of `sms_recipients`.

Targets: "notice" and "sms:<number>" for each recipient (one post row each, so one failed number
never resends the others). The gateway is generic: `[channels.hotline]` sms_url, sms_auth
("bearer" | "basic" | "header:X-Api-Key"), sms_auth_env (the variable holding the key, or
"user:password" for basic), sms_fields (JSON field names, default {to="to", text="message",
sender="from"}), sms_sender, sms_format ("json" | "form"). Empty sms_url → notice only.
Gateway answers: 401/403 and other 4xx → PermanentError, 429/5xx → RetryableError (RateLimited
with Retry-After), read timeout or dropped connection → UnknownOutcome.

Every SMS the gateway accepts is recorded in `<path>/.sms/<key>/<number>.json` (written
atomically, one file per number, so parallel sends never race). Sending the same key to a
recorded number again returns the recorded receipt instead of texting twice, so a retry after a
partial failure, or a deliberate `loa post retry`, only reaches the numbers still missing.

Taking back: the notice file is Loa's to change — a withdrawal removes it and a correction
rewrites it in place, and both remind staff that the printed copy at the one-stop desk must
be taken down or reprinted. An SMS cannot be recalled or edited: it is listed for staff.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
from pathlib import Path
from typing import Any, ClassVar

import requests

from channels import http
from datetime import datetime

from channels.base import Channel, Delivered, Limits, Message, PermanentError, Receipt, TakeBack
from channels.adapters.outbox import safe_name, write_atomic
from content.config import HotlineSettings, mask

WHAT = "cổng SMS"
DEFAULT_FIELDS = {"to": "to", "text": "message", "sender": "from"}


class HotlineChannel(Channel):
    name: ClassVar[str] = "hotline"
    options: ClassVar[type[HotlineSettings]] = HotlineSettings
    limits: ClassVar[Limits] = Limits(per_target_interval=0.0)
    can_withdraw: ClassVar[bool] = True      # the notice file; never an SMS
    can_correct: ClassVar[bool] = True

    def __init__(self, settings, config, state=None):
        super().__init__(settings, config, state)
        self.folder = settings.resolve(config.path)
        self.sms_url = config.sms_url
        self.sms_auth = config.sms_auth or "bearer"
        self.secret = settings.secret(config.sms_auth_env)
        self.fields = {**DEFAULT_FIELDS, **dict(config.sms_fields)}
        self._session = requests.Session()

    def targets(self) -> list[str]:
        out = ["notice"]
        if self.sms_url:
            out += [f"sms:{n}" for n in self.config.sms_recipients]
        return out

    def describe(self) -> str:
        sms = f", SMS qua {self.sms_url} ({self.sms_auth}, khóa {mask(self.secret)})" if self.sms_url else ""
        return f"hotline → {self.folder}{sms}"

    def notice_path(self, message: Message):
        name = str(message.extras.get("file_name") or f"{safe_name(message.key)}.html")
        return self.folder / safe_name(name)

    async def send(self, message: Message, target: str) -> Receipt:
        if target.startswith("sms:"):
            return await asyncio.to_thread(self._sms, message, target[len("sms:"):])
        path = self.notice_path(message)
        try:
            docx = message.extras.get("docx")
            if isinstance(docx, (bytes, bytearray)):
                write_atomic(path.with_suffix(".docx"), bytes(docx))
            write_atomic(path, message.body)
        except OSError as e:
            raise PermanentError(f"Không ghi được thông báo đường dây nóng vào {self.folder}: {e.strerror}.") from e
        return Receipt(external_id=path.name, url=path.resolve().as_uri())

    def sms_record(self, message: Message, number: str) -> Path:
        return self.folder / ".sms" / safe_name(message.key) / f"{safe_name(number)}.json"

    def _recorded(self, message: Message, number: str) -> Receipt | None:
        try:
            data = json.loads(self.sms_record(message, number).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return Receipt(external_id=data.get("id"), http_status=data.get("http_status"))

    def _record(self, message: Message, number: str, receipt: Receipt) -> None:
        entry = {"key": message.key, "to": number, "id": receipt.external_id,
                 "http_status": receipt.http_status, "at": time.time()}
        try:
            write_atomic(self.sms_record(message, number), json.dumps(entry, ensure_ascii=False))
        except OSError:
            pass    # the SMS went out; only the guard against a duplicate on retry is lost

    def _auth(self) -> dict[str, str]:
        if not self.secret:
            raise PermanentError("Chưa có khóa của cổng SMS (biến môi trường "
                                 f"{self.config.sms_auth_env}).")
        if self.sms_auth == "bearer":
            return {"Authorization": f"Bearer {self.secret}"}
        if self.sms_auth == "basic":
            return {"Authorization": "Basic " + base64.b64encode(self.secret.encode()).decode()}
        if self.sms_auth.startswith("header:"):
            return {self.sms_auth.split(":", 1)[1]: self.secret}
        raise PermanentError(f"sms_auth = “{self.sms_auth}” không hỗ trợ (bearer, basic hoặc header:Tên).")

    def _sms(self, message: Message, number: str) -> Receipt:
        done = self._recorded(message, number)
        if done is not None:
            return done                      # already accepted by the gateway: never text twice
        receipt = self._send_sms(message, number)
        self._record(message, number, receipt)
        return receipt

    def _send_sms(self, message: Message, number: str) -> Receipt:
        text = str(message.extras.get("sms") or "")
        if not text:
            raise PermanentError("Bản dựng không có nội dung SMS (extras[\"sms\"]).")
        payload: dict[str, Any] = {self.fields["to"]: number, self.fields["text"]: text}
        sender = (self.config.sms_sender or None)
        if sender:
            payload[self.fields["sender"]] = str(sender)
        body = {"data": payload} if self.config.sms_format == "form" else {"json": payload}
        resp = http.request(self._session, "POST", self.sms_url, what=WHAT, headers=self._auth(), **body)
        data = http.json_or_none(resp)
        if resp.status_code in (401, 403):
            raise PermanentError(f"Cổng SMS từ chối khóa truy cập (HTTP {resp.status_code}); kiểm tra "
                                 f"biến môi trường {self.config.sms_auth_env} "
                                 f"và sms_auth = “{self.sms_auth}”.", http_status=resp.status_code,
                                 detail=resp.text[:500])
        http.raise_for_status(resp, what=WHAT)
        sms_id = None
        if isinstance(data, dict):
            sms_id = data.get("id") or data.get("message_id") or data.get("SMSID")
        return Receipt(external_id=str(sms_id) if sms_id else None, http_status=resp.status_code)

    async def reconcile(self, message: Message, target: str) -> Receipt | None:
        if target.startswith("sms:"):
            # A generic gateway offers no lookup by our key. The local record could vouch for an
            # accepted SMS, but the shared contract treats this target as unknowable: staff check.
            return None
        path = self.notice_path(message)
        return Receipt(external_id=path.name, url=path.resolve().as_uri()) if path.exists() else None

    def can_take_back(self, sent: Delivered, now: datetime) -> bool:
        return not sent.target.startswith("sms:")

    can_edit = can_take_back

    async def withdraw(self, sent: Delivered, now: datetime) -> TakeBack:
        if sent.target.startswith("sms:"):
            return TakeBack(False, "manual", f"Đường dây nóng (SMS tới {sent.target[4:]}): tin nhắn đã gửi không "
                            "thu hồi được; nếu cần, hãy nhắn tin đính chính tay.")
        names = [n for n in sent.external_ids if n] or []
        for name in names:
            (self.folder / safe_name(name)).unlink(missing_ok=True)
        return TakeBack(False, "manual", f"Đường dây nóng: đã xóa tệp thông báo {', '.join(names) or '(không rõ)'} "
                        f"trong {self.folder}; hãy gỡ bản in đang niêm yết tại Bộ phận một cửa.")

    async def correct(self, sent: Delivered, messages: list[Message], notice: list[Message],
                      now: datetime) -> TakeBack:
        if sent.target.startswith("sms:"):
            return TakeBack(False, "manual", f"Đường dây nóng (SMS tới {sent.target[4:]}): tin nhắn đã gửi không "
                            "sửa được; nếu cần, hãy nhắn tin đính chính tay.")
        name = next((n for n in sent.external_ids if n), None)
        path = self.folder / safe_name(name) if name else self.notice_path(messages[0])
        try:
            write_atomic(path, messages[0].body)
        except OSError as e:
            raise PermanentError(f"Không ghi được thông báo đường dây nóng vào {self.folder}: {e.strerror}.") from e
        return TakeBack(True, "edited", f"Đường dây nóng: đã ghi bản đính chính vào {path.name}; hãy in lại và "
                        "thay bản đang niêm yết tại Bộ phận một cửa.", url=path.resolve().as_uri())

    async def aclose(self) -> None:
        self._session.close()
