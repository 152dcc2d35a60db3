"""`loa qa …` in-process through Typer (the lead registers the group on the real `loa`)."""

from __future__ import annotations

import json
from datetime import datetime

import typer
from typer.testing import CliRunner

from bot.cli import qa_cmd
from bot.cli.common import AppContext
from content import db as dbmod
from content import qa
from content.settings import load
from content.text import UTC
from tests.cli import write_config


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
