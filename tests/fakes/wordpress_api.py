"""A fake WordPress REST API (`/wp-json/wp/v2/posts`) on 127.0.0.1, with Application Password
(HTTP Basic) authentication and WordPress's JSON errors `{code, message, data:{status}}`.

    with FakeWordPress(user="bientap", app_password="abcd efgh ijkl mnop") as wp:
        config: url = wp.url, user = "bientap", password_env = "WP_PASS"

- `POST /wp-json/wp/v2/posts` (JSON or form): title, content, status (publish, future, draft,
  pending, private — else 400 `rest_invalid_param`), slug (made unique with "-2", "-3" like
  WordPress), date/date_gmt, excerpt, meta (kept only for keys in `registered_meta`, as WordPress
  ignores unregistered meta). Wrong password → 401 `incorrect_password`; no credentials →
  401 `rest_cannot_create`; a user in `read_only_users` → 403 `rest_cannot_create`.
- `GET /wp-json/wp/v2/posts?slug=…&status=any` lists posts; statuses other than publish need
  authentication (else 400 `rest_invalid_param`, as WordPress answers anonymous status=any).
- `GET|POST|DELETE /wp-json/wp/v2/posts/<id>`: read, update (title, content, excerpt, status;
  the old version is kept in `revisions`) and delete. DELETE without `force=true` moves the
  post to the trash (status "trash", answer: the post); a post already in the trash answers
  410 `rest_already_trashed`; `force=true` deletes for good (answer `{deleted, previous}`).
  An unknown id → 404 `rest_post_invalid_id`; updating or deleting without credentials →
  401 `rest_cannot_edit` / `rest_cannot_delete`; a read-only user → 403.
- `fail_next(...)` scripts a status with a WordPress error body (and Retry-After), a delay or a
  dropped connection.
"""

from __future__ import annotations

import base64
import itertools
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from tests.fakes.http import FakeServer, Request, Response

STATUSES = ("publish", "future", "draft", "pending", "private")
POSTS = "/wp-json/wp/v2/posts"


@dataclass
class _Failure:
    remaining: int
    method: str | None
    status: int
    code: str
    message: str
    retry_after: int | None
    drop: bool
    delay: float


class FakeWordPress(FakeServer):
    def __init__(self, *, user: str = "bientap", app_password: str = "abcd efgh ijkl mnop qrst uvwx"):
        super().__init__()
        self.users = {user: app_password}
        self.read_only_users: set[str] = set()
        self.registered_meta: set[str] = set()
        self.posts: list[dict[str, Any]] = []
        self.revisions: list[dict[str, Any]] = []
        self.calls: list[dict[str, Any]] = []
        self._failures: list[_Failure] = []
        self._ids = itertools.count(101)

    @property
    def url(self) -> str:
        return self.root

    def fail_next(self, n: int = 1, *, status: int, code: str = "", message: str = "",
                  retry_after: int | None = None, method: str | None = None, drop: bool = False,
                  delay: float = 0.0) -> None:
        """The next `n` requests (of `method`, if given) answer `status` ≥ 400 with a WordPress
        error body; with a status < 400 they are processed normally, then dropped (`drop`) or
        answered after `delay` seconds."""
        with self.lock:
            self._failures.append(_Failure(n, method, status, code or f"http_{status}",
                                           message or "Lỗi giả lập", retry_after, drop, delay))

    def handle(self, request: Request) -> Response:
        with self.lock:
            failure = next((f for f in self._failures
                            if f.remaining > 0 and (f.method is None or f.method == request.method)), None)
            if failure:
                failure.remaining -= 1
                if failure.remaining == 0:
                    self._failures.remove(failure)
            if failure and not failure.drop and failure.status >= 400:
                self.calls.append({"method": request.method, "path": request.path, "status": failure.status})
                headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
                return Response(failure.status, _error(failure.code, failure.message, failure.status),
                                headers=headers, delay=failure.delay)
            resp = self._route(request)
            self.calls.append({"method": request.method, "path": request.path, "status": resp.status})
        if failure:
            resp.drop, resp.delay = failure.drop, failure.delay
        return resp

    def _user(self, req: Request) -> tuple[str | None, Response | None]:
        auth = req.headers.get("authorization", "")
        if not auth:
            return None, None
        if not auth.lower().startswith("basic "):
            return None, Response(401, _error("rest_not_logged_in", "Bạn chưa đăng nhập.", 401))
        try:
            user, _, password = base64.b64decode(auth[6:]).decode("utf-8").partition(":")
        except ValueError:
            return None, Response(401, _error("rest_not_logged_in", "Bạn chưa đăng nhập.", 401))
        if user not in self.users:
            return None, Response(401, _error("invalid_username", "Tên người dùng không hợp lệ.", 401))
        # WordPress ignores the spaces of an application password
        if password.replace(" ", "") != self.users[user].replace(" ", ""):
            return None, Response(401, _error("incorrect_password",
                                              "Mật khẩu ứng dụng bạn cung cấp không đúng.", 401))
        return user, None

    def _route(self, req: Request) -> Response:
        one = re.fullmatch(re.escape(POSTS) + r"/(\d+)/?", req.path)
        if one:
            return self._one(req, int(one.group(1)))
        if req.path.rstrip("/") != POSTS:
            return Response(404, _error("rest_no_route", "Không tìm thấy route phù hợp với URL và phương thức yêu cầu.", 404))
        user, problem = self._user(req)
        if problem:
            return problem
        if req.method == "GET":
            return self._list(req, user)
        if req.method != "POST":
            return Response(404, _error("rest_no_route", "Không tìm thấy route.", 404))
        if user is None:
            return Response(401, _error("rest_cannot_create", "Xin lỗi, bạn không được phép tạo bài viết.", 401))
        if user in self.read_only_users:
            return Response(403, _error("rest_cannot_create", "Xin lỗi, bạn không được phép tạo bài viết.", 403))
        return self._create(req)

    def _create(self, req: Request) -> Response:
        status = str(req.param("status", "draft") or "draft")
        if status not in STATUSES:
            body = _error("rest_invalid_param", "Tham số không hợp lệ: status", 400)
            body["data"]["params"] = {"status": f"status không phải là một trong {', '.join(STATUSES)}."}
            return Response(400, body)
        title = str(req.param("title", "") or "")
        content = str(req.param("content", "") or "")
        if not title and not content:
            return Response(400, _error("empty_content", "Nội dung, tiêu đề và tóm tắt đều trống.", 400))
        slug = self._unique_slug(str(req.param("slug", "") or "") or _slugify(title) or str(len(self.posts) + 1))
        now = datetime.now(timezone.utc).replace(microsecond=0, tzinfo=None)
        date_gmt = str(req.param("date_gmt", "") or "") or now.isoformat()
        meta = req.param("meta") or {}
        post_id = next(self._ids)
        post = {"id": post_id, "date": str(req.param("date", "") or "") or date_gmt, "date_gmt": date_gmt,
                "slug": slug, "status": status, "type": "post",
                "link": f"{self.root}/{slug}/" if status == "publish" else f"{self.root}/?p={post_id}",
                "title": {"raw": title, "rendered": title}, "content": {"raw": content, "rendered": content},
                "excerpt": {"rendered": str(req.param("excerpt", "") or "")},
                "meta": {k: v for k, v in meta.items() if k in self.registered_meta} if isinstance(meta, dict) else {}}
        self.posts.append(post)
        return Response(201, post, headers={"Location": f"{self.root}{POSTS}/{post_id}"})

    def _one(self, req: Request, post_id: int) -> Response:
        user, problem = self._user(req)
        if problem:
            return problem
        post = next((p for p in self.posts if p["id"] == post_id), None)
        if post is None or (post["status"] != "publish" and user is None):
            return Response(404, _error("rest_post_invalid_id", "ID bài viết không hợp lệ.", 404))
        if req.method == "GET":
            return Response(200, post)
        what = "delete" if req.method == "DELETE" else "edit"
        if user is None:
            return Response(401, _error(f"rest_cannot_{what}", "Xin lỗi, bạn không được phép sửa bài viết này.", 401))
        if user in self.read_only_users:
            return Response(403, _error(f"rest_cannot_{what}", "Xin lỗi, bạn không được phép sửa bài viết này.", 403))
        if req.method == "DELETE":
            force = str(req.param("force", "")).lower() in ("1", "true")
            if force:
                self.posts.remove(post)
                return Response(200, {"deleted": True, "previous": post})
            if post["status"] == "trash":
                return Response(410, _error("rest_already_trashed", "Bài viết đã bị xóa.", 410))
            post["status"] = "trash"
            post["link"] = f"{self.root}/?p={post_id}"
            return Response(200, post)
        if req.method not in ("POST", "PUT", "PATCH"):
            return Response(404, _error("rest_no_route", "Không tìm thấy route.", 404))
        status = req.param("status")
        if status is not None and status not in STATUSES:
            return Response(400, _error("rest_invalid_param", "Tham số không hợp lệ: status", 400))
        self.revisions.append({"id": post_id, "title": post["title"]["raw"], "content": post["content"]["raw"]})
        for key in ("title", "content"):
            if req.param(key) is not None:
                value = str(req.param(key))
                post[key] = {"raw": value, "rendered": value}
        if req.param("excerpt") is not None:
            post["excerpt"] = {"rendered": str(req.param("excerpt"))}
        if status:
            post["status"] = status
        post["modified_gmt"] = datetime.now(timezone.utc).replace(microsecond=0, tzinfo=None).isoformat()
        return Response(200, post)

    def _list(self, req: Request, user: str | None) -> Response:
        wanted = str(req.query.get("status", "publish"))
        statuses = set(STATUSES) if wanted == "any" else set(wanted.split(","))
        if statuses - {"publish"} and user is None:
            body = _error("rest_invalid_param", "Tham số không hợp lệ: status", 400)
            body["data"]["params"] = {"status": "Trạng thái bị cấm."}
            return Response(400, body)
        found = [p for p in self.posts if p["status"] in statuses
                 and ("slug" not in req.query or p["slug"] in req.query["slug"].split(","))]
        return Response(200, list(reversed(found)), headers={"X-WP-Total": str(len(found))})

    def _unique_slug(self, slug: str) -> str:
        taken = {p["slug"] for p in self.posts}
        if slug not in taken:
            return slug
        for n in itertools.count(2):
            if f"{slug}-{n}" not in taken:
                return f"{slug}-{n}"
        raise AssertionError("unreachable")


def _error(code: str, message: str, status: int) -> dict[str, Any]:
    return {"code": code, "message": message, "data": {"status": status}}


def _slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
