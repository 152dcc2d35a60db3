"""`loa qa …`: staff handle citizens' questions from the command line, as in the staff chat
(answers, transfers and refusals reach the citizen through the same sending code; a channel
without a token writes the reply to the outbox), and `loa serve` runs the Q&A bots alone."""

from __future__ import annotations

import asyncio
import getpass
import signal
from typing import Optional

import typer
from sqlalchemy import select

from bot.cli.common import Fail, actor, console, print_json
from content import audit
from content.qa import workflow as qa
from content.qa.models import STATE_NAMES, Attachment, Question, StaffMessage
from content.text import fmt_date, fmt_datetime, now_utc

app = typer.Typer(no_args_is_help=True, help="Hỏi – đáp với người dân.")


def _who(by: Optional[str]) -> str:
    return f"cli:{by or getpass.getuser()}"


def _audit(s, action: str, q: Question, by: Optional[str], note: str = "") -> None:  # noqa: ANN001
    """One row of the audit trail for a staff action on a question (its code, not the citizen)."""
    audit.record(s, actor(by), action, now=now_utc(), question_id=q.id,
                 note=f"câu hỏi {q.code}" + (f": {note}" if note else ""))


def _row(q: Question, tz) -> dict:  # noqa: ANN001
    return {"code": q.code, "state": q.state, "state_name": STATE_NAMES[q.state], "channel": q.channel,
            "received": fmt_datetime(q.received_at, tz), "due": fmt_date(q.due_on), "unit": q.unit,
            "consent": q.consent, "public": q.public, "item_id": q.item_id, "erased": q.erased_at is not None}


@app.command("list")
def list_(ctx: typer.Context, state: Optional[str] = typer.Option(None, "--state", help="received|assigned|answered|rejected"),
          as_json: bool = typer.Option(False, "--json")) -> None:
    """Danh sách câu hỏi."""
    s_ = ctx.obj.settings
    with ctx.obj.db.session() as s:
        stmt = select(Question).order_by(Question.id)
        if state:
            stmt = stmt.where(Question.state == state)
        rows = [_row(q, s_.tz) for q in s.scalars(stmt)]
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print("Chưa có câu hỏi nào.")
    for r in rows:
        console.print(f"{r['code']}  {r['state_name']:<24} hạn {r['due']}  {r['channel']}  {r['unit']}")


@app.command("show")
def show(ctx: typer.Context, code: str, as_json: bool = typer.Option(False, "--json")) -> None:
    """Chi tiết một câu hỏi."""
    tz = ctx.obj.settings.tz
    with ctx.obj.db.session() as s:
        q = qa.get(s, code)
        data = {**_row(q, tz), "text": q.text, "answer": q.answer, "reject_reason": q.reject_reason,
                "public_text": q.public_text, "attachments": [a.kind for a in s.scalars(
                    select(Attachment).where(Attachment.question_id == q.id))]}
    if as_json:
        print_json(data)
        return
    for key, value in data.items():
        if key in SHOW_FIELDS:
            console.print(f"{SHOW_FIELDS[key]}: {_shown(value)}", markup=False, highlight=False)


SHOW_FIELDS = {"code": "Mã", "state_name": "Trạng thái", "channel": "Kênh", "received": "Nhận lúc",
               "due": "Hạn trả lời", "unit": "Đơn vị xử lý", "consent": "Người hỏi đồng ý công khai",
               "public": "Cán bộ cho công khai", "item_id": "Bài chuyên mục", "erased": "Đã xóa dữ liệu",
               "text": "Câu hỏi", "answer": "Trả lời", "reject_reason": "Lý do từ chối",
               "public_text": "Nội dung công khai (đã ẩn thông tin cá nhân)", "attachments": "Tệp kèm"}


def _shown(value: object) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if value is True:
        return "có"
    if value is False:
        return "không"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def _act(ctx: typer.Context, action: str, code: str, arg: Optional[str], by: Optional[str], as_json: bool) -> None:
    from bot.qa.relay import relay_from_settings
    from bot.qa.service import Actor, QAService

    settings = ctx.obj.settings
    relay = relay_from_settings(settings, ctx.obj.db)
    svc = QAService(settings, ctx.obj.db, relay)

    async def call() -> str:
        if action == "resend":
            return await svc.resend(code, force=True) or ""
        return await svc.act(Actor(_who(by), trusted=True), action, code, arg)

    async def go() -> str:
        if relay.bot is not None:
            async with relay.bot:
                return await call()
        return await call()
    text = asyncio.run(go())
    plain = __import__("re").sub(r"<[^>]+>", "", text)
    plain = __import__("html").unescape(plain)
    with ctx.obj.db.session() as s:
        q = qa.get(s, code)
        failed = q.notice_state == "failed"
        _audit(s, f"qa.{action}", q, by, arg if action in ("assign", "reject") else "")
    if as_json:
        print_json({"code": code, "action": action, "result": plain, "delivered": not failed})
    else:
        console.print(plain, markup=False)
    if failed and action == "resend":
        raise typer.Exit(1)


@app.command("answer")
def answer(ctx: typer.Context, code: str, text: str, by: Optional[str] = typer.Option(None, "--by"),
           as_json: bool = typer.Option(False, "--json")) -> None:
    """Trả lời câu hỏi và gửi câu trả lời cho người hỏi."""
    _act(ctx, "answer", code, text, by, as_json)


@app.command("amend")
def amend(ctx: typer.Context, code: str, text: str, by: Optional[str] = typer.Option(None, "--by"),
          as_json: bool = typer.Option(False, "--json")) -> None:
    """Bổ sung câu trả lời đã gửi (người hỏi nhận phần bổ sung, ghi rõ là bổ sung)."""
    _act(ctx, "amend", code, text, by, as_json)


@app.command("correct")
def correct(ctx: typer.Context, code: str, text: str, by: Optional[str] = typer.Option(None, "--by"),
            as_json: bool = typer.Option(False, "--json")) -> None:
    """Đính chính: thay câu trả lời đã gửi (người hỏi nhận tin ghi rõ là đính chính)."""
    _act(ctx, "correct", code, text, by, as_json)


@app.command("assign")
def assign(ctx: typer.Context, code: str, unit: str, by: Optional[str] = typer.Option(None, "--by"),
           as_json: bool = typer.Option(False, "--json")) -> None:
    """Chuyển câu hỏi cho đơn vị khác trả lời."""
    _act(ctx, "assign", code, unit, by, as_json)


@app.command("reject")
def reject(ctx: typer.Context, code: str, reason: str, by: Optional[str] = typer.Option(None, "--by"),
           as_json: bool = typer.Option(False, "--json")) -> None:
    """Từ chối câu hỏi (ghi lý do, báo cho người hỏi)."""
    _act(ctx, "reject", code, reason, by, as_json)


@app.command("resend")
def resend(ctx: typer.Context, code: str, as_json: bool = typer.Option(False, "--json")) -> None:
    """Gửi lại cho người hỏi thông báo mới nhất (câu trả lời, chuyển đơn vị, từ chối)."""
    _act(ctx, "resend", code, None, None, as_json)


@app.command("publish")
def publish(ctx: typer.Context, code: str, text: Optional[str] = typer.Option(None, "--text", help="Nội dung câu hỏi đã biên tập."),
            answer_text: Optional[str] = typer.Option(None, "--answer", help="Nội dung trả lời đã biên tập."),
            off: bool = typer.Option(False, "--off", help="Bỏ đánh dấu công khai."),
            by: Optional[str] = typer.Option(None, "--by"), as_json: bool = typer.Option(False, "--json")) -> None:
    """Đánh dấu câu hỏi được đăng (ẩn danh) trong chuyên mục tuần, khi người hỏi đồng ý."""
    with ctx.obj.db.session() as s:
        q = qa.get(s, code)
        qa.mark_public(s, q, by=_who(by), now=now_utc(), public=not off, public_text=text, public_answer=answer_text)
        _audit(s, "qa.publish", q, by, "bỏ công khai" if off else "công khai")
        data = {"code": q.code, "public": q.public, "consent": q.consent, "public_text": q.public_text}
    if as_json:
        print_json(data)
        return
    console.print(f"Câu hỏi {data['code']}: {'sẽ đăng' if data['public'] else 'không đăng'} công khai"
                  + ("" if data["consent"] else " (người hỏi chưa đồng ý: chưa đăng được)") + ".")
    if data["public"]:
        console.print(f"Nội dung đăng: {data['public_text']}")


@app.command("erase")
def erase(ctx: typer.Context, code: str, yes: bool = typer.Option(False, "--yes", help="Không hỏi lại."),
          by: Optional[str] = typer.Option(None, "--by"), as_json: bool = typer.Option(False, "--json")) -> None:
    """Xóa dữ liệu cá nhân của câu hỏi (giữ số liệu thống kê ẩn danh)."""
    if not yes and not typer.confirm(f"Xóa dữ liệu cá nhân của câu hỏi {code}?"):
        raise typer.Abort()
    with ctx.obj.db.session() as s:
        q = qa.get(s, code)
        qa.erase(s, q, by=_who(by), now=now_utc())
        _audit(s, "qa.erase", q, by)
    staff_chat = _clean_staff_chat(ctx, q.code)
    column = _fix_columns(ctx, by)
    if as_json:
        print_json({"code": q.code, "erased": True, "staff_chat": staff_chat, "column": column})
        return
    console.print(f"Đã xóa nội dung và dữ liệu cá nhân của câu hỏi {q.code}.")
    for line in column:
        console.print(line, markup=False)
    console.print({
        "cleaned": "Tin về câu hỏi trong nhóm cán bộ đã được sửa (ẩn thông tin cá nhân), ảnh/tệp kèm đã xóa.",
        "manual": "Tin trong nhóm cán bộ đã được sửa, nhưng Telegram không cho xóa ảnh/tệp kèm (quá 48 giờ): "
                  "đề nghị quản trị nhóm xóa tay.",
        "pending": "Chưa sửa được tin trong nhóm cán bộ lúc này; Loa (loa run) sẽ tự làm trong ít phút.",
        "none": "",
    }[staff_chat], markup=False)


def _fix_columns(ctx: typer.Context, by: Optional[str]) -> list[str]:
    """Take the erased question out of the weekly column it went into (page re-rendered where
    the channel allows; what must be done by hand is listed)."""
    from bot.wiring import live_channels
    from bot.qa.erasure import fix_columns

    channels = live_channels(ctx.obj.settings, ctx.obj.db)

    async def go() -> list[str]:
        try:
            return await fix_columns(ctx.obj.db, ctx.obj.settings, channels, by=_who(by))
        finally:
            for ch in channels.values():
                await ch.aclose()
    return asyncio.run(go())


def _clean_staff_chat(ctx: typer.Context, code: str) -> str:
    """Take the erased question out of the staff chat now, when the bot can reach it."""
    from bot.qa.relay import relay_from_settings
    from bot.qa.service import QAService

    def owed() -> int:
        with ctx.obj.db.session() as s:
            q = qa.get(s, code)
            return len(s.scalars(select(StaffMessage).where(StaffMessage.question_id == q.id,
                                                            StaffMessage.purpose == "erased")).all())

    if not owed():
        return "none"
    relay = relay_from_settings(ctx.obj.settings, ctx.obj.db)
    if relay.bot is None:
        return "pending"

    async def go() -> list[str]:
        async with relay.bot:
            return await QAService(ctx.obj.settings, ctx.obj.db, relay).clean_erased()
    try:
        manual = asyncio.run(go())
    except Exception:  # noqa: BLE001 - the running bot tries again
        return "pending"
    if owed():
        return "pending"
    return "manual" if code in manual else "cleaned"


@app.command("stats")
def stats(ctx: typer.Context, start: str = typer.Option(..., "--from"), end: str = typer.Option(..., "--to"),
          as_json: bool = typer.Option(False, "--json")) -> None:
    """Số liệu hỏi – đáp trong khoảng ngày (--from 01/01/2025 --to 31/03/2025, tính cả hai ngày)."""
    from datetime import timedelta

    from content.items.when import parse_local

    tz = ctx.obj.settings.tz
    try:
        a, b = parse_local(start, tz), parse_local(end, tz) + timedelta(days=1)
    except ValueError as e:
        raise Fail(str(e)) from None
    with ctx.obj.db.session() as s:
        data = qa.qa_stats(s, a, b, tz=tz)
    if as_json:
        print_json(data)
        return
    console.print(f"Tiếp nhận {data['received']}, đã trả lời {data['answered']} (đúng hạn {data['on_time']}), "
                  f"quá hạn {data['overdue']}, từ chối {data['rejected']}, đang xử lý {data['open']}; "
                  f"trung vị {data['median_hours'] if data['median_hours'] is not None else '—'} giờ.")


@app.command("due")
def due(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """Câu hỏi sắp đến hạn (còn ≤ 1 ngày làm việc) hoặc quá hạn."""
    from content.qa.stats import reminder_text

    with ctx.obj.db.session() as s:
        items = qa.due_questions(s, now_utc(), ctx.obj.settings)
    if as_json:
        print_json([{"code": d.code, "due": fmt_date(d.due_on), "working_days_left": d.working_days_left}
                    for d in items])
    else:
        console.print(reminder_text(items) or "Không có câu hỏi nào sắp đến hạn.")


@app.command("purge")
def purge(ctx: typer.Context) -> None:
    """Xóa dữ liệu cá nhân quá thời hạn lưu trữ ([qa] retention_days)."""
    with ctx.obj.db.session() as s:
        n = qa.purge_expired(s, ctx.obj.settings, now_utc())
        audit.record(s, actor(None), "qa.purge", now=now_utc(), note=f"{n} câu hỏi quá thời hạn lưu trữ")
    console.print(f"Đã xóa dữ liệu cá nhân của {n} câu hỏi quá thời hạn lưu trữ.")


def serve_cmd(ctx: typer.Context) -> None:
    """Chạy riêng bot hỏi – đáp (Telegram, webhook Zalo) đến khi nhấn Ctrl+C."""
    from bot.qa.serve import claim_polling, serve

    settings, db = ctx.obj.settings, ctx.obj.db
    polling = claim_polling(settings)       # refused beside `loa run` (SQLite) before anything starts

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)

        def ready(info) -> None:  # noqa: ANN001
            for line in info.lines():
                console.print(line, markup=False)
        await serve(settings, db, stop=stop, ready=ready, lock=polling)
    try:
        asyncio.run(main())
    finally:
        if polling is not None:
            polling.release()
