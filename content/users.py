"""Staff accounts for the web console: who may sign in, with which role, and their sessions.

Decides: password hashing (Argon2id through argon2-cffi, rehashed when the parameters change),
login throttling (5 failures in 15 minutes lock the account name *and* the address for 15
minutes), and server-side sessions (the browser holds a random token; the database holds only its
SHA-256, the CSRF token bound to it and the messages to show once). A disabled account's sessions
are deleted at once, and a session is never honoured for a disabled account.

Every function takes the SQLAlchemy session and the time; nothing here commits.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import JSON, ForeignKey, Integer, String, delete, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from content.db import Base, UTCDateTime
from content.errors import LoaError
from content.text import nfc

ROLES = {"bien_tap": "biên tập", "lanh_dao": "lãnh đạo", "quan_tri": "quản trị"}
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
PASSWORD_MIN = 10
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
SESSION_IDLE = timedelta(hours=12)
SESSION_MAX = timedelta(days=7)
TOUCH_EVERY = timedelta(minutes=5)

# Argon2id with argon2-cffi's defaults (RFC 9106 low-memory profile). Tests may swap in a
# cheaper profile (argon2.profiles.CHEAPEST) through `use_hasher`.
_hasher = PasswordHasher()
_dummy: dict[str, str] = {}


def use_hasher(hasher: PasswordHasher) -> None:
    global _hasher
    _hasher = hasher
    _dummy.clear()


def _dummy_hash() -> str:
    """A hash to verify against when the account does not exist, so timing does not tell."""
    if "h" not in _dummy:
        _dummy["h"] = _hasher.hash("loa-dummy-password-for-timing")
    return _dummy["h"]


class AccountError(LoaError):
    """A request about an account that cannot be done."""


class LoginRefused(LoaError):
    """Wrong name or password, or a disabled account."""


class LoginThrottled(LoginRefused):
    """Too many failures for this account name or address: wait."""


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    @property
    def role_name(self) -> str:
        return ROLES.get(self.role, self.role)

    @property
    def active(self) -> bool:
        return self.disabled_at is None


class WebSession(Base):
    """One browser's session. `id` is the SHA-256 of the cookie's token; `user_id` is None
    before sign-in (the login form needs a CSRF token too)."""

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    flash: Mapped[list[Any]] = mapped_column(JSON, default=list)


class LoginFailure(Base):
    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    username: Mapped[str] = mapped_column(String(100), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)


# ------------------------------------------------------------------------------- accounts

def _check_password(password: str) -> str:
    password = nfc(password)
    if len(password) < PASSWORD_MIN:
        raise AccountError(f"Mật khẩu quá ngắn: cần ít nhất {PASSWORD_MIN} ký tự.")
    if len(password) > 1024:
        raise AccountError("Mật khẩu quá dài (tối đa 1024 ký tự).")
    return password


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError(f"Vai trò không hợp lệ: “{role}”. Các vai trò: "
                           + ", ".join(f"{k} ({v})" for k, v in ROLES.items()) + ".")
    return role


def get_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise AccountError(f"Không có tài khoản “{username}”.")
    return user


def add_user(session: Session, username: str, *, name: str, role: str, password: str,
             now: datetime) -> User:
    username = username.strip().lower()
    if not USERNAME_RE.match(username):
        raise AccountError("Tên đăng nhập chỉ gồm chữ thường không dấu, chữ số, dấu chấm, gạch ngang, "
                           "gạch dưới (2–40 ký tự), ví dụ: nguyenvana.")
    name = nfc(name).strip()
    if not name:
        raise AccountError("Hãy ghi họ tên người dùng (--name \"Họ tên\").")
    _check_role(role)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise AccountError(f"Tài khoản “{username}” đã có.")
    user = User(username=username, name=name, role=role, password_hash=_hasher.hash(_check_password(password)),
                created_at=now, password_changed_at=now)
    session.add(user)
    session.flush()
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def disable_user(session: Session, username: str, *, now: datetime) -> User:
    """Disable the account and end its sessions at once."""
    user = get_user(session, username)
    if user.disabled_at is None:
        user.disabled_at = now
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    return user


def set_password(session: Session, username: str, password: str, *, now: datetime) -> User:
    """A new password ends every session of the account (sign in again everywhere)."""
    user = get_user(session, username)
    user.password_hash = _hasher.hash(_check_password(password))
    user.password_changed_at = now
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    return user


# ------------------------------------------------------------------------------- sign-in

def _locked_for(session: Session, column, value: str, now: datetime) -> timedelta | None:  # noqa: ANN001
    """How long `value` stays locked: 15 minutes after the 5th failure within 15 minutes."""
    rows = session.scalars(select(LoginFailure.at).where(column == value, LoginFailure.at > now - LOCKOUT)
                           .order_by(LoginFailure.at.desc()).limit(MAX_FAILURES)).all()
    if len(rows) < MAX_FAILURES:
        return None
    left = rows[0] + LOCKOUT - now
    return left if left > timedelta(0) else None


def throttled(session: Session, username: str, address: str, now: datetime) -> timedelta | None:
    """Time left before this account name or this address may try again, or None."""
    waits = [w for w in (_locked_for(session, LoginFailure.username, username, now),
                         _locked_for(session, LoginFailure.address, address, now) if address else None) if w]
    return max(waits) if waits else None


def _minutes(left: timedelta) -> int:
    return max(1, -(-int(left.total_seconds()) // 60))


def authenticate(session: Session, username: str, password: str, *, address: str, now: datetime) -> User:
    """The account for this name and password, or LoginRefused (the failure is recorded)."""
    username = nfc(username or "").strip().lower()[:100]
    left = throttled(session, username, address, now)
    if left is not None:
        raise LoginThrottled(f"Đăng nhập sai quá {MAX_FAILURES} lần. Hãy thử lại sau {_minutes(left)} phút.")
    user = session.scalar(select(User).where(User.username == username)) if username else None
    try:
        _hasher.verify(user.password_hash if user else _dummy_hash(), nfc(password or ""))
        ok = user is not None
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None or user.disabled_at is not None:
        session.add(LoginFailure(at=now, username=username, address=address))
        session.flush()
        if user is not None and ok and user.disabled_at is not None:
            raise LoginRefused("Tài khoản này đã bị khóa. Hãy liên hệ người quản trị.")
        raise LoginRefused("Sai tên đăng nhập hoặc mật khẩu.")
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(nfc(password))
    session.execute(delete(LoginFailure).where(LoginFailure.username == username))
    return user


# ------------------------------------------------------------------------------- sessions

def token_id(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


@dataclass(frozen=True)
class SessionInfo:
    """What a request knows about its browser session (a snapshot; no ORM objects)."""

    id: str
    csrf_token: str
    user_id: int | None
    username: str | None
    name: str | None
    role: str | None
    flash: tuple[tuple[str, str], ...] = ()


def start_session(session: Session, *, user_id: int | None, address: str, now: datetime) -> tuple[str, WebSession]:
    """A new session; returns (the cookie's token, the row)."""
    token = secrets.token_urlsafe(32)
    row = WebSession(id=token_id(token), user_id=user_id, csrf_token=secrets.token_urlsafe(32),
                     address=address[:64], created_at=now, seen_at=now,
                     expires_at=now + (SESSION_IDLE if user_id else timedelta(hours=2)), flash=[])
    session.add(row)
    session.flush()
    return token, row


def load_session(session: Session, token: str | None, *, now: datetime) -> SessionInfo | None:
    """The live session for a cookie token, or None (unknown, expired, or its account disabled)."""
    if not token or len(token) > 200:
        return None
    row = session.get(WebSession, token_id(token))
    if row is None:
        return None
    user = session.get(User, row.user_id) if row.user_id is not None else None
    if row.expires_at <= now or (row.user_id is not None and (user is None or user.disabled_at is not None)):
        session.delete(row)
        return None
    if now - row.seen_at >= TOUCH_EVERY:
        row.seen_at = now
        if user is not None:
            row.expires_at = min(now + SESSION_IDLE, row.created_at + SESSION_MAX)
    return SessionInfo(id=row.id, csrf_token=row.csrf_token, user_id=row.user_id,
                       username=user.username if user else None, name=user.name if user else None,
                       role=user.role if user else None,
                       flash=tuple((str(k), str(t)) for k, t in (row.flash or [])))


def end_session(session: Session, session_id: str) -> None:
    session.execute(delete(WebSession).where(WebSession.id == session_id))


def add_flash(session: Session, session_id: str, kind: str, text: str) -> None:
    row = session.get(WebSession, session_id)
    if row is not None:
        row.flash = [*(row.flash or []), [kind, text]]


def pop_flash(session: Session, session_id: str) -> None:
    row = session.get(WebSession, session_id)
    if row is not None and row.flash:
        row.flash = []


def csrf_ok(expected: str, given: str | None) -> bool:
    """Constant-time comparison of the session's token with the form's."""
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())


def purge_expired(session: Session, now: datetime) -> int:
    """Delete expired sessions and failures older than the lockout window."""
    n = session.execute(delete(WebSession).where(WebSession.expires_at <= now)).rowcount or 0
    session.execute(delete(LoginFailure).where(LoginFailure.at <= now - LOCKOUT))
    return n


def count_active(session: Session, user_id: int, now: datetime) -> int:
    return session.scalar(select(func.count()).select_from(WebSession).where(
        WebSession.user_id == user_id, WebSession.expires_at > now)) or 0
