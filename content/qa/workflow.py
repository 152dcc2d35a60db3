"""The citizens' Q&A state machine and its operations.

    received ──assign──► assigned ──answer──► answered
       │  └──────────answer───────────────────▲
       └──reject (reason)──► rejected ◄──reject── assigned

Consent (citizen) and "public" (staff) are flags beside the state; a question goes into the
weekly column only when answered, consented and marked public. Every action is recorded in
`qa_events`. Functions take the session and the time and never commit; errors are `QAError`
subclasses with a Vietnamese message. Deadlines, statistics and retention: content.qa.stats (re-exported here).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from content.errors import LoaError
from content.qa.models import (OPEN_STATES, STATE_NAMES, Attachment, Citizen, Question, QuestionEvent,
                               StaffMessage)
from content.qa.privacy import scrub
from content.qa.stats import DueQuestion, due_questions, qa_stats  # noqa: F401 - the Q&A face for its callers
from content.config import Settings
from content.text import as_utc, nfc
from content.calendar.workdays import add_working_days

CODE_PREFIX = "HD"
CODE_RE = re.compile(r"\bHD-(\d{4})-(\d{6})\b", re.IGNORECASE)
ZALO_WINDOW = timedelta(hours=48)
_COMPLAINT = re.compile(r"\b(khiếu\s*nại|tố\s*cáo|tố\s*giác|đơn\s+khiếu|khieu\s*nai|to\s*cao|to\s*giac)\b",
                        re.IGNORECASE)


class QAError(LoaError):
    """A Q&A request that cannot be done; the message is Vietnamese."""


class NotFound(QAError):
    """No question with that code (or not this citizen's)."""


class BadState(QAError):
    """The question is not in a state that allows the action."""


class NotAllowed(QAError):
    """The person is not among the staff allowed to act on questions."""


class Refused(QAError):
    """A citizen's message that does not open a question; `reason` says why."""

    def __init__(self, reason: str, message: str = ""):
        super().__init__(message or reason)
        self.reason = reason   # "empty" | "too_long" | "out_of_scope" | "rate_limited"


@dataclass(frozen=True)
class Incoming:
    """A citizen's message as the bots see it."""

    channel: str                 # telegram | zalo
    external_id: str             # the chat (Telegram) or user id (Zalo) to answer to
    text: str
    display_name: str = ""
    phone: str = ""
    attachments: tuple[tuple[str, str], ...] = ()   # (kind, file_id or URL)
    forwarded_from: str = ""     # a forwarded message: its origin as Telegram tells it (staff only)


def is_complaint(text: str) -> bool:
    """Complaints and denunciations (khiếu nại, tố cáo) follow their own legal procedure."""
    return bool(_COMPLAINT.search(unicodedata.normalize("NFC", text)))


def is_staff(settings: Settings, user_id: object) -> bool:
    allowed = {str(u) for u in settings.channel("telegram").staff_user_ids}
    return str(user_id) in allowed


def record(session: Session, q: Question | None, actor: str, action: str, detail: str = "", *,
           now: datetime) -> None:
    session.add(QuestionEvent(question_id=q.id if q is not None else None, at=now, actor=actor,
                              action=action, detail=detail))


# A notice that could not reach the citizen is tried again after these waits, then given up.
NOTICE_RETRY_MINUTES = (1, 5, 15, 60, 240)


def notice_outcome(session: Session, q: Question, action: str, where: str, *, now: datetime,
                   error: str = "", retryable: bool = False) -> str:
    """Record how the notice of `action` reached the citizen (`where`: sent, outbox, no_citizen,
    failed). A failure is owed and retried later when `retryable`, until the waits run out.
    Returns the question's notice state afterwards: "done", "owed" or "failed"."""
    record(session, q, "loa", "notified", f"{action}: {where}", now=now)
    if where != "failed":
        q.notice_state, q.notice_attempts, q.notice_next_at, q.notice_error = None, 0, None, None
        return "done"
    q.notice_attempts = (q.notice_attempts or 0) + 1
    q.notice_error = error[:1000]
    if retryable and q.notice_attempts <= len(NOTICE_RETRY_MINUTES):
        q.notice_state = "owed"
        q.notice_next_at = now + timedelta(minutes=NOTICE_RETRY_MINUTES[q.notice_attempts - 1])
    else:
        q.notice_state, q.notice_next_at = "failed", None
    return q.notice_state


def owed_notices(session: Session, now: datetime, limit: int = 20) -> list[int]:
    """Questions whose last notice to the citizen is due to be tried again."""
    return list(session.scalars(select(Question.id).where(
        Question.notice_state == "owed", Question.notice_next_at <= now, Question.erased_at.is_(None))
        .order_by(Question.notice_next_at).limit(limit)))


def format_code(year: int, seq: int) -> str:
    return f"{CODE_PREFIX}-{year}-{seq:06d}"


def normalise_code(text: str) -> str | None:
    m = CODE_RE.search(nfc(text or "").strip())
    return format_code(int(m.group(1)), int(m.group(2))) if m else None


def _find_citizen(session: Session, channel: str, external_id: str) -> Citizen | None:
    return session.scalar(select(Citizen).where(Citizen.channel == channel,
                                                Citizen.external_id == str(external_id)))


def citizen_for(session: Session, inc: Incoming, now: datetime) -> Citizen:
    c = _find_citizen(session, inc.channel, inc.external_id)
    if c is None:
        c = Citizen(channel=inc.channel, external_id=str(inc.external_id), display_name=inc.display_name[:200],
                    phone=inc.phone[:40], created_at=now, last_message_at=now)
        try:
            with session.begin_nested():
                session.add(c)
                session.flush()
            return c
        except IntegrityError:   # another instance added the same citizen just now
            c = _find_citizen(session, inc.channel, inc.external_id)
    if c is not None:
        c.last_message_at = now
        if inc.display_name:
            c.display_name = inc.display_name[:200]
        if inc.phone:
            c.phone = inc.phone[:40]
    return c


def touch(session: Session, channel: str, external_id: str, now: datetime) -> None:
    """A known citizen wrote again (a consent reply, a status request, a refused message): on
    Zalo that reopens the free 48-hour reply window."""
    c = _find_citizen(session, channel, external_id)
    if c is not None and (c.last_message_at is None or as_utc(c.last_message_at) < as_utc(now)):
        c.last_message_at = now


def receive(session: Session, settings: Settings, inc: Incoming, *, now: datetime) -> Question:
    """Open a question for a citizen's message, or raise Refused with the reason."""
    text = nfc(inc.text or "").replace("\r\n", "\n").strip()
    citizen = citizen_for(session, inc, now)
    if not any(ch.isalnum() for ch in text):     # nothing, or only emoji, stickers' stand-ins, punctuation
        raise Refused("empty")
    limit = settings.qa.max_chars
    if len(text) > limit:
        raise Refused("too_long")
    if is_complaint(text):
        raise Refused("out_of_scope")
    rate = settings.qa.rate_per_hour
    recent = session.scalar(select(func.count(Question.id)).where(
        Question.citizen_id == citizen.id, Question.received_at > now - timedelta(hours=1)))
    if recent >= rate:
        raise Refused("rate_limited")
    local = as_utc(now).astimezone(settings.tz)
    due = add_working_days(local.date(), settings.qa.answer_working_days, settings.holidays)
    follows = normalise_code(text)
    q = _insert_numbered(session, local.year, dict(
        citizen_id=citizen.id, channel=inc.channel, state="received", text=text, follows_code=follows,
        received_at=now, due_on=due, unit="", public=False, forwarded_from=inc.forwarded_from[:200] or None))
    for kind, file_id in inc.attachments:
        session.add(Attachment(question_id=q.id, kind=kind, file_id=file_id, created_at=now))
    record(session, q, f"{inc.channel}:citizen", "received", f"{len(text)} ký tự, {len(inc.attachments)} tệp",
           now=now)
    return q


def _insert_numbered(session: Session, year: int, fields: dict) -> Question:
    """Insert with the next sequence number of the year; a clash (another instance) retries."""
    for _ in range(20):
        seq = (session.scalar(select(func.max(Question.seq)).where(Question.year == year)) or 0) + 1
        q = Question(year=year, seq=seq, code=format_code(year, seq), **fields)
        try:
            with session.begin_nested():
                session.add(q)
                session.flush()
            return q
        except IntegrityError:
            continue
    raise QAError("Không cấp được mã câu hỏi (xung đột lặp lại); hãy thử lại.")


def get(session: Session, code: str) -> Question:
    norm = normalise_code(code)
    q = session.scalar(select(Question).where(Question.code == norm)) if norm else None
    if q is None:
        raise NotFound(f"Không có câu hỏi mã “{code}”.")
    return q


def citizen_of(session: Session, q: Question) -> Citizen | None:
    return session.get(Citizen, q.citizen_id) if q.citizen_id else None


def owned_by(session: Session, code: str, channel: str, external_id: str) -> Question:
    """The citizen's own question (others' codes look the same as unknown ones)."""
    try:
        q = get(session, code)
    except NotFound:
        raise NotFound(f"Không có câu hỏi mã “{code}”.") from None
    c = citizen_of(session, q)
    if c is None or c.channel != channel or c.external_id != str(external_id):
        raise NotFound(f"Không có câu hỏi mã “{code}”.")
    return q


def _open(q: Question, action: str) -> None:
    if q.state not in OPEN_STATES:
        raise BadState(f"Câu hỏi {q.code} đang ở trạng thái “{STATE_NAMES[q.state]}”, không thể {action}.")


def assign(session: Session, q: Question, unit: str, *, by: str, now: datetime) -> None:
    unit = nfc(unit).strip()
    if not unit:
        raise QAError("Hãy ghi tên đơn vị nhận chuyển.")
    _open(q, "chuyển đơn vị")
    q.state, q.unit, q.assigned_at = "assigned", unit[:300], now
    record(session, q, by, "assigned", unit, now=now)


def answer(session: Session, q: Question, text: str, *, by: str, now: datetime) -> None:
    text = nfc(text).strip()
    if not text:
        raise QAError("Câu trả lời không được để trống.")
    _open(q, "trả lời")
    q.state, q.answer, q.answered_by, q.answered_at = "answered", text, by, now
    record(session, q, by, "answered", f"{len(text)} ký tự", now=now)


def correct_answer(session: Session, q: Question, text: str, *, by: str, now: datetime) -> None:
    """Replace the answer already given (the citizen is sent the corrected answer)."""
    text = nfc(text).strip()
    if not text:
        raise QAError("Câu trả lời không được để trống.")
    if q.state != "answered":
        raise BadState(f"Câu hỏi {q.code} chưa được trả lời: hãy trả lời thay vì đính chính.")
    if text == (q.answer or ""):
        raise QAError(f"Câu trả lời mới giống hệt câu trả lời đã gửi cho câu hỏi {q.code}.")
    q.answer, q.answered_by, q.answered_at = text, by, now
    record(session, q, by, "answer_corrected", f"{len(text)} ký tự", now=now)


def amend_answer(session: Session, q: Question, text: str, *, by: str, now: datetime) -> None:
    """Add to the answer already given ("Bổ sung"): the citizen is sent the addition, marked as
    such; the stored answer (and the column) carries both."""
    text = nfc(text).strip()
    if not text:
        raise QAError("Nội dung bổ sung không được để trống.")
    if q.state != "answered":
        raise BadState(f"Câu hỏi {q.code} chưa được trả lời: hãy trả lời thay vì bổ sung.")
    q.answer = f"{q.answer or ''}\n\nBổ sung: {text}".strip()
    record(session, q, by, "answer_amended", f"{len(text)} ký tự", now=now)


def reject(session: Session, q: Question, reason: str, *, by: str, now: datetime) -> None:
    reason = nfc(reason).strip()
    if not reason:
        raise QAError("Hãy ghi lý do từ chối.")
    _open(q, "từ chối")
    q.state, q.reject_reason = "rejected", reason
    record(session, q, by, "rejected", reason, now=now)


def known_names(session: Session, q: Question) -> list[str]:
    """Names Loa knows that may appear in the question: the citizen's own and, for a forwarded
    message, its origin's."""
    c = citizen_of(session, q)
    return [n for n in ((c.display_name if c else ""), q.forwarded_from or "") if n]


def default_public_text(session: Session, q: Question) -> str:
    return scrub(q.text, known_names(session, q))


def mark_public(session: Session, q: Question, *, by: str, now: datetime, public: bool = True,
                public_text: str | None = None, public_answer: str | None = None) -> None:
    """Staff allow (or stop) publication; the public text defaults to the scrubbed question."""
    if q.state == "rejected" and public:
        raise BadState(f"Câu hỏi {q.code} đã bị từ chối, không công khai được.")
    if public_text is not None:
        q.public_text = nfc(public_text).strip() or None
    elif public and q.public_text is None:
        q.public_text = default_public_text(session, q)
    if public_answer is not None:
        q.public_answer = nfc(public_answer).strip() or None
    q.public, q.public_by, q.public_at = public, by, now
    record(session, q, by, "public" if public else "private",
           "sửa nội dung công khai" if public_text is not None else "", now=now)


def set_consent(session: Session, q: Question, yes: bool, *, now: datetime, by: str = "citizen") -> None:
    q.consent, q.consent_at = bool(yes), now
    record(session, q, by, "consent_yes" if yes else "consent_no", now=now)


def refuse(session: Session, q: Question | None, actor: str, attempted: str, *, now: datetime) -> None:
    """Log an attempt by someone who is not staff."""
    record(session, q, actor, "refused", attempted, now=now)


def add_staff_message(session: Session, q: Question, chat_id: object, message_id: int, purpose: str, *,
                      now: datetime) -> None:
    if q.erased_at is not None:
        if purpose != "card":
            return
        purpose = "erased"     # erased while its card was on its way: clean it up too
    session.merge(StaffMessage(chat_id=str(chat_id), message_id=int(message_id), question_id=q.id,
                               purpose=purpose, created_at=now))


def awaiting_card(session: Session, chat_id: object, limit: int = 50) -> list[int]:
    """Open questions that have no card in the staff chat `chat_id` yet, oldest first."""
    carded = select(StaffMessage.question_id).where(StaffMessage.chat_id == str(chat_id),
                                                    StaffMessage.purpose == "card")
    return list(session.scalars(select(Question.id).where(Question.state.in_(OPEN_STATES),
                                                          Question.erased_at.is_(None),
                                                          Question.card_failed_at.is_(None),
                                                          Question.id.not_in(carded))
                                .order_by(Question.received_at, Question.id).limit(limit)))


def card_refused(session: Session, q: Question, error: str, *, now: datetime) -> None:
    """The staff chat refused this question's card for what the message is (not for the chat):
    it is not tried again, so the cards after it are not held up; staff are told once."""
    q.card_error, q.card_failed_at = (error or "?")[:1000], now
    record(session, q, "loa", "card_refused", q.card_error, now=now)


@dataclass(frozen=True)
class ErasedCard:
    """A staff-chat message that still shows an erased question as the citizen wrote it."""

    chat_id: str
    message_id: int
    code: str
    text: str            # the question as kept after erasure (scrubbed)


def erased_cards(session: Session, limit: int = 50) -> list[ErasedCard]:
    rows = session.execute(select(StaffMessage, Question).join(Question, Question.id == StaffMessage.question_id)
                           .where(StaffMessage.purpose == "erased").order_by(StaffMessage.created_at).limit(limit))
    return [ErasedCard(sm.chat_id, sm.message_id, q.code, q.text) for sm, q in rows]


def staff_message_cleaned(session: Session, chat_id: str, message_id: int) -> None:
    """The staff-chat message has been cleaned (or cannot be): no more attempts; a reply to it
    is still recognised, and told the question was erased."""
    session.execute(update(StaffMessage).where(StaffMessage.chat_id == str(chat_id),
                                               StaffMessage.message_id == int(message_id))
                    .values(purpose="cleaned"))


def attachments_of(session: Session, q: Question) -> list[tuple[str, str]]:
    """(kind, file_id) of what the citizen attached, in the order received."""
    rows = session.scalars(select(Attachment).where(Attachment.question_id == q.id).order_by(Attachment.id))
    return [(a.kind, a.file_id) for a in rows if a.file_id]


def staff_message(session: Session, chat_id: object, message_id: int) -> tuple[Question, str] | None:
    sm = session.get(StaffMessage, (str(chat_id), int(message_id)))
    if sm is None:
        return None
    return session.get(Question, sm.question_id), sm.purpose


def zalo_window_left(session: Session, q: Question, now: datetime) -> timedelta | None:
    """Time left in Zalo's free 48-hour reply window (negative: closed); None off Zalo."""
    c = citizen_of(session, q)
    if q.channel != "zalo" or c is None:
        return None
    return as_utc(c.last_message_at) + ZALO_WINDOW - now


def erase(session: Session, q: Question, *, by: str, now: datetime) -> None:
    """Remove a question's personal data and words from the database (Law 91/2025/QH15, the
    right to delete): the citizen's text, the public text, the answer and the refusal reason
    (which may quote or name the citizen), who a forwarded message came from, attachments, the
    link to the citizen (and the citizen, when no other question is left). Dates, states and
    the unit stay, for statistics. Erasing again changes nothing.

    What Loa wrote elsewhere is taken back by the callers: the staff chat (`erased_cards`) and
    the weekly column it went into (`content.qa.column.columns_to_fix`, `bot.qa.erasure`)."""
    c = citizen_of(session, q)
    q.text, q.public_text, q.answer, q.public_answer, q.reject_reason = "", None, None, None, None
    q.forwarded_from, q.notice_error, q.card_error = None, None, None
    q.public, q.notice_state, q.notice_next_at = False, None, None
    q.citizen_id = None
    first = q.erased_at is None
    q.erased_at = q.erased_at or now
    session.execute(delete(Attachment).where(Attachment.question_id == q.id))
    session.execute(update(QuestionEvent).where(QuestionEvent.question_id == q.id,
                                                QuestionEvent.action.in_(("rejected", "assigned", "card_refused")))
                    .values(detail=""))
    # The cards (and forwarded attachments) in the staff chat still show the citizen's words:
    # they stay listed as "erased" until the bot has edited or deleted them (`erased_cards`).
    session.execute(delete(StaffMessage).where(StaffMessage.question_id == q.id,
                                               StaffMessage.purpose.not_in(("card", "erased", "cleaned"))))
    session.execute(update(StaffMessage).where(StaffMessage.question_id == q.id, StaffMessage.purpose == "card")
                    .values(purpose="erased"))
    session.flush()
    if c is not None and not session.scalar(select(func.count(Question.id)).where(Question.citizen_id == c.id)):
        session.delete(c)
    if first:
        record(session, q, by, "erased", now=now)


def purge_expired(session: Session, settings: Settings, now: datetime) -> int:
    """Erase personal data of questions received more than `retention_days` ago; also drop
    citizens left without questions whose last message is that old. Returns questions erased."""
    cutoff = now - timedelta(days=settings.qa.retention_days)
    old = session.scalars(select(Question).where(Question.received_at < cutoff, Question.erased_at.is_(None))).all()
    for q in old:
        erase(session, q, by="retention", now=now)
        # The column it appeared in (anonymised, with the citizen's consent) stays as published:
        # the retention period is about personal data, not about the public record.
        q.item_id = None
    linked = select(Question.citizen_id).where(Question.citizen_id.is_not(None))
    for c in session.scalars(select(Citizen).where(Citizen.last_message_at < cutoff, Citizen.id.not_in(linked))):
        session.delete(c)
    return len(old)
