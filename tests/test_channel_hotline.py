"""Hotline adapter: the notice file, and SMS through the fake gateway with each auth style and
the gateway's errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from channels.base import PermanentError, RateLimited, RetryableError, UnknownOutcome
from channels.adapters.hotline import HotlineChannel
from tests.helpers import make_settings
from tests.fakes.sms_gateway import FakeSMSGateway
from tests.helpers import message, run


def channel(tmp_path: Path, gw: FakeSMSGateway | None, secret: str = "SMS-KEY", **cfg) -> HotlineChannel:
    section = {"path": "hotline", "sms_recipients": ["0912345678", "0987654321"], "sms_auth_env": "SMS_KEY",
               "sms_sender": "UBND NGOCLAM", **cfg}
    if gw:
        section["sms_url"] = gw.url
    s = make_settings(tmp_path, {"channels": {"hotline": section}}, env={"SMS_KEY": secret})
    return HotlineChannel(s, s.channel("hotline"))


def send(ch: HotlineChannel, target: str):
    async def go():
        try:
            return await ch.send(message(file_name="2025-05-15-duong-day-nong.html"), target)
        finally:
            await ch.aclose()
    return run(go())


def test_notice_only_without_gateway(tmp_path: Path) -> None:
    ch = channel(tmp_path, None)
    assert ch.targets() == ["notice"]
    receipt = send(ch, "notice")
    path = tmp_path / "hotline" / "2025-05-15-duong-day-nong.html"
    assert path.read_text(encoding="utf-8") == message().body
    assert receipt.url == path.resolve().as_uri()


@pytest.mark.parametrize(("auth", "secret", "fields", "fmt"), [
    ("bearer", "SMS-KEY", None, "json"),
    ("basic", "loa:mat-khau", None, "json"),
    ("header:X-Api-Key", "KEY-123", {"to": "phone", "text": "content", "sender": "brandname"}, "form"),
])
def test_sms_with_each_auth_style(tmp_path: Path, auth: str, secret: str, fields: dict | None, fmt: str) -> None:
    with FakeSMSGateway(auth=auth, secret=secret, fields=fields) as gw:
        cfg = {"sms_auth": auth, "sms_format": fmt}
        if fields:
            cfg["sms_fields"] = fields
        ch = channel(tmp_path, gw, secret=secret, **cfg)
        assert ch.targets() == ["notice", "sms:0912345678", "sms:0987654321"]
        receipt = send(ch, "sms:0987654321")
        assert gw.messages == [{"to": "0987654321", "text": message().extras["sms"], "sender": "UBND NGOCLAM",
                                "id": "sms-1"}]
    assert receipt.external_id == "sms-1"


def test_gateway_auth_error_is_permanent(tmp_path: Path) -> None:
    with FakeSMSGateway(auth="bearer", secret="SMS-KEY") as gw:
        with pytest.raises(PermanentError) as info:
            send(channel(tmp_path, gw, secret="SAI"), "sms:0912345678")
    assert info.value.http_status == 401 and "SMS_KEY" in info.value.message


@pytest.mark.parametrize(("fail", "error", "retry_after"), [
    (dict(status=429, retry_after=45), RateLimited, 45),
    (dict(status=429), RateLimited, 60),
    (dict(status=500), RetryableError, None),
    (dict(status=200, drop=True), UnknownOutcome, None),
], ids=["429-retry-after", "429-bare", "500", "dropped"])
def test_gateway_errors(tmp_path: Path, fail: dict, error: type, retry_after: float | None) -> None:
    with FakeSMSGateway(auth="bearer", secret="SMS-KEY") as gw:
        gw.fail_next(**fail)
        with pytest.raises(error) as info:
            send(channel(tmp_path, gw), "sms:0912345678")
    assert type(info.value) is error
    if retry_after:
        assert info.value.retry_after == retry_after


def test_missing_key_is_permanent(tmp_path: Path) -> None:
    with FakeSMSGateway() as gw:
        with pytest.raises(PermanentError, match="SMS_KEY"):
            send(channel(tmp_path, gw, secret=""), "sms:0912345678")
        assert gw.calls == []


def test_partial_failure_resumes_without_resending(tmp_path: Path) -> None:
    """The gateway fails for the second number; sending every target again texts only that one."""
    with FakeSMSGateway(auth="bearer", secret="SMS-KEY") as gw:
        ch = channel(tmp_path, gw)
        targets = ch.targets()[1:]
        first = send(ch, targets[0])
        gw.fail_next(status=500)
        with pytest.raises(RetryableError):
            send(ch, targets[1])
        again = [send(ch, t) for t in targets]           # a retry pass over every number
        assert [m["to"] for m in gw.messages] == ["0912345678", "0987654321"]
        assert len(gw.calls) == 3
    assert again[0].external_id == first.external_id == "sms-1" and again[1].external_id == "sms-2"
    record = tmp_path / "hotline" / ".sms" / "post-12-part-1" / "0912345678.json"
    assert '"id": "sms-1"' in record.read_text(encoding="utf-8")


def test_unknown_outcome_is_not_recorded(tmp_path: Path) -> None:
    """A dropped answer proves nothing: no record, so nothing claims the SMS went out."""
    with FakeSMSGateway(auth="bearer", secret="SMS-KEY") as gw:
        gw.fail_next(status=200, drop=True)
        with pytest.raises(UnknownOutcome):
            send(channel(tmp_path, gw), "sms:0912345678")
    assert not (tmp_path / "hotline" / ".sms").exists()
