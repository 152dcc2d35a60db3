"""Run the real `loa` command in a subprocess, as staff would.

Each call is a new process that runs `bot.cli.main` — what the `loa` console script runs —
with the arguments, the environment, the working folder and the standard streams given; its
exit code and output are what staff would see. A fresh interpreter spends about a second
importing typer, rich, SQLAlchemy and the rest before `loa` does anything, so the processes are
forked from a server that imported those libraries once (multiprocessing's forkserver). Loa's
own modules are imported fresh in each process, under its environment. LOA_TEST_CLI=script runs
the installed console script instead (the slow way, to check the fast one).
"""

from __future__ import annotations

import locale
import multiprocessing
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

LOA = Path(sys.executable).with_name("loa")

# Libraries only: they read nothing from the environment when imported. Loa's own modules are
# not here (the CLI's consoles, for one, read COLUMNS and NO_COLOR when they are made).
PRELOAD = ["typer", "typer.core", "typer.main", "typer._adapters", "typer.rich_utils", "rich.console", "rich.table",
           "rich.markup", "sqlalchemy", "sqlalchemy.orm", "sqlalchemy.dialects.sqlite", "sqlalchemy.dialects.postgresql",
           "psycopg", "alembic.command", "alembic.config", "alembic.runtime.migration", "jinja2", "markdown_it", "nh3",
           "tenacity", "icalendar", "docx", "lxml.etree", "telegram", "httpx", "requests", "feedparser", "tomllib",
           "zoneinfo"]
_context: multiprocessing.context.ForkServerContext | None = None


@dataclass
class Result:
    code: int
    out: str
    err: str


def run_loa(*args: str, cwd: Path, config: Path | None = None, env: dict[str, str] | None = None,
            timeout: float = 120) -> Result:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("LOA_")}
    full_env.update({"PYTHONIOENCODING": "utf-8", "COLUMNS": "200", "NO_COLOR": "1"})
    if config is not None:
        full_env["LOA_CONFIG"] = str(config)
    full_env.update(env or {})
    if os.environ.get("LOA_TEST_CLI") == "script":
        p = subprocess.run([str(LOA), *args], cwd=cwd, env=full_env, capture_output=True, text=True,
                           timeout=timeout)
        return Result(p.returncode, p.stdout, p.stderr)
    return _forked([str(LOA), *args], cwd, full_env, timeout)


def _forked(argv: list[str], cwd: Path, env: dict[str, str], timeout: float) -> Result:
    global _context
    if _context is None:
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload(PRELOAD)
    with tempfile.TemporaryDirectory(prefix="loa-cli-") as tmp:
        out, err = Path(tmp) / "out", Path(tmp) / "err"
        proc = _context.Process(target=_child, args=(argv, str(cwd), env, str(out), str(err)))
        proc.start()
        proc.join(timeout)
        if proc.exitcode is None:
            proc.kill()
            proc.join()
            raise subprocess.TimeoutExpired(argv, timeout)
        encoding = locale.getpreferredencoding(False)
        return Result(proc.exitcode, out.read_text(encoding=encoding), err.read_text(encoding=encoding))


def _child(argv: list[str], cwd: str, env: dict[str, str], out: str, err: str) -> None:
    """In the forked process: become `loa` with these arguments, environment and streams."""
    import atexit
    import io

    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    for fd, path in ((1, out), (2, err)):
        os.dup2(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), fd)
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    encoding = env.get("PYTHONIOENCODING", "utf-8")
    sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding=encoding)
    sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding=encoding, write_through=True)
    sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding=encoding, errors="backslashreplace",
                                  write_through=True)
    sys.argv = argv
    try:
        from bot.cli import main

        main()
    finally:
        atexit._run_exitfuncs()     # what the interpreter does at exit (multiprocessing skips it)
        sys.stdout.flush()
        sys.stderr.flush()


def write_config(tmp_path: Path, extra: str = "") -> Path:
    """A minimal config.toml in tmp_path with a SQLite database there."""
    cfg = tmp_path / "config.toml"
    cfg.write_text(
        'timezone = "Asia/Ho_Chi_Minh"\n'
        '[database]\nurl = "sqlite:///loa.db"\n'
        '[unit]\nname = "Ủy ban nhân dân xã Ngọc Lâm"\nradio_station = "Đài truyền thanh xã Ngọc Lâm"\n'
        '[channels.portal]\nkind = "static"\npath = "site"\nbase_url = "https://ngoclam.example.gov.vn"\n'
        '[channels.radio]\npath = "radio"\n'
        '[channels.hotline]\npath = "hotline"\n'
        + extra,
        encoding="utf-8",
    )
    return cfg
