"""The figures of a periodic report, read from the database: `gather(session, settings, period,
plan_record)` returns a `ReportData` that the .docx/.html/.md writers only lay out.

What counts (decisions, also stated in the report's notes):
- **Published** means what went out: posts in state `published` whose `published_at` falls in
  the period, days taken in the configured zone (Asia/Ho_Chi_Minh). Every post counts (one per
  channel and target); "items" counts distinct content items among them. All the unit's posts
  count, whichever plan they belong to; per theme, items of the chosen plan are grouped by
  their theme and the rest are "Tin, bài khác". An item's theme is its own `theme_id`, else
  the theme of the calendar slot it fills (items written for a slot carry only the slot), and
  its plan likewise.
- **Evidence** for an appendix task: the plan's items whose `task_no` is the task's number,
  published (a published post, or an item marked published with no post — an event recorded
  by staff) on or before the period's last day.
- **Task status**, judged on the reference day R = min(today, the day after the period):
    deadline/window: evidence → done ("Đã hoàn thành") when the window is over (a deadline task
      with evidence is done at once), otherwise in progress; no evidence and due/end < R →
      overdue ("Quá hạn"); else not started ("Chưa thực hiện").
    ongoing/recurring: evidence within the period → in progress ("Đang thực hiện"); else not started.
    external (timing set by another body): evidence → done; else not started (never overdue).
- **Missed slots**: the plan's `publish` slots in the period whose day is before R and which no
  published item fills (item state `published`, or a published post of an item on that slot).
- **Failures**: posts due in the period that are now `failed`, `dead` or `unknown`.
- **Q&A**: filled by an optional provider `(session, settings, period) -> QAFigures | None`;
  the section is left out when there is no provider or it returns None.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Callable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from channels.models import Attempt, Post
from content import audit
from content.items.workflow import FIELD_NAMES
from content.models import Item, PlanRecord, Slot
from content.plan.parse import Plan
from content.config import Settings
from content.text import UTC, as_utc, now_utc
from content.kinds import CHANNEL_NAMES
from schedules.reports.period import Period

STATUS_LABELS = {"done": "Đã hoàn thành", "in_progress": "Đang thực hiện",
                 "overdue": "Quá hạn", "not_started": "Chưa thực hiện"}
FAILED_STATES = ("failed", "dead", "unknown")
FAILED_LABELS = {"failed": "Lỗi, chờ thử lại", "dead": "Không đăng được", "unknown": "Chưa rõ kết quả"}
OTHER_THEME = "Tin, bài khác"


@dataclass(frozen=True)
class Count:
    key: str
    name: str
    posts: int
    items: int


@dataclass(frozen=True)
class Evidence:
    item_id: int
    title: str
    day: date
    channels: tuple[str, ...]
    urls: tuple[str, ...]


@dataclass(frozen=True)
class TaskStatus:
    no: str
    content: str
    lead: str
    timing: str
    status: str
    evidence: tuple[Evidence, ...]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass(frozen=True)
class MissedSlot:
    slot_id: int
    day: date
    channel: str
    theme: str


@dataclass(frozen=True)
class Failure:
    post_id: int
    item_id: int
    title: str
    channel: str
    state: str
    error: str
    at: datetime | None


@dataclass(frozen=True)
class QAFigures:
    received: int
    answered: int
    on_time: int
    overdue: int
    median_hours: float | None


QAProvider = Callable[[Session, Settings, Period], "QAFigures | None"]


@dataclass(frozen=True)
class AuditLine:
    """One staff action for the report's annex (from `content.audit`)."""

    at: datetime
    actor: str
    action: str
    item_id: int | None
    detail: str


@dataclass
class ReportData:
    unit: str
    period: Period
    generated_at: datetime
    reference_day: date
    plan_id: int | None = None
    plan_number: str | None = None
    plan_title: str | None = None
    plan_date: date | None = None
    plan_place: str | None = None
    plan_signer: tuple[str | None, str | None] = (None, None)
    plan_issuer: str | None = None
    total_posts: int = 0
    total_items: int = 0
    by_channel: list[Count] = field(default_factory=list)
    by_theme: list[Count] = field(default_factory=list)
    tasks: list[TaskStatus] = field(default_factory=list)
    missed: list[MissedSlot] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    qa: QAFigures | None = None
    audit: list[AuditLine] | None = None     # the annex of staff actions, when asked for

    def status_counts(self) -> dict[str, int]:
        counts = {k: 0 for k in STATUS_LABELS}
        for t in self.tasks:
            counts[t.status] += 1
        return counts


def utc_bounds(period: Period, settings: Settings) -> tuple[datetime, datetime]:
    """[start, end) of the period's local days, as UTC instants."""
    tz = settings.tz
    start = datetime.combine(period.start, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(period.end + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    return start, end


def channel_name(channel: str) -> str:
    return CHANNEL_NAMES.get(channel, channel)


def task_key(no: str) -> str:
    """"01", "1", " 1." all name task 1 (staff type numbers loosely); other labels are kept."""
    text = no.strip().rstrip(".")
    return str(int(text)) if text.isdigit() else text


def task_status(kind: str, due: date | None, end: date | None, *, has_evidence: bool,
                evidence_in_period: bool, reference: date) -> str:
    """The status rule of the module docstring, pure."""
    if kind in ("ongoing", "recurring"):
        return "in_progress" if evidence_in_period else "not_started"
    if kind == "external":
        return "done" if has_evidence else "not_started"
    limit = due if kind == "deadline" else (end or due)
    if has_evidence:
        return "done" if kind == "deadline" or limit is None or limit < reference else "in_progress"
    if limit is not None and limit < reference:
        return "overdue"
    return "not_started"


def gather(session: Session, settings: Settings, period: Period, plan_record: PlanRecord | None = None, *,
           now: datetime | None = None, qa_provider: QAProvider | None = None,
           with_audit: bool = False) -> ReportData:
    now = as_utc(now or now_utc())
    tz = settings.tz
    reference = min(now.astimezone(tz).date(), period.end + timedelta(days=1))
    data = ReportData(unit=settings.unit.name, period=period, generated_at=now, reference_day=reference)
    plan = Plan.from_dict(plan_record.data) if plan_record is not None else None
    if plan_record is not None and plan is not None:
        data.plan_id = plan_record.id
        data.plan_number = plan.number or plan_record.number
        data.plan_title = plan.title or plan_record.title
        data.plan_date = plan.date
        data.plan_place = plan.place
        data.plan_signer = (plan.signer.position, plan.signer.name)
        data.plan_issuer = plan.issuer or plan_record.issuer
    start, end = utc_bounds(period, settings)
    _published(session, settings, data, plan, plan_record, start, end)
    if plan is not None and plan_record is not None:
        data.tasks = _tasks(session, plan, plan_record.id, period, reference, tz, start, end)
        data.missed = _missed(session, plan, plan_record.id, period, reference)
    data.failures = _failures(session, start, end)
    data.qa = qa_provider(session, settings, period) if qa_provider else None
    if with_audit:
        data.audit = _audit(session, start, end)
    return data


def _audit(session: Session, start: datetime, end: datetime) -> list[AuditLine]:
    return [AuditLine(at=e.at, actor=e.actor, action=audit.action_name(e.action), item_id=e.item_id,
                      detail="; ".join(x for x in (e.note, audit.describe_change(e, FIELD_NAMES, width=50)) if x))
            for e in audit.entries(session, since=start, until=end)]


def _published(session: Session, settings: Settings, data: ReportData, plan: Plan | None,
               plan_record: PlanRecord | None, start: datetime, end: datetime) -> None:
    rows = session.execute(
        select(Post.channel, Post.item_id, Item.plan_id, Item.theme_id,
               Slot.plan_id.label("slot_plan_id"), Slot.theme_id.label("slot_theme_id"))
        .join(Item, Item.id == Post.item_id)
        .outerjoin(Slot, Slot.id == Item.slot_id)
        .where(Post.state == "published", Post.published_at >= start, Post.published_at < end)
    ).all()
    data.total_posts = len(rows)
    data.total_items = len({r.item_id for r in rows})
    per_channel: dict[str, list[int]] = {}
    for r in rows:
        per_channel.setdefault(r.channel, []).append(r.item_id)
    configured = [n for n, ch in settings.channels.items() if ch.enabled]
    order = list(dict.fromkeys([*CHANNEL_NAMES, *configured, *sorted(per_channel)]))
    data.by_channel = [Count(c, channel_name(c), len(per_channel.get(c, [])), len(set(per_channel.get(c, []))))
                       for c in order if c in per_channel or c in configured]
    themes: dict[str, str] = {t.id: t.text for t in plan.themes} if plan else {}
    per_theme: dict[str, list[int]] = {}
    for r in rows:
        plan_id = r.plan_id if r.plan_id is not None else r.slot_plan_id
        theme = r.theme_id or r.slot_theme_id or ""
        mine = plan_record is not None and plan_id == plan_record.id and theme in themes
        per_theme.setdefault(theme if mine else "", []).append(r.item_id)
    data.by_theme = [Count(t, text, len(per_theme.get(t, [])), len(set(per_theme.get(t, []))))
                     for t, text in themes.items()]
    if per_theme.get(""):
        data.by_theme.append(Count("", OTHER_THEME, len(per_theme[""]), len(set(per_theme[""]))))


def _evidence(session: Session, plan_id: int, tz: Any, end: datetime) -> dict[str, list[Evidence]]:
    """task number → evidence published before `end` (UTC), oldest first."""
    items = session.scalars(select(Item).where(Item.plan_id == plan_id, Item.task_no.is_not(None))).all()
    if not items:
        return {}
    posts = session.scalars(select(Post).where(Post.item_id.in_([i.id for i in items]),
                                               Post.state == "published", Post.published_at < end)).all()
    by_item: dict[int, list[Post]] = {}
    for p in posts:
        by_item.setdefault(p.item_id, []).append(p)
    out: dict[str, list[Evidence]] = {}
    for item in items:
        ps = sorted(by_item.get(item.id, []), key=lambda p: p.published_at)
        if ps:
            when = ps[0].published_at
        elif item.state == "published":
            when = item.publish_at or item.approved_at or item.updated_at
            if when is None or as_utc(when) >= end:
                continue
        else:
            continue
        urls = tuple(dict.fromkeys(p.url for p in ps if p.url))
        channels = tuple(dict.fromkeys(p.channel for p in ps)) or tuple(item.channels or ())
        out.setdefault(task_key(item.task_no), []).append(
            Evidence(item.id, item.title, as_utc(when).astimezone(tz).date(), channels, urls))
    for ev in out.values():
        ev.sort(key=lambda e: (e.day, e.item_id))
    return out


def _tasks(session: Session, plan: Plan, plan_id: int, period: Period, reference: date, tz: Any,
           start: datetime, end: datetime) -> list[TaskStatus]:
    evidence = _evidence(session, plan_id, tz, end)
    out = []
    for t in plan.tasks:
        tm = t.timing
        ev = evidence.get(task_key(t.no), [])
        in_period = [e for e in ev if e.day in period]
        status = task_status(tm.kind, tm.due, tm.end, has_evidence=bool(ev),
                             evidence_in_period=bool(in_period), reference=reference)
        shown = in_period if tm.kind in ("ongoing", "recurring") else ev
        out.append(TaskStatus(t.no, t.content, t.lead, tm.text, status, tuple(shown)))
    return out


def _missed(session: Session, plan: Plan, plan_id: int, period: Period, reference: date) -> list[MissedSlot]:
    slots = session.scalars(select(Slot).where(Slot.plan_id == plan_id, Slot.kind == "publish",
                                               Slot.day >= period.start, Slot.day <= period.end,
                                               Slot.day < reference).order_by(Slot.day, Slot.id)).all()
    if not slots:
        return []
    ids = [s.id for s in slots]
    filled = set(session.scalars(select(Item.slot_id).where(Item.slot_id.in_(ids), Item.state == "published")))
    filled |= set(session.scalars(select(Item.slot_id).join(Post, Post.item_id == Item.id)
                                  .where(Item.slot_id.in_(ids), Post.state == "published")))
    themes = {t.id: t.text for t in plan.themes}
    return [MissedSlot(s.id, s.day, s.channel, themes.get(s.theme_id, s.label)) for s in slots
            if s.id not in filled]


def _failures(session: Session, start: datetime, end: datetime) -> list[Failure]:
    rows = session.execute(
        select(Post, Item.title).join(Item, Item.id == Post.item_id)
        .where(Post.state.in_(FAILED_STATES), Post.due_at >= start, Post.due_at < end)
        .order_by(Post.due_at, Post.id)).all()
    last: Mapping[int, datetime] = {}
    if rows:
        last = dict(session.execute(select(Attempt.post_id, Attempt.at)
                                    .where(Attempt.post_id.in_([p.id for p, _ in rows]))
                                    .order_by(Attempt.at)).all())
    return [Failure(p.id, p.item_id, title, p.channel, p.state, p.last_error or "", last.get(p.id))
            for p, title in rows]
