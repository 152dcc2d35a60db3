"""Render one content item for one channel: pure functions from an `Article` and settings to
a `Rendering` (Jinja2 templates in content/templates/, autoescape on for HTML outputs).

Titles and bodies come from staff and citizens, so they are never trusted: HTML templates
autoescape, Markdown is rendered with raw HTML off and sanitised (content/markdown.py), Telegram
output keeps only the tags Telegram accepts (content/telegram_html.py). The only file read is
the unit's own abbreviation list for radio (`[channels.radio] abbreviations`), cached.

Extras per channel (see each renderer's docstring): portal — page, slug, summary, date, tags,
path, canonical, image, assets; telegram — parse_mode, lengths, photo, caption_maxlen;
zalo — description, body_blocks, cover, title, author, truncated; radio — duration_seconds,
words, words_per_minute, docx, txt_name, docx_name, station, unknown_abbreviations, to_check
(what the announcer should check: `spoken.Check`s);
hotline — sms, sms_encoding, sms_segments, sms_length, phones, file_name.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePath
from typing import Any, Callable
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from content.render import lexicon
from content.render.article import Article, Rendering  # noqa: F401 - part of this module's face
from content.render import printable
from content.render import site as site_mod
from content.render.printable import fmt_duration, radio_docx  # noqa: F401 - part of this module's face

from content.render import spoken

from content.render import telegram_split
from content.render import markdown as md
from content.render import sms as sms_mod
from content.render import telegram_html as tg
from content.config import Settings
from content.kinds import LINKS_TO_PORTAL, PUBLISHABLE
from content.text import fmt_date, nfc

ZALO_TEXT_MAX = 2000
ZALO_DESCRIPTION_MAX = 300
ZALO_TITLE_MAX = 150
ZALO_AUTHOR_MAX = 50
DEFAULT_WPM = 120


_env = Environment(
    loader=FileSystemLoader(str(Path(__file__).parent / "templates")),
    autoescape=lambda name: name is not None and ".html" in name,
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)


def _template(name: str, **context: Any) -> str:
    return nfc(_env.get_template(name).render(**context))


# --------------------------------------------------------------------------- slugs and links


def slugify(text: str, max_len: int = 80) -> str:
    """ASCII slug: "Cải cách thủ tục hành chính" → "cai-cach-thu-tuc-hanh-chinh"."""
    s = re.sub(r"[^a-z0-9]+", "-", sms_mod.unaccent(nfc(text)).lower()).strip("-")
    if len(s) > max_len:
        s = s[:max_len]
        s = s[: s.rfind("-")] if "-" in s else s
    return s


def article_slug(article_id: int | None, title: str) -> str:
    """"12-cai-cach-thu-tuc-hanh-chinh" (id first, so slugs stay unique when titles repeat)."""
    parts = [str(article_id)] if article_id is not None else []
    if slugify(title):
        parts.append(slugify(title))
    return "-".join(parts) or "bai-viet"


def portal_link(settings: Settings, article_id: int | None, title: str) -> str | None:
    """The public URL of an article on the portal, when `[channels.portal] base_url` is set."""
    base = settings.channel("portal").base_url.strip()
    if not base:
        return None
    return f"{base.rstrip('/')}/bai-viet/{article_slug(article_id, title)}.html"


def item_link(settings: Settings, article_id: int | None, title: str, channels: Any) -> str | None:
    """The portal address an item's posts point to: set when the item also goes to the portal
    (`render` then keeps it only where `links_to_portal` allows)."""
    return portal_link(settings, article_id, title) if "portal" in channels else None


def links_to_portal(settings: Settings, channel: str) -> bool:
    """The one portal-link rule, for the published post and its preview alike: a post on
    Telegram, Zalo or the hotline notice carries the article's portal address only when the
    portal is an enabled static site with a `base_url` (a WordPress portal's address is known
    only after publishing)."""
    portal = settings.channel("portal")
    return (channel in LINKS_TO_PORTAL and portal.enabled and portal.kind == "static"
            and bool(portal.base_url.strip()))


def portal_home(settings: Settings) -> str | None:
    """The public address of the portal's home page, when `[channels.portal] base_url` is set."""
    base = settings.channel("portal").base_url.strip()
    return f"{base.rstrip('/')}/" if base else None


# --------------------------------------------------------------------------- entry point


def render(article: Article, channel: str, settings: Settings, *, max_len: int | None = None) -> Rendering:
    """Render for `channel` in portal|telegram|zalo|radio|hotline; `max_len` is the adapter's
    body limit (characters) that multi-part channels split to."""
    fn = _RENDERERS.get(channel)
    if fn is None:
        raise ValueError(f"Kênh không hợp lệ: “{channel}”. Các kênh: {', '.join(PUBLISHABLE)}.")
    a = Article(title=nfc(article.title).strip(), body=nfc(article.body or ""), date=article.date,
                id=article.id, summary=nfc(article.summary or "").strip(),
                theme=nfc(article.theme or "").strip(), image=article.image,
                link=article.link if links_to_portal(settings, channel) else None,
                at=article.at, source=article.source)
    return fn(a, settings, max_len)


def _summary(a: Article, limit: int = 300) -> str:
    return md.shorten(a.summary, limit) if a.summary else md.lead(a.body, limit)


# --------------------------------------------------------------------------- portal


def _portal(a: Article, settings: Settings, max_len: int | None) -> Rendering:
    """`parts[0]` is the article fragment (for a CMS). For the static site: extras["body_html"]
    (bare addresses made links), "lead", "summary", "at" (publication time), "section"
    ("hoi-dap" for the citizens' column), "tags", "path", "image"/"assets"; extras["page"] is the
    article in the site's layout (`content.render.site`), styles inline, as the preview shows it."""
    slug = article_slug(a.id, a.title)
    tags = [a.theme] if a.theme else []
    summary = _summary(a)
    unit = settings.unit.name
    body_html = md.to_html(a.body, linkify=True)
    context = dict(title=a.title, date=fmt_date(a.date), iso_date=(a.at or a.date).isoformat(), unit=unit,
                   tags=tags, summary=summary, lead=a.summary, body_html=Markup(body_html))
    fragment = _template("portal_article.html.j2", **context).strip()
    assets: dict[str, str] = {}
    image = None
    if a.image:
        image = f"anh/{slug}{PurePath(a.image).suffix.lower()}"
        assets[image] = a.image
    canonical = portal_link(settings, a.id, a.title)
    path = f"bai-viet/{slug}.html"
    section = site_mod.QA_SECTION if a.source == "qa" else ""
    entry = site_mod.Entry(key=slug, title=a.title, path=path, date=a.date, summary=summary, lead=a.summary,
                           body_html=body_html, at=a.at, tags=tuple(tags), section=section, image=image)
    page = site_mod.article_page(site_mod.site_from_settings(settings), entry, [entry], inline_css=True)
    return Rendering("portal", a.title, (fragment,), "html", {
        "page": page, "slug": slug, "summary": summary, "lead": a.summary, "body_html": body_html,
        "date": a.date.isoformat(), "at": a.at.isoformat() if a.at else None, "tags": tags,
        "section": section, "path": path, "canonical": canonical, "image": a.image, "image_path": image,
        "assets": assets,
    })


# --------------------------------------------------------------------------- telegram


def _telegram(a: Article, settings: Settings, max_len: int | None) -> Rendering:
    """Telegram HTML split to `max_len` (4096) visible characters a part; with an image the
    first part is the photo's caption (≤ 1024) and extras["photo"] is the image path."""
    limit = max_len or tg.MESSAGE_MAX
    pieces = [f"<b>{tg.escape(a.title)}</b>", tg.from_html(md.to_html(a.body))]
    if tg.safe_href(a.link):
        pieces.append(tg.link(a.link or "", "Xem chi tiết"))
    full = "\n\n".join(p for p in pieces if p)
    first = min(tg.CAPTION_MAX, limit) if a.image else None
    parts = telegram_split.split(full, limit, first_limit=first)
    extras: dict[str, Any] = {"parse_mode": "HTML", "lengths": [tg.visible_length(p) for p in parts]}
    if a.image:
        extras.update(photo=a.image, caption_maxlen=tg.CAPTION_MAX)
    return Rendering("telegram", a.title, tuple(parts), "html", extras)


# --------------------------------------------------------------------------- zalo


def _fit(text: str, room: int) -> str:
    """`text` within `room` characters, cut at a paragraph, else sentence, else word, plus "…"."""
    if len(text) <= room:
        return text
    window = text[: max(room - 3, 0)]
    for sep in ("\n\n", "\n"):
        k = window.rfind(sep)
        if k >= room // 2:
            return window[:k].rstrip() + sep + "…"
    k = max(window.rfind(". "), window.rfind("! "), window.rfind("? "))
    if k >= room // 2:
        return window[: k + 1] + " …"
    k = window.rfind(" ")
    return (window[:k] if k > 0 else window).rstrip(" ,;:–-") + "…"


def _zalo(a: Article, settings: Settings, max_len: int | None) -> Rendering:
    """Plain text for an OA message (≤ `max_len`, default 2000 characters, the portal link kept
    at the end); extras carry the fields of the OA article API."""
    limit = max_len or ZALO_TEXT_MAX
    tail = f"Xem chi tiết: {a.link}" if a.link else ""
    body = md.to_text(a.body)
    fixed = len(a.title) + (len(tail) + 2 if tail else 0) + 2
    room = max(limit - fixed, 0)
    fitted = _fit(body, room) if body else ""
    text = "\n\n".join(p for p in (a.title, fitted, tail) if p)
    if len(text) > limit:                           # a title alone longer than the limit
        text = md.shorten(text, limit)
    blocks = [{"type": "text", "content": p} for p in md.paragraphs(a.body)]
    return Rendering("zalo", a.title, (text,), "text", {
        "description": md.shorten(_summary(a, ZALO_DESCRIPTION_MAX), ZALO_DESCRIPTION_MAX),
        "body_blocks": blocks, "cover": a.image, "title": md.shorten(a.title, ZALO_TITLE_MAX),
        "author": md.shorten(settings.unit.name, ZALO_AUTHOR_MAX), "truncated": fitted != body,
        "link": a.link,
    })


# --------------------------------------------------------------------------- radio


def station_name(settings: Settings) -> str:
    """`unit.radio_station`, else "Đài truyền thanh" + the place ("xã Ngọc Lâm")."""
    unit = settings.unit
    if unit.radio_station.strip():
        return unit.radio_station.strip()
    place = unit.place.strip() or re.sub(r"^(Ủy|Uỷ) ban nhân dân\s*", "", unit.name).strip()
    return f"Đài truyền thanh {place}".strip()


def _sentence(text: str) -> str:
    text = text.strip().rstrip(",–- ")
    return text if not text or text[-1] in ".!?…:;" else text + "."


def radio_where(settings: Settings) -> str:
    """Where a listener finds a linked page: the unit's own site ("trên trang thông tin điện tử của
    xã Ngọc Lâm"); `[channels.radio] link_where` says it otherwise."""
    configured = settings.channel("radio").link_where.strip()
    if configured:
        return configured
    place = settings.unit.place.strip() or re.sub(r"^(Ủy|Uỷ) ban nhân dân\s*", "", settings.unit.name).strip()
    return f"trên trang thông tin điện tử của {place}" if place else spoken.DEFAULT_WHERE


def radio_lexicon(settings: Settings) -> lexicon.Lexicon:
    extra = settings.channel("radio").abbreviations
    return lexicon.lexicon(settings.resolve(extra) if extra else None)


def _radio(a: Article, settings: Settings, max_len: int | None) -> Rendering:
    """A script read on the commune loudspeakers: opening formula, title, body in spoken form,
    closing. Duration = syllables ÷ words_per_minute (default 120)."""
    lex = radio_lexicon(settings)
    context = f"{settings.unit.name}\n{settings.unit.place}\n{a.title}\n{a.body}"
    where = radio_where(settings)
    own_host = urlsplit(settings.channel("portal").base_url).hostname
    checks: list[spoken.Check] = []

    def say(text: str, numbering: bool = False) -> str:
        said, to_check = spoken.read_aloud(text, lex, numbering=numbering, where=where,
                                           context=context, own_host=own_host)
        checks.extend(c for c in to_check if c not in checks)
        return said

    station = say(station_name(settings)).rstrip(".")
    title = say(a.title).rstrip(".!?:; ")
    paragraphs = []
    for b in md.blocks(a.body, links="markdown"):
        said = say(b.text, numbering=b.kind in ("h", "p", "li"))
        if said:
            paragraphs.append(_sentence(said))
    script = _template("radio.txt.j2", station=station, title=title, paragraphs=paragraphs)
    script = re.sub(r"\n{3,}", "\n\n", script).strip() + "\n"
    words = spoken.syllables(script)
    wpm = settings.channel("radio").words_per_minute or DEFAULT_WPM
    seconds = round(words * 60 / wpm)
    base = f"{a.date.isoformat()}-{article_slug(a.id, a.title)}"
    docx = radio_docx(title=a.title, station=station_name(settings), day=a.date, seconds=seconds, words=words,
                      wpm=wpm, script=script, unit=settings.unit.name, place=unit_place(settings))
    return Rendering("radio", a.title, (script,), "text", {
        "duration_seconds": seconds, "words": words, "words_per_minute": wpm, "docx": docx,
        "txt_name": base + ".txt", "docx_name": base + ".docx", "station": station,
        "unknown_abbreviations": [c for c in checks if c.reason == spoken.UNKNOWN_ABBREVIATION],
        "to_check": checks,
    })


# --------------------------------------------------------------------------- hotline

REQUIREMENTS = (
    "Họ và tên, địa chỉ liên hệ, số điện thoại (nếu có) của người phản ánh, kiến nghị",
    "Nội dung phản ánh, kiến nghị cụ thể, rõ ràng: sự việc, thời gian, địa điểm, "
    "cơ quan hoặc cán bộ, công chức liên quan",
    "Thông tin, tài liệu kèm theo (nếu có)",
)
REFUSALS = (
    "Phản ánh, kiến nghị ẩn danh, mạo danh, không ghi rõ họ tên, địa chỉ liên hệ",
    "Nội dung không rõ ràng, không cụ thể, không có thông tin để xác minh",
    "Vụ việc đã được xem xét, trả lời mà không có thông tin, tài liệu mới",
    "Nội dung không thuộc thẩm quyền của {unit}: người phản ánh được hướng dẫn "
    "gửi đến cơ quan có thẩm quyền",
    "Khiếu nại, tố cáo: giải quyết theo quy định của pháp luật về khiếu nại, tố cáo "
    "(đề nghị đến Bộ phận tiếp công dân)",
)


def phones(text: str) -> list[str]:
    """"0221 3 946 101; 0912 345 678" → each number (separators: , ; / and "hoặc")."""
    return [p.strip() for p in re.split(r"[,;/]|\bhoặc\b", nfc(text)) if p.strip()]


def short_unit(settings: Settings) -> str:
    unit = settings.unit
    return unit.short_name.strip() or re.sub(r"^(Ủy|Uỷ) ban nhân dân", "UBND", unit.name).strip()


def hotline_sms(settings: Settings, *, unaccented: bool = False) -> str:
    h = settings.unit.hotline
    bits = [f"{short_unit(settings)}: Đường dây nóng tiếp nhận phản ánh, kiến nghị"]
    if h.phone:
        bits.append(" ĐT " + ", ".join(phones(h.phone)))
    if h.email:
        bits.append(f", email {h.email.strip()}")
    if h.hours:
        bits.append(f", {h.hours.strip()}")
    text = "".join(bits) + ". Đề nghị ghi rõ họ tên, địa chỉ, nội dung."
    return sms_mod.gsm7(text) if unaccented else nfc(text)


def unit_place(settings: Settings) -> str:
    """The place of the unit's place-and-date line: `[unit] place`, else from its name."""
    return settings.unit.place.strip() or printable.place_of(settings.unit.name)


def _hotline(a: Article, settings: Settings, max_len: int | None) -> Rendering:
    """An A4 printable notice that fits one page (parts[0], HTML; extras["docx"] the same as
    .docx), and its SMS text (extras); paper carries no links: "Xem chi tiết" is dropped and the
    useful link (the article's page, else the text's first link) is printed as a QR code.
    `[channels.hotline]` `sms_unaccented = true` gives GSM-7 text (160/153 a part);
    `requirements`/`refusals` lists replace the default ones."""
    h = settings.unit.hotline
    opts = settings.channel("hotline")
    unit = settings.unit.name
    requirements = tuple(nfc(str(x)) for x in opts.requirements or REQUIREMENTS)
    refusals = tuple(nfc(str(x)).replace("{unit}", unit) for x in opts.refusals or REFUSALS)
    paper = printable.paper_html(md.to_html(a.body) if a.body.strip() else "")
    qr_url = a.link or (paper.links[0] if paper.links else None)
    notice = printable.Notice(
        unit=unit, place=unit_place(settings), day=a.date, title=a.title or "Đường dây nóng",
        intro_html=paper.html, phones=tuple(phones(h.phone)), email=h.email.strip(), address=h.address.strip(),
        hours=h.hours.strip(), topics=tuple(h.topics), requirements=requirements, refusals=refusals, qr_url=qr_url)
    page = _template("hotline.html.j2", title=notice.title, unit=unit, unit_lines=printable.unit_lines(unit),
                     place_date=printable.place_date(notice.place, a.date), intro_html=Markup(paper.html),
                     qr_svg=Markup(printable.qr_svg(qr_url)) if qr_url else None, phones=list(notice.phones),
                     email=notice.email, address=notice.address, hours=notice.hours, topics=list(notice.topics),
                     requirements=list(requirements), refusals=list(refusals))
    text = hotline_sms(settings, unaccented=opts.sms_unaccented)
    encoding, count = sms_mod.segments(text)
    base = f"{a.date.isoformat()}-{article_slug(a.id, a.title)}"
    return Rendering("hotline", a.title, (page,), "html", {
        "sms": text, "sms_encoding": encoding, "sms_segments": count,
        "sms_length": sms_mod.length(text), "phones": phones(h.phone),
        "file_name": f"{base}.html", "docx": printable.hotline_docx(notice), "docx_name": f"{base}.docx",
        "qr_url": qr_url,
    })


_RENDERERS: dict[str, Callable[[Article, Settings, int | None], Rendering]] = {
    "portal": _portal, "telegram": _telegram, "zalo": _zalo, "radio": _radio, "hotline": _hotline,
}
