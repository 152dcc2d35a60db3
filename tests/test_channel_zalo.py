"""Zalo OA adapter against the fake OA API and OAuth server: token refresh stores the new pair
at once and retries; a temporary refresh failure keeps the old pair; a dead refresh token is a
permanent error telling staff what to do. The token pair lives in the real database (SQLite
and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest

from channels.base import PermanentError, RateLimited, RetryableError, UnknownOutcome
from channels.state import StateStore
from channels.adapters.zalo import ZaloChannel
from content.db import Database
from tests.helpers import make_settings
from tests.fakes.zalo_api import FakeZaloAPI
from tests.helpers import message, run, zalo_config, zalo_env


def channel(tmp_path: Path, zalo: FakeZaloAPI, state: StateStore | None, env: dict | None = None,
            **cfg) -> ZaloChannel:
    cfg = {"recipient_user_ids": ["u-1"], **cfg}
    s = make_settings(tmp_path, {"channels": {"zalo": zalo_config(zalo, **cfg)}},
                      env={**zalo_env(zalo), **(env or {})})
    return ZaloChannel(s, s.channel("zalo"), state)


def send(ch: ZaloChannel, target: str = "user:u-1", **kw):
    async def go():
        try:
            return await ch.send(message(**kw), target)
        finally:
            await ch.aclose()
    return run(go())


def test_targets_article_and_users(tmp_path: Path) -> None:
    with FakeZaloAPI() as zalo:
        assert channel(tmp_path, zalo, None).targets() == ["article", "user:u-1"]


def test_article_create_then_verify(tmp_path: Path, db: Database) -> None:
    with FakeZaloAPI() as zalo:
        receipt = send(channel(tmp_path, zalo, StateStore(db)), "article",
                       title="Ngày hội", body_blocks=[{"type": "text", "content": "Đoạn một"}],
                       description="Tóm tắt", author="UBND xã Ngọc Lâm")
        art = zalo.articles[0]
    assert receipt.external_id == art["id"]
    assert art["type"] == "normal" and art["status"] == "show" and art["author"] == "UBND xã Ngọc Lâm"
    assert art["body"] == [{"type": "text", "content": "Đoạn một"}]


def test_expired_token_is_refreshed_stored_and_retried(tmp_path: Path, db: Database) -> None:
    state = StateStore(db)
    with FakeZaloAPI() as zalo:
        zalo.expire_access()
        receipt = send(channel(tmp_path, zalo, state))
        assert [c["error"] for c in zalo.calls] == [-216, None, 0]
        assert zalo.calls[-1]["access_token"] == "AT-2"
        assert zalo.refresh_calls[0]["form"] == {"refresh_token": "RT-1", "app_id": zalo.app_id,
                                                 "grant_type": "refresh_token"}
        assert zalo.refresh_calls[0]["secret_key"] == zalo.secret_key
        assert zalo.messages[0]["text"] == message().body
    stored = state.all("zalo")
    assert (stored["access_token"], stored["refresh_token"]) == ("AT-2", "RT-2")
    assert float(stored["expires_at"]) > 0
    assert receipt.external_id.startswith("msg-")


def test_stored_pair_wins_over_environment(tmp_path: Path, db: Database) -> None:
    state = StateStore(db)
    with FakeZaloAPI() as zalo:
        zalo.expire_access()
        send(channel(tmp_path, zalo, state))            # RT-1 is used up, AT-2/RT-2 stored
        zalo.expire_access()
        send(channel(tmp_path, zalo, state))            # a new process: env still says RT-1
        assert [c["form"]["refresh_token"] for c in zalo.refresh_calls] == ["RT-1", "RT-2"]
    assert state.get("zalo", "refresh_token") == "RT-3"


def test_refresh_5xx_is_retryable_and_keeps_the_old_pair(tmp_path: Path, db: Database) -> None:
    state = StateStore(db)
    state.set_many("zalo", {"access_token": "AT-1", "refresh_token": "RT-1", "expires_at": "9999999999"})
    with FakeZaloAPI() as zalo:
        zalo.expire_access()
        zalo.fail_next(path="/v4/oa/access_token", status=502)
        with pytest.raises(RetryableError) as info:
            send(channel(tmp_path, zalo, state))
        assert type(info.value) is RetryableError and "giữ nguyên token cũ" in info.value.message
        assert (state.get("zalo", "access_token"), state.get("zalo", "refresh_token")) == ("AT-1", "RT-1")
        send(channel(tmp_path, zalo, state))            # the next attempt refreshes and succeeds
        assert len(zalo.messages) == 1
    assert state.get("zalo", "refresh_token") == "RT-2"


def test_invalid_refresh_token_is_permanent_with_instructions(tmp_path: Path, db: Database) -> None:
    state = StateStore(db)
    with FakeZaloAPI() as zalo:
        zalo.expire_access()
        zalo.revoke_refresh()
        with pytest.raises(PermanentError) as info:
            send(channel(tmp_path, zalo, state))
    msg = info.value.message
    assert "-14014" in msg and "refresh token mới" in msg and "ZR" in msg and "loa doctor" in msg
    assert state.get("zalo", "refresh_token") is None     # nothing empty was stored


def test_expired_stored_pair_is_renewed_before_the_call(tmp_path: Path) -> None:
    with FakeZaloAPI() as zalo:
        ch = channel(tmp_path, zalo, None)
        ch._memory.update(access_token="AT-1", refresh_token="RT-1", expires_at="1")
        send(ch)
        assert [c["path"] for c in zalo.calls] == ["/v4/oa/access_token", "/v3.0/oa/message/cs"]


CASES = [
    (dict(path="/v3.0/oa/message/cs", status=500), RetryableError),
    (dict(path="/v3.0/oa/message/cs", status=503), RetryableError),
    (dict(path="/v3.0/oa/message/cs", error=-32, message="Exceed rate limit"), RateLimited),
    (dict(path="/v3.0/oa/message/cs", error=-213, message="User has not followed OA"), PermanentError),
    (dict(path="/v3.0/oa/message/cs", drop=True), UnknownOutcome),
]


@pytest.mark.parametrize(("fail", "error"), CASES, ids=["500", "503", "-32", "-213", "dropped"])
def test_documented_errors(tmp_path: Path, fail: dict, error: type) -> None:
    with FakeZaloAPI() as zalo:
        zalo.fail_next(**fail)
        with pytest.raises(error) as info:
            send(channel(tmp_path, zalo, None))
    assert type(info.value) is error
    if "message" in fail:
        assert fail["message"] in info.value.message


def test_read_timeout_is_unknown_outcome(tmp_path: Path) -> None:
    with FakeZaloAPI() as zalo:
        zalo.fail_next(path="/v3.0/oa/message/cs", delay=1.0)
        with pytest.raises(UnknownOutcome):
            send(channel(tmp_path, zalo, None, timeout=0.3))
        assert zalo.wait_for(lambda: len(zalo.messages) == 1, 3)   # it did arrive


def test_article_not_created_twice_after_lost_verify(tmp_path: Path, db: Database) -> None:
    state = StateStore(db)
    with FakeZaloAPI() as zalo:
        zalo.fail_next(path="/v2.0/article/verify", status=500)
        with pytest.raises(RetryableError):
            send(channel(tmp_path, zalo, state), "article")
        receipt = send(channel(tmp_path, zalo, state), "article")
        assert len(zalo.articles) == 1 and receipt.external_id == zalo.articles[0]["id"]


def test_reconcile_article_by_title_without_state(tmp_path: Path) -> None:
    with FakeZaloAPI() as zalo:
        send(channel(tmp_path, zalo, None), "article")

        async def go():
            ch = channel(tmp_path, zalo, None)        # a fresh process: nothing remembered
            return await ch.reconcile(message(), "article"), await ch.reconcile(message(title="Khác"), "article")
        found, missing = run(go())
    assert found is not None and found.external_id == zalo.articles[0]["id"]
    assert missing is None


def test_text_goes_to_every_recipient(tmp_path: Path, db: Database) -> None:
    with FakeZaloAPI() as zalo:
        ch = channel(tmp_path, zalo, StateStore(db), recipient_user_ids=["u-1", "u-2"])
        assert ch.targets() == ["article", "user:u-1", "user:u-2"]
        receipts = [send(ch, t) for t in ch.targets()[1:]]
        assert [(m["user_id"], m["text"]) for m in zalo.messages] == [("u-1", message().body),
                                                                       ("u-2", message().body)]
        assert [r.external_id for r in receipts] == [m["message_id"] for m in zalo.messages]


def test_new_refresh_token_in_environment_replaces_a_dead_stored_pair(tmp_path: Path, db: Database) -> None:
    state = StateStore(db)
    with FakeZaloAPI() as zalo:
        zalo.expire_access()
        send(channel(tmp_path, zalo, state))                  # AT-2/RT-2 stored, seeded from RT-1
        zalo.expire_access()
        zalo.revoke_refresh()                                 # the stored pair dies (e.g. 3 months idle)
        with pytest.raises(PermanentError):
            send(channel(tmp_path, zalo, state))
        zalo.valid_access.add("AT-MOI")                       # staff fetch a new pair from Zalo
        zalo.valid_refresh.add("RT-MOI")
        fresh = {"ZA": "AT-MOI", "ZR": "RT-MOI"}
        send(channel(tmp_path, zalo, state, env=fresh))        # the environment wins: it changed
        assert zalo.calls[-1]["access_token"] == "AT-MOI"
        zalo.expire_access()
        send(channel(tmp_path, zalo, state, env=fresh))        # renewed from RT-MOI and stored
        assert state.get("zalo", "refresh_token") == zalo.issued[-1]["refresh_token"]
        zalo.expire_access()
        send(channel(tmp_path, zalo, state, env=fresh))        # env unchanged: the stored pair wins again
        assert zalo.refresh_calls[-1]["form"]["refresh_token"] == zalo.issued[-2]["refresh_token"]
        assert len(zalo.messages) == 4


def test_refresh_lost_to_another_instance_uses_its_stored_pair(tmp_path: Path, db: Database) -> None:
    """Two instances on one database: the other one spends RT-1 first and stores its pair; ours
    then gets "invalid refresh token" and must take the stored pair, not fail for good."""
    state = StateStore(db)
    with FakeZaloAPI() as zalo:
        zalo.expire_access()

        def other_instance(refresh: str) -> None:
            pair = zalo.use_refresh_token(refresh)
            assert pair is not None
            state.set_many("zalo", {"access_token": pair["access_token"], "refresh_token": pair["refresh_token"],
                                    "expires_at": "9999999999"})
        zalo.before_refresh = other_instance
        receipt = send(channel(tmp_path, zalo, state))
        assert zalo.calls[-1]["access_token"] == "AT-2" and receipt.external_id
    assert state.get("zalo", "refresh_token") == "RT-2"


def test_pacing_is_configurable(tmp_path: Path) -> None:
    with FakeZaloAPI() as zalo:
        default = channel(tmp_path, zalo, None)
        tuned = channel(tmp_path, zalo, None, per_target_interval=1.5, global_per_second=2)
    assert (default.limits.per_target_interval, default.limits.global_per_second) == (0.2, 5.0)
    assert (tuned.limits.per_target_interval, tuned.limits.global_per_second, tuned.limits.body_maxlen) == (1.5, 2.0, 2000)
    assert ZaloChannel.limits.per_target_interval == 0.2
