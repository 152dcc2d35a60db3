"""Files Loa writes are readable by the web server and by other staff: 0644 (the umask's) for
files, 0755 for folders — not the 0600 that `tempfile.mkstemp` gives."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from channels.adapters.outbox import OutboxChannel
from channels.adapters.portal_static import StaticPortal
from channels.adapters.radio import RadioChannel
from channels.adapters.telegram import TelegramChannel
from content.files import current_umask, write_atomic
from tests.helpers import make_settings
from tests.helpers import message, run


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def test_write_atomic_follows_the_umask(tmp_path, umask_022):
    assert current_umask() == 0o022
    p = write_atomic(tmp_path / "a" / "b.txt", "xin chào")
    assert _mode(p) == 0o644 and _mode(p.parent) == 0o755
    os.umask(0o027)
    q = write_atomic(tmp_path / "c.txt", b"x")
    assert _mode(q) == 0o640
    os.umask(0o022)
    q = write_atomic(tmp_path / "c.txt", b"y")          # replacing takes the new mode too
    assert _mode(q) == 0o644 and q.read_bytes() == b"y"


def test_write_atomic_refuses_to_overwrite_when_asked(tmp_path, umask_022):
    p = tmp_path / "x.txt"
    p.write_text("cũ", encoding="utf-8")
    with pytest.raises(FileExistsError):
        write_atomic(p, "mới", overwrite=False)
    assert p.read_text(encoding="utf-8") == "cũ" and [f.name for f in tmp_path.iterdir()] == ["x.txt"]


def test_adapters_write_readable_files(tmp_path, umask_022):
    s = make_settings(tmp_path)

    async def go():
        await StaticPortal(s, s.channel("portal")).send(
            message("post-1-part-1", title="Bài", slug="1-bai", path="bai-viet/1-bai.html", date="2024-03-04",
                    summary="Tóm tắt"), "")
        await RadioChannel(s, s.channel("radio")).send(message("post-2-part-1", title="Đài", date="2024-03-04",
                                                               docx=b"PK"), "")
        outbox = OutboxChannel.for_channel(TelegramChannel)(s, s.channel("telegram"), reason="chưa có mã")
        await outbox.send(message("post-3-part-1", title="Tin"), "@kenh")

    run(go())
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p.suffix not in (".db", ".lock")]
    assert len(written) >= 7
    assert {str(p.relative_to(tmp_path)): _mode(p) for p in written} == \
        {str(p.relative_to(tmp_path)): 0o644 for p in written}
    folders = [p for p in tmp_path.rglob("*") if p.is_dir()]
    assert folders and {_mode(p) for p in folders} == {0o755}
