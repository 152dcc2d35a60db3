"""/plans: upload a plan (.docx, .pdf, .md, .txt), see what Loa read — themes, forms and their
channels, tasks, report duties, each with the line it came from, and the warnings — then import
it; the calendar is rebuilt at once and the page says what changed. The uploaded file is kept
under a random name outside any web root between the two steps."""

from __future__ import annotations

import re
import secrets

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from bot.cli.plan_cmd import FIELD_NAMES, KIND_NAMES, REPORT_EVERY_NAMES
from bot.web.common import Console, actor, console, flash, form, redirect, text
from bot.web.permissions import require
from content.audit import Actor, record
from content.calendar import store as calendar_store
from content.errors import LoaError
from content.plan import store as plans_store
from content.plan.parse import PlanError, read_plan_text
from content.plan.reader import MAX_PDF_BYTES, source_from_bytes

ALLOWED = (".docx", ".pdf", ".md", ".txt")
TOKEN_RE = re.compile(r"^[0-9a-f]{32}\.(docx|pdf|md|txt)$")


def _folder(c: Console):  # noqa: ANN202
    return c.web.upload_dir / "plans"


def _stored(c: Console) -> list:
    with c.db.session() as s:
        return [(r.id, r.number or "", r.title or "", r.year, r.source_name, r.updated_at,
                 calendar_store.count_slots(s, [r.id])) for r in plans_store.list_plans(s)]


def plans_page(request: Request) -> Response:
    require(request, "plans")
    c = console(request)
    return c.pages.render(request, "plans.html", page_title="Kế hoạch", plans=_stored(c), reading=None,
                          error="", token="", file_name="")


def _read(c: Console, token: str, name: str):  # noqa: ANN202
    data = (_folder(c) / token).read_bytes()
    source = source_from_bytes(data, name or token)
    return source, read_plan_text(source.text)


def plans_upload(request: Request) -> Response:
    require(request, "plans")
    c = console(request)
    upload = form(request).get("file")
    error = ""
    if not isinstance(upload, UploadFile) or not upload.filename:
        error = "Hãy chọn tệp kế hoạch."
    else:
        name = upload.filename.replace("\\", "/").rsplit("/", 1)[-1][:200]
        ext = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
        data = upload.file.read(MAX_PDF_BYTES + 1)
        if ext not in ALLOWED:
            error = "Chỉ nhận tệp .docx, .pdf, .md hoặc .txt."
        elif len(data) > MAX_PDF_BYTES:
            error = f"Tệp quá lớn (tối đa {MAX_PDF_BYTES // 1048576} MB)."
    if not error:
        token = secrets.token_hex(16) + ext
        _folder(c).mkdir(parents=True, exist_ok=True)
        (_folder(c) / token).write_bytes(data)
        try:
            source, reading = _read(c, token, name)
        except PlanError as e:
            error = e.message
    if error:
        return c.pages.render(request, "plans.html", status=400, page_title="Kế hoạch", plans=_stored(c),
                              reading=None, error=error, token="", file_name="")
    facts = []
    for ev in reading.evidence:
        where = source.origins[ev.line] if source.origins and ev.line < len(source.origins) else f"dòng {ev.line + 1}"
        line = reading.lines[ev.line].replace("\t", " | ") if ev.line < len(reading.lines) else ""
        facts.append((FIELD_NAMES.get(ev.field, ev.field), ev.value, where, line[:200]))
    return c.pages.render(request, "plans.html", page_title="Kế hoạch", plans=_stored(c), reading=reading,
                          plan=reading.plan, facts=facts, warnings=list(source.warnings) + list(reading.warnings),
                          error="", token=token, file_name=name, kinds=KIND_NAMES, report_names=REPORT_EVERY_NAMES)


def plans_import(request: Request) -> Response:
    require(request, "plans")
    c = console(request)
    f = form(request)
    token, name = text(f, "upload"), text(f, "name")
    if not TOKEN_RE.match(token) or not (_folder(c) / token).is_file():
        flash(request, "error", "Không còn tệp đã tải lên; hãy tải lại tệp kế hoạch.")
        return redirect("/plans")
    try:
        source, reading = _read(c, token, name)
        plan = reading.plan
        who = Actor(actor(request), "web")
        with c.db.session() as s:
            rec, created = plans_store.import_plan(s, plan, source.name, source.sha256)
            record(s, who, "plan.import", now=c.clock(), note=f"{source.name} → kế hoạch số {rec.id}")
            r = calendar_store.rebuild(s, rec, c.settings)
            record(s, who, "calendar.build", now=c.clock(),
                   note=f"kế hoạch số {rec.id}: {r.total} mục, thêm {r.added}, cập nhật {r.updated}, xóa {r.removed}")
            plan_id = rec.id
    except LoaError as e:
        flash(request, "error", e.message)
        return redirect("/plans")
    (_folder(c) / token).unlink(missing_ok=True)
    flash(request, "ok", f"{'Đã nhập' if created else 'Đã cập nhật'} kế hoạch {plan.number or plan.title or ''} "
                         f"(mã số {plan_id}): {len(plan.themes)} nội dung, {len(plan.tasks)} nhiệm vụ. Lịch nội dung "
                         f"đã lập lại: {r.total} mục — thêm {r.added}, cập nhật {r.updated}, xóa {r.removed}"
                         + (f", giữ {r.kept_filled} ô đã có bài" if r.kept_filled else "") + ".")
    return redirect("/plans")
