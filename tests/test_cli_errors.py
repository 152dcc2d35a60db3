"""How the `loa` command ends when something is wrong: one Vietnamese line and an exit code,
never a traceback and never "Lỗi không mong đợi" for an expected failure. `main()` is the one
place a `LoaError` (config, domain, command) becomes text."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bot.cli.common import Fail
from channels.base import ChannelError, PermanentError
from channels.publisher import PostError
from content.config import ConfigError
from content.errors import LoaError
from content.qa.workflow import QAError
from schedules.instance import AlreadyRunning
from schedules.reports.period import PeriodError
from tests.helpers import LOA, run_loa, write_config

UNEXPECTED = "Lỗi không mong đợi"


def test_every_error_root_is_a_loa_error():
    from bot.qa.telegram import QAConfigError
    from bot.qa.zalo_send import ZaloSendError
    from content.items.workflow import ItemError
    from content.plan.parse import PlanError
    from schedules.reports.build import ReportError

    for cls in (ConfigError, ChannelError, PermanentError, PostError, QAError, AlreadyRunning, PeriodError,
                QAConfigError, ZaloSendError, ItemError, PlanError, ReportError, Fail):
        assert issubclass(cls, LoaError), cls
    assert Fail("x", code=1).exit_code == 1 and Fail("x").code == 2


@pytest.fixture
def cfg(tmp_path: Path) -> Path:
    return write_config(tmp_path)


@pytest.mark.parametrize(("args", "words"), [
    (("itme", "list"), "Không có lệnh “itme”"),
    (("item", "approve"), "Thiếu tham số"),
    (("item", "approve", "abc"), "cần một số nguyên"),
    (("report", "--period"), "cần một giá trị"),
])
def test_usage_errors_are_one_vietnamese_line_exit_2(tmp_path: Path, cfg: Path, args, words):
    r = run_loa(*args, cwd=tmp_path, config=cfg)
    assert r.code == 2, r
    assert words in r.err and r.err.startswith("Lỗi:"), r.err
    assert UNEXPECTED not in r.err and "Traceback" not in r.err


def test_no_arguments_prints_help_exit_0(tmp_path: Path):
    r = run_loa(cwd=tmp_path)
    assert r.code == 0, r
    assert "Cách dùng:" in r.out + r.err and "item" in r.out + r.err


def test_a_domain_error_is_its_message_and_exit_code(tmp_path: Path, cfg: Path):
    r = run_loa("item", "approve", "999", cwd=tmp_path, config=cfg)
    assert r.code == 2 and r.err.startswith("Lỗi:") and "999" in r.err, r
    assert UNEXPECTED not in r.err
    r = run_loa("report", "--period", "2024-Q7", cwd=tmp_path, config=cfg)
    assert r.code == 2 and "Lỗi:" in r.err and UNEXPECTED not in r.err, r
    r = run_loa("qa", "show", "KHONGCO", cwd=tmp_path, config=cfg)
    assert r.code == 2 and "Lỗi:" in r.err and UNEXPECTED not in r.err, r


def test_a_message_with_brackets_is_printed_as_is(tmp_path: Path):
    cfg = write_config(tmp_path, "[qa]\nretention_day = 1\n")
    r = run_loa("plan", "list", cwd=tmp_path, config=cfg)
    assert r.code == 2 and "mục [qa], khóa “retention_day”" in r.err, r


def test_answering_no_to_a_confirmation_cancels_exit_1(tmp_path: Path, cfg: Path):
    env = {"LOA_CONFIG": str(cfg), "PATH": "/usr/bin:/bin", "NO_COLOR": "1", "COLUMNS": "200",
           "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    p = subprocess.run([str(LOA), "qa", "erase", "Q-1"], input="n\n", capture_output=True, text=True,
                       cwd=tmp_path, env=env, timeout=120)
    assert p.returncode == 1, (p.stdout, p.stderr)
    assert "Đã hủy." in p.stderr and "Traceback" not in p.stderr and UNEXPECTED not in p.stderr
