"""WordPress adapter against the fake REST API: Application Password auth, WordPress JSON
errors mapped to Loa's types, and de-duplication by slug."""

from __future__ import annotations

from pathlib import Path

import pytest

from channels.base import PermanentError, RateLimited, RetryableError, UnknownOutcome
from channels.adapters.portal_wordpress import WordPressPortal
from tests.helpers import make_settings
from tests.fakes.wordpress_api import FakeWordPress
from tests.helpers import message, run

PASSWORD = "abcd efgh ijkl mnop"


def channel(tmp_path: Path, wp: FakeWordPress, password: str = PASSWORD, **cfg) -> WordPressPortal:
    s = make_settings(tmp_path, {"channels": {"portal": {"kind": "wordpress", "url": wp.url, "user": "bientap",
                                                         "password_env": "WP_PASS", **cfg}}},
                      env={"WP_PASS": password})
    return WordPressPortal(s, s.channel("portal"))


def send(ch: WordPressPortal, msg=None):
    async def go():
        try:
            return await ch.send(msg or message(), "")
        finally:
            await ch.aclose()
    return run(go())


def test_publishes_with_slug_excerpt_and_meta(tmp_path: Path) -> None:
    with FakeWordPress(app_password=PASSWORD) as wp:
        wp.registered_meta.add("loa_key")
        receipt = send(channel(tmp_path, wp, meta_key="loa_key", categories=[3]))
        post = wp.posts[0]
    assert post["status"] == "publish" and post["slug"] == "12-ngay-hoi-cai-cach-hanh-chinh"
    assert post["title"]["raw"] == "Ngày hội cải cách hành chính"
    assert post["meta"] == {"loa_key": "post-12-part-1"}
    assert receipt.external_id == str(post["id"]) and receipt.url == post["link"]


CASES = [
    (dict(status=500, code="internal_server_error"), RetryableError, None),
    (dict(status=502), RetryableError, None),
    (dict(status=429, retry_after=30), RateLimited, 30),
    (dict(status=503, retry_after=120), RateLimited, 120),
    (dict(status=403, code="rest_cannot_create", message="Không được phép"), PermanentError, None),
    (dict(status=401, code="rest_cannot_create", message="Không được phép"), PermanentError, None),
    (dict(status=413, code="http_413"), PermanentError, None),
    (dict(status=200, drop=True, method="POST"), UnknownOutcome, None),
]


@pytest.mark.parametrize(("fail", "error", "retry_after"), CASES,
                         ids=["500", "502", "429", "503-retry-after", "403", "401", "413", "dropped"])
def test_documented_errors(tmp_path: Path, fail: dict, error: type, retry_after: float | None) -> None:
    with FakeWordPress(app_password=PASSWORD) as wp:
        wp.fail_next(**{"method": "POST", **fail})
        with pytest.raises(error) as info:
            send(channel(tmp_path, wp))
    assert type(info.value) is error
    if retry_after:
        assert info.value.retry_after == retry_after


def test_bad_application_password(tmp_path: Path) -> None:
    with FakeWordPress(app_password=PASSWORD) as wp:
        with pytest.raises(PermanentError) as info:
            send(channel(tmp_path, wp, password="sai mat khau"))
        assert not wp.posts
    assert info.value.http_status == 401
    assert "incorrect_password" in info.value.message and "Application Password" in info.value.message


def test_invalid_param_is_permanent_with_wordpress_message(tmp_path: Path) -> None:
    with FakeWordPress(app_password=PASSWORD) as wp:
        with pytest.raises(PermanentError) as info:
            send(channel(tmp_path, wp, status="xuat-ban"))
    assert info.value.http_status == 400 and "status" in info.value.message
    assert "rest_invalid_param" in (info.value.detail or "")


def test_read_timeout_is_unknown_then_reconcile_finds_post_by_slug(tmp_path: Path) -> None:
    with FakeWordPress(app_password=PASSWORD) as wp:
        wp.fail_next(method="POST", status=200, delay=1.0)
        with pytest.raises(UnknownOutcome):
            send(channel(tmp_path, wp, timeout=0.3))
        assert wp.wait_for(lambda: len(wp.posts) == 1, 3)

        async def go():
            ch = channel(tmp_path, wp)
            try:
                return await ch.reconcile(message(), ""), await ch.send(message(), "")
            finally:
                await ch.aclose()
        found, again = run(go())
        assert found is not None and found.external_id == str(wp.posts[0]["id"])
        assert again.external_id == found.external_id and len(wp.posts) == 1   # no "-2" duplicate


def test_reconcile_sees_drafts_too(tmp_path: Path) -> None:
    with FakeWordPress(app_password=PASSWORD) as wp:
        send(channel(tmp_path, wp, status="draft"))

        async def go():
            ch = channel(tmp_path, wp)
            return await ch.reconcile(message(), "")
        assert run(go()) is not None


def test_user_without_publishing_rights(tmp_path: Path) -> None:
    with FakeWordPress(app_password=PASSWORD) as wp:
        wp.read_only_users.add("bientap")
        with pytest.raises(PermanentError) as info:
            send(channel(tmp_path, wp))
    assert info.value.http_status == 403 and "không có quyền đăng bài" in info.value.message


def test_dropped_connection_is_unknown_then_reconcile_finds_the_post(tmp_path: Path) -> None:
    with FakeWordPress(app_password=PASSWORD) as wp:
        wp.fail_next(method="POST", status=200, drop=True)
        with pytest.raises(UnknownOutcome):
            send(channel(tmp_path, wp))
        assert len(wp.posts) == 1                    # WordPress stored it before the line dropped

        async def go():
            ch = channel(tmp_path, wp)
            try:
                return await ch.reconcile(message(), "")
            finally:
                await ch.aclose()
        found = run(go())
    assert found is not None and found.external_id == str(wp.posts[0]["id"]) and found.url == wp.posts[0]["link"]
    assert [c["method"] for c in wp.calls] == ["GET", "POST", "GET"]   # looked first, posted once, found
