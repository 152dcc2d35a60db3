"""`loa user …` and the console inside `loa run` (real processes)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time

import pytest
import requests

from tests.helpers import LOA, run_loa, write_config

pytestmark = pytest.mark.slow


def test_user_add_list_disable_password(tmp_path):
    cfg = write_config(tmp_path)
    env = {"LOA_PW": "mat-khau-du-dai-1", "LOA_PW2": "mat-khau-moi-dai-2", "LOA_SHORT": "ngan"}
    r = run_loa("user", "add", "quantri", "--name", "Lê Văn Quản", "--role", "quan_tri", "--password-env", "LOA_PW",
                cwd=tmp_path, config=cfg, env=env)
    assert r.code == 0 and "Đã tạo tài khoản quantri" in r.out, r.err
    r = run_loa("user", "add", "x1", "--name", "A", "--role", "sep", "--password-env", "LOA_PW", cwd=tmp_path,
                config=cfg, env=env)
    assert r.code == 2 and "Vai trò không hợp lệ" in r.err
    r = run_loa("user", "add", "x2", "--name", "A", "--role", "bien_tap", "--password-env", "LOA_SHORT",
                cwd=tmp_path, config=cfg, env=env)
    assert r.code == 2 and "Mật khẩu quá ngắn" in r.err
    r = run_loa("user", "add", "quantri", "--name", "B", "--role", "bien_tap", "--password-env", "LOA_PW",
                cwd=tmp_path, config=cfg, env=env)
    assert r.code == 2 and "đã có" in r.err
    assert run_loa("user", "password", "quantri", "--password-env", "LOA_PW2", cwd=tmp_path, config=cfg,
                   env=env).code == 0
    assert run_loa("user", "disable", "quantri", cwd=tmp_path, config=cfg).code == 0
    r = run_loa("user", "list", "--json", cwd=tmp_path, config=cfg)
    rows = json.loads(r.out)
    assert [(u["username"], u["role"], u["disabled"]) for u in rows] == [("quantri", "quan_tri", True)]
    r = run_loa("user", "disable", "khongco", cwd=tmp_path, config=cfg)
    assert r.code == 2 and "Không có tài khoản" in r.err


def test_loa_run_serves_the_console_when_web_is_configured(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cfg = write_config(tmp_path, f'[web]\nport = {port}\n[schedule]\npoll_seconds = 0.2\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOA_")}
    env["LOA_CONFIG"] = str(cfg)
    log = tmp_path / "run.log"
    proc = subprocess.Popen([str(LOA), "run"], cwd=tmp_path, env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT)
    try:
        health = None
        for _ in range(150):
            try:
                health = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                if health.json().get("scheduler") == "ok":
                    break
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
        assert health is not None and health.status_code == 200, log.read_text()
        body = health.json()
        assert body["database"] == "ok" and body["scheduler"] == "ok" and body["last_pass"], body
        r = requests.get(f"http://127.0.0.1:{port}/", allow_redirects=False, timeout=5)
        assert r.status_code == 303 and r.headers["location"].startswith("/login")
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0, log.read_text()
    assert "Trang quản trị: http://127.0.0.1:" in log.read_text()
