"""`loa qa …` in-process through Typer (the lead registers the group on the real `loa`)."""

from __future__ import annotations

import json
from datetime import datetime

import typer
from typer.testing import CliRunner

from bot.cli import qa_cmd
from bot.cli.common import AppContext
from content import db as dbmod
from content.qa import workflow as qa
from content.config import load
from content.text import UTC
from tests.helpers import write_config


def _app(cfg) -> typer.Typer:  # noqa: ANN001
    app = typer.Typer()

    @app.callback()
    def root(ctx: typer.Context) -> None:
        ctx.obj = AppContext(config_path=str(cfg))
    app.add_typer(qa_cmd.app, name="qa")
    return app


def test_cli_answer_without_token_goes_to_outbox(tmp_path):  # noqa: ANN001
    cfg = write_config(tmp_path)
    settings = load(cfg, env={})
    database = dbmod.open_db(settings.database_url)
    with database.session() as s:
        q = qa.receive(s, settings, qa.Incoming("telegram", "555", "Hỏi về cấp đổi CCCD?"),
                       now=datetime(2025, 3, 3, 2, tzinfo=UTC))
        code = q.code
    database.dispose()
    run = CliRunner().invoke
    app = _app(cfg)
    r = run(app, ["qa", "list", "--json"], env={"LOA_CONFIG": str(cfg)})
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)[0]["code"] == code
    r = run(app, ["qa", "answer", code, "Mang CCCD cũ đến Công an xã.", "--by", "tuan"])
    assert r.exit_code == 0, r.output
    assert "hộp thư đi" in r.output
    files = list((tmp_path / "var" / "outbox" / "telegram").glob("qa-*.json"))
    assert len(files) == 1
    data = json.loads(files[0].read_text(encoding="utf-8"))
    assert data["target"] == "555" and "Mang CCCD cũ" in data["text"]
    r = run(app, ["qa", "reject", code, "trùng"])
    assert r.exit_code != 0 and "không thể từ chối" in str(r.exception or r.output)
    r = run(app, ["qa", "publish", code, "--json"])
    assert json.loads(r.output)["public"] is True
    r = run(app, ["qa", "erase", code, "--yes"])
    assert r.exit_code == 0 and "Đã xóa" in r.output
    r = run(app, ["qa", "show", code, "--json"])
    assert json.loads(r.output)["erased"] is True
    r = run(app, ["qa", "stats", "--from", "01/03/2025", "--to", "31/03/2025", "--json"])
    assert json.loads(r.output)["answered"] == 1


def test_cli_erase_cleans_the_staff_chat(tmp_path, monkeypatch):  # noqa: ANN001
    import requests

    from tests.fakes.telegram_api import FakeBotAPI

    with FakeBotAPI() as tg:
        cfg = write_config(tmp_path, f'[channels.telegram]\ntoken_env = "LOA_TELEGRAM_TOKEN"\nbase_url = "{tg.base_url}"\n'
                                     'chat_ids = []\nstaff_chat_id = "-100777"\nstaff_user_ids = [42]\n')
        monkeypatch.setenv("LOA_TELEGRAM_TOKEN", tg.token)
        settings = load(cfg, env={"LOA_TELEGRAM_TOKEN": tg.token})
        database = dbmod.open_db(settings.database_url)
        codes = []
        for n, text in enumerate(("Tôi là Lê Văn Tám, SĐT 0903 123 456, hỏi về hộ khẩu?",
                                  "Tôi là Đỗ Thị Mai, SĐT 0904 222 333, hỏi về khai sinh?")):
            card = requests.post(f"{tg.base_url}{tg.token}/sendMessage",
                                 json={"chat_id": "-100777", "text": f"Câu hỏi mới: {text}"}, timeout=5).json()["result"]
            with database.session() as s:
                q = qa.receive(s, settings, qa.Incoming("telegram", str(600 + n), text),
                               now=datetime(2025, 3, 3, 2 + n, tzinfo=UTC))
                qa.add_staff_message(s, q, "-100777", card["message_id"], "card", now=q.received_at)
                codes.append(q.code)
        database.dispose()
        run, app = CliRunner().invoke, _app(cfg)
        r = run(app, ["qa", "erase", codes[0], "--yes", "--json"])
        assert r.exit_code == 0, r.output
        assert json.loads(r.output) == {"code": codes[0], "erased": True, "staff_chat": "cleaned", "column": []}
        first, second = tg.sent
        assert first.get("edited") and "Lê Văn Tám" not in first["text"] and "0903 123 456" not in first["text"]
        assert not second.get("edited")                        # the other question's card is untouched

        tg.fail_next(3, status=502, method="editMessageText")   # the staff chat cannot be reached now
        r = run(app, ["qa", "erase", codes[1], "--yes"])
        assert r.exit_code == 0, r.output
        assert "Đã xóa nội dung và dữ liệu cá nhân" in r.output and "sẽ tự làm" in r.output
        assert not second.get("edited")
