"""/plans: the stored plans and an upload form. POST /plans/upload reads the file (.docx, .pdf,
.md, .txt) with the reader `loa plan parse` uses and shows what Loa read — each fact with the
line it came from, the warnings, and what importing would change — storing nothing but the file,
kept for the next step. POST /plans/import stores the plan as `loa plan import` does and
rebuilds its calendar as `loa calendar build` does, in one transaction with its audit rows, then
tells what changed. A refused file changes nothing."""

from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from bot.web.common import Console, actor, console, flash, form, int_or_none, redirect, text
from bot.web.permissions import require
from bot.web.uploads import UploadError, pending_path, plan_file_name, store_pending
from content.audit import Actor, record
from content.calendar import store as calendar_store
from content.errors import LoaError
from content.plan import store as plans_store
from content.plan.describe import (KIND_NAMES, REPORT_EVERY_NAMES, facts, label, period_text, plan_changes,
                                   reports_text, timing_text)
from content.plan.parse import PlanError, Reading, read_plan_text
from content.plan.reader import MAX_PDF_BYTES, PlanSource, source_from_bytes

UPLOAD_LIMIT = MAX_PDF_BYTES                 # the reader refuses what is too large for its kind


def _folder(c: Console):  # noqa: ANN202
    return c.web.upload_dir / "plans"


def _stored_plans(c: Console) -> list[dict]:
    with c.db.session() as s:
        out = []
        for rec in plans_store.list_plans(s):
            plan = plans_store.load_plan(rec)
            out.append({"id": rec.id, "label": label(plan), "title": plan.title, "issuer": plan.issuer,
                        "period": period_text(plan), "start": plan.period.start if plan.period else None,
                        "themes": len(plan.themes), "tasks": len(plan.tasks), "reports": reports_text(plan),
                        "slots": calendar_store.count_slots(s, [rec.id]), "source": rec.source_name,
                        "updated_at": rec.updated_at})
        return out


def _page(request: Request, c: Console, *, status: int = 200, **extra) -> Response:  # noqa: ANN003
    extra.setdefault("reading", None)
    extra.setdefault("error", "")
    return c.pages.render(request, "plans.html", status=status, page_title="Kế hoạch", plans=_stored_plans(c),
                          upload_mb=UPLOAD_LIMIT // (1024 * 1024), kind_names=KIND_NAMES,
                          timing_text=timing_text, report_every=REPORT_EVERY_NAMES,
                          selected=int_or_none(request.query_params.get("plan")), **extra)


def plans_page(request: Request) -> Response:
    require(request, "plans")
    return _page(request, console(request))


def _read(data: bytes, name: str) -> tuple[PlanSource, Reading]:
    source = source_from_bytes(data, name)
    return source, read_plan_text(source.text)


def upload(request: Request) -> Response:
    """Read the uploaded plan and show it; nothing is stored in the database."""
    require(request, "plans")
    c = console(request)
    upload_ = form(request).get("file")
    try:
        name = plan_file_name(upload_.filename if isinstance(upload_, UploadFile) else None)
        data = upload_.file.read(UPLOAD_LIMIT + 1)                      # type: ignore[union-attr]
        source, reading = _read(data, name)
    except (UploadError, PlanError) as e:
        return _page(request, c, status=400, error=e.message)
    with c.db.session() as s:
        existing = plans_store.existing_plan(s, reading.plan)
        old = plans_store.load_plan(existing) if existing else None
        existing_id = existing.id if existing else None
    stored = store_pending(data, _folder(c), name)
    return _page(request, c, reading=reading, plan=reading.plan, facts=facts(source, reading),
                 warnings=source.warnings + reading.warnings, file_name=name, stored=stored, existing_id=existing_id,
                 changes=plan_changes(old, reading.plan), label=label(reading.plan),
                 period=period_text(reading.plan), reports=reports_text(reading.plan))


def import_plan(request: Request) -> Response:
    """Store the plan read at the previous step and rebuild its calendar (Post/Redirect/Get)."""
    require(request, "plans")
    c = console(request)
    f = form(request)
    path = pending_path(_folder(c), text(f, "upload"))
    if path is None:
        return _page(request, c, status=400, error="Không còn tệp đã tải lên (quá một ngày hoặc đã nhập rồi). "
                                                   "Hãy tải tệp kế hoạch lên lại.")
    try:
        name = plan_file_name(text(f, "name"))
        source, reading = _read(path.read_bytes(), name)
    except (UploadError, PlanError) as e:
        return _page(request, c, status=400, error=e.message)
    plan = reading.plan
    who, now = Actor(actor(request), "web"), c.clock()
    try:
        with c.db.session() as s:
            existing = plans_store.existing_plan(s, plan)
            changes = plan_changes(plans_store.load_plan(existing) if existing else None, plan)
            rec, created = plans_store.import_plan(s, plan, source.name, source.sha256)
            plan_id = rec.id
            built = calendar_store.rebuild(s, rec, c.settings)
            record(s, who, "plan.import", now=now,
                   note=f"{name}: kế hoạch {label(plan)}, mã số {plan_id} ({'mới' if created else 'cập nhật'})")
            record(s, who, "calendar.build", now=now,
                   note=f"kế hoạch mã số {plan_id}: {built.total} mục — thêm {built.added}, cập nhật "
                        f"{built.updated}, xóa {built.removed}")
    except LoaError as e:
        return _page(request, c, status=400, error=e.message)
    path.unlink(missing_ok=True)
    verb = "Đã nhập" if created else "Đã cập nhật"
    flash(request, "ok", f"{verb} kế hoạch {label(plan)}, mã số {plan_id}: {len(plan.themes)} nội dung, "
                         f"{len(plan.forms)} hình thức, {len(plan.tasks)} nhiệm vụ.")
    kept = (f" Giữ lại {built.kept_filled} ô đã có bài dù kế hoạch không còn tạo ra." if built.kept_filled else "")
    flash(request, "ok", f"Đã lập lại lịch nội dung: {built.total} mục — thêm {built.added}, cập nhật "
                         f"{built.updated}, xóa {built.removed}.{kept}")
    if not created:
        flash(request, "ok", "Thay đổi so với kế hoạch đã lưu: " + (" ".join(changes) if changes else "không có."))
    for warning in calendar_store.calendar_warnings(plan, c.settings, label(plan)):
        flash(request, "warn", warning)
    return redirect(f"/plans?plan={plan_id}")
