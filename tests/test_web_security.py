"""Console safety over HTTP: CSRF refusal, another site's requests refused, a role refused on
every (route, role) pair, security headers, escaping of staff text, upload limits, static files."""

from __future__ import annotations

import io

import pytest

from bot.web.app import routes
from content import audit
from bot.web.permissions import ROLE_ACTIONS
from content.items.workflow import NewItem, create_item
from tests.web_helpers import ACCOUNTS, Clock, add_accounts, csrf, login, make_client, post

# Every console route and the action it needs (None: open to anyone). A route missing here fails
# test_every_route_is_in_the_table, so a new page cannot skip the permission test.
ROUTE_TABLE = [
    ("GET", "/", "view"), ("GET", "/calendar", "view"), ("GET", "/items", "view"),
    ("GET", "/items/new", "compose"), ("POST", "/items/new", "compose"),
    ("GET", "/items/1", "view"), ("POST", "/items/1", "compose"),
    ("POST", "/items/1/approve", "approve"), ("POST", "/items/1/reject", "reject"),
    ("POST", "/items/1/withdraw", "withdraw"), ("POST", "/items/1/correct", "correct"),
    ("POST", "/items/1/restore", "restore"),
    ("GET", "/log", "view"), ("POST", "/log/posts/1/retry", "retry_post"),
    ("POST", "/log/posts/1/resolve", "retry_post"), ("GET", "/audit", "audit"),
    ("GET", "/qa", "view"), ("GET", "/qa/HD-2024-000001", "view"),
    ("POST", "/qa/HD-2024-000001/answer", "qa"), ("POST", "/qa/HD-2024-000001/erase", "qa_erase"),
    ("GET", "/channels", "channels"), ("POST", "/channels/test", "channels"),
    ("GET", "/plans", "plans"), ("POST", "/plans/upload", "plans"), ("POST", "/plans/import", "plans"),
    ("GET", "/reports", "reports"), ("GET", "/reports/download?period=2024-Q1&format=md", "reports"),
]
OPEN_ROUTES = {"/login", "/logout", "/healthz", "/static/{name:str}"}


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def client(settings, db, clock):
    add_accounts(db, clock())
    with db.session() as s:
        create_item(s, NewItem(title="Bài thử", body="Nội dung", channels=("portal",)), now=clock())
    with make_client(settings, db, clock) as c:
        yield c


def test_every_route_is_in_the_table():
    paths = {r.path for r in routes()}
    bare = [p.split("?")[0] for _m, p, _a in ROUTE_TABLE]
    covered = {p.replace("/1", "/{item_id:int}", 1) if p.startswith("/items/1") else p for p in bare}
    covered |= {"/items/{item_id:int}/{action:str}", "/log/posts/{post_id:int}/{action:str}",
                "/qa/{code:str}", "/qa/{code:str}/{action:str}"}
    assert paths <= covered | OPEN_ROUTES, paths - covered - OPEN_ROUTES


@pytest.mark.parametrize("username", list(ACCOUNTS))
def test_role_refusal_on_every_route(client, username):
    role = ACCOUNTS[username][1]
    login(client, username)
    token = csrf(client, "/")
    refused = []
    for method, path, action in ROUTE_TABLE:
        if method == "GET":
            r = client.get(path)
        else:
            r = client.post(path, data={"csrf_token": token, "title": "x", "reason": "x"})
        if role in ROLE_ACTIONS[action]:
            assert r.status_code != 403, (username, method, path)
        else:
            assert r.status_code == 403, (username, method, path, r.status_code)
            assert "không có quyền" in r.text
            refused.append(f"{action}: {method} {path}")
    with client.app.state.console.db.session() as s:
        rows = audit.entries(s, action="access.refused")
    assert [r.note for r in rows] == refused, "every refusal leaves an audit row"
    assert all(r.actor.endswith(f"({username})") and r.via == "web" for r in rows)


def test_post_without_or_with_a_wrong_csrf_token_is_refused(client):
    login(client, "bientap")
    data = {"title": "Bài", "body": "x", "channels": "portal", "action": "save"}
    assert client.post("/items/new", data=data).status_code == 403
    assert client.post("/items/new", data={**data, "csrf_token": "gia-mao"}).status_code == 403
    assert client.post("/items/new", data={**data, "csrf_token": csrf(client, "/")}).status_code == 303


def test_token_of_another_session_is_refused(settings, db, clock, client):
    login(client, "bientap")
    with make_client(settings, db, clock) as other:
        login(other, "bientap")
        foreign = csrf(other, "/")
    r = client.post("/items/new", data={"title": "Bài", "channels": "portal", "action": "save", "csrf_token": foreign})
    assert r.status_code == 403


def test_login_form_needs_its_token(client):
    r = client.post("/login", data={"username": "bientap", "password": "mat-khau-du-dai-1"})
    assert r.status_code == 403


@pytest.mark.parametrize("headers", [{"sec-fetch-site": "cross-site"}, {"origin": "https://evil.example"}])
def test_cross_site_posts_are_refused_even_with_a_token(client, headers):
    login(client, "bientap")
    token = csrf(client, "/")
    r = client.post("/items/new", data={"title": "B", "channels": "portal", "csrf_token": token, "action": "save"},
                    headers=headers)
    assert r.status_code == 403


def test_security_headers(client):
    r = client.get("/login")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["referrer-policy"] == "same-origin"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "<script>" not in r.text.replace('<script src=', ''), "no inline scripts"
    assert '<html lang="vi">' in r.text


def test_script_in_a_title_is_escaped_everywhere(client, db, clock):
    evil = "<script>alert('x')</script> Tin"
    with db.session() as s:
        create_item(s, NewItem(title=evil, body="<img src=x onerror=alert(1)> **đậm**",
                               channels=("portal", "telegram", "zalo", "radio", "hotline")), now=clock())
    login(client, "lanhdao")
    for path in ("/items", "/items/2", "/"):
        r = client.get(path)
        assert r.status_code == 200
        assert "<script>alert" not in r.text and "<img src=x" not in r.text, path
    page = client.get("/items/2").text
    assert "&lt;script&gt;alert" in page
    assert "<strong>đậm</strong>" in page, "Markdown is rendered, sanitised"


def _upload(client, data: bytes, name: str = "anh.png"):
    token = csrf(client, "/items/new")
    return client.post("/items/new", data={"csrf_token": token, "title": "Bài có ảnh", "body": "x",
                                           "channels": "portal", "action": "save"},
                       files={"image_file": (name, io.BytesIO(data), "image/png")})


PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def test_upload_checks_type_and_size_and_stores_outside_the_web_root(client, settings, db):
    login(client, "bientap")
    r = _upload(client, b"<?php echo 1; ?>", "anh.png")
    assert r.status_code == 400 and "Chỉ nhận ảnh JPEG, PNG hoặc WebP" in r.text
    r = _upload(client, PNG + b"\0" * (21 * 1024 * 1024))   # over the body cap: cut off early
    assert r.status_code == 413 and "quá lớn" in r.text
    r = _upload(client, PNG, "../../etc/passwd.png")
    assert r.status_code == 303
    from content.models import Item
    with db.session() as s:
        path = s.get(Item, 2).image_path
    assert path and path.startswith(str(settings.resolve("var/uploads")))
    name = path.rsplit("/", 1)[-1]
    assert len(name) == 36 and name.endswith(".png") and "passwd" not in name
    assert client.get(f"/static/{name}").status_code == 404, "uploads are not served as static files"


def test_an_image_just_over_the_limit_is_refused_with_400(client, settings):
    from bot.web.config import WebConfig
    limit = WebConfig.from_settings(settings).upload_max_bytes
    login(client, "bientap")
    r = _upload(client, PNG + b"\0" * (limit - len(PNG) + 1))
    assert r.status_code == 400 and "Ảnh quá lớn" in r.text


def test_static_files_carry_their_hash(client):
    page = client.get("/login").text
    import re
    url = re.search(r'href="(/static/loa\.css\?h=[0-9a-f]{12})"', page)[1]
    r = client.get(url)
    assert r.status_code == 200 and "immutable" in r.headers["cache-control"]
    assert "immutable" not in client.get("/static/loa.css?h=old").headers["cache-control"]


def test_healthz_needs_no_login(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json()["database"] == "ok"


def test_every_page_gets_the_base_context(settings, db, clock):
    """The page context is a contract: templates may rely on these keys (StrictUndefined in tests)."""
    from bot.web.templating import BASE_CONTEXT
    with make_client(settings, db, clock) as c:
        pages = c.app.state.console.pages

        class _Req:
            class state:  # noqa: N801
                session = None
        ctx = pages.context(_Req())
    assert set(BASE_CONTEXT) <= set(ctx)
