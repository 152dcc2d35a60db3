"""/items (the list), /items/new and /items/{id} (compose, preview, edit), and the leaders'
POST actions /items/{id}/approve|reject|withdraw|correct.

"Xem trước" is a submit button: the page comes back with every chosen channel's preview,
rendered by the same functions the adapters publish with. Saving an edit carries the version
the editor started from; when someone saved in between, the save is refused and the page shows
what changed (never a silent overwrite).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from bot.wiring import body_limits
from bot.web.common import Console, actor, console, flash, form, int_or_none, redirect, text
from bot.web.permissions import allowed, require
from bot.web.uploads import UploadError, store_image, stored_path
from channels.log import sent_count
from channels.steering import Changes, StaleItem, Steering
from content.audit import Actor
from content.errors import LoaError
from content.items import workflow as items_mod
from content.items.lists import list_items, plan_choices
from content.items.states import STATE_NAMES, TransitionRefused
from content.items.when import default_hour_for, parse_when
from content.items.workflow import ItemError, NewItem
from content.models import Item
from content.render.item import Article, item_link
from content.render.preview import previews
from content.kinds import PUBLISHABLE
from content.text import as_utc, fmt_datetime
from content.kinds import CHANNEL_NAMES
from schedules.timing import parse_iso_week


@dataclass
class Draft:
    """The composer's fields as typed (strings), so a refused form comes back as it was."""

    title: str = ""
    body: str = ""
    channels: list[str] = field(default_factory=lambda: ["portal", "telegram"])
    publish_at: str = ""
    plan_id: str = ""
    theme_id: str = ""
    slot_id: str = ""
    image: str = ""
    version: str = ""


def version_of(item: Item) -> str:
    v = getattr(item, "version", None)
    return str(v) if v is not None else str(int(as_utc(item.updated_at).timestamp() * 1_000_000))


def _from_item(item: Item, c: Console) -> Draft:
    image = ""
    if item.image_path and stored_path(c.web.upload_dir, item.image_path.rsplit("/", 1)[-1]):
        image = item.image_path.rsplit("/", 1)[-1]
    return Draft(item.title, item.body, list(item.channels),
                 fmt_datetime(item.publish_at, c.tz) if item.publish_at else "",
                 str(item.plan_id or ""), item.theme_id or "", str(item.slot_id or ""), image, version_of(item))


def _from_form(request: Request) -> Draft:
    f = form(request)
    chans = [x for x in f.getlist("channels") if isinstance(x, str)]
    return Draft(text(f, "title"), text(f, "body"), chans, text(f, "publish_at").strip(),
                 text(f, "plan_id"), text(f, "theme_id"), text(f, "slot_id"), text(f, "image"), text(f, "version"))


def _from_query(request: Request) -> Draft:
    q = request.query_params
    d = Draft(publish_at=q.get("publish_at", ""), plan_id=q.get("plan_id", ""), theme_id=q.get("theme_id", ""),
              slot_id=q.get("slot_id", ""))
    chans = [x for x in q.getlist("channels") if x in PUBLISHABLE]
    return replace(d, channels=chans) if chans else d


@dataclass
class Checked:
    """A draft turned into values the domain takes, or the errors per field."""

    errors: dict[str, str] = field(default_factory=dict)
    publish_at: datetime | None = None
    image_path: str | None = None
    notes: list[str] = field(default_factory=list)      # how the date was read
    past: bool = False                                  # the time has passed: ask to confirm


def _check(request: Request, c: Console, d: Draft) -> Checked:
    out = Checked()
    if not d.title.strip():
        out.errors["title"] = "Hãy ghi tiêu đề."
    bad = [x for x in d.channels if x not in PUBLISHABLE]
    if bad or not d.channels:
        out.errors["channels"] = "Hãy chọn ít nhất một kênh."
    if d.publish_at:
        try:
            hour, source = default_hour_for(c.settings, [x for x in d.channels if x in PUBLISHABLE])
            when = parse_when(d.publish_at, c.clock(), hour, tz=c.tz)
        except LoaError as e:
            out.errors["publish_at"] = e.message
        else:
            out.publish_at = when.at
            out.notes = when.notes(source)
            if when.past and text(form(request), "confirm_past") != "1":
                out.errors["publish_at"] = (f"Thời điểm {when.shown()} đã qua: bài sẽ được đăng ngay khi duyệt. "
                                            "Nếu đúng ý, hãy đánh dấu ô xác nhận; nếu nhầm, hãy sửa ngày giờ.")
                out.past = True
    upload = form(request).get("image_file")
    if isinstance(upload, UploadFile) and upload.filename:
        data = upload.file.read(c.web.upload_max_bytes + 1)
        try:
            d.image = store_image(data, c.web.upload_dir, max_bytes=c.web.upload_max_bytes)
        except UploadError as e:
            out.errors["image_file"] = e.message
    if d.image:
        path = stored_path(c.web.upload_dir, d.image)
        if path is None:
            d.image = ""
        else:
            out.image_path = str(path)
    for key in ("plan_id", "slot_id"):
        if getattr(d, key) and int_or_none(getattr(d, key)) is None:
            out.errors[key] = "Không hợp lệ."
    return out


def _previews(c: Console, d: Draft, checked: Checked, item_id: int | None, plans) -> list:  # noqa: ANN001
    if "title" in checked.errors or "channels" in checked.errors:
        return []
    themes = {(str(pid), tid): ttext for pid, _name, ts in plans for tid, ttext in ts}
    day = (checked.publish_at or c.clock()).astimezone(c.tz).date()
    link = item_link(c.settings, item_id, d.title, d.channels)
    article = Article(title=d.title, body=d.body, date=day, id=item_id, theme=themes.get((d.plan_id, d.theme_id), ""),
                      image=checked.image_path, link=link)
    return previews(article, [x for x in PUBLISHABLE if x in d.channels], c.settings, body_limits(c.settings))


def _compose_page(request: Request, c: Console, d: Draft, *, item: Item | None = None, checked: Checked | None = None,
                  show_previews: bool = False, error: str = "", status: int = 200, conflict: list | None = None,
                  plans=None) -> Response:  # noqa: ANN001
    checked = checked or Checked()
    if plans is None:
        with c.db.session() as s:
            plans = plan_choices(s)
    shown = _previews(c, d, checked, item.id if item else None, plans) if show_previews else []
    if show_previews and not shown and not checked.errors:
        error = error or "Chưa xem trước được: hãy ghi tiêu đề và chọn kênh."
    return c.pages.render(
        request, "item_form.html", status=status,
        page_title=f"Bài số {item.id}" if item else "Soạn bài mới", item=item, draft=d, errors=checked.errors,
        error=error, previews=shown, plans=plans, channels=PUBLISHABLE, item_states=STATE_NAMES,
        conflict=conflict or [], upload_mb=c.web.upload_max_bytes // (1024 * 1024), notes=checked.notes,
        ask_past=checked.past, ahead=consequences(c, item, request.state.session.role) if item else [],
        past_time=bool(item and item.publish_at and as_utc(item.publish_at) < c.clock()),
        editable=item is None or item.state in ("draft", "approved", "rejected"))


# --------------------------------------------------------------------------------- list

def items_list(request: Request) -> Response:
    require(request, "view")
    c = console(request)
    q = request.query_params
    state = q.get("state") if q.get("state") in STATE_NAMES else None
    channel = q.get("channel") if q.get("channel") in PUBLISHABLE else None
    plan_id = int_or_none(q.get("plan"))
    week = None
    if q.get("week"):
        try:
            week = parse_iso_week(q["week"])
        except ValueError:
            week = None
    with c.db.session() as s:
        page = list_items(s, tz=c.tz, state=state, channel=channel, plan_id=plan_id, week=week,
                          page=int_or_none(q.get("page")) or 1)
        plans = plan_choices(s)
    return c.pages.render(request, "items.html", page_title="Bài viết", page=page, plans=plans,
                          item_states=STATE_NAMES, channels=PUBLISHABLE,
                          filters={"state": state or "", "channel": channel or "", "plan": plan_id or "",
                                   "week": q.get("week", "") if week else ""})


# --------------------------------------------------------------------------------- compose

def item_new(request: Request) -> Response:
    require(request, "compose")
    c = console(request)
    if request.method == "GET":
        return _compose_page(request, c, _from_query(request))
    d = _from_form(request)
    checked = _check(request, c, d)
    wants_preview = text(form(request), "action") == "preview"
    if wants_preview or checked.errors:
        return _compose_page(request, c, d, checked=checked, show_previews=True,
                             status=400 if checked.errors and not wants_preview else 200)
    new = NewItem(title=d.title, body=d.body, channels=tuple(d.channels), theme_id=d.theme_id or None,
                  plan_id=int_or_none(d.plan_id), slot_id=int_or_none(d.slot_id), publish_at=checked.publish_at,
                  image_path=checked.image_path, created_by=actor(request))
    try:
        item_id = steering(c).add(new, web_actor(request), confirm_past=True).item_id   # the form confirmed
    except LoaError as e:
        return _compose_page(request, c, d, checked=checked, error=e.message, status=400)
    flash(request, "ok", f"Đã lưu bài số {item_id} (bản nháp, chờ lãnh đạo duyệt).")
    return redirect(f"/items/{item_id}")


def _load(c: Console, item_id: int) -> Item:
    with c.db.session() as s:
        return items_mod.get_item(s, item_id)


def item_page(request: Request) -> Response:
    require(request, "view")
    c = console(request)
    item_id = int(request.path_params["item_id"])
    try:
        item = _load(c, item_id)
    except ItemError as e:
        return c.pages.render(request, "error.html", status=404, page_title="Không tìm thấy", message=str(e))
    if request.method == "GET":
        d = _from_item(item, c)
        return _compose_page(request, c, d, item=item, checked=_check(request, c, d), show_previews=True)
    require(request, "compose")
    d = _from_form(request)
    checked = _check(request, c, d)
    if text(form(request), "action") == "preview" or checked.errors:
        return _compose_page(request, c, d, item=item, checked=checked, show_previews=True,
                             status=400 if checked.errors else 200)
    conflict: list[tuple[str, str, str]] | None = None
    try:
        result = steering(c).edit(item_id, web_actor(request), Changes(
            title=d.title, body=d.body, channels=tuple(d.channels), publish_at=checked.publish_at),
            expected_version=int_or_none(d.version) or -1, confirm_past=True)
        if checked.image_path:
            set_image(c, item_id, checked.image_path)
    except StaleItem as e:
        current = _load(c, item_id)
        conflict, d.version = [("Ai đã sửa", e.message, "")] + _changes(current, d, c), version_of(current)
    except LoaError as e:
        return _compose_page(request, c, d, item=item, checked=checked, error=e.message, status=400)
    if conflict is not None:   # the next save is made knowing what changed
        return _compose_page(request, c, d, item=_load(c, item_id), checked=checked, status=409,
                             error="Bài đã được người khác sửa trong lúc bạn soạn: chưa lưu. Hãy xem phần "
                                   "thay đổi, chép lại những gì bạn cần rồi lưu lần nữa.",
                             conflict=conflict)
    flash(request, "ok", " ".join(result.done + result.warnings))
    return redirect(f"/items/{item_id}")


def _changes(current: Item, d: Draft, c: Console) -> list[tuple[str, str, str]]:
    """(field, what is stored now, what this form holds) for every field that differs."""
    now = _from_item(current, c)
    out = []
    for key, label in (("title", "Tiêu đề"), ("body", "Nội dung"), ("channels", "Kênh"), ("publish_at", "Thời điểm đăng")):
        a, b = getattr(now, key), getattr(d, key)
        if key == "channels":
            a, b = ", ".join(CHANNEL_NAMES[x] for x in a), ", ".join(CHANNEL_NAMES.get(x, x) for x in b)
        if a != b:
            out.append((label, a, b))
    out.append(("Trạng thái", STATE_NAMES.get(current.state, current.state), ""))
    return out


# --------------------------------------------------------------------------------- leaders' actions

async def item_action(request: Request) -> Response:
    """POST /items/{id}/approve|reject|withdraw|correct|restore, through the steering service."""
    action = request.path_params["action"]
    if action not in ITEM_ACTIONS:
        raise HTTPException(404)
    require(request, action)
    c = console(request)
    item_id = int(request.path_params["item_id"])
    f = form(request)
    who = web_actor(request)
    version = int_or_none(text(f, "version"))
    try:
        st = await run_in_threadpool(steering, c, action in ("approve", "withdraw", "correct"))
        if action == "approve":
            result = await run_in_threadpool(lambda: st.approve(item_id, who, expected_version=version,
                                                                confirm_past=text(f, "confirm_past") == "1"))
        elif action == "reject":
            result = await run_in_threadpool(lambda: st.reject(item_id, who, text(f, "reason"), expected_version=version))
        elif action == "restore":
            result = await run_in_threadpool(lambda: st.restore(item_id, who, expected_version=version))
        elif action == "withdraw":
            if await run_in_threadpool(_went_out, c, item_id):
                result = await st.withdraw(item_id, who, text(f, "reason"), expected_version=version)
            else:      # nothing is out yet: taking it back is cancelling it
                result = await run_in_threadpool(lambda: st.cancel(item_id, who, expected_version=version))
        else:
            title, body = text(f, "title").strip() or None, text(f, "body") or None
            result = await st.correct(item_id, who, title=title, body=body, expected_version=version)
    except LoaError as e:
        await run_in_threadpool(flash, request, "error", e.message)
        return redirect(f"/items/{item_id}")
    lines = result.done + result.warnings
    if result.manual:
        lines.append("Cần làm tay: " + " ".join(result.manual))
    await run_in_threadpool(flash, request, "error" if result.manual else "ok", " ".join(lines))
    return redirect(f"/items/{item_id}")


ITEM_ACTIONS = ("approve", "reject", "withdraw", "correct", "restore")


def steering(c: Console, with_channels: bool = False) -> Steering:
    return Steering(c.db, c.settings, c.channels() if with_channels else None, clock=c.clock)


def _went_out(c: Console, item_id: int) -> bool:
    with c.db.session() as s:
        return items_mod.get_item(s, item_id).state in ("published", "withdrawn") or sent_count(s, item_id) > 0


def set_image(c: Console, item_id: int, path: str) -> None:
    """Attach a newly uploaded image (the steering service's edit covers the text fields)."""
    with c.db.session() as s:
        item = items_mod.get_item(s, item_id)
        if item.image_path != path:
            item.image_path = path


def consequences(c: Console, item: Item, role: str | None) -> list[str]:
    """What the actions this person may take here would do beyond the obvious (said beforehand)."""

    out: list[str] = []
    st = steering(c, with_channels=True)
    for action in ("edit", "approve", "withdraw", "correct"):
        if not allowed(role, "compose" if action == "edit" else action):
            continue
        try:
            out += st.consequences(item.id, action)
        except (TransitionRefused, LoaError):
            continue
    return list(dict.fromkeys(out))


def web_actor(request: Request) -> Actor:
    return Actor(actor(request), "web")
