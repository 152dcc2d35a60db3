"""Static portal: a complete site (home with pages, one page per theme, the citizens' Q&A column,
contact, articles, RSS, sitemap, our stylesheet) in a folder any web server can serve; the
pages themselves are made by `content.render.site`, this adapter keeps the record and writes.

Config `[channels.portal]` kind = "static": `path` (the web root, default var/site), `base_url`
(its public address; links are relative without it, and no sitemap is written), `title` (the
section's name, default "Cải cách hành chính"), `per_page` (articles per list page, 10).

What is published is remembered in a JSON manifest keyed by message key — the same key twice
changes nothing, and `reconcile` can tell — kept **outside the web root** with the lock file that
serialises publishers on one host: in `<path>.loa/` beside the site folder (a manifest or lock
left inside the web root by an older Loa is moved there). Every file is written atomically,
readable by the web server (0644), and only when its content changed.

Withdraw removes the post's entries from the manifest, deletes their article pages and rebuilds
the rest of the site (home, theme pages, RSS, sitemap); correct replaces an entry's title, lead
and body at its old address (links keep working), marks when it was corrected, and rebuilds.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
from datetime import date, datetime
from pathlib import Path
from typing import Any, ClassVar, Iterator

from channels.base import Channel, Delivered, Limits, Message, PermanentError, Receipt, TakeBack
from channels.adapters.outbox import write_atomic
from content.config import PortalSettings
from content.render import site as site_mod
from content.text import now_utc

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Linux
    fcntl = None  # type: ignore[assignment]

MANIFEST = "manifest.json"
WRITTEN = "written.json"          # path → sha256 of what we last wrote (skip unchanged files)
LOCK = ".loa.lock"


class StaticPortal(Channel):
    name: ClassVar[str] = "portal"
    options: ClassVar[type[PortalSettings]] = PortalSettings
    limits: ClassVar[Limits] = Limits()
    can_withdraw: ClassVar[bool] = True
    can_correct: ClassVar[bool] = True

    def __init__(self, settings, config, state=None):
        super().__init__(settings, config, state)
        self.folder = settings.resolve(config.path)
        self.state_dir = self.folder.with_name(self.folder.name + ".loa")
        self.base_url = config.base_url.rstrip("/")

    def describe(self) -> str:
        return f"portal (trang tĩnh) → {self.folder}" + (f", {self.base_url}" if self.base_url else "")

    def url_for(self, path: str) -> str:
        return f"{self.base_url}/{path}" if self.base_url else (self.folder / path).resolve().as_uri()

    # -- manifest, outside the web root ---------------------------------------------------

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        with open(self.state_dir / LOCK, "a") as fh:
            if fcntl:
                fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                self._move_old_state()
                yield
            finally:
                if fcntl:
                    fcntl.flock(fh, fcntl.LOCK_UN)

    def _move_old_state(self) -> None:
        """An older Loa kept its manifest and lock inside the web root: move them out."""
        old = self.folder / MANIFEST
        if old.exists() and not (self.state_dir / MANIFEST).exists():
            shutil.move(str(old), str(self.state_dir / MANIFEST))
        elif old.exists():
            old.unlink()
        (self.folder / LOCK).unlink(missing_ok=True)

    def _read(self, name: str) -> dict[str, Any]:
        try:
            return json.loads((self.state_dir / name).read_text(encoding="utf-8"))
        except FileNotFoundError:
            old = self.folder / name
            if name == MANIFEST and old.exists():            # before the first locked write
                return json.loads(old.read_text(encoding="utf-8"))
            return {}

    def _manifest(self) -> dict[str, Any]:
        return self._read(MANIFEST)

    # -- channel ---------------------------------------------------------------------------

    async def send(self, message: Message, target: str) -> Receipt:
        ex = message.extras
        slug = str(ex.get("slug") or message.key)
        path = str(ex.get("path") or f"bai-viet/{slug}.html")
        try:
            with self._locked():
                manifest = self._manifest()
                for name, source in (ex.get("assets") or {}).items():
                    if Path(source).exists():
                        write_atomic(self.folder / name, Path(source).read_bytes())
                old = manifest.get(message.key) or {}
                entry = {
                    "published_at": old.get("published_at") or now_utc().isoformat(),
                    "title": message.title, "path": path, "slug": slug,
                    "summary": str(ex.get("summary") or ""), "lead": str(ex.get("lead") or ""),
                    "date": str(ex.get("date") or now_utc().date().isoformat()),
                    "at": ex.get("at"), "tags": list(ex.get("tags") or []), "section": str(ex.get("section") or ""),
                    "image": ex.get("image_path"),
                    "body_html": str(ex.get("body_html") or "") or _body_of(message.body),
                }
                manifest[message.key] = entry
                self._publish(manifest, message.key)
                write_atomic(self.state_dir / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        except OSError as e:
            raise PermanentError(f"Không ghi được trang tĩnh vào {self.folder}: {e.strerror}.") from e
        return Receipt(external_id=slug, url=self.url_for(path))

    async def reconcile(self, message: Message, target: str) -> Receipt | None:
        entry = self._manifest().get(message.key)
        if entry and (self.folder / entry["path"]).exists():
            return Receipt(external_id=entry["slug"], url=self.url_for(entry["path"]))
        return None

    # -- taking back ------------------------------------------------------------------------

    @staticmethod
    def _keys(manifest: dict[str, Any], sent: Delivered) -> list[str]:
        return [k for k in manifest if k.startswith(f"{sent.key}-part-") or k.startswith(f"{sent.key}-fix")]

    async def withdraw(self, sent: Delivered, now: datetime) -> TakeBack:
        try:
            with self._locked():
                manifest = self._manifest()
                keys = self._keys(manifest, sent)
                if not keys:
                    return TakeBack(True, "gone", f"Cổng TTĐT: trang của bài đã không còn trên {self.folder}.")
                written = self._read(WRITTEN)
                paths = []
                for key in keys:
                    entry = manifest.pop(key)
                    (self.folder / entry["path"]).unlink(missing_ok=True)
                    written.pop(entry["path"], None)
                    paths.append(entry["path"])
                write_atomic(self.state_dir / WRITTEN, json.dumps(written, indent=0, sort_keys=True))
                self._publish(manifest)
                write_atomic(self.state_dir / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        except OSError as e:
            raise PermanentError(f"Không gỡ được trang tĩnh trong {self.folder}: {e.strerror}.") from e
        return TakeBack(True, "removed", f"Cổng TTĐT: đã gỡ trang {', '.join(paths)}; trang chủ, các trang "
                        "chủ đề và RSS đã dựng lại.")

    async def correct(self, sent: Delivered, messages: list[Message], notice: list[Message],
                      now: datetime) -> TakeBack:
        try:
            with self._locked():
                manifest = self._manifest()
                old = [k for k in self._keys(manifest, sent) if "-fix" not in k]
                if not old:
                    raise PermanentError("Cổng TTĐT: không còn trang của bài để đính chính (đã bị gỡ?).")
                for key, message in zip(old, messages):
                    ex = message.extras
                    entry = manifest[key]
                    entry.update(title=message.title, summary=str(ex.get("summary") or ""),
                                 lead=str(ex.get("lead") or ""),
                                 body_html=str(ex.get("body_html") or "") or _body_of(message.body),
                                 tags=list(ex.get("tags") or entry.get("tags") or []),
                                 corrected_at=now.isoformat())
                self._publish(manifest, *old)
                write_atomic(self.state_dir / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
                url = self.url_for(manifest[old[0]]["path"])
        except OSError as e:
            raise PermanentError(f"Không ghi được trang tĩnh vào {self.folder}: {e.strerror}.") from e
        return TakeBack(True, "edited", f"Cổng TTĐT: đã thay trang bằng bản đính chính ({url}); trang chủ, "
                        "các trang chủ đề và RSS đã dựng lại.", url=url)

    # -- the site ----------------------------------------------------------------------------

    def _publish(self, manifest: dict[str, Any], *keys: str) -> None:
        """Write the site: lists, theme pages, feed and sitemap every time; article pages only
        for the entries `keys` (new or corrected), those missing on disk, or all when the site's
        look or contact changed."""
        site = site_mod.site_from_settings(self.settings)
        written = self._read(WRITTEN)
        signature = site_mod.site_signature(site)
        if written.get("#site") == signature:
            articles = set(keys) | {k for k, v in manifest.items() if not (self.folder / v["path"]).exists()}
        else:
            articles = None
        files = site_mod.build(site, [_entry(k, v) for k, v in manifest.items()], now=now_utc(), articles=articles)
        written["#site"] = signature
        for path, text in files.items():
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
            if written.get(path) == digest and (self.folder / path).exists():
                continue
            write_atomic(self.folder / path, text)
            written[path] = digest
        write_atomic(self.state_dir / WRITTEN, json.dumps(written, indent=0, sort_keys=True))


def _entry(key: str, v: dict[str, Any]) -> site_mod.Entry:
    at = None
    for raw in (v.get("at"), v.get("published_at")):
        if raw:
            at = datetime.fromisoformat(raw)
            break
    return site_mod.Entry(key=key, title=v["title"], path=v["path"], date=date.fromisoformat(v["date"]),
                          summary=v.get("summary", ""), lead=v.get("lead", ""), body_html=v.get("body_html", ""),
                          at=at, tags=tuple(v.get("tags") or ()), section=v.get("section", ""),
                          image=v.get("image"))


def _body_of(fragment: str) -> str:
    """The article body inside a rendered fragment (`<div class="noi-dung">…</div>`), or the
    fragment itself (a message from another renderer)."""
    start = fragment.find('<div class="noi-dung">')
    end = fragment.rfind("</div>")
    if start >= 0 and end > start:
        return fragment[start + len('<div class="noi-dung">'):end].strip()
    return fragment
