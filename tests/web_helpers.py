"""The web console in-process on a real database (Starlette's TestClient), with accounts of
every role and a login helper; the clock is a settable value so throttling can be tested."""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from argon2 import PasswordHasher, profiles

from content import users
from content.text import UTC
from content.users import add_user
from tests import helpers

# Argon2's cheapest parameters keep logins in tests fast; production uses the library's defaults.
users.use_hasher(PasswordHasher.from_parameters(profiles.CHEAPEST))

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

PASSWORD = "mat-khau-du-dai-1"
ACCOUNTS = {"bientap": ("Nguyễn Văn Biên", "bien_tap"), "lanhdao": ("Trần Thị Lãnh", "lanh_dao"),
            "quantri": ("Lê Văn Quản", "quan_tri")}
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Clock(helpers.Clock):
    """The console tests' clock: by default Friday 01/03/2024, 09:00 in Hà Nội."""

    now: datetime = field(default_factory=lambda: datetime(2024, 3, 1, 2, 0, tzinfo=UTC))


def add_accounts(db, now: datetime) -> None:  # noqa: ANN001
    with db.session() as s:
        for username, (name, role) in ACCOUNTS.items():
            add_user(s, username, name=name, role=role, password=PASSWORD, now=now)


def make_client(settings, db, clock: Clock, **kw: Any) -> TestClient:  # noqa: ANN001
    from bot.web import make_console_app

    app = make_console_app(settings, db, clock=clock, strict_templates=True, channels=kw.pop("channels", {}), **kw)
    return TestClient(app, base_url="http://testserver", follow_redirects=False)


def csrf(client: TestClient, path: str = "/login") -> str:
    r = client.get(path)
    m = CSRF_RE.search(r.text)
    assert m, f"no CSRF token on {path} ({r.status_code})"
    return m[1]


def login(client: TestClient, username: str, password: str = PASSWORD, address_headers: dict | None = None):
    token = csrf(client, "/login")
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token},
                       headers=address_headers or {})


def post(client: TestClient, path: str, data: dict | None = None, *, token_from: str = "/", **kw: Any):
    token = csrf(client, token_from)
    return client.post(path, data={**(data or {}), "csrf_token": token}, **kw)
