"""The plan as data: themes, forms of communication, tasks with their timing, report duties,
identity fields — and `PlanError`. Apart from the reader (`content.plan.parse`) so the
field, task and timing readers can build these without importing the orchestrator."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from content.errors import LoaError
from content.kinds import PLAN_KINDS

CHANNEL_KINDS = PLAN_KINDS      # the plan's own vocabulary for them
TIMING_KINDS = ("deadline", "window", "recurring", "ongoing", "external")
REPORT_EVERY = ("month", "quarter", "half_year", "year")


class PlanError(LoaError):
    """The input is not a usable plan; the message (Vietnamese) says what to do."""


@dataclass
class Theme:
    id: str
    text: str


@dataclass
class Form:
    text: str
    channels: list[str]


@dataclass
class Timing:
    kind: str
    text: str
    due: date | None = None
    start: date | None = None
    end: date | None = None
    every: str | None = None


@dataclass
class Task:
    no: str
    content: str
    lead: str
    partners: list[str]
    timing: Timing


@dataclass
class ReportDuty:
    every: str
    due: str | None = None  # "MM-DD" when the plan fixes a date, e.g. "10-01"


@dataclass
class Period:
    start: date
    end: date


@dataclass
class Signer:
    name: str | None = None
    position: str | None = None


@dataclass
class Plan:
    number: str | None
    issuer: str | None
    place: str | None
    date: date | None
    year: int | None
    period: Period | None
    title: str | None
    signer: Signer
    themes: list[Theme] = field(default_factory=list)
    forms: list[Form] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    reports: list[ReportDuty] = field(default_factory=list)
    references: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict with exactly the documented keys; dates as ISO strings."""
        return _jsonable(asdict(self))

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Plan":
        def day(v: Any) -> date | None:
            return date.fromisoformat(v) if v else None

        period = d.get("period")
        return cls(
            number=d.get("number"),
            issuer=d.get("issuer"),
            place=d.get("place"),
            date=day(d.get("date")),
            year=d.get("year"),
            period=Period(day(period["start"]), day(period["end"])) if period else None,
            title=d.get("title"),
            signer=Signer(**(d.get("signer") or {})),
            themes=[Theme(**t) for t in d.get("themes", [])],
            forms=[Form(**f) for f in d.get("forms", [])],
            channels=list(d.get("channels", [])),
            tasks=[
                Task(no=t["no"], content=t["content"], lead=t["lead"], partners=list(t["partners"]),
                     timing=Timing(kind=t["timing"]["kind"], text=t["timing"]["text"],
                                   due=day(t["timing"].get("due")), start=day(t["timing"].get("start")),
                                   end=day(t["timing"].get("end")), every=t["timing"].get("every")))
                for t in d.get("tasks", [])
            ],
            reports=[ReportDuty(**r) for r in d.get("reports", [])],
            references=list(d.get("references", [])),
        )


def _jsonable(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_jsonable(x) for x in v]
    if isinstance(v, date):
        return v.isoformat()
    return v


@dataclass
class Evidence:
    """Where a fact was read: `line` is the 0-based index of the line in the text."""
    field: str
    value: str
    line: int


@dataclass
class Reading:
    """A plan as read, with the line each fact came from and what could not be found."""
    plan: Plan
    evidence: list[Evidence]
    warnings: list[str]
    lines: list[str]
