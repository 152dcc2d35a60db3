"""A plan in words, for people: the names of channels kinds, timings and report duties, each
fact Loa read with the line it came from (`facts`), and what changed between a stored plan and
a new reading of it (`plan_changes`). Pure; `loa plan parse|show` and the console's /plans page
both say a plan this way."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from content.plan.model import Plan, Reading, Task, Timing
from content.plan.reader import PlanSource
from content.text import fmt_date

KIND_NAMES = {
    "portal": "cổng/trang thông tin điện tử", "zalo": "Zalo", "telegram": "Telegram",
    "social": "mạng xã hội", "radio": "truyền thanh cơ sở", "hotline": "đường dây nóng",
    "press": "báo chí, phát thanh – truyền hình", "notice_board": "niêm yết công khai",
    "print": "ấn phẩm, pa nô, tờ rơi", "event": "hội nghị, tập huấn, hội thi", "internal": "nội bộ",
}
TIMING_NAMES = {"deadline": "hạn chót", "window": "trong khoảng", "recurring": "định kỳ",
                "ongoing": "thường xuyên", "external": "theo kế hoạch khác"}
EVERY_NAMES = {"week": "hằng tuần", "month": "hằng tháng", "quarter": "hằng quý",
               "half_year": "6 tháng", "year": "hằng năm"}
REPORT_EVERY_NAMES = {"month": "hằng tháng", "quarter": "hằng quý", "half_year": "6 tháng", "year": "hằng năm"}
FIELD_NAMES = {"number": "Số hiệu", "date": "Ngày ban hành", "place": "Nơi ban hành", "issuer": "Cơ quan ban hành",
               "title": "Tên kế hoạch", "signer": "Người ký", "theme": "Nội dung", "form": "Hình thức",
               "task": "Nhiệm vụ", "report": "Báo cáo"}
LINE_MAX = 110


def day(d: date | None) -> str:
    return fmt_date(d) if d else "—"


def label(plan: Plan) -> str:
    """"số 12/KH-UBND", else the title in quotes, else "(không số)"."""
    if plan.number:
        return f"số {plan.number}"
    return f"“{plan.title}”" if plan.title else "(không số)"


def period_text(plan: Plan) -> str:
    return f"{day(plan.period.start)} – {day(plan.period.end)}" if plan.period else "—"


def timing_text(t: Timing) -> str:
    if t.kind == "deadline":
        return f"hạn {day(t.due)}"
    if t.kind in ("window", "ongoing") and t.start:
        return f"{TIMING_NAMES[t.kind]} {day(t.start)} – {day(t.end)}"
    if t.kind == "recurring":
        return EVERY_NAMES.get(t.every or "", "định kỳ")
    return TIMING_NAMES.get(t.kind, t.kind)


def reports_text(plan: Plan) -> str:
    parts = []
    for r in plan.reports:
        text = EVERY_NAMES[r.every] if r.every != "half_year" else "6 tháng một lần"
        if r.due:
            month, dd = r.due.split("-")
            text += f" (trước ngày {dd}/{month})"
        parts.append(text)
    return ", ".join(parts) or "không nêu"


def kinds_text(kinds: list[str]) -> str:
    return ", ".join(KIND_NAMES.get(k, k) for k in kinds)


def origin(source: PlanSource, line: int) -> str:
    """Where line `line` of the text was in the file: "trang 2, dòng 14" for a PDF, else "dòng N"."""
    if source.origins and line < len(source.origins):
        return source.origins[line]
    return f"dòng {line + 1}"


@dataclass(frozen=True)
class Fact:
    """One thing Loa read: what (`field`, its label), the value as people read it, and where."""
    field: str
    label: str
    value: str
    where: str
    line: str      # the source line, tabs shown as " | ", cut to LINE_MAX characters


def _value(field: str, value: str) -> str:
    if field == "form" and " → " in value:
        text, _, kinds = value.rpartition(" → ")
        return f"{text} → {kinds_text([k.strip() for k in kinds.split(',') if k.strip()])}"
    if field != "report":
        return value
    every, _, due = value.partition(" (")
    text = REPORT_EVERY_NAMES.get(every, every)
    if due:
        month, dd = due.rstrip(")").split("-")
        text += f" (trước ngày {dd}/{month})" if every == "year" else f" (ngày {dd} tháng cuối kỳ)"
    return text


def facts(source: PlanSource, reading: Reading) -> list[Fact]:
    """Each fact of the reading with the line it was read from, in the reading's order."""
    out = []
    for ev in reading.evidence:
        text = reading.lines[ev.line] if ev.line < len(reading.lines) else ""
        text = text.replace("\t", " | ")
        if len(text) > LINE_MAX:
            text = text[:LINE_MAX - 3] + "…"
        out.append(Fact(ev.field, FIELD_NAMES.get(ev.field, ev.field), _value(ev.field, ev.value),
                        origin(source, ev.line), text))
    return out


# ------------------------------------------------------------------------------ what changed

def _task_line(t: Task) -> str:
    return f"{t.no}. {t.content} ({timing_text(t.timing)})"


def _cut(text: str, n: int = 80) -> str:
    return text if len(text) <= n else text[:n - 1].rstrip() + "…"


def plan_changes(old: Plan | None, new: Plan) -> list[str]:
    """What a new reading changes in a stored plan, one sentence each (Vietnamese); empty when
    nothing staff would notice changed. `old` None: the plan is new."""
    if old is None:
        return [f"Kế hoạch mới: {len(new.themes)} nội dung, {len(new.forms)} hình thức, "
                f"{len(new.tasks)} nhiệm vụ; báo cáo: {reports_text(new)}."]
    out: list[str] = []
    for what, a, b in (("Tên kế hoạch", old.title, new.title), ("Cơ quan ban hành", old.issuer, new.issuer),
                       ("Ngày ban hành", day(old.date), day(new.date)),
                       ("Thời gian thực hiện", period_text(old), period_text(new)),
                       ("Người ký", old.signer.name, new.signer.name),
                       ("Chế độ báo cáo", reports_text(old), reports_text(new)),
                       ("Kênh", kinds_text(old.channels), kinds_text(new.channels))):
        if (a or "") != (b or ""):
            out.append(f"{what}: “{a or '—'}” → “{b or '—'}”.")
    for name, before, after in (
            ("nội dung", [t.text for t in old.themes], [t.text for t in new.themes]),
            ("hình thức", [f.text for f in old.forms], [f.text for f in new.forms]),
            ("nhiệm vụ", [_task_line(t) for t in old.tasks], [_task_line(t) for t in new.tasks])):
        added = [x for x in after if x not in before]
        removed = [x for x in before if x not in after]
        if added:
            out.append(f"Thêm {len(added)} {name}: " + "; ".join(f"“{_cut(x)}”" for x in added[:5])
                       + ("; …" if len(added) > 5 else "") + ".")
        if removed:
            out.append(f"Bỏ {len(removed)} {name}: " + "; ".join(f"“{_cut(x)}”" for x in removed[:5])
                       + ("; …" if len(removed) > 5 else "") + ".")
    return out
