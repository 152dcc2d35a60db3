"""/channels over HTTP (admins only): each channel's mode and why as `loa doctor` says it, its
last success and last error from the publication log, stuck posts, Zalo's token expiry from the
stored pair, the Telegram bot's identity asked of the fake Bot API, the feeds' last fetch; the
test message reaches the staff chat (or the outbox) and is audited; editors and leaders are
refused /channels and the test, editors /audit too."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest

from channels.state import StateStore
from content import audit
from content.text import UTC
from schedules.models import FeedState
from tests.helpers import make_settings
from tests.fakes.telegram_api import FakeBotAPI
from tests.helpers import seed
from tests.web_helpers import Clock, add_accounts, csrf, login, make_client

NOW = datetime(2024, 4, 5, 3, 0, tzinfo=UTC)
FEED = "https://dichvucong.example.gov.vn/rss"


@pytest.fixture
def tg():
    with FakeBotAPI() as fake:
        yield fake


def _settings(tmp_path, tg=None, *, token=True):  # noqa: ANN001, ANN202
    channels = {"zalo": {"app_id": "4321", "access_token_env": "ZA", "refresh_token_env": "ZR"}}
    env = {"ZA": "AT-env", "ZR": "RT-env"}
    if tg is not None:
        channels["telegram"] = {"token_env": "TG", "base_url": tg.base_url, "chat_ids": ["@xangoclam"],
                                "staff_chat_id": "-100777"}
        if token:
            env["TG"] = tg.token
    extra = {"channels": channels, "feeds": [{"url": FEED, "name": "Cổng Dịch vụ công tỉnh"},
                                             {"url": "https://baomoi.example.vn/cchc.rss", "name": "Báo mới"}]}
    return make_settings(tmp_path, extra, env=env)


@pytest.fixture
def site(tmp_path, db, tg):
    settings = _settings(tmp_path, tg)
    add_accounts(db, NOW)
    with db.session() as s:
        seed(s)
        s.add(FeedState(url=FEED, polled_at=NOW - timedelta(minutes=30), last_error=None, entries_added=3))
    state = StateStore(db)
    state.set_many("zalo", {"access_token": "AT-9", "refresh_token": "RT-9",
                            "expires_at": str(NOW.timestamp() + 5 * 3600), "refreshed_at": str(NOW.timestamp())})
    with make_client(settings, db, Clock(NOW)) as c:
        yield c


def test_admin_sees_each_channel_with_its_facts(site, tg):
    login(site, "quantri")
    r = site.get("/channels")
    assert r.status_code == 200, r.text
    page = r.text
    # modes and why, as loa doctor says them
    assert page.count('class="state mode mode-live">đang đăng thật') == 5
    assert page.count('<p class="why">sẵn sàng</p>') == 5
    # last success and last error from the publication log
    telegram = page[page.index('id="k-telegram"'):page.index('id="k-zalo"')]
    assert "Lần đăng được gần nhất" in telegram and "10/02/2024 09:05" in telegram
    assert "Lỗi gần nhất" in telegram and "Unauthorized" in telegram, "the newest error"
    assert "2 lượt bỏ cuộc" in telegram and "1 lượt lỗi" in telegram
    # the bot, asked of Telegram
    assert "@loa_test_bot (Loa, mã 123456)" in telegram and "-100777" in telegram
    assert any(c.method == "getMe" for c in tg.calls)
    # Zalo's stored access token and when it ends
    zalo = page[page.index('id="k-zalo"'):]
    assert "hết hạn lúc 05/04/2024 15:00 (còn 5 giờ)" in zalo
    # feeds
    assert "Cổng Dịch vụ công tỉnh" in page and "05/04/2024 09:30" in page and "chưa lấy lần nào" in page
    # where citizens' questions come in
    assert "Telegram: bot nhận câu hỏi" in page


def test_zalo_token_from_the_environment_and_an_expired_one(tmp_path, db):
    settings = _settings(tmp_path)
    add_accounts(db, NOW)
    with make_client(settings, db, Clock(NOW)) as c:
        login(c, "quantri")
        assert "lấy từ biến môi trường, chưa rõ hạn" in c.get("/channels").text
        StateStore(db).set_many("zalo", {"access_token": "A", "refresh_token": "R",
                                         "expires_at": str(NOW.timestamp() - 60), "seed": ""})
        page = c.get("/channels").text
    assert "đã hết hạn" in page and "Loa sẽ tự gia hạn" in page
    assert "Kênh Telegram đang tắt" in page or "chưa đăng thật" in page


def test_test_message_reaches_the_staff_chat_and_is_audited(site, tg, db):
    login(site, "quantri")
    token = csrf(site, "/channels")
    r = site.post("/channels/test", data={"csrf_token": token})
    assert r.status_code == 303 and r.headers["location"] == "/channels"
    assert "Đã gửi tin nhắn thử vào nhóm cán bộ -100777" in site.get("/channels").text
    texts = tg.texts("-100777")
    assert len(texts) == 1 and "tin nhắn thử từ trang quản trị, do Lê Văn Quản (quantri)" in texts[0]
    with db.session() as s:
        rows = audit.entries(s, action="channel.test")
    assert [(r.actor, r.via) for r in rows] == [("Lê Văn Quản (quantri)", "web")]
    assert rows[0].note.startswith("nhóm -100777: đã gửi")


def test_test_message_without_a_token_goes_to_the_outbox(tmp_path, db, tg):
    settings = _settings(tmp_path, tg, token=False)
    add_accounts(db, NOW)
    with make_client(settings, db, Clock(NOW)) as c:
        login(c, "quantri")
        page = c.get("/channels").text
        assert "Chưa hỏi được Telegram: chưa đặt biến môi trường TG" in page
        c.post("/channels/test", data={"csrf_token": csrf(c, "/channels")})
        page = c.get("/channels").text
    assert "tin nhắn thử đã được ghi vào hộp thư đi" in page
    assert tg.texts("-100777") == []
    assert list((tmp_path / "var" / "outbox" / "telegram").glob("staff-test-*"))


def test_test_message_refused_by_telegram_is_told(site, tg, db):
    tg.fail_next(status=400, description="Bad Request: chat not found", method="sendMessage")
    login(site, "quantri")
    site.post("/channels/test", data={"csrf_token": csrf(site, "/channels")})
    assert "Không gửi được tin nhắn thử vào nhóm cán bộ" in site.get("/channels").text
    with db.session() as s:
        assert "lỗi" in audit.entries(s, action="channel.test")[0].note


@pytest.mark.parametrize("username", ["bientap", "lanhdao"])
def test_only_admins_see_channels(site, tg, username, db):
    login(site, username)
    assert site.get("/channels").status_code == 403
    r = site.post("/channels/test", data={"csrf_token": csrf(site, "/")})
    assert r.status_code == 403 and "không có quyền xem tình trạng kênh" in r.text
    assert tg.texts("-100777") == []
    assert 'href="/channels"' not in site.get("/").text
    if username == "bientap":
        assert site.get("/audit").status_code == 403
    with db.session() as s:
        assert audit.entries(s, action="channel.test") == []
