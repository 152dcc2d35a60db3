"""Zalo Official Account channel over requests (blocking calls run in a thread).

Targets: "article" (an OA article: `POST /v2.0/article/create` → token, then
`POST /v2.0/article/verify` → id) and "user:<id>" for each of `recipient_user_ids`
(`POST /v3.0/oa/message/cs`, text ≤ 2000 characters). The token travels in header
`access_token`.

Tokens: the pair stored in the database (StateStore, channel "zalo") wins over the environment
variables, which only seed the first pair. When Zalo says the access token is invalid or expired
(or the stored expiry has passed), the adapter renews it at `{oauth_url}/v4/oa/access_token`,
stores the NEW pair at once (`set_many`; never an empty one — each refresh token works once)
and retries the call once. A refresh that fails for a temporary reason (network, 5xx) is a
RetryableError and the old pair is kept; a rejected refresh token is a PermanentError telling
staff how to get a new one. When staff put a NEW refresh token in the environment, it
replaces the stored pair (each stored pair remembers a fingerprint of the environment token it
grew from), so following the instructions works even though the database normally wins.

Config `[channels.zalo]`: access_token_env, refresh_token_env, app_id, secret_key_env, base_url
and oauth_url (empty = the real services), recipient_user_ids, articles (default true),
cover_url (the article cover when the item has no image URL), timeout, per_target_interval and
global_per_second (pacing; defaults in `limits`).

Taking back (OA API, token scope `manage_article`): an article is withdrawn with
`POST /v2.0/article/remove {"id"}` and corrected in place with `POST /v2.0/article/update`
(the full article plus its id). No API recalls or edits a message already sent to a user: a
withdrawal lists those messages for staff (they can only send a correction), and a correction
is a new message — which, outside 48 hours of the citizen's last message, counts against the
OA's monthly quota of proactive messages.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import threading
import time
from typing import Any, ClassVar

import requests

from channels import http
from datetime import datetime

from channels.base import (Channel, Delivered, Limits, Message, PermanentError, RateLimited, Receipt,
                           RetryableError, Secret, TakeBack)
from content.config import ZaloSettings, mask

API = "https://openapi.zalo.me"
OAUTH = "https://oauth.zaloapp.com"
WHAT = "Zalo"
TOKEN_ERRORS = {-216, -220, -124}   # access token invalid / expired (codes seen from the OA API)
RATE_ERRORS = {-32}                 # "exceed rate limit"
TEMPORARY_REFRESH_ERRORS = {-14000}  # unknown internal error of the OAuth server
EXPLAINED = {   # what staff should understand from a refusal (Zalo's own text is English)
    -213: "người nhận chưa quan tâm (follow) OA hoặc đã bỏ quan tâm, nên OA không nhắn được cho họ",
}
HOW_TO_RENEW = ("Cách lấy cặp token mới: quản trị viên OA vào Zalo for Developers (developers.zalo.me) "
                "→ ứng dụng → Official Account → API → cấp quyền lại cho OA để lấy access token và "
                "refresh token mới; đặt refresh token vào biến môi trường {env} (access token vào {access_env}), "
                "khởi động lại Loa rồi chạy `loa doctor` để kiểm tra.")
_refresh_lock = threading.Lock()


class ZaloChannel(Channel):
    name: ClassVar[str] = "zalo"
    options: ClassVar[type[ZaloSettings]] = ZaloSettings
    secrets: ClassVar[tuple[Secret, ...]] = (Secret("access_token_env", "token Zalo OA"),
                                             Secret("refresh_token_env", "token Zalo OA"))
    any_secret: ClassVar[bool] = True       # either token is enough to start

    @classmethod
    def credentials_stored(cls, state) -> bool:  # noqa: ANN001
        """A pair stored by an earlier refresh is enough (each refresh token works once)."""
        return bool(state.get("zalo", "refresh_token"))
    limits: ClassVar[Limits] = Limits(body_maxlen=2000, title_maxlen=150, per_target_interval=0.2,
                                      global_per_second=5.0)
    can_withdraw: ClassVar[bool] = True      # articles only; messages to users cannot be recalled
    can_correct: ClassVar[bool] = True       # articles only; users get a correction message

    def __init__(self, settings, config, state=None):
        super().__init__(settings, config, state)
        self.base_url = (config.base_url or API).rstrip("/")
        self.oauth_url = (config.oauth_url or OAUTH).rstrip("/")
        self.app_id = str(config.app_id)
        self.refresh_env = config.refresh_token_env
        self.access_env = config.access_token_env
        self.secret_key = settings.secret(config.secret_key_env)
        self._env_pair = (settings.secret(self.access_env), settings.secret(self.refresh_env))
        self._memory: dict[str, str] = {}      # the pair when there is no StateStore
        self.timeout = (5.0, config.timeout)
        self._session = requests.Session()
        pacing = {k: getattr(config, k) for k in ("per_target_interval", "global_per_second")
                  if getattr(config, k) is not None}
        if pacing:  # an instance attribute shadows the class default for this unit's pacer
            self.limits = dataclasses.replace(type(self).limits, **pacing)

    # -- configuration ---------------------------------------------------------------------

    def targets(self) -> list[str]:
        out = ["article"] if self.config.articles else []
        return out + [f"user:{u}" for u in self.config.recipient_user_ids]

    def describe(self) -> str:
        access, refresh = self.tokens()
        return (f"zalo → {', '.join(self.targets()) or '(không có đích)'} qua {self.base_url}, "
                f"access {mask(access)}, refresh {mask(refresh)}")

    # -- tokens ----------------------------------------------------------------------------

    def _stored(self) -> dict[str, str]:
        return self.state.all(self.name) if self.state else dict(self._memory)

    def tokens(self) -> tuple[str | None, str | None]:
        """The pair to use: the stored one, unless staff have since put a different refresh token
        in the environment (then the environment seeds a new pair)."""
        stored = self._stored()
        env_access, env_refresh = self._env_pair
        seed = stored.get("seed")
        if stored.get("refresh_token") and not (env_refresh and seed and seed != _fingerprint(env_refresh)):
            return stored.get("access_token") or env_access, stored["refresh_token"]
        return env_access, env_refresh

    def _seed(self) -> str:
        stored = self._stored()
        env_refresh = self._env_pair[1]
        if stored.get("refresh_token") and stored.get("seed") and not (
                env_refresh and stored["seed"] != _fingerprint(env_refresh)):
            return stored["seed"]
        return _fingerprint(env_refresh or "")

    def _save_pair(self, access: str, refresh: str, expires_in: Any) -> None:
        try:
            seconds = float(expires_in)
        except (TypeError, ValueError):
            seconds = 3600.0
        values = {"access_token": access, "refresh_token": refresh, "seed": self._seed(),
                  "expires_at": str(time.time() + seconds), "refreshed_at": str(time.time())}
        if self.state:
            self.state.set_many(self.name, values)
        else:
            self._memory.update(values)

    def _expired(self) -> bool:
        """The stored pair is in use and its access token's lifetime has (nearly) passed."""
        stored = self._stored()
        if not stored.get("refresh_token") or self.tokens()[1] != stored["refresh_token"]:
            return False                      # a pair from the environment: its expiry is unknown
        try:
            return time.time() > float(stored.get("expires_at", "inf")) - 60
        except ValueError:
            return False

    def refresh(self, failed_access: str | None) -> str:
        """Renew the pair (unless another worker already did) and return the new access token."""
        with _refresh_lock:
            access, refresh = self.tokens()
            if access and access != failed_access:
                return access                  # someone else refreshed meanwhile
            if not refresh:
                raise PermanentError("Chưa có refresh token Zalo. " + self._how_to_renew())
            if not self.app_id or not self.secret_key:
                raise PermanentError("Thiếu app_id hoặc secret key của ứng dụng Zalo để gia hạn access token.")
            try:
                resp = http.request(self._session, "POST", f"{self.oauth_url}/v4/oa/access_token",
                                    what="máy chủ cấp token Zalo", timeout=self.timeout,
                                    data={"refresh_token": refresh, "app_id": self.app_id,
                                          "grant_type": "refresh_token"},
                                    headers={"secret_key": self.secret_key})
            except RetryableError:
                raise
            except Exception as e:  # an unknown outcome of a refresh is still only worth a retry
                raise RetryableError("Không gia hạn được access token Zalo (mất kết nối); sẽ thử lại.",
                                     detail=str(e)) from e
            if resp.status_code >= 500 or resp.status_code == 429:
                raise RetryableError(f"Máy chủ cấp token Zalo lỗi tạm thời (HTTP {resp.status_code}); "
                                     "giữ nguyên token cũ và sẽ thử lại.", http_status=resp.status_code,
                                     retry_after=http.retry_after(resp))
            data = http.json_or_none(resp) or {}
            new_access, new_refresh = data.get("access_token"), data.get("refresh_token")
            if new_access and new_refresh:
                self._save_pair(str(new_access), str(new_refresh), data.get("expires_in"))
                return str(new_access)
            code = data.get("error")
            reason = data.get("error_reason") or data.get("error_description") or data.get("message") or ""
            if code in TEMPORARY_REFRESH_ERRORS:
                raise RetryableError(f"Máy chủ cấp token Zalo lỗi tạm thời ({reason}); sẽ thử lại.")
            now_access, now_refresh = self.tokens()
            if now_access and now_refresh and now_refresh != refresh:
                return now_access              # another instance renewed it with our refresh token
            raise PermanentError(f"Zalo từ chối refresh token (mã {code}: {reason}). " + self._how_to_renew(),
                                 http_status=resp.status_code, detail=str(data)[:500])

    def _how_to_renew(self) -> str:
        return HOW_TO_RENEW.format(env=self.refresh_env, access_env=self.access_env)

    # -- API calls -------------------------------------------------------------------------

    def _api(self, method: str, path: str, **kw: Any) -> dict[str, Any]:
        """Call the OA API; renew the token and retry once if Zalo rejects it."""
        access, _ = self.tokens()
        if self._expired():
            access = self.refresh(access)
        for attempt in (1, 2):
            resp = http.request(self._session, method, f"{self.base_url}{path}", what=WHAT,
                                timeout=self.timeout, headers={"access_token": access or ""}, **kw)
            http.raise_for_status(resp, what=WHAT)
            data = http.json_or_none(resp)
            if not isinstance(data, dict):
                raise RetryableError(f"Zalo trả lời không đọc được (HTTP {resp.status_code}); sẽ thử lại.")
            code = data.get("error", 0)
            if code == 0:
                return data
            if code in TOKEN_ERRORS and attempt == 1:
                access = self.refresh(access)
                continue
            text = data.get("message") or ""
            if code in RATE_ERRORS:
                raise RateLimited(f"Zalo báo gửi quá nhanh ({text}); sẽ thử lại sau 60 giây.",
                                  retry_after=60.0, detail=str(data)[:500])
            if code in TOKEN_ERRORS:
                raise PermanentError(f"Zalo vẫn từ chối access token sau khi gia hạn ({text}). "
                                     + self._how_to_renew(), detail=str(data)[:500])
            why = f"{EXPLAINED[code]} ({text}, mã {code})" if code in EXPLAINED else f"{text} (mã {code})"
            raise PermanentError(f"Zalo từ chối yêu cầu: {why}.", detail=str(data)[:500])
        raise AssertionError("unreachable")

    def _article_body(self, message: Message) -> dict[str, Any]:
        ex = message.extras
        blocks = list(ex.get("body_blocks") or [{"type": "text", "content": message.body}])
        body: dict[str, Any] = {
            "type": "normal", "title": str(ex.get("title") or message.title)[:150],
            "author": str(ex.get("author") or self.settings.unit.name)[:50],
            "description": str(ex.get("description") or "")[:300], "body": blocks,
            "status": "show", "comment": "show",
        }
        cover = ex.get("cover") if str(ex.get("cover") or "").startswith("http") else (self.config.cover_url or None)
        if cover:
            body["cover"] = {"cover_type": "photo", "photo_url": str(cover), "status": "show"}
        return body

    def _send_article(self, message: Message) -> Receipt:
        stored = self._stored()
        key = f"article:{message.key}"
        if stored.get(key + ":id"):
            return Receipt(external_id=stored[key + ":id"])
        token = stored.get(key + ":token")
        if not token:
            created = self._api("POST", "/v2.0/article/create", json=self._article_body(message))
            token = str((created.get("data") or {}).get("token") or "")
            if not token:
                raise PermanentError("Zalo không trả về mã bài viết sau khi tạo.", detail=str(created)[:500])
            self._remember({key + ":token": token})
        verified = self._api("POST", "/v2.0/article/verify", json={"token": token})
        article_id = str((verified.get("data") or {}).get("id") or "")
        if article_id:
            self._remember({key + ":id": article_id})
        return Receipt(external_id=article_id or token, http_status=200)

    def _remember(self, values: dict[str, str]) -> None:
        if self.state:
            self.state.set_many(self.name, values)
        else:
            self._memory.update(values)

    def _send_text(self, message: Message, user_id: str) -> Receipt:
        data = self._api("POST", "/v3.0/oa/message/cs",
                         json={"recipient": {"user_id": user_id}, "message": {"text": message.body}})
        return Receipt(external_id=str((data.get("data") or {}).get("message_id") or ""), http_status=200)

    async def send(self, message: Message, target: str) -> Receipt:
        if target == "article":
            return await asyncio.to_thread(self._send_article, message)
        if target.startswith("user:"):
            return await asyncio.to_thread(self._send_text, message, target[len("user:"):])
        raise PermanentError(f"Đích Zalo không hợp lệ: “{target}” (cần \"article\" hoặc \"user:<id>\").")

    def _find_article(self, message: Message) -> Receipt | None:
        stored = self._stored()
        key = f"article:{message.key}"
        if stored.get(key + ":id"):
            return Receipt(external_id=stored[key + ":id"])
        if stored.get(key + ":token"):
            return self._send_article(message)       # created: verifying is safe and idempotent
        title = self._article_body(message)["title"]
        data = self._api("GET", "/v2.0/article/getslice", params={"offset": 0, "limit": 20, "type": "normal"})
        for media in (data.get("data") or {}).get("medias") or []:
            if media.get("title") == title:
                return Receipt(external_id=str(media.get("id")))
        return None

    async def reconcile(self, message: Message, target: str) -> Receipt | None:
        if target == "article":
            return await asyncio.to_thread(self._find_article, message)
        return None   # Zalo offers no lookup of a sent OA message by our key

    def can_take_back(self, sent: Delivered, now: datetime) -> bool:
        return sent.target == "article"

    def can_edit(self, sent: Delivered, now: datetime) -> bool:
        return sent.target == "article"

    def _article_id(self, sent: Delivered) -> str:
        if not sent.external_ids or not sent.external_ids[0]:
            raise PermanentError("Zalo: không biết mã bài viết đã đăng (không có trong nhật ký).")
        return str(sent.external_ids[0])

    async def withdraw(self, sent: Delivered, now: datetime) -> TakeBack:
        if sent.target != "article":
            user = sent.target.removeprefix("user:")
            return TakeBack(False, "manual", f"Zalo (người dùng {user}): Zalo không cho thu hồi tin OA đã gửi; nếu "
                            "cần, hãy gửi tin đính chính (loa item correct).")
        article_id = self._article_id(sent)
        await asyncio.to_thread(self._api, "POST", "/v2.0/article/remove", json={"id": article_id})
        return TakeBack(True, "removed", f"Zalo: đã gỡ bài viết {article_id} khỏi trang OA.")

    async def correct(self, sent: Delivered, messages: list[Message], notice: list[Message],
                      now: datetime) -> TakeBack:
        if sent.target != "article":
            done = await super().correct(sent, messages, notice, now)
            user = sent.target.removeprefix("user:")
            return TakeBack(True, "correction", f"Zalo (người dùng {user}): tin đã gửi không sửa được; đã gửi tin "
                            "đính chính (ngoài 48 giờ kể từ tin cuối của người dân, tin này tính vào hạn mức tin "
                            "chủ động của OA).", external_ids=done.external_ids)
        article_id = self._article_id(sent)
        body = {"id": article_id, **self._article_body(messages[0])}
        await asyncio.to_thread(self._api, "POST", "/v2.0/article/update", json=body)
        return TakeBack(True, "edited", f"Zalo: đã cập nhật bài viết {article_id} bằng bản đính chính.")

    async def aclose(self) -> None:
        self._session.close()


def _fingerprint(token: str) -> str:
    """A short one-way fingerprint of an environment token (the token itself is not stored twice)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()[:16]
