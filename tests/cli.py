"""Run the real `loa` console script in a subprocess, as staff would."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

LOA = Path(sys.executable).with_name("loa")


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
    p = subprocess.run([str(LOA), *args], cwd=cwd, env=full_env, capture_output=True, text=True,
                       timeout=timeout)
    return Result(p.returncode, p.stdout, p.stderr)


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
