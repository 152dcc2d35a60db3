"""The static portal as pages, pure: from the unit's settings and the published articles to every
file of a site a public body can put online as its CCHC section (the adapter
`channels/adapters/portal_static.py` only stores the articles and writes what this returns).

What it decides:
- Pages: `index.html` and `trang-N.html` (newest first, `PER_PAGE` a page), one page per theme
  `chu-de/<slug>.html` (and `chu-de/index.html` listing them), the citizens' column
  `hoi-dap.html` ("Dân hỏi – Chính quyền trả lời"), the contact page `lien-he.html`, one page per
  article `bai-viet/<slug>.html`, `feed.xml` (RSS 2.0, each item's real publication time),
  `sitemap.xml` and `robots.txt` (only with `base_url`: a sitemap needs absolute addresses), and
  one stylesheet of our own, `assets/loa.css` (no CDN, no web fonts, no JavaScript).
- Look: a dark-red band with the unit's name (the colour of Vietnamese state letterheads), white
  pages, system fonts that carry Vietnamese (system-ui, Segoe UI, Roboto, Noto Sans, Liberation
  Sans, Arial); every text colour passes WCAG AA (≥ 4.5:1); one column under 48 rem wide, so a
  390-px phone never scrolls sideways; a skip link, landmarks, `lang="vi"`, visible focus.
- Every page carries the unit's contact block (Decree 42/2022 art. 4: address, phone, email, and
  the official in charge with position, phone and email) and the hotline hours.
- Articles carry OpenGraph and article metadata (title, description, absolute URL and image,
  published time, locale vi_VN) so Zalo and Facebook show a preview; bare addresses in the text
  are links (done when the article is rendered).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from email.utils import format_datetime
from pathlib import Path
from typing import Any, Iterable, Mapping
from xml.sax.saxutils import escape as xml_escape

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from content.render import sms as sms_mod
from content.render.printable import unit_lines
from content.text import fmt_date, nfc

PER_PAGE = 10
FEED_ITEMS = 50
QA_SECTION = "hoi-dap"
QA_TITLE = "Dân hỏi – Chính quyền trả lời"
CSS_PATH = "assets/loa.css"

_env = Environment(loader=FileSystemLoader(str(Path(__file__).parent / "templates" / "site")),
                   autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True,
                   trim_blocks=True, lstrip_blocks=True)


@dataclass(frozen=True)
class Contact:
    """How to reach the unit and who answers for the section (Decree 42/2022, art. 4(1)(e))."""

    address: str = ""
    phones: tuple[str, ...] = ()
    email: str = ""
    hours: str = ""
    person: str = ""
    position: str = ""
    person_phone: str = ""
    person_email: str = ""


@dataclass(frozen=True)
class Site:
    unit: str
    title: str                          # "Cải cách hành chính"
    unit_lines: tuple[str, ...]
    contact: Contact
    base_url: str = ""                  # public address of the site's folder, no trailing slash
    per_page: int = PER_PAGE


@dataclass(frozen=True)
class Entry:
    """One published article as the site shows it."""

    key: str
    title: str
    path: str                           # "bai-viet/12-slug.html"
    date: date
    summary: str = ""
    lead: str = ""
    body_html: str = ""                 # sanitised article HTML ("" for entries kept from an older site)
    at: datetime | None = None          # publication time (aware)
    tags: tuple[str, ...] = ()
    section: str = ""                   # "" or QA_SECTION
    image: str | None = None            # site-relative path of the picture

    @property
    def when(self) -> datetime:
        return self.at or datetime.combine(self.date, time(0), tzinfo=timezone.utc)


@dataclass
class Built:
    files: dict[str, str] = field(default_factory=dict)


def theme_path(theme: str) -> str:
    """"chu-de/cai-cach-thu-tuc-hanh-chinh.html" (cut at a word, 60 characters at most)."""
    slug = re.sub(r"[^a-z0-9]+", "-", sms_mod.unaccent(nfc(theme)).lower()).strip("-")
    if len(slug) > 60:
        slug = slug[:61].rsplit("-", 1)[0]
    return f"chu-de/{slug or 'chu-de'}.html"


def page_name(n: int, base: str = "index") -> str:
    """Page n of a list: index.html, trang-2.html; a theme's chu-de/x.html, chu-de/x-trang-2.html."""
    if n == 1:
        return f"{base}.html"
    return f"trang-{n}.html" if base == "index" else f"{base}-trang-{n}.html"


def _rel(from_path: str, to_path: str) -> str:
    depth = from_path.count("/")
    return "../" * depth + to_path


def absolute(site: Site, path: str) -> str | None:
    return f"{site.base_url}/{path}" if site.base_url else None


def _themes(entries: Iterable[Entry]) -> list[tuple[str, str, int]]:
    """(theme text, path, article count), by count then name."""
    counts: dict[str, int] = {}
    for e in entries:
        for t in e.tags:
            counts[t] = counts.get(t, 0) + 1
    return sorted(((t, theme_path(t), n) for t, n in counts.items()), key=lambda x: (-x[2], x[0]))


def _ctx(site: Site, here: str, entries: list[Entry] | list[tuple[str, str, int]], **kw: Any) -> dict[str, Any]:
    """The page context; `entries` are the site's entries, or their themes already counted."""
    def link(path: str) -> str:
        return _rel(here, path)
    themes = entries if not entries or isinstance(entries[0], tuple) else _themes(entries)  # type: ignore[arg-type]
    return dict(site=site, here=here, link=link, css=link(CSS_PATH), themes=themes,
                fmt_date=fmt_date, theme_path=theme_path, qa_path=f"{QA_SECTION}.html",
                canonical=absolute(site, here), **kw)


def _card(e: Entry) -> dict[str, Any]:
    return {"title": e.title, "path": e.path, "date": fmt_date(e.date), "iso": e.when.isoformat(),
            "summary": e.summary, "tags": e.tags}


def _paginate(site: Site, entries: list[Entry], base: str, heading: str, intro: str,
              all_entries: list[tuple[str, str, int]], out: dict[str, str], *,
              crumbs: list[tuple[str, str]] | None = None) -> None:
    pages = max(1, math.ceil(len(entries) / site.per_page))
    for n in range(1, pages + 1):
        here = page_name(n, base)
        chunk = entries[(n - 1) * site.per_page: n * site.per_page]
        nav = {"n": n, "pages": pages,
               "prev": page_name(n - 1, base) if n > 1 else None,
               "next": page_name(n + 1, base) if n < pages else None}
        out[here] = _env.get_template("list.html.j2").render(
            **_ctx(site, here, all_entries, heading=heading, intro=intro, cards=[_card(e) for e in chunk],
                   pager=nav, crumbs=crumbs or [], title=heading if base == "index" and n == 1 else
                   f"{heading}{f' – trang {n}' if n > 1 else ''}"))


def site_signature(site: Site) -> str:
    """Changes when anything every page shows changes (identity, contact, stylesheet)."""
    import hashlib

    return hashlib.sha256((repr(site) + stylesheet()).encode("utf-8")).hexdigest()


def article_page(site: Site, e: Entry, all_entries: list[Entry], *, inline_css: bool = False) -> str:
    """The article's page in the site's layout; `inline_css` for a preview opened on its own."""
    here = e.path
    image = _rel(here, e.image) if e.image else None
    crumbs = [("Trang chủ", "index.html")]
    if e.section == QA_SECTION:
        crumbs.append((QA_TITLE, f"{QA_SECTION}.html"))
    elif e.tags:
        crumbs.append((e.tags[0], theme_path(e.tags[0])))
    ctx = _ctx(site, here, all_entries, e=e, image=image, crumbs=crumbs, title=e.title,
               og_image=absolute(site, e.image) if e.image else None, body_html=Markup(e.body_html),
               iso=e.when.isoformat(), inline_css=Markup(stylesheet()) if inline_css else None)
    return _env.get_template("article.html.j2").render(**ctx)


def stylesheet() -> str:
    return (Path(__file__).parent / "templates" / "site" / "loa.css").read_text(encoding="utf-8")


def build(site: Site, entries: Iterable[Entry], *, now: datetime,
          articles: set[str] | None = None) -> dict[str, str]:
    """Every file of the site: path (relative to the web root) → text. Pure. An article's page
    depends only on the site and the article, so `articles` (entry keys) limits which article
    pages are made — the adapter passes the new one; None makes them all."""
    entries = sorted(entries, key=lambda e: (e.when, e.date, e.key), reverse=True)
    news = [e for e in entries if e.section != QA_SECTION]
    qa = [e for e in entries if e.section == QA_SECTION]
    themes = _themes(news)
    out: dict[str, str] = {CSS_PATH: stylesheet()}
    _paginate(site, entries, "index", "Tin tức cải cách hành chính",
              f"Tin, bài về cải cách hành chính của {site.unit}.", themes, out)
    out["chu-de/index.html"] = _env.get_template("themes.html.j2").render(
        **_ctx(site, "chu-de/index.html", themes, title="Chủ đề tuyên truyền", heading="Chủ đề tuyên truyền",
               crumbs=[("Trang chủ", "index.html")]))
    for text, path, _ in themes:
        base = path[: -len(".html")]
        _paginate(site, [e for e in news if text in e.tags], base, text,
                  "Các tin, bài thuộc chủ đề này.", themes, out,
                  crumbs=[("Trang chủ", "index.html"), ("Chủ đề", "chu-de/index.html")])
    _paginate(site, qa, QA_SECTION, QA_TITLE,
              "Câu hỏi của người dân về thủ tục hành chính và câu trả lời của chính quyền. Thông tin cá nhân "
              "của người hỏi đã được lược bỏ; câu hỏi chỉ được đăng khi người hỏi đồng ý.",
              themes, out, crumbs=[("Trang chủ", "index.html")])
    out["lien-he.html"] = _env.get_template("contact.html.j2").render(
        **_ctx(site, "lien-he.html", themes, title="Liên hệ", crumbs=[("Trang chủ", "index.html")]))
    for e in entries:
        if e.body_html and (articles is None or e.key in articles):
            out[e.path] = article_page(site, e, [])
    out["feed.xml"] = feed(site, entries[:FEED_ITEMS], now=now)
    if site.base_url:
        out["sitemap.xml"] = sitemap(site, out, entries, now=now)
        out["robots.txt"] = f"User-agent: *\nAllow: /\nSitemap: {site.base_url}/sitemap.xml\n"
    return out


def feed(site: Site, entries: list[Entry], *, now: datetime) -> str:
    """RSS 2.0; each item's pubDate is its publication time (RFC 822, with its offset)."""
    x = xml_escape
    home = absolute(site, "index.html") or "index.html"
    items = []
    for e in entries:
        link = absolute(site, e.path) or e.path
        cats = "".join(f"<category>{x(t)}</category>" for t in e.tags)
        items.append(f"    <item>\n      <title>{x(e.title)}</title>\n      <link>{x(link)}</link>\n"
                     f'      <guid isPermaLink="{str(bool(site.base_url)).lower()}">{x(link)}</guid>\n'
                     f"      <pubDate>{format_datetime(e.when)}</pubDate>\n"
                     f"      <description>{x(e.summary)}</description>{cats}\n    </item>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">\n<channel>\n'
            f"  <title>{x(site.title)} – {x(site.unit)}</title>\n  <link>{x(home)}</link>\n"
            f"  <description>{x('Tin, bài cải cách hành chính của ' + site.unit)}</description>\n"
            f"  <language>vi</language>\n  <lastBuildDate>{format_datetime(now)}</lastBuildDate>\n"
            + "".join(i + "\n" for i in items) + "</channel>\n</rss>\n")


def sitemap(site: Site, files: Mapping[str, str], entries: list[Entry], *, now: datetime) -> str:
    when = {e.path: e.when for e in entries}
    newest = entries[0].when if entries else now
    urls = []
    for path in sorted({p for p in files if p.endswith(".html")} | {e.path for e in entries}):
        lastmod = when.get(path, newest).date().isoformat()
        urls.append(f"  <url><loc>{xml_escape(f'{site.base_url}/{path}')}</loc><lastmod>{lastmod}</lastmod></url>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + "\n".join(urls) + "\n</urlset>\n")


def site_from_settings(settings: Any) -> Site:
    """The site's identity and contact block from `[unit]`, `[unit.hotline]`, `[unit.contact]`
    and `[channels.portal]` (`base_url`, `title`)."""
    unit = settings.unit
    portal = settings.channel("portal")
    h = unit.hotline
    c = getattr(unit, "contact", None)
    phones = tuple(p.strip() for p in re.split(r"[,;/]|\bhoặc\b", nfc(h.phone or "")) if p.strip())
    contact = Contact(address=(getattr(unit, "address", "") or h.address or "").strip(), phones=phones,
                      email=(h.email or "").strip(), hours=(h.hours or "").strip(),
                      person=getattr(c, "name", "") or "", position=getattr(c, "position", "") or "",
                      person_phone=getattr(c, "phone", "") or "", person_email=getattr(c, "email", "") or "")
    return Site(unit=unit.name, title=portal.title or "Cải cách hành chính",
                unit_lines=unit_lines(unit.name), contact=contact,
                base_url=portal.base_url.strip().rstrip("/"), per_page=portal.per_page or PER_PAGE)
