"""Helpers shared by the tests: settings rooted in a temporary folder, running the real `loa`
command, messages and event-loop runs for the channel adapters, sample plans and seeded data.
Test modules import from here (never from one another, nor from conftest)."""

from __future__ import annotations

import asyncio
import io
import locale
import multiprocessing
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests
from docx import Document

from channels.base import Message
from channels.models import Attempt, Post
from content.calendar.store import SlotView
from content.config import Settings, from_mapping
from content.models import Item, PlanRecord, Slot
from content.plan.model import Form, Period, Plan, ReportDuty, Signer, Task, Theme, Timing
from content.plan.model import Period as PlanPeriod
from tests.fakes.zalo_api import FakeZaloAPI


# ---- running `loa`
# Each call is a new process that runs `bot.cli.main` — what the `loa` console script runs —
# with the arguments, environment, working folder and standard streams given. A fresh
# interpreter spends about a second importing typer, rich, SQLAlchemy… before `loa` does
# anything, so the processes are forked from a server that imported those libraries once
# (multiprocessing's forkserver); Loa's own modules are imported fresh in each process.
# LOA_TEST_CLI=script runs the installed console script instead (the slow way, to check it).
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


@dataclass
class Clock:
    """A wall clock (aware UTC) the test sets and moves: `clock()` is its `now`. By default
    Monday 04/03/2024, 08:00 in Hà Nội."""

    now: datetime = field(default_factory=lambda: datetime(2024, 3, 4, 1, 0, tzinfo=timezone.utc))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: Any) -> None:
        self.now += timedelta(**kw)


def wait_until(pred, timeout: float = 30.0) -> bool:  # noqa: ANN001
    """Poll `pred` every 0.2 s until it is true (True) or `timeout` seconds pass (False): for
    what a `loa` process in another process does."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.2)
    return False


def stop_loa(proc: subprocess.Popen, log: Path) -> None:
    """SIGTERM a running `loa run`/`loa serve`; it must finish cleanly (its log on failure)."""
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(30) == 0, log.read_text()


def qa_run_config(tmp_path: Path, tg: Any, zalo: FakeZaloAPI | None = None, *, staff_chat: int, staff_user: int,
                  qa: str = "") -> Path:
    """config.toml for `loa run` with the citizens' Q&A on the fake Bot API (and the fake Zalo
    OA when given): SQLite, a static portal and radio; `qa` adds lines to [qa]."""
    cfg = tmp_path / "config.toml"
    text = ('timezone = "Asia/Ho_Chi_Minh"\n[database]\nurl = "sqlite:///loa.db"\n'
            '[unit]\nname = "Ủy ban nhân dân xã Ngọc Lâm"\nradio_station = "Đài truyền thanh xã Ngọc Lâm"\n'
            '[unit.hotline]\nphone = "0221 3 946 101"\n'
            '[channels.portal]\nkind = "static"\npath = "site"\n[channels.radio]\npath = "radio"\n'
            f'[channels.telegram]\ntoken_env = "LOA_TELEGRAM_TOKEN"\nbase_url = "{tg.base_url}"\nchat_ids = []\n'
            f'staff_chat_id = "{staff_chat}"\nstaff_user_ids = [{staff_user}]\n'
            '[qa]\npoll_timeout = 1\nwebhook_port = 0\n' + qa)
    if zalo is not None:
        text += (f'[channels.zalo]\napp_id = "{zalo.app_id}"\nbase_url = "{zalo.base_url}"\n'
                 f'oauth_url = "{zalo.oauth_url}"\narticles = false\n')
    cfg.write_text(text, encoding="utf-8")
    return cfg


def qa_run_env(cfg: Path, tg: Any, zalo: FakeZaloAPI | None = None) -> dict[str, str]:
    """The environment of a `loa` process for `qa_run_config`: this one's without LOA_*, plus
    the config and the fakes' secrets."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOA_")}
    env.update({"LOA_CONFIG": str(cfg), "LOA_TELEGRAM_TOKEN": tg.token})
    if zalo is not None:
        env.update({"LOA_ZALO_ACCESS_TOKEN": "AT-1", "LOA_ZALO_REFRESH_TOKEN": "RT-1",
                    "LOA_ZALO_SECRET_KEY": zalo.secret_key, "LOA_ZALO_OA_SECRET_KEY": "OA-SECRET"})
    return env


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


# ---- from conftest
SHARED_PLANS = Path(__file__).resolve().parents[1].parent / "shared" / "plans"


BUNDLED_PLANS = Path(__file__).resolve().parent / "data" / "plans"   # a copy, so any clone can test


def _plans_dir() -> Path:
    """LOA_PLANS_DIR, else the shared ground truth beside the checkout, else the bundled copy."""
    for candidate in (os.environ.get("LOA_PLANS_DIR"), SHARED_PLANS):
        if candidate and Path(candidate).is_dir():
            return Path(candidate).resolve()
    return BUNDLED_PLANS


PLANS_DIR = _plans_dir()


def make_settings(tmp_path: Path, extra: dict[str, Any] | None = None,
                  env: dict[str, str] | None = None) -> Settings:
    """Settings rooted in tmp_path, like a config.toml sitting there."""
    raw: dict[str, Any] = {
        "timezone": "Asia/Ho_Chi_Minh",
        "database": {"url": "sqlite:///loa.db"},
        "unit": {
            "name": "Ủy ban nhân dân xã Ngọc Lâm",
            "radio_station": "Đài truyền thanh xã Ngọc Lâm",
            "hotline": {"phone": "0221 3 946 101", "email": "ubnd.ngoclam@example.gov.vn",
                        "address": "Thôn Ngọc Lâm, xã Ngọc Lâm",
                        "hours": "7h30–17h00, thứ Hai đến thứ Sáu"},
        },
        "channels": {
            "portal": {"kind": "static", "path": "site", "base_url": "https://ngoclam.example.gov.vn"},
            "radio": {"path": "radio", "words_per_minute": 120},
            "hotline": {"path": "hotline"},
        },
    }
    for k, v in (extra or {}).items():
        if isinstance(v, dict) and isinstance(raw.get(k), dict):
            raw[k] = {**raw[k], **v}
        else:
            raw[k] = v
    return from_mapping(raw, env=env or {}, base_dir=tmp_path, path=tmp_path / "config.toml")


# ---- from test_channel_contract
def run(coro: Any) -> Any:
    return asyncio.run(coro)


def message(key: str = "post-12-part-1", *, title: str = "Ngày hội cải cách hành chính",
            body: str | None = None, fmt: str = "html", **extras: Any) -> Message:
    body = body if body is not None else "<b>Ngày hội</b> cải cách hành chính xã Ngọc Lâm"
    base = {"slug": "12-ngay-hoi-cai-cach-hanh-chinh", "path": "bai-viet/12-ngay-hoi-cai-cach-hanh-chinh.html",
            "summary": "Xã tổ chức ngày hội cải cách hành chính.", "date": "2025-05-15",
            "tags": ["Cải cách hành chính"], "sms": "UBND xa Ngoc Lam: duong day nong 0221 3 946 101.",
            "page": f"<!DOCTYPE html><html lang=\"vi\"><body>{body}</body></html>"}
    return Message(key=key, title=title, body=body, format=fmt, extras={**base, **extras})


def zalo_config(zalo: FakeZaloAPI, **more: Any) -> dict[str, Any]:
    return {"access_token_env": "ZA", "refresh_token_env": "ZR", "secret_key_env": "ZS", "app_id": zalo.app_id,
            "base_url": zalo.base_url, "oauth_url": zalo.oauth_url, **more}


def zalo_env(zalo: FakeZaloAPI) -> dict[str, str]:
    return {"ZA": "AT-1", "ZR": "RT-1", "ZS": zalo.secret_key}


# ---- from test_calendar
def make_plan(*, themes: int = 3, channels: tuple[str, ...] = ("portal", "radio"),
              period: tuple[date, date] | None = (date(2024, 1, 1), date(2024, 12, 31)),
              year: int | None = 2024, tasks: list[Task] | None = None,
              reports: list[ReportDuty] | None = None, number: str = "11/KH-UBND",
              forms: list[Form] | None = None) -> Plan:
    return Plan(
        number=number, issuer="Ủy ban nhân dân xã Ngọc Lâm", place="Ngọc Lâm", date=date(2024, 1, 26),
        year=year, period=Period(*period) if period else None,
        title="Kế hoạch tuyên truyền cải cách hành chính năm 2024", signer=Signer("Nguyễn Văn A", "Chủ tịch"),
        themes=[Theme(f"t{i}", f"Nội dung tuyên truyền số {i}") for i in range(1, themes + 1)],
        forms=forms or [], channels=list(channels), tasks=tasks or [], reports=reports or [],
    )


def task(no: str, kind: str, **timing) -> Task:  # noqa: ANN003
    return Task(no=no, content=f"Công việc {no}", lead="Văn phòng", partners=[],
                timing=Timing(kind=kind, text="…", **timing))


# ---- from test_report_data
UTC = timezone.utc


NOW = datetime(2024, 4, 5, 3, 0, tzinfo=UTC)          # 10:00 on 05/04/2024 in Hà Nội


HOSTILE_TITLE = "Giải đáp <script>alert(1)</script> & “hồ sơ” | trực tuyến"


def utc(y, m, d, hh=2, mm=0):  # noqa: ANN001, ANN201
    return datetime(y, m, d, hh, mm, tzinfo=UTC)


def report_plan() -> Plan:
    t = [
        Task("01", "Xây dựng, ban hành lịch tiếp công dân quý I/2024", "Văn phòng UBND xã", [],
             Timing("deadline", "Trước 15/02/2024", due=date(2024, 2, 15))),
        Task("02", "Niêm yết công khai bộ thủ tục hành chính mới tại Bộ phận một cửa", "Công chức Văn phòng - Thống kê",
             ["Bộ phận một cửa"], Timing("deadline", "Trước 15/3/2024", due=date(2024, 3, 15))),
        Task("03", "Tuyên truyền dịch vụ công trực tuyến trên Đài truyền thanh xã", "Đài truyền thanh xã", [],
             Timing("ongoing", "Thường xuyên trong năm 2024")),
        Task("04", "Công khai đường dây nóng tiếp nhận phản ánh, kiến nghị", "Văn phòng UBND xã", [],
             Timing("ongoing", "Thường xuyên trong năm 2024")),
        Task("05", "Tổ chức Hội thi tìm hiểu về cải cách hành chính", "Đoàn Thanh niên xã", ["Hội Phụ nữ xã"],
             Timing("window", "Tháng 3 - 4/2024", start=date(2024, 3, 1), end=date(2024, 4, 30))),
        Task("06", "Sơ kết 6 tháng công tác tuyên truyền", "Văn phòng UBND xã", [],
             Timing("deadline", "Trước 30/6/2024", due=date(2024, 6, 30))),
        Task("07", "Cử công chức dự tập huấn nghiệp vụ cải cách hành chính của thị xã", "Văn phòng UBND xã", [],
             Timing("external", "Theo kế hoạch của thị xã")),
        Task("08", "In tờ rơi hướng dẫn thủ tục đăng ký khai sinh trực tuyến", "Công chức Tư pháp - Hộ tịch", [],
             Timing("deadline", "Trước 20/3/2024", due=date(2024, 3, 20))),
    ]
    return Plan(number="11/KH-UBND", issuer="Ủy ban nhân dân xã Ngọc Lâm", place="Ngọc Lâm",
                date=date(2024, 1, 26), year=2024, period=PlanPeriod(date(2024, 1, 1), date(2024, 12, 31)),
                title="Tuyên truyền cải cách hành chính xã Ngọc Lâm năm 2024",
                signer=Signer(name="Nguyễn Hữu Hoan", position="Chủ tịch"),
                themes=[Theme("t1", "Tầm quan trọng, ý nghĩa của công tác cải cách hành chính"),
                        Theme("t2", "Cải cách thủ tục hành chính, dịch vụ công trực tuyến"),
                        Theme("t3", "Chỉ số cải cách hành chính và mức độ hài lòng của người dân")],
                tasks=t, reports=[ReportDuty("half_year"), ReportDuty("year")])


def _post(s, item, channel, state, *, due, published=None, url=None, error=None, target=""):  # noqa: ANN001, ANN202
    p = Post(item_id=item.id, channel=channel, target=target, state=state, due_at=due, published_at=published,
             url=url, last_error=error, attempts=1)
    s.add(p)
    s.flush()
    outcome = {"published": "published", "dead": "dead", "unknown": "unknown", "failed": "retry"}.get(state)
    if outcome:
        s.add(Attempt(at=published or due + timedelta(minutes=1), post_id=p.id, item_id=item.id, channel=channel,
                      outcome=outcome, error=error, url=url, http_status=200 if state == "published" else None))
    return p


def seed(s) -> dict:  # noqa: ANN001
    """A commune's first quarter of 2024, with the edge cases a report must get right."""
    rec = PlanRecord(key="ngoc-lam-2024", number="11/KH-UBND", issuer="Ủy ban nhân dân xã Ngọc Lâm",
                     title="Tuyên truyền cải cách hành chính xã Ngọc Lâm năm 2024", year=2024,
                     period_start=date(2024, 1, 1), period_end=date(2024, 12, 31), data=report_plan().to_dict())
    s.add(rec)
    s.flush()
    sl = {k: Slot(plan_id=rec.id, key=k, day=d, kind=kind, channel=ch, theme_id=th, label=lb)
          for k, d, kind, ch, th, lb in [
              ("s1", date(2024, 2, 10), "publish", "portal", "t1", ""),
              ("s2", date(2024, 3, 5), "publish", "zalo", "t2", ""),
              ("s3", date(2024, 3, 12), "publish", "radio", "t1", ""),     # nothing → missed
              ("s4", date(2024, 3, 25), "publish", "telegram", "t3", ""),  # only a draft → missed
              ("s5", date(2024, 4, 10), "publish", "portal", "t2", ""),    # next quarter
              ("s6", date(2024, 3, 15), "task_deadline", "", "", "Hạn nhiệm vụ 02"),
          ]}
    s.add_all(sl.values())
    s.flush()

    def item(title, theme, task, slot, state, channels, plan=True, **kw):  # noqa: ANN001, ANN202
        it = Item(title=title, body="Nội dung", plan_id=rec.id if plan else None, theme_id=theme, task_no=task,
                  slot_id=sl[slot].id if slot else None, state=state, channels=channels, **kw)
        s.add(it)
        s.flush()
        return it

    a = item("Lịch tiếp công dân quý I năm 2024 của UBND xã Ngọc Lâm", "t1", "01", "s1", "published",
             ["portal", "telegram", "radio"])
    for ch, url in (("portal", "https://ngoclam.example.gov.vn/tin/1-lich-tiep-cong-dan"),
                    ("telegram", "https://t.me/xangoclam/15"), ("radio", None)):
        _post(s, a, ch, "published", due=utc(2024, 2, 10), published=utc(2024, 2, 10, 2, 5), url=url)
    b = item("Hướng dẫn nộp hồ sơ trực tuyến trên Cổng Dịch vụ công quốc gia", "t2", "03", "s2", "scheduled",
             ["portal", "zalo", "telegram"])
    _post(s, b, "portal", "published", due=utc(2024, 3, 5), published=utc(2024, 3, 5, 1),
          url="https://ngoclam.example.gov.vn/tin/2-dich-vu-cong")
    _post(s, b, "zalo", "published", due=utc(2024, 3, 5), published=utc(2024, 3, 5, 1, 1))
    _post(s, b, "telegram", "pending", due=utc(2024, 3, 5))
    c = item(HOSTILE_TITLE, "t3", "05", None, "scheduled", ["portal", "telegram", "radio"])
    _post(s, c, "portal", "published", due=utc(2024, 3, 20), published=utc(2024, 3, 20, 3),
          url="https://ngoclam.example.gov.vn/tin/3-hoi-thi?a=1&b=2")
    _post(s, c, "telegram", "dead", due=utc(2024, 3, 20), error="Forbidden: bot was kicked from the channel chat")
    # 00:30 on 01/04 in Hà Nội is still 31/03 in UTC: not in the first quarter
    _post(s, c, "radio", "published", due=utc(2024, 3, 31, 17), published=utc(2024, 3, 31, 17, 30))
    d = item("Tin từ Cổng Dịch vụ công tỉnh: thêm 20 thủ tục trực tuyến toàn trình", None, None, None, "published",
             ["portal"], plan=False, source="feed")
    # 00:30 on 01/01/2024 in Hà Nội, 31/12/2023 in UTC: in the first quarter
    _post(s, d, "portal", "published", due=utc(2023, 12, 31, 17), published=utc(2023, 12, 31, 17, 30))
    e = item("Phát tờ rơi hướng dẫn đăng ký khai sinh trực tuyến", "t2", "08", None, "published", ["portal"])
    _post(s, e, "portal", "published", due=utc(2024, 4, 2), published=utc(2024, 4, 2, 2))
    item("Công chức xã dự tập huấn nghiệp vụ cải cách hành chính", None, "7", None, "published", [],
         publish_at=utc(2024, 3, 10, 1))
    item("Bản nháp cho ô lịch 25/03", "t3", None, "s4", "draft", ["telegram"])
    g = item("Thông báo lịch nghỉ Tết Nguyên đán Giáp Thìn 2024", "t1", None, None, "scheduled", ["zalo", "telegram"])
    _post(s, g, "zalo", "unknown", due=utc(2024, 2, 5), error="Hết thời gian chờ phản hồi từ Zalo")
    _post(s, g, "telegram", "failed", due=utc(2024, 2, 5), error="HTTP 502 Bad Gateway")
    h = item("Bài đăng sau kỳ báo cáo", "t1", None, None, "scheduled", ["telegram"])
    _post(s, h, "telegram", "dead", due=utc(2024, 4, 3), error="Unauthorized")
    return {"plan": rec, "slots": sl, "items": {"a": a, "b": b, "c": c, "d": d, "e": e, "g": g}}


# ---- from test_render
def render_settings(**channels):
    return from_mapping({
        "unit": {"name": "Ủy ban nhân dân xã Ngọc Lâm", "radio_station": "Đài truyền thanh xã Ngọc Lâm",
                 "hotline": {"phone": "0221 3 946 101; 0912 345 678", "email": "ubnd.ngoclam@example.gov.vn",
                             "address": "Thôn Ngọc Lâm, xã Ngọc Lâm",
                             "hours": "7h30–17h00, thứ Hai đến thứ Sáu"}},
        "channels": {"portal": {"base_url": "https://ngoclam.example.gov.vn/"}, **channels},
    }, env={})


# ---- from test_plan_variants
def build_docx(text: str, word_lists: bool = False) -> bytes:
    """A .docx the way Word users make them: one paragraph per line, bold headings, the
    title lines as one paragraph with line breaks, tab rows as a Word table whose bulleted
    cells hold one paragraph per unit. With `word_lists`, "- " bullets become Word's
    List Bullet paragraphs (no dash in the text)."""
    doc = Document()
    rows: list[list[str]] = []

    def flush_table() -> None:
        if not rows:
            return
        width = max(len(r) for r in rows)
        table = doc.add_table(rows=len(rows), cols=width)
        for r, cells in enumerate(rows):
            for c, value in enumerate(cells):
                cell = table.cell(r, c)
                units = [u for u in re.split(r"(?:^|\s)-\s+(?=[A-ZĐ])", value) if u.strip()]
                cell.text = ""
                if value.startswith("- ") and len(units) > 1:
                    cell.paragraphs[0].text = f"- {units[0].strip()}"
                    for u in units[1:]:
                        cell.add_paragraph(f"- {u.strip()}")
                else:
                    cell.paragraphs[0].text = value
        rows.clear()

    for raw in text.split("\n"):
        if "\t" in raw:
            rows.append(raw.split("\t"))
            continue
        flush_table()
        line = raw.rstrip()
        if not line.strip():
            continue
        heading = line.lstrip().startswith("#")
        line = re.sub(r"^#{1,6}\s*", "", line).replace("**", "").replace("*", "").strip()
        if not line:
            continue
        if word_lists and line.startswith("- "):
            doc.add_paragraph(line[2:], style="List Bullet")
        elif heading:
            doc.add_paragraph(line, style="Heading 2")
        else:
            p = doc.add_paragraph()
            p.add_run(line).bold = raw.strip().startswith("**")
    flush_table()
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# ---- from test_plan_reader
_TCVN3_SRC = "µ¸¶·¹¨»¾¼½Æ©ÇÊÈÉË®ÌÐÎÏÑªÒÕÓÔÖ×ÝØÜÞßãáâä«åèæçé¬êíëìîïóñòô\xadõøö÷ùúýûüþ¡¢§£¤¥¦"


_UNICODE = "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵĂÂĐÊÔƠƯ"


def to_tcvn3(text: str) -> str:
    """Unicode → TCVN3 the way a .VnTime/.VnTimeH document stores it: accented capitals have
    no code of their own, so they are stored as the small letter (the capital font draws it)."""
    table = dict(zip(_UNICODE, _TCVN3_SRC))
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in table:
            out.append(table[ch])
        elif ch.lower() in table and ch not in "ĂÂĐÊÔƠƯ":
            out.append(table[ch.lower()])
        else:
            out.append(ch)
    return "".join(out)


# ---- from test_calendar_export
def view(id_: int, key: str, day: date, kind: str, label: str, *, channel: str = "", theme: str = "",
         end_day: date | None = None, items: tuple[int, ...] = (), plan_id: int = 1) -> SlotView:
    return SlotView(id_, plan_id, key, day, end_day, kind, channel, theme, label, items)


# ---- from test_web_browser
CHROMIUM = os.environ.get("LOA_CHROMIUM", "/usr/bin/chromium")


ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


SHOTS = Path(__file__).resolve().parents[1] / "var" / "screenshots"


PASSWORD = "mat-khau-du-dai-1"


def _playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright is not installed (pip install playwright)")
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium, or set LOA_CHROMIUM)")
    return sync_playwright


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _login(page, base: str, user: str) -> None:  # noqa: ANN001
    page.goto(f"{base}/login")
    page.fill("#f-username", user)
    page.fill("#f-password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/")


def add_staff(tmp_path: Path, cfg: Path, env: dict[str, str], *users: tuple[str, str, str]) -> None:
    """Console accounts (username, name, role) with the password in env["LOA_PW"], by `loa user add`."""
    for user, name, role in users:
        r = run_loa("user", "add", user, "--name", name, "--role", role, "--password-env", "LOA_PW",
                    cwd=tmp_path, config=cfg, env=env)
        assert r.code == 0, r.err


@contextmanager
def console_in_browser(tmp_path: Path, cfg: Path, env: dict[str, str], port: int) -> Iterator[tuple[str, Any]]:
    """`loa web` on 127.0.0.1:`port` with this config and environment, and a Chromium to drive
    it: yields (base URL, browser); both are stopped afterwards."""
    sync_playwright = _playwright()
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("LOA_")}
    full_env.update({"LOA_CONFIG": str(cfg), **env})
    log = tmp_path / "web.log"
    proc = subprocess.Popen([str(LOA), "web"], cwd=tmp_path, env=full_env, stdout=open(log, "w"),
                            stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if requests.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        else:
            pytest.fail(log.read_text())
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                yield base, browser
            finally:
                browser.close()
    finally:
        proc.terminate()
        proc.wait(20)
