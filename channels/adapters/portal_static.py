"""Static portal: article pages, an index and an RSS 2.0 feed in a folder any web server (or
the provincial portal's feed reader) can serve.

Config `[channels.portal]` kind = "static": path (default var/site), base_url (public address
of that folder; links are file:// URIs without it), title (feed title; default "Tin tức –
<unit name>"). A JSON manifest keyed by message key remembers what was published, so the same
key twice changes nothing in the index or the feed, and `reconcile` can tell. Every file is
written atomically; a lock file serialises concurrent publishers on one host.
"""

from __future__ import annotations

import contextlib
import html
import json
import shutil
from datetime import date, datetime, time
from email.utils import format_datetime
from pathlib import Path
from typing import Any, ClassVar, Iterator
from xml.sax.saxutils import escape as xml_escape

from channels.base import Channel, Limits, Message, PermanentError, Receipt
from channels.adapters.outbox import write_atomic
from content.config import PortalSettings
from content.text import fmt_date, now_utc

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Linux
    fcntl = None  # type: ignore[assignment]

MANIFEST = "manifest.json"
FEED_ITEMS = 50


class StaticPortal(Channel):
    name: ClassVar[str] = "portal"
    options: ClassVar[type[PortalSettings]] = PortalSettings
    limits: ClassVar[Limits] = Limits()

    def __init__(self, settings, config, state=None):
        super().__init__(settings, config, state)
        self.folder = settings.resolve(config.path)
        self.base_url = config.base_url.rstrip("/")

    def describe(self) -> str:
        return f"portal (trang tĩnh) → {self.folder}" + (f", {self.base_url}" if self.base_url else "")

    def url_for(self, path: str) -> str:
        return f"{self.base_url}/{path}" if self.base_url else (self.folder / path).resolve().as_uri()

    # -- manifest --------------------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / ".loa.lock", "a") as fh:
            if fcntl:
                fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                if fcntl:
                    fcntl.flock(fh, fcntl.LOCK_UN)

    def _manifest(self) -> dict[str, Any]:
        try:
            return json.loads((self.folder / MANIFEST).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}

    # -- channel ---------------------------------------------------------------------------

    async def send(self, message: Message, target: str) -> Receipt:
        ex = message.extras
        slug = str(ex.get("slug") or message.key)
        path = str(ex.get("path") or f"bai-viet/{slug}.html")
        page = ex.get("page") or _minimal_page(message.title, message.body)
        try:
            with self._locked():
                manifest = self._manifest()
                write_atomic(self.folder / path, page)
                for name, source in (ex.get("assets") or {}).items():
                    dest = self.folder / name
                    if Path(source).exists():
                        dest.parent.mkdir(parents=True, exist_ok=True)
                        shutil.copyfile(source, dest)
                entry = manifest.get(message.key) or {"published_at": now_utc().isoformat()}
                entry.update(title=message.title, path=path, slug=slug, summary=str(ex.get("summary") or ""),
                             date=str(ex.get("date") or now_utc().date().isoformat()),
                             tags=list(ex.get("tags") or []))
                manifest[message.key] = entry
                self._rebuild(manifest)
                write_atomic(self.folder / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        except OSError as e:
            raise PermanentError(f"Không ghi được trang tĩnh vào {self.folder}: {e.strerror}.") from e
        return Receipt(external_id=slug, url=self.url_for(path))

    async def reconcile(self, message: Message, target: str) -> Receipt | None:
        entry = self._manifest().get(message.key)
        if entry and (self.folder / entry["path"]).exists():
            return Receipt(external_id=entry["slug"], url=self.url_for(entry["path"]))
        return None

    # -- index and feed --------------------------------------------------------------------

    def _entries(self, manifest: dict[str, Any]) -> list[dict[str, Any]]:
        return sorted(manifest.values(), key=lambda e: (e["date"], e["published_at"]), reverse=True)

    def _title(self) -> str:
        return (self.config.title or f"Tin tức – {self.settings.unit.name}")

    def _rebuild(self, manifest: dict[str, Any]) -> None:
        entries = self._entries(manifest)
        write_atomic(self.folder / "index.html", self._index(entries))
        write_atomic(self.folder / "feed.xml", self._feed(entries[:FEED_ITEMS]))

    def _index(self, entries: list[dict[str, Any]]) -> str:
        e = html.escape
        items = "\n".join(
            f'    <li><a href="{e(x["path"])}">{e(x["title"])}</a> '
            f'<span class="ngay">{fmt_date(date.fromisoformat(x["date"]))}</span>'
            + (f'<p>{e(x["summary"])}</p>' if x["summary"] else "") + "</li>" for x in entries)
        title = e(self._title())
        return (f'<!DOCTYPE html>\n<html lang="vi">\n<head>\n  <meta charset="utf-8">\n'
                f'  <meta name="viewport" content="width=device-width, initial-scale=1">\n'
                f'  <title>{title}</title>\n'
                f'  <link rel="alternate" type="application/rss+xml" title="{title}" href="feed.xml">\n'
                f'</head>\n<body>\n  <h1>{title}</h1>\n  <ul class="tin">\n{items}\n  </ul>\n'
                f'  <p><a href="feed.xml">Theo dõi qua RSS</a></p>\n</body>\n</html>\n')

    def _feed(self, entries: list[dict[str, Any]]) -> str:
        x = xml_escape
        tz = self.settings.tz
        items = []
        for en in entries:
            link = self.url_for(en["path"])
            when = datetime.combine(date.fromisoformat(en["date"]), time(7, 0), tzinfo=tz)
            cats = "".join(f"<category>{x(t)}</category>" for t in en.get("tags", []))
            items.append(f"    <item>\n      <title>{x(en['title'])}</title>\n      <link>{x(link)}</link>\n"
                         f'      <guid isPermaLink="true">{x(link)}</guid>\n'
                         f"      <pubDate>{format_datetime(when)}</pubDate>\n"
                         f"      <description>{x(en['summary'])}</description>{cats}\n    </item>")
        home = self.url_for("index.html")
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">\n<channel>\n'
                f"  <title>{x(self._title())}</title>\n  <link>{x(home)}</link>\n"
                f"  <description>{x('Tin bài của ' + self.settings.unit.name)}</description>\n"
                f"  <language>vi</language>\n  <lastBuildDate>{format_datetime(now_utc())}</lastBuildDate>\n"
                + "\n".join(items) + "\n</channel>\n</rss>\n")


def _minimal_page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="vi">\n<head><meta charset="utf-8"><title>{html.escape(title)}'
            f"</title></head>\n<body>\n{body}\n</body>\n</html>\n")
