"""The Plan: what a *Kế hoạch tuyên truyền cải cách hành chính* says, as plain data.

`parse_plan(text)` turns the text of a plan into a `Plan`; `read_plan_text(text)` also keeps
the line each fact came from and warnings for what the text does not give (for `loa plan
parse --explain`); `read_plan(path)` reads a .md/.txt/.docx/.pdf file first. All are pure
apart from reading the file, and raise `PlanError` with a Vietnamese message for input that
is not a usable plan.
"""

from __future__ import annotations

from datetime import date
from os import PathLike

from content.plan import fields as pf
from content.plan import tasks as pt
from content.plan import text as tx
from content.plan.model import (CHANNEL_KINDS, REPORT_EVERY, TIMING_KINDS, Evidence, Form, Period,  # noqa: F401
                                Plan, PlanError, Reading, ReportDuty, Signer, Task, Theme, Timing)
from content.plan.reader import read_plan_source
from content.plan.timing import report_duties

MAX_TEXT_CHARS = 2_000_000


def parse_plan(text: str) -> Plan:
    """Read a plan from its text (Markdown, plain text, or the lines of a .docx or PDF).

    Pure: depends on nothing but `text`. Raises `PlanError` when the text is empty or has no
    content section ("Nội dung tuyên truyền" / "Nội dung thông tin, tuyên truyền")."""
    return read_plan_text(text).plan


def read_plan_text(text: str) -> Reading:
    """`parse_plan`, keeping for each fact the line it came from and a warning (Vietnamese) for
    each fact staff would expect and the text does not give."""
    if not text or not text.strip():
        raise PlanError("Tệp kế hoạch trống, không có nội dung để đọc. "
                        "Hãy chọn đúng tệp kế hoạch (.docx, .md, .txt hoặc .pdf) rồi thử lại.")
    if len(text) > MAX_TEXT_CHARS:
        raise PlanError("Văn bản quá dài để là một kế hoạch tuyên truyền (trên 2 triệu ký tự). "
                        "Hãy kiểm tra lại tệp đã chọn.")
    lines = tx.to_lines(text)
    content = tx.find_section(lines, tx.content_heading)
    if content is None:
        raise PlanError("Không tìm thấy mục “Nội dung tuyên truyền” (hoặc “Nội dung thông tin, tuyên truyền”) "
                        "trong văn bản, nên đây có vẻ không phải một kế hoạch tuyên truyền. "
                        "Hãy kiểm tra lại tệp đã chọn; nếu đúng là kế hoạch, hãy đặt tiêu đề mục nội dung "
                        "thành một dòng riêng, ví dụ “1. Nội dung tuyên truyền”.")
    leaves = [tx.clean_item(leaf.text) for root in tx.section_items(lines[content[0]:content[1]])
              for leaf in root.leaves()]
    themes = [Theme(id=f"t{i}", text=t) for i, t in enumerate((t for t in leaves if t), start=1)]
    if not themes:
        raise PlanError("Mục “Nội dung tuyên truyền” của kế hoạch không có nội dung nào. "
                        "Hãy kiểm tra lại tệp: mỗi nội dung nên là một dòng bắt đầu bằng “-” hoặc số thứ tự.")

    form_section = tx.find_section(lines, tx.forms_heading)
    form_texts = []
    if form_section:
        form_texts = [tx.clean_item(leaf.text) for root in tx.section_items(lines[form_section[0]:form_section[1]])
                      for leaf in root.leaves()]
    forms, channels = pt.forms([t for t in form_texts if t])

    whole = tx.flat(lines)
    evidence: list[Evidence] = []
    find = _Finder(lines)
    number, number_at = pf.header_number(lines)
    place, issued, issue_year, date_at = pf.place_and_date(lines)
    app_number, app_date, app_issuer, app_at = pf.appendix_reference(lines)
    if not number and app_number:
        number, number_at = app_number, app_at
    if not issued and app_date:
        issued, date_at = app_date, app_at
    issuer, issuer_at = _issuer(pf, lines, app_issuer, find, app_at)
    if not place:
        place = pf.place_from_issuer(issuer)
    title, title_at = pf.title(lines)
    year, span = pf.year_and_period(title, issue_year or (issued.year if issued else None))
    period = Period(*span) if span else None
    name, position, signer_at = pf.signer(lines)
    reports = report_duties("\n".join(ln.text for ln in lines))
    tasks = pt.tasks(lines, period)

    for fld, value, at in (("number", number, number_at), ("date", issued, date_at), ("place", place, date_at),
                           ("issuer", issuer, issuer_at), ("title", title, title_at),
                           ("signer", name and f"{name} ({position or '—'})", signer_at)):
        if value and at is not None:
            evidence.append(Evidence(fld, value.strftime("%d/%m/%Y") if isinstance(value, date) else str(value), at))
    for theme in themes:
        evidence.append(Evidence("theme", theme.text, find.item(theme.text, content)))
    for form in forms:
        evidence.append(Evidence("form", f"{form.text} → {', '.join(form.channels)}",
                                 find.item(form.text, form_section or (0, len(lines)))))
    for task in tasks:
        evidence.append(Evidence("task", f"{task.no}. {task.content}", find.first(task.content[:40])))
    for duty in reports:
        evidence.append(Evidence("report", duty.every + (f" ({duty.due})" if duty.due else ""), find.report(duty.every)))

    plan = Plan(
        number=number, issuer=issuer, place=place, date=issued, year=year, period=period,
        title=title, signer=Signer(name=name, position=position),
        themes=themes, forms=forms, channels=channels, tasks=tasks, reports=reports,
        references=pf.references(whole, number),
    )
    return Reading(plan=plan, evidence=[e for e in evidence if e.line is not None],
                   warnings=_warnings(plan), lines=[ln.text for ln in lines])


def _issuer(pf, lines, app_issuer, find, app_at):  # noqa: ANN001, ANN202
    """The opening paragraph's "X xây dựng/ban hành Kế hoạch", completed or replaced by the
    letterhead or the annex reference when they name the same agency in full."""
    opening = pf.issuer_from_opening(lines)
    letterhead = pf.issuer_from_letterhead(lines)
    order = (opening, app_issuer, letterhead)
    if any(pf.is_decision_title(ln) for ln in lines):
        order = (letterhead, opening, app_issuer)   # a decision: its letterhead names the issuer
    candidates = [c for c in order if c]
    if not candidates:
        return None, None
    best = candidates[0]
    for other in candidates[1:]:
        if other.lower().startswith(best.lower()) and len(other) > len(best):
            best = other
    at = app_at if best == app_issuer and best != opening else find.first(best[:25], case=False)
    if at is None and letterhead:
        at = find.first(letterhead.split()[0], case=False)
    return best, at


class _Finder:
    """Finds the line a fact came from, for --explain."""

    def __init__(self, lines) -> None:  # noqa: ANN001
        self.lines = lines
        self.lower = [ln.text.lower() for ln in lines]

    def first(self, needle: str, regex: bool = False, case: bool = True) -> int | None:
        import re

        if not needle:
            return None
        for i, ln in enumerate(self.lines):
            text = ln.text if case else self.lower[i]
            if (re.search(needle, text, re.I) if regex else (needle if case else needle.lower()) in text):
                return i
        return None

    def item(self, text: str, section: tuple[int, int]) -> int | None:
        head = text[:30]
        for i in range(section[0], section[1]):
            if head and head in self.lines[i].text:
                return i
        return self.first(head)

    def report(self, every: str) -> int | None:
        import re

        words = {"month": r"tháng", "quarter": r"quý", "half_year": r"6 tháng|sáu tháng",
                 "year": r"năm|\d{1,2}/\d{1,2}"}[every]
        for i, text in enumerate(self.lower):
            if "báo cáo" in text and re.search(words, text):
                return i
        return None


def _warnings(plan: Plan) -> list[str]:
    out = []
    if not plan.number:
        out.append("Không thấy số văn bản (dòng “Số: …/KH-…”): kế hoạch sẽ được nhận diện theo cơ quan, "
                   "tên và năm.")
    if not plan.date:
        out.append("Không thấy ngày ban hành (dòng “…, ngày … tháng … năm …”).")
    if not plan.issuer:
        out.append("Không thấy cơ quan ban hành (tên cơ quan ở góc trái hoặc câu “… xây dựng Kế hoạch”).")
    if not plan.title:
        out.append("Không thấy tên kế hoạch (dòng dưới chữ “KẾ HOẠCH”).")
    if not plan.signer.name:
        out.append("Không thấy người ký (chức vụ và họ tên sau “Nơi nhận”).")
    if not plan.forms:
        out.append("Không thấy mục “Hình thức tuyên truyền”: Loa chưa biết đăng trên kênh nào.")
    if not plan.reports:
        out.append("Không thấy chế độ báo cáo (ví dụ “định kỳ 6 tháng, năm”): Loa sẽ không nhắc hạn báo cáo.")
    return out


def read_plan(path: str | PathLike[str]) -> Plan:
    """Read and parse a plan file (.md, .txt, .docx or .pdf). Raises `PlanError` (Vietnamese)."""
    return parse_plan(read_plan_source(path).text)
