"""Feed intake: RSS/Atom feeds from config become draft items awaiting approval.

The HTTP part is ours (requests, with ETag / If-Modified-Since and a timeout) and the bytes go
to `feedparser.parse`, as feedparser's own docs advise. A malformed feed that still parses
(`bozo`) is logged and used; one that fails outright is recorded on its FeedState row and
never stops the other feeds. Entries are de-duplicated by id, else link — never by date.
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable

import feedparser
import nh3
import requests
from sqlalchemy import select
from sqlalchemy.orm import Session

from content.config import Feed
from content.db import Database
from content.items.workflow import NewItem, create_item
from content.models import Item
from content.text import nfc
from schedules.models import FeedState

log = logging.getLogger(__name__)
USER_AGENT = "Loa/0.1 (+content scheduler for administrative-reform communication)"


@dataclass
class FeedResult:
    url: str
    status: int | None = None
    added: list[int] = field(default_factory=list)
    seen: int = 0
    malformed: bool = False
    error: str | None = None


@dataclass(frozen=True)
class Entry:
    key: str
    title: str
    body: str
    link: str | None


def entries_of(parsed: Any) -> list[Entry]:
    """Pure: feedparser's result → entries with a stable de-duplication key."""
    out: list[Entry] = []
    for e in parsed.entries:
        ident = e.get("id") or e.get("guid") or e.get("link")
        title = nfc(html.unescape(nh3.clean(e.get("title", ""), tags=set()))).strip()
        if not ident or not title:
            continue
        raw = e.get("summary") or ""
        if e.get("content"):
            raw = e["content"][0].get("value", raw)
        body = _plain(raw)
        link = e.get("link")
        if link:
            body = f"{body}\n\nNguồn: {link}" if body else f"Nguồn: {link}"
        out.append(Entry(key=f"feed:{ident}"[:500], title=title[:300], body=body, link=link))
    return out


def _plain(fragment: str) -> str:
    """HTML from someone else's site → plain paragraphs (every tag dropped, entities decoded)."""
    marked = fragment.replace("</p>", "\n\n").replace("<br>", "\n").replace("<br/>", "\n").replace("<br />", "\n")
    text = html.unescape(nh3.clean(marked, tags=set()))
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n")]
    return nfc("\n\n".join(p for p in paragraphs if p))


def poll(db: Database, feed: Feed, *, now: datetime, http: requests.Session | None = None,
         timeout: float = 20.0) -> FeedResult:
    url = feed.url
    result = FeedResult(url=url)
    with db.session() as s:
        state = s.get(FeedState, url) or FeedState(url=url, entries_added=0)
        etag, modified = state.etag, state.last_modified
    headers = {"User-Agent": USER_AGENT}
    if etag:
        headers["If-None-Match"] = etag
    if modified:
        headers["If-Modified-Since"] = modified
    http = http or requests.Session()
    try:
        resp = http.get(url, headers=headers, timeout=timeout)
        result.status = resp.status_code
        if resp.status_code == 304:
            _save_state(db, url, now=now, error=None)
            return result
        resp.raise_for_status()
        parsed = feedparser.parse(resp.content, response_headers={k.lower(): v for k, v in resp.headers.items()})
    except requests.RequestException as e:
        result.error = f"Không tải được nguồn tin {url}: {type(e).__name__}: {e}"
        log.warning(result.error)
        _save_state(db, url, now=now, error=result.error)
        return result
    if not parsed.get("version") and not parsed.entries:
        result.malformed = True
        result.error = f"Địa chỉ {url} không trả về nguồn tin RSS/Atom (có thể là trang web thường)."
        log.warning(result.error)
        _save_state(db, url, now=now, error=result.error)
        return result
    if parsed.bozo:
        result.malformed = True
        log.warning("feed %s is malformed (%s); using what parsed", url, parsed.get("bozo_exception"))
        if not parsed.entries:
            result.error = f"Nguồn tin {url} không đọc được: {parsed.get('bozo_exception')}"
            _save_state(db, url, now=now, error=result.error)
            return result
    entries = entries_of(parsed)
    result.seen = len(entries)
    channels = feed.channels
    with db.session() as s:
        known = set(s.scalars(select(Item.source_key).where(Item.source_key.in_([e.key for e in entries]))))
        for e in entries:
            if e.key in known:
                continue
            item = create_item(s, NewItem(title=e.title, body=e.body, channels=channels, source="feed",
                                          source_key=e.key, source_url=e.link,
                                          created_by=feed.label), now=now)
            known.add(e.key)
            result.added.append(item.id)
        state = s.get(FeedState, url) or FeedState(url=url, entries_added=0)
        state.etag = resp.headers.get("ETag")
        state.last_modified = resp.headers.get("Last-Modified")
        state.polled_at, state.last_error = now, None
        state.entries_added = (state.entries_added or 0) + len(result.added)
        s.merge(state)
    return result


def _save_state(db: Database, url: str, *, now: datetime, error: str | None) -> None:
    with db.session() as s:
        state = s.get(FeedState, url) or FeedState(url=url, entries_added=0)
        state.polled_at, state.last_error = now, error
        s.merge(state)


@dataclass(frozen=True)
class FeedView:
    """A configured feed and its last fetch, for the console's /channels page."""
    url: str
    name: str
    polled_at: datetime | None     # last fetch, successful or not; None: never fetched
    last_error: str | None         # None when the last fetch went well
    entries_added: int


def feed_views(session: Session, feeds: Iterable[Feed]) -> list[FeedView]:
    """Every configured feed (`[[feeds]]`) with its stored state, in config order."""
    out = []
    for feed in feeds:
        state = session.get(FeedState, feed.url)
        out.append(FeedView(feed.url, feed.label, state.polled_at if state else None,
                            state.last_error if state else None, (state.entries_added or 0) if state else 0))
    return out
