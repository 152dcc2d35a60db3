"""The Q&A flow shared by the Telegram bot, the Zalo webhook and the CLI: take a citizen's
message, acknowledge it, post the card to staff, route staff actions and tell the citizen
every change. Database work runs in a worker thread (one transaction each) so the event loop
stays responsive; sending happens after the transaction has committed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable

from sqlalchemy import select

from bot.qa import texts as T
from bot.qa.relay import Delivery, Relay, StaffPost
from channels.sending import ACK, REFUSAL
from content.qa import replay
from content.qa import workflow as qa
from content.db import Database
from content.qa.models import Attachment, Citizen, Question
from content.config import Settings
from content.render.sms import unaccent
from content.text import as_utc, fmt_datetime, nfc, now_utc

log = logging.getLogger("loa.qa")
STAFF_ACTIONS = ("answer", "assign", "reject", "public", "public_text")
_CONSENT = re.compile(r"^\s*(đồng ý|dong y|đồng ý công khai|dong y cong khai|có|co|yes|không|khong|no|"
                      r"không đồng ý|khong dong y)\s*[.!]?\s*(HD-\d{4}-\d{6})?\s*[.!]?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Actor:
    """Who acts on a question: a staff member's Telegram id and name, or a CLI user."""

    id: str
    name: str = ""
    trusted: bool = False        # the CLI: whoever runs it has the database already

    @property
    def label(self) -> str:
        return f"{self.id} ({self.name})" if self.name else self.id


def CARD_BUTTONS(question_id: int) -> list[list[tuple[str, str]]]:  # noqa: N802 - a constant table
    return [[(T.BTN_ANSWER, f"qa:s:answer:{question_id}"), (T.BTN_ASSIGN, f"qa:s:assign:{question_id}")],
            [(T.BTN_REJECT, f"qa:s:reject:{question_id}"), (T.BTN_PUBLIC, f"qa:s:public:{question_id}")],
            [(T.BTN_AMEND, f"qa:s:amend:{question_id}"), (T.BTN_CORRECT, f"qa:s:correct:{question_id}")]]


def _refuse_card(s, question_id: int, error: str, now: datetime) -> str:  # noqa: ANN001
    q = s.get(Question, question_id)
    qa.card_refused(s, q, error, now=now)
    return q.code


class _NotYours(Exception):
    """A consent button pressed by someone other than the question's author."""


_AFTER_ANSWER = re.compile(r"^\s*(bổ sung|bo sung|đính chính|dinh chinh)\s*[:：-]\s*(.+)$", re.IGNORECASE | re.DOTALL)


class QAService:
    def __init__(self, settings: Settings, db: Database, relay: Relay, *,
                 clock: Callable[[], datetime] = now_utc):
        self.settings, self.db, self.relay, self.clock = settings, db, relay, clock
        self._locks: dict[tuple[str, str], asyncio.Lock] = {}
        self._posting = 0                      # staff posts sent but not yet routed in the DB
        self._routed = asyncio.Event()
        self._routed.set()
        self._cards: asyncio.Task | None = None    # posts the staff cards still missing
        self._cards_again = False
        self._stopping = False
        self._cleaning = asyncio.Lock()

    @contextlib.asynccontextmanager
    async def _staff_post(self):  # noqa: ANN202
        """Around "send to staff, then store the routing": a reply arriving meanwhile waits."""
        self._posting += 1
        self._routed.clear()
        try:
            yield
        finally:
            self._posting -= 1
            if self._posting == 0:
                self._routed.set()

    def _tx(self, fn: Callable[..., Any], *args: Any, **kw: Any) -> Any:
        with self.db.session() as s:
            return fn(s, *args, **kw)

    async def run(self, fn: Callable[..., Any], *args: Any, **kw: Any) -> Any:
        return await asyncio.to_thread(self._tx, fn, *args, **kw)

    # -- citizens ------------------------------------------------------------------------------

    async def first_delivery(self, source: str, key: str) -> bool:
        """Whether this delivery (a Telegram update id, a Zalo message id) is new; it is
        recorded at once, so a repeat — now or after a restart — is recognised."""
        now = self.clock()
        return await self.run(lambda s: replay.claim(s, source, key, now))

    async def citizen_message(self, inc: qa.Incoming) -> Question | None:
        """A citizen's message → a question (acknowledged, carded to staff) or a polite refusal.
        One citizen's messages are taken one at a time (in order; the rate limit holds)."""
        key = (inc.channel, str(inc.external_id))
        lock = self._locks.setdefault(key, asyncio.Lock())
        try:
            async with lock:
                return await self._citizen_message(inc)
        finally:
            if not lock.locked() and len(self._locks) > 10000:   # keep the map small
                self._locks.pop(key, None)

    async def _citizen_message(self, inc: qa.Incoming) -> Question | None:
        try:
            now = self.clock()
            q = await self.run(lambda s: qa.receive(s, self.settings, inc, now=now))
        except qa.Refused as r:
            await self.run(qa.touch, inc.channel, inc.external_id, now)    # rolled back with the refusal
            await self.relay.queue_to_citizen(inc.channel, inc.external_id, self._refusal(r.reason), priority=REFUSAL)
            return None
        zalo = inc.channel == "zalo"
        buttons = None if zalo else [[(T.BTN_CONSENT_YES, f"qa:c:{q.id}:y"), (T.BTN_CONSENT_NO, f"qa:c:{q.id}:n")]]
        # queued, not awaited: under a burst the handler is free again at once, and the
        # acknowledgements go before the staff cards and the publications
        await self.relay.queue_to_citizen(inc.channel, inc.external_id, T.ack(q, zalo=zalo), buttons=buttons,
                                          priority=ACK)
        self.cards_due()
        return q

    def _refusal(self, reason: str) -> str:
        if reason == "too_long":
            return T.too_long(self.settings.qa.max_chars)
        if reason == "out_of_scope":
            return T.out_of_scope(self.settings)
        if reason == "rate_limited":
            return T.rate_limited(self.settings.qa.rate_per_hour)
        return T.need_text()

    # -- staff cards ---------------------------------------------------------------------------
    # The card is posted apart from the citizen's acknowledgement: Telegram lets a bot write
    # only 20 messages a minute into a group, so under a burst the citizens are answered at
    # once and the cards follow at the pace the staff chat allows. A card that could not be
    # posted (staff chat unreachable) stays owed: `cards_due()` runs again on the next
    # question and every few minutes from `serve()`.

    def cards_due(self) -> None:
        """Post the staff cards still missing, in the background, one at a time, oldest first."""
        if self._cards is None or self._cards.done():
            self._cards = asyncio.get_running_loop().create_task(self._post_missing_cards())
        else:
            self._cards_again = True

    async def clean_erased(self) -> list[str]:
        """Take erased questions out of the staff chat: each card is edited to the anonymised
        text, each forwarded photo or file deleted. Returns the codes whose attachments Telegram
        would not let the bot delete (too old), for staff to remove by hand; what failed for a
        passing reason stays listed and is tried again next time."""
        if self.relay.bot is None:
            return []
        manual: list[str] = []
        async with self._cleaning:
            for card in await self.run(qa.erased_cards):
                outcome = await self.relay.scrub_staff(card.chat_id, card.message_id,
                                                       T.erased_card(card.code, card.text))
                if outcome == "retry":
                    break
                if outcome == "manual" and card.code not in manual:
                    manual.append(card.code)
                await self.run(qa.staff_message_cleaned, card.chat_id, card.message_id)
        return manual

    async def close(self, grace: float = 10.0) -> None:
        """Stop posting cards (those left stay owed and are posted after the next start). The
        card being sent is let finish (up to `grace` seconds), so that what reached the staff
        chat is also recorded — else the next start would post it a second time."""
        self._stopping = True
        await self.relay.drain(grace)          # acknowledgements already queued still go
        if self._cards is not None and not self._cards.done():
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError, Exception):
                await asyncio.wait_for(asyncio.shield(self._cards), grace)
            if not self._cards.done():
                self._cards.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._cards

    async def _post_missing_cards(self) -> None:
        if not self.relay.staff_chat or self.relay.bot is None:
            return
        try:
            while True:
                self._cards_again = False
                for qid in await self.run(lambda s: qa.awaiting_card(s, self.relay.staff_chat)):
                    if self._stopping:
                        return
                    posted = await self.post_card(qid)
                    if posted.ok:
                        continue
                    if posted.about_message:        # this card can never go: tell staff, go on
                        await self._card_refused(qid, posted.error)
                        continue
                    log.warning("staff card for question %s not posted; will try again", qid)
                    return                           # the chat is unreachable: all stay owed
                if not self._cards_again:
                    return
        except Exception:  # noqa: BLE001 - the cards stay owed; the next round tries again
            log.exception("posting staff cards failed")

    async def _card_refused(self, question_id: int, error: str) -> None:
        now = self.clock()
        code = await self.run(lambda s: _refuse_card(s, question_id, error, now))
        log.error("the staff chat refused the card of question %s (%s); the next cards go on", code, error)
        await self.relay.to_staff(T.card_refused(code, error))

    async def post_card(self, question_id: int) -> StaffPost:
        async with self._staff_post():
            return await self._post_card(question_id)

    async def _post_card(self, question_id: int) -> StaffPost:
        q, atts = await self.run(lambda s: (s.get(Question, question_id),
                                            qa.attachments_of(s, s.get(Question, question_id))))
        until = as_utc(q.received_at) + qa.ZALO_WINDOW if q.channel == "zalo" else None
        posted = await self.relay.post_staff(T.card(q, self.settings, len(atts), until), buttons=CARD_BUTTONS(q.id))
        if not posted.ok:
            return posted
        mid = posted.message_id
        ids = [(mid, "card")]
        for kind, file_id in atts:
            aid = await self.relay.staff_media(kind, file_id, q.code, reply_to=mid)
            if aid is not None:
                ids.append((aid, "card"))
        now = self.clock()
        await self.run(lambda s: [qa.add_staff_message(s, s.get(Question, q.id), self.relay.staff_chat, m, p, now=now)
                                  for m, p in ids])
        return posted

    async def show_full(self, actor: Actor, code: str, reply_to: int | None) -> str | None:
        """`/xem CODE` in the staff chat: the whole question, in as many messages as it takes;
        each is routed like the card (a reply to it answers the question)."""
        if not self.allowed(actor):
            return await self.refuse(actor, "xem", None)
        q = await self.run(lambda s: qa.get(s, code))
        if q.erased_at is not None:
            return T.erased_reply(q.code)
        async with self._staff_post():
            for part in T.full_text(q):
                mid = await self.relay.to_staff(part, reply_to=reply_to)
                if mid is None:
                    return T.esc(f"Không gửi được toàn văn câu hỏi {q.code} vào nhóm lúc này.")
                await self._route(q.id, mid, "card")
        return None

    async def status(self, channel: str, external_id: str, text: str) -> str:
        code = qa.normalise_code(text)
        if code is None:
            return T.status_usage()
        try:
            q = await self.run(lambda s: qa.owned_by(s, code, channel, external_id))
        except qa.NotFound:
            return T.not_found(code)
        return T.status(q, self.settings)

    async def consent(self, channel: str, external_id: str, question_id: int | None, yes: bool,
                      code: str | None = None) -> str:
        now = self.clock()

        def work(s):  # noqa: ANN001, ANN202
            if code:
                q = qa.owned_by(s, code, channel, external_id)
            elif question_id is not None:
                q = s.get(Question, question_id)
                if q is None:
                    raise qa.NotFound("?")
                try:
                    qa.owned_by(s, q.code, channel, external_id)
                except qa.NotFound:
                    raise _NotYours from None
            else:
                q = _latest(s, channel, external_id)
            qa.set_consent(s, q, yes, now=now, by=f"{channel}:citizen")
            return q.code
        try:
            found = await self.run(work)
        except _NotYours:
            return T.not_your_button()
        except qa.NotFound:
            return T.not_found(code or "")
        return T.consent_recorded(found, yes)

    async def zalo_text(self, user_id: str, text: str, display_name: str = "") -> None:
        """A Zalo text: a consent reply, a status request, or a new question."""
        text = nfc(text or "")
        m = _CONSENT.match(text)
        status = _fold(text).startswith(("/trangthai", "/status", "trang thai"))
        if m:
            yes = _fold(m.group(1)) in ("dong y", "dong y cong khai", "co", "yes")
            reply = await self.consent("zalo", user_id, None, yes, code=m.group(2))
            await self.relay.to_citizen("zalo", user_id, reply)
            return
        if status:
            await self.relay.to_citizen("zalo", user_id, await self.status("zalo", user_id, text))
            return
        await self.citizen_message(qa.Incoming("zalo", user_id, text, display_name=display_name))

    # -- staff -----------------------------------------------------------------------------------

    def allowed(self, actor: Actor) -> bool:
        return actor.trusted or qa.is_staff(self.settings, actor.id)

    async def refuse(self, actor: Actor, action: str, question_id: int | None) -> str:
        now = self.clock()
        await self.run(lambda s: qa.refuse(s, s.get(Question, question_id) if question_id else None,
                                           f"telegram:{actor.label}", action, now=now))
        return T.not_staff()

    async def act(self, actor: Actor, action: str, question: int | str, arg: str | None = None) -> str:
        """Do a staff action on a question (id or code); returns the staff-facing HTML reply.
        Raises qa.QAError for a request that cannot be done."""
        if not self.allowed(actor):
            return await self.refuse(actor, action, question if isinstance(question, int) else None)
        now = self.clock()
        by = actor.label if actor.trusted else f"telegram:{actor.label}"

        def work(s):  # noqa: ANN001, ANN202
            q = s.get(Question, question) if isinstance(question, int) else qa.get(s, question)
            if q is None:
                raise qa.NotFound(f"Không có câu hỏi số {question}.")
            if action == "answer":
                qa.answer(s, q, arg or "", by=by, now=now)
            elif action == "assign":
                qa.assign(s, q, arg or "", by=by, now=now)
            elif action == "reject":
                qa.reject(s, q, arg or "", by=by, now=now)
            elif action == "correct":
                qa.correct_answer(s, q, arg or "", by=by, now=now)
            elif action == "amend":
                qa.amend_answer(s, q, arg or "", by=by, now=now)
            elif action in ("public", "public_text"):
                qa.mark_public(s, q, by=by, now=now, public_text=arg if action == "public_text" else None)
            else:
                raise qa.QAError(f"Thao tác không hợp lệ: {action}")
            c = qa.citizen_of(s, q)
            return q, (c.channel, c.external_id) if c else None, qa.zalo_window_left(s, q, now)
        q, target, window = await self.run(work)
        if action == "public":
            return T.public_preview(q.code, q.public_text or "", q.consent)
        if action == "public_text":
            return T.done("public_text", q.code, "")
        delivery = await self._notify(q, target, action, arg or "")
        notice = await self.run(lambda s: qa.notice_outcome(
            s, s.get(Question, q.id), action, delivery.where, now=self.clock(), error=delivery.detail,
            retryable=delivery.retryable))
        reply = T.done({"answer": "answered", "assign": "assigned", "reject": "rejected", "correct": "corrected",
                        "amend": "amended"}[action],
                       q.code,
                       _delivered(delivery, q.channel))
        if notice == "owed":
            reply += " " + T.notice_owed()
        if window is not None and window.total_seconds() < 0 and action in ("answer", "correct", "amend"):
            reply += "\n" + T.zalo_window_warning(q.code, -window.total_seconds() / 3600)
        return reply

    def _notice_text(self, q: Question, action: str = "", added: str = "") -> str:
        """What the citizen is told about the question's current state; a correction or an
        addition to an answer already sent is marked as such."""
        if q.state == "answered" and action == "correct":
            return T.corrected(q, self.settings)
        if q.state == "answered" and action == "amend" and added:
            return T.amended(q, nfc(added).strip(), self.settings)
        if q.state == "answered":
            return T.answered(q, self.settings)
        if q.state == "rejected":
            return T.rejected(q, self.settings)
        return T.assigned(q)

    async def _notify(self, q: Question, target: tuple[str, str] | None, action: str = "",
                      added: str = "") -> Delivery:
        if target is None:
            return Delivery("no_citizen")
        return await self.relay.to_citizen(*target, self._notice_text(q, action, added))

    async def resend_owed(self) -> list[str]:
        """Try again the notices to citizens that failed for a passing reason and are due.
        Returns staff-facing lines (HTML) about each one delivered or given up."""
        now = self.clock()
        lines: list[str] = []
        for qid in await self.run(lambda s: qa.owed_notices(s, now)):
            lines += [line for line in [await self.resend(qid)] if line]
        return lines

    async def resend(self, question: int | str, *, force: bool = False) -> str | None:
        """Send the question's notice (its current state) to the citizen again; `force` also
        for a notice given up or already delivered (`loa qa resend`). Returns what staff should
        hear, or None when a retry failed again and stays owed."""
        def load(s):  # noqa: ANN001, ANN202
            q = s.get(Question, question) if isinstance(question, int) else qa.get(s, question)
            if q is None:
                raise qa.NotFound(f"Không có câu hỏi số {question}.")
            if q.state in qa.OPEN_STATES and q.state != "assigned":
                raise qa.QAError(f"Câu hỏi {q.code} chưa được trả lời: chưa có gì để gửi lại.")
            c = qa.citizen_of(s, q)
            return q, (c.channel, c.external_id) if c else None
        q, target = await self.run(load)
        if not force and q.notice_state != "owed":
            return None
        action = {"answered": "answer", "rejected": "reject", "assigned": "assign"}[q.state]
        delivery = await self._notify(q, target)
        notice = await self.run(lambda s: qa.notice_outcome(
            s, s.get(Question, q.id), f"{action} (gửi lại)", delivery.where, now=self.clock(),
            error=delivery.detail, retryable=delivery.retryable and not force))
        if notice == "done":
            return T.resent(q.code, _delivered(delivery, q.channel))
        if notice == "failed":
            return T.notice_given_up(q.code, delivery.detail)
        return None

    async def staff_reply(self, actor: Actor, chat_id: str, reply_to: int, text: str) -> str | None:
        """A reply in the staff chat: routed by the message it replies to (None: not ours)."""
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._routed.wait(), timeout=5)
        found = await self.run(lambda s: qa.staff_message(s, chat_id, reply_to))
        if found is None:
            return None
        q, purpose = found
        if purpose in ("erased", "cleaned"):
            return T.erased_reply(q.code)
        action = {"card": "answer", "attachment": "answer"}.get(purpose, purpose)
        if action == "answer" and q.state == "answered":
            # a reply to the card of a question already answered: an addition or a correction,
            # said so in so many words; otherwise staff are told how (nothing is sent twice)
            m = _AFTER_ANSWER.match(nfc(text or ""))
            if m is None:
                return T.already_answered(q.code)
            action, text = ("amend" if _fold(m.group(1)).startswith("bo") else "correct"), m.group(2)
        return await self.act(actor, action, q.id, text)

    async def prompt(self, actor: Actor, purpose: str, question_id: int, reply_to: int | None) -> str | None:
        """Staff pressed a button needing text: post a prompt to reply to, routed like the card."""
        if not self.allowed(actor):
            return await self.refuse(actor, purpose, question_id)
        q = await self.run(lambda s: s.get(Question, question_id))
        if q is None:
            return T.esc(f"Không có câu hỏi số {question_id}.")
        async with self._staff_post():
            mid = await self.relay.to_staff(T.prompt(purpose, q.code), reply_to=reply_to, force_reply=True)
            if mid is not None:
                await self._route(q.id, mid, purpose)
        return None

    async def _route(self, question_id: int, message_id: int, purpose: str) -> None:
        now = self.clock()
        await self.run(lambda s: qa.add_staff_message(s, s.get(Question, question_id), self.relay.staff_chat,
                                                      message_id, purpose, now=now))

    async def post_preview(self, actor: Actor, question_id: int, reply_to: int | None) -> None:
        """"Công khai": mark public and show staff the anonymised text, which they may edit by reply."""
        async with self._staff_post():
            text = await self.act(actor, "public", question_id)
            mid = await self.relay.to_staff(text, reply_to=reply_to)
            if mid is not None and self.allowed(actor):
                await self._route(question_id, mid, "public_text")

    def window_text(self, q: Question) -> str:
        return T.zalo_window_soon(q.code, fmt_datetime(as_utc(q.received_at) + qa.ZALO_WINDOW, self.settings.tz))


def _delivered(delivery: Delivery, channel: str) -> str:
    """For staff: how the notice reached the citizen (or why it did not)."""
    return T.delivered(delivery.where if delivery.where in ("sent", "no_citizen") else delivery.describe(), channel)


def _latest(s, channel: str, external_id: str) -> Question:  # noqa: ANN001
    q = s.scalar(select(Question).join(Citizen, Citizen.id == Question.citizen_id)
                 .where(Citizen.channel == channel, Citizen.external_id == str(external_id))
                 .order_by(Question.received_at.desc(), Question.id.desc()).limit(1))
    if q is None:
        raise qa.NotFound("")
    return q


def _fold(text: str) -> str:
    """Lower case without diacritics ("Đồng ý" → "dong y")."""
    return unaccent(text.strip().lower())


__all__ = ["Actor", "QAService", "Attachment"]
