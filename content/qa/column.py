"""The weekly "Dân hỏi – Chính quyền trả lời" column: answered questions that the citizen agreed
to publish and staff marked public, anonymised, as one content item (portal + radio).

`compose_column` returns the NewItem (or None when nothing qualifies) and does not write;
`column_item` creates the item and records on each question which item it went into, so a
question is published once. Staff mark questions public one by one ("Công khai"), but the
column goes through a leader's approval like any other item: it is created as a draft, its
body (the scrubbed texts) is what the leader reviews (`loa item show`, the web console).

A question erased later (`loa qa erase`) must leave its column too: `columns_to_fix` finds the
column items whose body still carries an erased question's code, `body_without_erased` gives
the body without it (None when no question is left) — `bot.qa.erasure` applies that to the item
and to the channels it went out on.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from content.items.workflow import NewItem, create_item
from content.models import Item
from content.qa.models import Citizen, Question
from content.qa.privacy import scrub
from content.config import Settings
from content.text import fmt_date

TITLE = "Dân hỏi – Chính quyền trả lời"
CHANNELS = ("portal", "radio")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~!{}])")


def md_escape(text: str) -> str:
    """Citizen text as literal Markdown: no emphasis, links, headings, lists or HTML."""
    out = _MD_SPECIAL.sub(r"\\\1", text)
    out = re.sub(r"(?m)^(\s*)(\d+)([.)])", r"\1\2\\\3", out)   # "1." would start a list
    out = re.sub(r"(?m)^(\s*)([-+=])", r"\1\\\2", out)
    return out


def eligible(session: Session, now: datetime) -> list[Question]:
    return list(session.scalars(select(Question).where(
        Question.state == "answered", Question.consent.is_(True), Question.public.is_(True),
        Question.item_id.is_(None), Question.erased_at.is_(None), Question.answered_at <= now)
        .order_by(Question.answered_at, Question.id)))


def public_pair(session: Session, q: Question) -> tuple[str, str]:
    """(question, answer) as published: staff's edited text, else the scrubbed original."""
    c = session.get(Citizen, q.citizen_id) if q.citizen_id else None
    names = [n for n in ((c.display_name if c else ""), q.forwarded_from or "") if n]
    question = q.public_text if q.public_text else scrub(q.text, names)
    answer = q.public_answer if q.public_answer else scrub(q.answer or "", names)
    return question, answer


def column_body(session: Session, settings: Settings, week_start: date, questions: list[Question]) -> str:
    """The column's Markdown body for these questions (anonymised; staff's edited text first)."""
    week_end = week_start + timedelta(days=6)
    lines = [f"Chuyên mục “{TITLE}” tuần {fmt_date(week_start)} – {fmt_date(week_end)}: "
             f"{settings.unit.name} trả lời {len(questions)} câu hỏi của người dân. "
             "Thông tin cá nhân của người hỏi đã được lược bỏ; câu hỏi chỉ được đăng khi người hỏi đồng ý.", ""]
    for i, q in enumerate(questions, 1):
        question, answer = public_pair(session, q)
        lines += [f"### Câu hỏi {i} ({q.code}, gửi ngày {fmt_date(q.received_at, settings.tz)})", "",
                  f"**Hỏi:** {md_escape(question)}", "", f"**Trả lời:** {md_escape(answer)}", ""]
    hotline = settings.unit.hotline
    contact = ", ".join(x for x in (f"điện thoại {hotline.phone}" if hotline.phone else "",
                                    f"email {hotline.email}" if hotline.email else "") if x)
    lines.append("Bà con có câu hỏi về thủ tục hành chính xin gửi qua Telegram, Zalo của "
                 f"{settings.unit.name}" + (f" hoặc đường dây nóng ({contact})" if contact else "") + ".")
    return "\n".join(lines)


def compose_column(session: Session, settings: Settings, week_start: date, now: datetime) -> NewItem | None:
    questions = eligible(session, now)
    if not questions:
        return None
    week_end = week_start + timedelta(days=6)
    return NewItem(
        title=f"{TITLE}: bản tin tuần {fmt_date(week_start)} – {fmt_date(week_end)}",
        body=column_body(session, settings, week_start, questions), channels=CHANNELS,
        summary=f"{len(questions)} câu hỏi của người dân đã được trả lời trong tuần.",
        source="qa", source_key=f"qa-column:{week_start.isoformat()}", created_by="loa-qa",
    )


def column_item(session: Session, settings: Settings, week_start: date, now: datetime) -> Item | None:
    """Create the week's column item (a draft, for a leader to approve) and link its questions
    to it; idempotent per week."""
    existing = session.scalar(select(Item).where(Item.source_key == f"qa-column:{week_start.isoformat()}"))
    if existing is not None:
        return existing
    new = compose_column(session, settings, week_start, now)
    if new is None:
        return None
    questions = eligible(session, now)
    item = create_item(session, new, now=now, require_approval=True)
    for q in questions:
        q.item_id = item.id
    return item


def _week_of(item: Item) -> date | None:
    key = item.source_key or ""
    try:
        return date.fromisoformat(key.split(":", 1)[1]) if key.startswith("qa-column:") else None
    except ValueError:
        return None


def columns_to_fix(session: Session) -> list[int]:
    """Column items whose body still carries the code of a question erased since."""
    rows = session.execute(select(Item, Question.code).join(Question, Question.item_id == Item.id)
                           .where(Question.erased_at.is_not(None), Item.source == "qa")).all()
    return sorted({item.id for item, code in rows if code in (item.body or "")})


def body_without_erased(session: Session, settings: Settings, item: Item) -> str | None:
    """The item's column body rebuilt from its questions not erased; None when none is left."""
    week = _week_of(item)
    questions = list(session.scalars(select(Question).where(Question.item_id == item.id,
                                                            Question.erased_at.is_(None))
                                     .order_by(Question.answered_at, Question.id)))
    if week is None or not questions:
        return None
    return column_body(session, settings, week, questions)
