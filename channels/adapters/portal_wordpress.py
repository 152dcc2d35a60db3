"""WordPress portal: `POST /wp-json/wp/v2/posts` with an Application Password (HTTP Basic).

Config `[channels.portal]` kind = "wordpress": url (site root), user, password_env (variable
holding the application password), status (default "publish"), categories / tags (term ids),
meta_key (a registered post meta that receives the Loa key; WordPress ignores unregistered
meta). The slug is the rendering's slug, which identifies the item: before posting, and in
`reconcile` after a crash, `GET …/posts?slug=<slug>&status=any` finds an existing post, so the
same item is never posted twice.

WordPress errors are JSON `{code, message, data:{status}}`: 401/403/400 → PermanentError,
429 (or 503 with Retry-After) → RateLimited, 5xx and connection failures → RetryableError,
read timeout or dropped connection → UnknownOutcome.

Withdraw: `DELETE /wp-json/wp/v2/posts/<id>` without `force` moves the post to the trash
(restorable from WordPress's admin for 30 days); a post already trashed (410
`rest_already_trashed`) or gone (404 `rest_post_invalid_id`) counts as withdrawn. Correct:
`POST /wp-json/wp/v2/posts/<id>` with the new title, content and excerpt (WordPress keeps the
old one as a revision).
"""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

import requests

from channels import http
from datetime import datetime

from channels.base import Channel, Delivered, Limits, Message, PermanentError, Receipt, Secret, TakeBack
from content.config import PortalSettings, mask

WHAT = "WordPress"


class WordPressPortal(Channel):
    name: ClassVar[str] = "portal"
    options: ClassVar[type[PortalSettings]] = PortalSettings
    secrets: ClassVar[tuple[Secret, ...]] = (Secret("password_env", "mật khẩu ứng dụng WordPress"),)
    limits: ClassVar[Limits] = Limits(title_maxlen=200)
    can_withdraw: ClassVar[bool] = True
    can_correct: ClassVar[bool] = True

    def __init__(self, settings, config, state=None):
        super().__init__(settings, config, state)
        self.url = config.url.rstrip("/")
        self.user = config.user
        self.password = settings.secret(config.password_env)
        self.timeout = (5.0, config.timeout)
        self._session = requests.Session()
        self._session.auth = (self.user, self.password or "")
        self._session.headers["User-Agent"] = "Loa/1 (+WordPress REST)"

    def describe(self) -> str:
        return f"portal (WordPress) → {self.url}, người dùng {self.user or '(trống)'}, mật khẩu {mask(self.password)}"

    def slug(self, message: Message) -> str:
        base = str(message.extras.get("slug") or message.key)
        return base if message.parts == 1 else f"{base}-{message.part}"

    def _post_body(self, message: Message) -> dict[str, Any]:
        body: dict[str, Any] = {
            "title": message.title, "content": message.body, "slug": self.slug(message),
            "status": self.config.status,
        }
        if message.extras.get("summary"):
            body["excerpt"] = str(message.extras["summary"])
        for key in ("categories", "tags"):
            if getattr(self.config, key):
                body[key] = list(getattr(self.config, key))
        meta_key = self.config.meta_key
        if meta_key:
            body["meta"] = {str(meta_key): message.key}
        return body

    def _call(self, method: str, path: str, **kw: Any) -> Any:
        resp = http.request(self._session, method, f"{self.url}/wp-json/wp/v2/{path}", what=WHAT,
                            timeout=self.timeout, **kw)
        data = http.json_or_none(resp)
        if resp.status_code >= 400:
            code = data.get("code") if isinstance(data, dict) else None
            text = data.get("message") if isinstance(data, dict) else None
            detail = f"{code}: {text}" if code else None
            if resp.status_code == 401:
                raise PermanentError(
                    f"WordPress từ chối đăng nhập của “{self.user}” ({code or 'HTTP 401'}): sai tên đăng nhập "
                    "hoặc mật khẩu ứng dụng; hãy tạo lại Application Password trong Hồ sơ người dùng và đặt "
                    f"vào biến môi trường {self.config.password_env}.",
                    http_status=401, detail=detail)
            if resp.status_code == 403:
                raise PermanentError(
                    f"Tài khoản WordPress “{self.user}” không có quyền đăng bài ({code or 'HTTP 403'}); hãy "
                    "nhờ quản trị trang cấp vai trò Tác giả hoặc Biên tập viên.", http_status=403, detail=detail)
            if resp.status_code == 400 and text:
                raise PermanentError(f"WordPress từ chối bài viết: {text}", http_status=400, detail=detail)
            http.raise_for_status(resp, what=WHAT, detail=detail)
        if data is None:
            raise PermanentError(f"WordPress trả lời không phải JSON (HTTP {resp.status_code}); "
                                 "kiểm tra url có đúng địa chỉ trang WordPress.", http_status=resp.status_code)
        return data

    async def send(self, message: Message, target: str) -> Receipt:
        if not self.password:
            raise PermanentError("Chưa có mật khẩu ứng dụng WordPress (biến môi trường "
                                 f"{self.config.password_env}).")
        existing = await self.reconcile(message, target)      # same key again: no duplicate
        if existing is not None:
            return existing
        post = await asyncio.to_thread(self._call, "POST", "posts", json=self._post_body(message))
        return Receipt(external_id=str(post.get("id")), url=post.get("link"), http_status=201)

    async def reconcile(self, message: Message, target: str) -> Receipt | None:
        found = await asyncio.to_thread(self._call, "GET", "posts",
                                        params={"slug": self.slug(message), "status": "any", "context": "edit"})
        if isinstance(found, list) and found:
            post = found[0]
            return Receipt(external_id=str(post.get("id")), url=post.get("link"), http_status=200)
        return None

    def _post_id(self, sent: Delivered) -> str:
        if not sent.external_ids or not str(sent.external_ids[0]).isdigit():
            raise PermanentError("WordPress: không biết mã bài viết đã đăng (không có trong nhật ký).")
        return str(sent.external_ids[0])

    async def withdraw(self, sent: Delivered, now: datetime) -> TakeBack:
        post_id = self._post_id(sent)
        try:
            post = await asyncio.to_thread(self._call, "DELETE", f"posts/{post_id}")
        except PermanentError as e:
            if e.http_status in (404, 410):
                return TakeBack(True, "gone", f"WordPress: bài viết số {post_id} đã ở thùng rác hoặc không còn.")
            raise
        status = post.get("status") if isinstance(post, dict) else None
        return TakeBack(True, "trashed", f"WordPress: đã chuyển bài viết số {post_id} vào thùng rác"
                        + (f" (trạng thái {status})" if status and status != "trash" else "")
                        + "; khôi phục được trong trang quản trị WordPress nếu cần.")

    async def correct(self, sent: Delivered, messages: list[Message], notice: list[Message],
                      now: datetime) -> TakeBack:
        post_id = self._post_id(sent)
        message = messages[0]
        body = {"title": message.title, "content": "\n".join(m.body for m in messages)}
        if message.extras.get("summary"):
            body["excerpt"] = str(message.extras["summary"])
        post = await asyncio.to_thread(self._call, "POST", f"posts/{post_id}", json=body)
        link = post.get("link") if isinstance(post, dict) else None
        return TakeBack(True, "edited", f"WordPress: đã cập nhật bài viết số {post_id} bằng bản đính chính"
                        + (f" ({link})" if link else "") + ".", url=link)

    async def aclose(self) -> None:
        self._session.close()
