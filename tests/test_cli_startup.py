"""`loa --help` and the light commands load only what they use: no Telegram library, scheduler,
web server, Word or PDF reader, template engine or Markdown renderer for reading a list. Start-up
time itself is measured in benchmarks/bench_cli.py; this guards the imports that decide it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import write_config

# Top-level modules a light command must not load (each costs tens to hundreds of ms to import).
# markdown_it is not among them: Typer's rich help (rich.markdown) loads it for every command.
HEAVY = ("telegram", "apscheduler", "uvicorn", "starlette", "docx", "lxml", "pypdfium2", "jinja2",
         "httpx", "requests", "feedparser", "alembic", "segno", "icalendar", "nh3", "argon2")
PROBE = """
import json, sys
args, heavy = json.loads(sys.argv[1]), json.loads(sys.argv[2])
sys.argv = ["loa", *args]
from bot.cli import main
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules} & set(heavy))), file=sys.__stderr__)
"""


@pytest.mark.parametrize("args", [["--help"], ["plan", "list"], ["item", "list"], ["log"]], ids=" ".join)
def test_light_commands_load_no_heavy_library(tmp_path: Path, args: list[str]):
    config = write_config(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOA_")}
    env.update({"LOA_CONFIG": str(config), "NO_COLOR": "1", "COLUMNS": "120"})
    root = Path(__file__).resolve().parents[1]
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH", "")]))
    # the first run creates and migrates the database (Alembic), as the first command on a new machine does
    subprocess.run([sys.executable, "-c", PROBE, json.dumps(["plan", "list"]), "[]"], cwd=tmp_path, env=env,
                   capture_output=True, text=True, timeout=120, check=True)
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(args), json.dumps(HEAVY)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stderr.strip().splitlines()[-1])
    assert loaded == [], f"loa {' '.join(args)} loaded {loaded}"
