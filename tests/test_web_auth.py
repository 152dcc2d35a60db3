"""Console sign-in: Argon2 passwords, server-side sessions renewed at login, throttling per
account name and per address, a disabled account out at once, logout, safe `next`."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from content.users import LoginFailure, WebSession, disable_user, set_password
from tests.web_helpers import PASSWORD, Clock, add_accounts, csrf, login, make_client


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def client(settings, db, clock):
    add_accounts(db, clock())
    with make_client(settings, db, clock) as c:
        yield c


def test_pages_need_login_and_login_renews_the_session(client, db):
    r = client.get("/items")
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/items"
    client.get("/login")
    before = client.cookies.get("loa_session")
    r = login(client, "bientap")
    assert r.status_code == 303 and r.headers["location"] == "/"
    after = client.cookies.get("loa_session")
    assert after and after != before, "a new session id at login (no session fixation)"
    with db.session() as s:
        rows = s.scalars(select(WebSession)).all()
        assert len(rows) == 1 and rows[0].user_id is not None
        assert after not in {r.id for r in rows}, "the database keeps only a hash of the cookie"
    page = client.get("/")
    assert page.status_code == 200 and "Nguyễn Văn Biên" in page.text
    cookie = next(c for c in r.headers.get_list("set-cookie") if c.startswith("loa_session="))
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower() and "secure" not in cookie.lower()


def test_wrong_password_then_throttled_for_fifteen_minutes(client, db, clock):
    for _ in range(5):
        r = login(client, "bientap", "sai-mat-khau-roi")
        assert r.status_code == 400 and "Sai tên đăng nhập hoặc mật khẩu" in r.text
    r = login(client, "bientap")          # the right password is refused while locked
    assert r.status_code == 429 and "thử lại sau 15 phút" in r.text
    clock.advance(minutes=14)
    assert login(client, "bientap").status_code == 429
    clock.advance(minutes=1, seconds=1)
    assert login(client, "bientap").status_code == 303
    with db.session() as s:
        assert not s.scalars(select(LoginFailure).where(LoginFailure.username == "bientap")).all()


def test_throttle_per_address_across_account_names(client, clock):
    for i in range(5):
        assert login(client, f"khong-co-{i}", "x" * 12).status_code == 400
    r = login(client, "lanhdao")
    assert r.status_code == 429, "the same address is locked even for another account"


def test_disabled_account_is_out_at_once(client, db, clock):
    assert login(client, "bientap").status_code == 303
    assert client.get("/").status_code == 200
    with db.session() as s:
        disable_user(s, "bientap", now=clock())
    r = client.get("/")
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    r = login(client, "bientap")
    assert r.status_code == 400 and "đã bị khóa" in r.text


def test_new_password_ends_sessions(client, db, clock):
    login(client, "bientap")
    with db.session() as s:
        set_password(s, "bientap", "mat-khau-moi-dai-2", now=clock())
    assert client.get("/").status_code == 303
    assert login(client, "bientap", PASSWORD).status_code == 400
    assert login(client, "bientap", "mat-khau-moi-dai-2").status_code == 303


def test_logout_is_a_post_and_ends_the_session(client, db):
    login(client, "bientap")
    r = client.get("/logout")
    assert r.status_code == 200 and 'action="/logout"' in r.text, "GET only asks"
    assert client.get("/").status_code == 200
    token = csrf(client, "/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/").status_code == 303
    with db.session() as s:
        assert not s.scalars(select(WebSession).where(WebSession.user_id.is_not(None))).all()


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"])
def test_next_never_leaves_the_site(client, target):
    token = csrf(client, "/login")
    r = client.post("/login", data={"username": "bientap", "password": PASSWORD, "csrf_token": token,
                                    "next": target})
    assert r.status_code == 303 and r.headers["location"] == "/"


def test_sessions_expire_when_idle(client, clock):
    login(client, "bientap")
    clock.advance(hours=13)
    assert client.get("/").status_code == 303
