"""Replies to Zalo users through the OA consultation-message API:
`POST {base_url}/v3.0/oa/message/cs`, header `access_token`, body
`{"recipient":{"user_id"},"message":{"text"}}`; the answer carries `error` (0 = ok)."""

from __future__ import annotations

import requests

TEXT_MAX = 2000


class ZaloSendError(Exception):
    """The OA API refused or could not be reached; `code` is Zalo's error number (or None)."""

    def __init__(self, message: str, code: int | None = None):
        super().__init__(message)
        self.code = code


class ZaloSender:
    def __init__(self, base_url: str, access_token: str, *, timeout: float = 15.0):
        self.url = base_url.rstrip("/") + "/v3.0/oa/message/cs"
        self.access_token = access_token
        self.timeout = timeout
        self.session = requests.Session()

    def send(self, user_id: str, text: str) -> list[str]:
        """Send `text` (split into ≤ 2000-character parts); returns Zalo's message ids."""
        from bot.qa_relay import chunks

        ids = []
        for part in chunks(text, TEXT_MAX):
            try:
                r = self.session.post(self.url, headers={"access_token": self.access_token},
                                      json={"recipient": {"user_id": str(user_id)}, "message": {"text": part}},
                                      timeout=(5, self.timeout))
                data = r.json()
            except (requests.RequestException, ValueError) as e:
                raise ZaloSendError(f"không gọi được Zalo OA API: {type(e).__name__}") from e
            if r.status_code != 200 or not isinstance(data, dict) or data.get("error") != 0:
                code = data.get("error") if isinstance(data, dict) else None
                msg = data.get("message") if isinstance(data, dict) else r.text[:200]
                raise ZaloSendError(f"Zalo từ chối (HTTP {r.status_code}, lỗi {code}): {msg}", code)
            ids.append(str((data.get("data") or {}).get("message_id", "")))
        return ids
