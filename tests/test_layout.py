"""The house rules of the layout that `lint-imports` cannot see — every package says what it
decides, Loa's own modules are imported at the top (a function-local import hides a cycle), test
modules share helpers only through tests/helpers.py, raw config is read in one place — and a
check that the import-linter contracts do catch a back-edge."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("content", "channels", "schedules", "bot")
# The command line imports what one command needs when it runs, so `loa --help` and a light
# command start in a fraction of a second without SQLAlchemy, PTB, python-docx or uvicorn (the
# one justified kind of function-local import). The web console and everything below import at
# the top.
LAZY_FRONT_ENDS = ("bot/cli/",)


def _modules(*tops: str) -> list[Path]:
    return sorted(p for top in tops for p in (ROOT / top).rglob("*.py") if "__pycache__" not in p.parts)


def _rel(p: Path) -> str:
    return p.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("init", [p for p in _modules(*PACKAGES) if p.name == "__init__.py"], ids=_rel)
def test_every_package_opens_with_a_docstring(init: Path):
    doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
    assert doc and len(doc) > 40, f"{_rel(init)} should say what the package decides"


def _local_own_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    guarded = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
               for n in ast.walk(node)}
    found = []
    for fn in ast.walk(tree):
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for n in ast.walk(fn):
                if isinstance(n, (ast.Import, ast.ImportFrom)) and id(n) not in guarded:
                    mod = n.module if isinstance(n, ast.ImportFrom) else n.names[0].name
                    if mod and mod.split(".")[0] in PACKAGES:
                        found.append(f"{_rel(path)}:{n.lineno}: {ast.unparse(n)}")
    return found


def test_own_modules_are_imported_at_the_top():
    found = [x for p in _modules(*PACKAGES) if not _rel(p).startswith(LAZY_FRONT_ENDS)
             for x in _local_own_imports(p)]
    assert not found, "function-local imports of Loa's modules (a hidden cycle?):\n" + "\n".join(found)


def test_test_modules_share_helpers_only_through_helpers_py():
    bad = []
    for p in _modules("tests"):
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and re.match(r"tests\.(test_\w+|conftest)$", node.module):
                bad.append(f"{_rel(p)}:{node.lineno}: from {node.module} import …")
    assert not bad, "\n".join(bad)


def test_raw_config_is_read_only_by_content_config():
    """No `settings.qa.get(…)` or `settings.channel(…).get(…)`: sections are typed dataclasses."""
    raw = re.compile(r"settings\.(qa|schedule|publisher|report|web|feeds)\.get\(|\.channel\([^)]*\)\.get\(|tomllib\.load")
    bad = [f"{_rel(p)}:{i}: {line.strip()}" for p in _modules(*PACKAGES) if _rel(p) != "content/config.py"
           for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if raw.search(line)]
    assert not bad, "\n".join(bad)


def test_the_layers_contract_catches_a_back_edge(tmp_path: Path):
    """`make test` runs lint-imports: a copy of the code with one upward import (content → bot)
    and one post-state write from the CLI must break the contracts, naming the imports."""
    for top in PACKAGES:
        shutil.copytree(ROOT / top, tmp_path / top, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    with open(tmp_path / "content" / "text.py", "a", encoding="utf-8") as f:
        f.write("\nimport bot.wiring  # noqa: E402,F401\n")
    with open(tmp_path / "bot" / "cli" / "item_cmd.py", "a", encoding="utf-8") as f:
        f.write("\nfrom channels.posts import finish  # noqa: E402,F401\n")
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint), "--no-cache"], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(tmp_path)})
    assert done.returncode != 0, done.stdout
    assert "Layers: bot → schedules → channels → content BROKEN" in done.stdout
    assert "content.text -> bot.wiring" in done.stdout
    assert "bot.cli.item_cmd -> channels.posts" in done.stdout
