"""The citizens' Q&A bot on Telegram (python-telegram-bot 22): thin async handlers over
QAService. Citizens write in a private chat; staff act in the configured staff chat by
replying to the bot's cards and prompts (routing is in the database) or pressing buttons.

`build_application(settings, db, base_url=...)` returns an Application without starting it;
`bot.qa.serve.serve` runs it (polling) beside the Zalo webhook in one event loop.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any, Awaitable, Callable

from telegram import MessageOriginChannel, MessageOriginChat, MessageOriginHiddenUser, MessageOriginUser, Update
from telegram.ext import (Application, ApplicationBuilder, ApplicationHandlerStop, BaseUpdateProcessor,
                          CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, TypeHandler, filters)

from bot.qa import texts as T
from bot.qa.relay import Relay, zalo_sender
from bot.qa.service import Actor, QAService
from channels.pacing import Pacer
from channels.sending import SendQueue
from content.errors import LoaError
from content.qa import workflow as qa
from content.db import Database
from content.config import Settings
from content.text import now_utc

log = logging.getLogger("loa.qa.telegram")


class InOrderPerChat(BaseUpdateProcessor):
    """Updates from one chat are handled one after another, in the order Telegram sent them
    (a citizen's second message never overtakes the first, even while the first waits on the
    database); different chats are handled concurrently, up to the limit."""

    def __init__(self, max_concurrent_updates: int):
        super().__init__(max_concurrent_updates)
        self._chats: dict[int, asyncio.Lock] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat.id if isinstance(update, Update) and update.effective_chat else None
        if chat is None:
            await coroutine
            return
        lock = self._chats.setdefault(chat, asyncio.Lock())
        try:
            async with lock:
                await coroutine
        finally:
            if not lock.locked() and self._chats.get(chat) is lock:
                del self._chats[chat]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""


class QAConfigError(LoaError):
    """The Q&A bot cannot start with this configuration (message in Vietnamese)."""


def service_of(context: ContextTypes.DEFAULT_TYPE) -> QAService:
    return context.application.bot_data["qa"]


def _actor(update: Update) -> Actor:
    u = update.effective_user
    return Actor(str(u.id) if u else "?", u.full_name if u else "")


async def once(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Before any handler: an update already handled (same update_id, delivered again by
    Telegram after a crash or to a second poller) stops here."""
    svc = service_of(context)
    source = f"telegram:{context.bot.token.split(':', 1)[0]}"
    if not await svc.first_delivery(source, str(update.update_id)):
        log.info("Telegram update %s delivered again: ignored", update.update_id)
        raise ApplicationHandlerStop


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start: greet and explain the column, the hotline and how answers come back."""
    svc = service_of(context)
    await svc.relay.queue_to_citizen("telegram", str(update.effective_chat.id),
                               T.greet(svc.settings, svc.settings.qa.answer_working_days))


async def status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/trangthai CODE (/status): the state of the citizen's own question."""
    text = " ".join(context.args or [])
    svc = service_of(context)
    reply = await svc.status("telegram", str(update.effective_chat.id), text)
    await svc.relay.queue_to_citizen("telegram", str(update.effective_chat.id), reply)


async def citizen_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Text, or a photo/document with its caption: a new question."""
    m = update.effective_message
    attachments: list[tuple[str, str]] = []
    if m.photo:
        attachments.append(("photo", m.photo[-1].file_id))
    if m.document:
        attachments.append(("document", m.document.file_id))
    user = update.effective_user
    inc = qa.Incoming("telegram", str(update.effective_chat.id), m.text or m.caption or "",
                      display_name=user.full_name if user else "",
                      phone=m.contact.phone_number if m.contact else "", attachments=tuple(attachments),
                      forwarded_from=forward_origin(m))
    await service_of(context).citizen_message(inc)


def forward_origin(m) -> str:  # noqa: ANN001
    """Who a forwarded message came from, as far as Telegram tells ("" when not forwarded)."""
    o = getattr(m, "forward_origin", None)
    if o is None:
        return ""
    if isinstance(o, MessageOriginUser):
        u = o.sender_user
        return u.full_name + (f" (@{u.username})" if u.username else "")
    if isinstance(o, MessageOriginHiddenUser):
        return f"{o.sender_user_name} (ẩn tài khoản)"
    if isinstance(o, MessageOriginChat):
        return o.sender_chat.title or o.sender_chat.username or "một nhóm"
    if isinstance(o, MessageOriginChannel):
        return (o.chat.title or "một kênh") + (f" (@{o.chat.username})" if o.chat.username else "")
    return "không rõ"


async def help_citizen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help (/trogiup) in a private chat: how to ask and follow a question."""
    svc = service_of(context)
    await svc.relay.to_citizen("telegram", str(update.effective_chat.id),
                               T.help_citizen(svc.settings.qa.answer_working_days))


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command the bot does not know, in a private chat."""
    await service_of(context).relay.to_citizen("telegram", str(update.effective_chat.id), T.unknown_command())


async def help_staff(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help in the staff chat: how staff answer, transfer, refuse, add to and publish."""
    svc = service_of(context)
    await svc.relay.to_staff(T.help_staff(), reply_to=update.effective_message.message_id)


async def unsupported(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, voice, locations…: explain that questions are written."""
    await service_of(context).relay.queue_to_citizen("telegram", str(update.effective_chat.id), T.unsupported())


async def callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Consent buttons (citizens) and action buttons (staff)."""
    svc = service_of(context)
    cq = update.callback_query
    parts = (cq.data or "").split(":")
    if len(parts) == 4 and parts[1] == "c" and parts[2].isdigit():
        who = str(update.effective_user.id) if update.effective_user else str(cq.message.chat.id)
        reply = await svc.consent("telegram", who, int(parts[2]), parts[3] == "y")
        if reply == T.not_your_button():           # someone else's question: say so, touch nothing
            await cq.answer(reply[:190], show_alert=True)
            return
        await cq.answer(reply[:190])
        try:
            await cq.edit_message_reply_markup(None)
        except Exception:  # noqa: BLE001 - the buttons staying is harmless
            log.debug("could not remove consent buttons", exc_info=True)
        await svc.relay.queue_to_citizen("telegram", str(cq.message.chat.id), reply)
        return
    if len(parts) != 4 or parts[1] != "s" or not parts[3].isdigit() or not _in_staff_chat(svc, cq.message.chat):
        await cq.answer()
        return
    action, qid, actor = parts[2], int(parts[3]), _actor(update)
    if not svc.allowed(actor):
        await cq.answer(T.not_staff(), show_alert=True)
        await svc.refuse(actor, action, qid)
        return
    await cq.answer()
    try:
        if action == "public":
            await svc.post_preview(actor, qid, cq.message.message_id)
        elif action in ("answer", "assign", "reject", "amend", "correct"):
            await svc.prompt(actor, action, qid, cq.message.message_id)
    except qa.QAError as e:
        await svc.relay.to_staff(T.esc(str(e)), reply_to=cq.message.message_id)


async def staff_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A reply in the staff chat to a card or prompt: answer, assign, reject or edit."""
    svc = service_of(context)
    m = update.effective_message
    try:
        result = await svc.staff_reply(_actor(update), svc.relay.staff_chat, m.reply_to_message.message_id,
                                       m.text or m.caption or "")
    except qa.QAError as e:
        result = T.esc(str(e))
    if result:
        await svc.relay.to_staff(result, reply_to=m.message_id)


async def staff_show(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/xem CODE in the staff chat: the whole text of a question (its card may be shortened)."""
    svc = service_of(context)
    m = update.effective_message
    code = qa.normalise_code(" ".join(context.args or []))
    if code is None:
        await svc.relay.to_staff(T.show_usage(), reply_to=m.message_id)
        return
    try:
        result = await svc.show_full(_actor(update), code, m.message_id)
    except qa.QAError as e:
        result = T.esc(str(e))
    if result:
        await svc.relay.to_staff(result, reply_to=m.message_id)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the error and tell the staff chat, without the citizen's text."""
    log.error("Q&A handler failed", exc_info=context.error)
    svc = context.application.bot_data.get("qa")
    if svc is not None:
        await svc.relay.to_staff(T.error_for_staff(f"{type(context.error).__name__}: {context.error}"))
        if isinstance(update, Update) and update.effective_chat and update.effective_chat.type == "private":
            try:
                await update.effective_chat.send_message(T.sorry())
            except Exception:  # noqa: BLE001
                pass


def _in_staff_chat(svc: QAService, chat) -> bool:  # noqa: ANN001
    want = svc.relay.staff_chat
    return bool(want) and (str(chat.id) == want or (chat.username and want.lstrip("@") == chat.username))


def staff_filter(staff_chat: str) -> filters.BaseFilter:
    if not staff_chat:
        return filters.Chat(chat_id=[])     # matches nothing
    if staff_chat.lstrip("-").isdigit():
        return filters.Chat(chat_id=int(staff_chat))
    return filters.Chat(username=staff_chat.lstrip("@"))


def build_application(settings: Settings, db: Database, *, base_url: str | None = None,
                      relay: Relay | None = None, clock: Callable[[], datetime] = now_utc,
                      pacer: Pacer | None = None, sender: SendQueue | None = None) -> Application:
    tg = settings.channel("telegram")
    token = settings.secret(tg.token_env)
    if not token:
        raise QAConfigError(f"Chưa đặt mã bot Telegram (biến môi trường {tg.token_env}).")
    builder = ApplicationBuilder().token(token).concurrent_updates(
        InOrderPerChat(settings.qa.concurrency))
    url = base_url or tg.base_url
    if url:
        builder = builder.base_url(url)
    app = builder.build()
    app.bot_data["qa"] = QAService(settings, db, relay or Relay(settings, bot=app.bot, zalo=zalo_sender(settings, db),
                                                                   pacer=pacer, sender=sender),
                                   clock=clock)
    staff = staff_filter(str(tg.staff_chat_id))
    private = filters.ChatType.PRIVATE & ~staff
    app.add_handler(TypeHandler(Update, once), group=-1)
    app.add_handler(CommandHandler("start", start, filters=private))
    app.add_handler(CommandHandler(["trangthai", "status"], status, filters=private))
    app.add_handler(CommandHandler("xem", staff_show, filters=staff))
    app.add_handler(CommandHandler(["help", "trogiup", "huongdan"], help_staff, filters=staff))
    app.add_handler(CommandHandler(["help", "trogiup", "huongdan"], help_citizen, filters=private))
    app.add_handler(CallbackQueryHandler(callback, pattern=r"^qa:"))
    app.add_handler(MessageHandler(staff & filters.REPLY & (filters.TEXT | filters.CAPTION) & ~filters.COMMAND,
                                   staff_reply))
    app.add_handler(MessageHandler(private & ((filters.TEXT & ~filters.COMMAND) | filters.PHOTO | filters.Document.ALL),
                                   citizen_message))
    app.add_handler(MessageHandler(private & filters.COMMAND, unknown_command))
    app.add_handler(MessageHandler(private & ~filters.COMMAND & ~filters.StatusUpdate.ALL, unsupported))
    app.add_error_handler(on_error)
    return app
