"""Every `loa … --help` reads in Vietnamese: Typer's and Click's own words too (panels, the help
option, "[required]", type names), and usage errors get a Vietnamese sentence and exit 2."""

from __future__ import annotations

import re

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from bot.cli import app

ENGLISH = ["Show this message", "Options", "Arguments", "required", "pending", "article", "notice",
           "Usage:", "Commands", "<str>", "<int>", "<bool>", "<path>", "[default:"]


def _paths() -> list[tuple[str, ...]]:
    import click as _  # noqa: F401 - the group below is typer's own click

    root = get_command(app)
    out: list[tuple[str, ...]] = [()]

    def walk(cmd, path, ctx):  # noqa: ANN001
        for name in cmd.list_commands(ctx):
            sub = cmd.get_command(ctx, name)
            if sub is None or getattr(sub, "hidden", False):
                continue
            out.append((*path, name))
            if hasattr(sub, "list_commands"):
                walk(sub, (*path, name), sub.make_context(name, [], parent=ctx, resilient_parsing=True))

    walk(root, (), root.make_context("loa", [], resilient_parsing=True))
    return out


PATHS = _paths()


def test_every_command_is_found():
    names = {" ".join(p) for p in PATHS}
    assert {"item edit", "item withdraw", "item correct", "item restore", "audit", "log", "post retry",
            "schedule preview", "doctor"} <= names
    assert len(PATHS) > 40


@pytest.mark.parametrize("path", PATHS, ids=[" ".join(p) or "loa" for p in PATHS])
def test_help_has_no_english_ui_words(path):
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "100", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    text = result.output
    assert "Cách dùng:" in text and "Xem hướng dẫn này rồi thoát." in text
    found = [w for w in ENGLISH if w in text]
    assert not found, f"{' '.join(path)} --help shows {found}:\n{text}"
    assert not re.search(r"<[a-z_]+>", text.replace("<số>", "").replace("<chữ>", "").replace("<tệp>", "")
                         .replace("<thư mục>", "").replace("<ngày giờ>", "")), text


@pytest.mark.parametrize("args,message", [
    (["item", "reject", "1"], "Thiếu tùy chọn --reason."),
    (["item", "show", "abc"], "Giá trị không hợp lệ cho SỐ_BÀI: cần một số nguyên."),
    (["item", "list", "--bogus"], "Không có tùy chọn --bogus."),
    (["khong-co"], "Không có lệnh “khong-co”."),
    (["item", "show", "1", "2"], "Thừa tham số: 2."),
])
def test_usage_errors_are_vietnamese(args, message):
    import subprocess
    import sys
    from pathlib import Path

    loa = Path(sys.executable).with_name("loa")
    p = subprocess.run([str(loa), *args], capture_output=True, text=True, env={"PATH": "/usr/bin:/bin",
                       "NO_COLOR": "1", "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    assert p.returncode == 2 and message in p.stderr and "Traceback" not in p.stderr, p.stderr
