"""/qa (the citizens' questions inbox) and /qa/{code} (one question and what staff can do: answer
with a preview of exactly what the citizen receives, assign, refuse, mark for the public column,
erase). Answers go through the same service as the Telegram staff group (bot.qa.service), so a
question answered here or there is one record that says who answered."""

from __future__ import annotations

from types import SimpleNamespace

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from bot.qa import texts as T
from bot.qa.relay import relay_from_settings
from bot.qa.service import Actor, QAService
from bot.web.common import actor, console, flash, form, redirect, text
from bot.web.permissions import require
from content.audit import Actor as AuditActor, record
from content.qa import inbox as qa_inbox
from content.qa import workflow as qa
from content.qa.models import STATE_NAMES
from content.kinds import CHANNEL_NAMES

EVENT_NAMES = {"received": "tiếp nhận", "answered": "trả lời", "assigned": "chuyển đơn vị", "rejected": "không tiếp nhận",
               "public": "đánh dấu công khai", "private": "bỏ công khai", "consent_yes": "người hỏi đồng ý công khai",
               "consent_no": "người hỏi không đồng ý công khai", "refused": "bị từ chối quyền",
               "notified": "báo cho người hỏi", "erased": "xóa dữ liệu cá nhân",
               "answer_corrected": "đính chính câu trả lời", "answer_amended": "bổ sung câu trả lời",
               "card_refused": "nhóm cán bộ từ chối thẻ câu hỏi"}
ACTIONS = ("answer", "correct", "assign", "reject", "public", "erase")


def _me(request: Request) -> tuple[str, ...]:
    info = request.state.session
    names = (info.username, info.name, actor(request), f"{info.username} ({info.name})")
    return tuple(n for n in names if n)


def qa_list(request: Request) -> Response:
    require(request, "view")
    c = console(request)
    q = request.query_params
    which = q.get("loc", "") if q.get("loc", "") in qa_inbox.FILTERS else ""
    state = q.get("state") if q.get("state") in STATE_NAMES else None
    with c.db.session() as s:
        rows, total = qa_inbox.inbox(s, c.settings, c.clock(), which=which, state=state, me=_me(request))
    return c.pages.render(request, "qa_list.html", page_title="Câu hỏi của người dân", rows=rows, total=total,
                          filters=qa_inbox.FILTERS, which=which, state=state or "", states=STATE_NAMES)


def _page(request: Request, code: str, *, answer_text: str = "", preview: str = "", error: str = "",
          status: int = 200) -> Response:
    c = console(request)
    now = c.clock()
    with c.db.session() as s:
        try:
            q = qa.get(s, code)
        except qa.QAError as e:
            return c.pages.render(request, "error.html", status=404, page_title="Không tìm thấy", message=str(e))
        person = qa_inbox.citizen(s, q)
        window = qa.zalo_window_left(s, q, now)
        view = dict(question=q, citizen=person, attachments=qa_inbox.attachments(s, q.id),
                    events=qa_inbox.history(s, q.id), public_default=q.public_text or qa.default_public_text(s, q))
    closed = window is not None and window.total_seconds() < 0
    return c.pages.render(
        request, "qa_page.html", status=status, page_title=f"Câu hỏi {q.code}", **view, states=STATE_NAMES,
        event_names=EVENT_NAMES, answer_text=answer_text, preview=preview, error=error,
        open=q.state in qa.OPEN_STATES, channel_name=CHANNEL_NAMES.get(q.channel, q.channel),
        window_closed=closed, window_hours=abs(window.total_seconds()) / 3600 if window is not None else None)


def qa_page(request: Request) -> Response:
    require(request, "view")
    return _page(request, request.path_params["code"])


async def qa_action(request: Request) -> Response:
    """POST /qa/{code}/answer|assign|reject|public|erase."""
    action = request.path_params["action"]
    if action not in ACTIONS:
        raise HTTPException(404)
    require(request, "qa_erase" if action == "erase" else "qa")
    c = console(request)
    code = request.path_params["code"].upper()
    f = form(request)
    if action in ("answer", "correct") and text(f, "do") == "preview":
        body = text(f, "text").strip()
        shown = T.answered(SimpleNamespace(code=code, answer=body), c.settings) if body else ""
        return await run_in_threadpool(_page, request, code, answer_text=text(f, "text"), preview=shown,
                                       error="" if body else "Câu trả lời không được để trống.",
                                       status=200 if body else 400)
    who = actor(request)
    try:
        if action in ("answer", "correct", "assign", "reject"):
            arg = text(f, {"answer": "text", "correct": "text", "assign": "unit", "reject": "reason"}[action])
            reply = await _act(request, action, code, arg)
            msg = _plain(reply)
        elif action == "public":
            yes = text(f, "public") != "0"
            await run_in_threadpool(_tx, c, lambda s: qa.mark_public(
                s, qa.get(s, code), by=who, now=c.clock(), public=yes,
                public_text=text(f, "public_text") if yes and text(f, "public_text").strip() else None))
            msg = f"Câu hỏi {code}: " + ("đã đánh dấu đưa vào chuyên mục công khai (chỉ đăng khi người hỏi "
                                          "đồng ý)." if yes else "đã bỏ công khai.")
        else:
            await run_in_threadpool(_tx, c, lambda s: qa.erase(s, qa.get(s, code), by=who, now=c.clock()))
            msg = f"Đã xóa dữ liệu cá nhân của câu hỏi {code}."
        await run_in_threadpool(_audit, c, request, action, code)
    except qa.QAError as e:
        if action in ("answer", "correct"):
            return await run_in_threadpool(_page, request, code, answer_text=text(f, "text"), error=str(e),
                                           status=400)
        await run_in_threadpool(flash, request, "error", str(e))
        return redirect(f"/qa/{code}")
    await run_in_threadpool(flash, request, "ok", msg)
    return redirect(f"/qa/{code}")


async def _act(request: Request, action: str, code: str, arg: str) -> str:
    """The Telegram staff group's own action, as this account (one record, one notice to the citizen)."""

    c = console(request)
    info = request.state.session
    relay = relay_from_settings(c.settings, c.db)
    service = QAService(c.settings, c.db, relay, clock=c.clock)
    who = Actor(info.username, info.name or "", trusted=True)

    def card() -> tuple[str, int] | None:
        with c.db.session() as s:
            return qa_inbox.card_message(s, qa.get(s, code).id)

    async def go() -> str:
        reply = await service.act(who, action, code, arg)
        # The staff group sees it too, under the question's card, as when staff act there.
        found = await run_in_threadpool(card)
        if found is not None and relay.bot is not None and found[0] == relay.staff_chat:
            try:
                await relay.to_staff(f"{reply} (trên trang quản trị, {T.esc(info.name or info.username)})",
                                     reply_to=found[1])
            except Exception:  # noqa: BLE001 - the answer is recorded and sent; the echo is a courtesy
                pass
        return reply

    if relay.bot is not None:
        async with relay.bot:
            return await go()
    return await go()


def _tx(c, fn) -> None:  # noqa: ANN001
    with c.db.session() as s:
        fn(s)


def _audit(c, request: Request, action: str, code: str) -> None:  # noqa: ANN001
    with c.db.session() as s:
        q = qa.get(s, code)
        code_name = {"public": "publish", "correct": "correct_answer"}.get(action, action)
        record(s, AuditActor(actor(request), "web"), f"qa.{code_name}",
               now=c.clock(), question_id=q.id, note=code)


def _plain(html_text: str) -> str:
    import html
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", html_text)).strip()
