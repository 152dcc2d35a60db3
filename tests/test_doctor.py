"""`loa doctor`: the operator's check of configuration, channels, the Q&A intake and stuck posts."""

from __future__ import annotations

from tests.helpers import run_loa, write_config

ZALO = '[channels.zalo]\napp_id = "4321"\naccess_token_env = "ZA"\nrefresh_token_env = "ZR"\n'
TELEGRAM = ('[channels.telegram]\ntoken_env = "TG"\nchat_ids = ["@xangoclam"]\nstaff_chat_id = "-100777"\n'
            'staff_user_ids = []\n')


def test_doctor_names_what_is_missing_and_where_questions_come_in(tmp_path):
    cfg = write_config(tmp_path, TELEGRAM + ZALO)
    r = run_loa("doctor", cwd=tmp_path, config=cfg, env={"TG": "1:X", "ZA": "AT", "ZR": "RT"})
    assert r.code == 0, r.err
    assert "Telegram: bot nhận câu hỏi" in r.out
    assert "staff_user_ids trống" in r.out
    assert "thiếu khóa bí mật OA (biến môi trường LOA_ZALO_OA_SECRET_KEY)" in r.out

    r = run_loa("doctor", cwd=tmp_path, config=cfg,
                env={"TG": "1:X", "ZA": "AT", "ZR": "RT", "LOA_ZALO_OA_SECRET_KEY": "S"})
    assert "webhook mở tại http://127.0.0.1:8090/zalo/webhook" in r.out


def test_doctor_counts_a_stored_zalo_pair_and_fails_on_stuck_posts(tmp_path):
    from channels.publisher import schedule_item
    from channels.registry import build_channels
    from channels.state import StateStore
    from content.db import open_db
    from content.items.workflow import NewItem, create_item
    from content.config import load
    from content.text import now_utc

    cfg = write_config(tmp_path, ZALO)
    zalo_row = lambda out: next(line for line in out.splitlines() if "│ Zalo " in line)  # noqa: E731
    r = run_loa("doctor", cwd=tmp_path, config=cfg)
    assert r.code == 0 and "ghi vào hộp thư đi" in zalo_row(r.out) and "Zalo: chưa mở webhook" in r.out
    settings = load(cfg, env={})
    db = open_db(settings.database_url)
    StateStore(db).set_many("zalo", {"access_token": "AT-9", "refresh_token": "RT-9"})
    with db.session() as s:
        item = create_item(s, NewItem(title="Thủ tục mới", body="Nộp hồ sơ trực tuyến.", channels=("portal",)),
                           now=now_utc(), require_approval=False)
        for post in schedule_item(s, item, build_channels(settings), now=now_utc()):
            post.state = "dead"
    db.dispose()
    r = run_loa("doctor", cwd=tmp_path, config=cfg)
    assert "đang đăng thật" in zalo_row(r.out)          # the pair stored by a refresh is enough
    assert r.code == 1 and "1 bài đăng ở trạng thái “bỏ cuộc”: xem loa post list --state \"bỏ cuộc\"" in r.out
