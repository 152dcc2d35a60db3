"""The SQLite single-instance lock refuses a second process and dies with its holder."""

import subprocess
import sys

import pytest

from schedules.instance import AlreadyRunning, InstanceLock

HOLD = """
import sys, time
from schedules.instance import InstanceLock
lock = InstanceLock(sys.argv[1]); lock.acquire(); print("held", flush=True); time.sleep(60)
"""


def test_second_instance_refused_until_holder_dies(tmp_path):
    url = f"sqlite:///{tmp_path / 'loa.db'}"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, url], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(AlreadyRunning, match=f"PID {holder.pid}.*PostgreSQL"):
            InstanceLock(url).acquire()
    finally:
        holder.kill()  # like kill -9: no cleanup code runs
        holder.wait()
    with InstanceLock(url) as lock:
        assert lock.path.read_text() != ""


def test_postgres_needs_no_lock():
    lock = InstanceLock("postgresql+psycopg://loa:loa@127.0.0.1/loa")
    assert lock.path is None
    lock.acquire()
    InstanceLock("postgresql+psycopg://loa:loa@127.0.0.1/loa").acquire()
