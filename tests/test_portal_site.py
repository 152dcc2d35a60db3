"""The static portal as a citizen and a web server see it: pages, pagination, theme pages, the
"Dân hỏi – Chính quyền trả lời" column, contact block, OpenGraph, links made of bare addresses,
RSS with real times, sitemap; nothing from a CDN; the record kept outside the web root; and,
in a real Chromium (Playwright driving Debian's `chromium`), the layout at 1280 and 390 px with
screenshots written under var/screenshots/."""

from __future__ import annotations

import re
import shutil
import unicodedata
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
import pytest

from channels.adapters.portal_static import StaticPortal
from channels.base import Message
from content.render.item import Article, render
from tests.helpers import make_settings
from tests.helpers import run

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
SCREENSHOTS = Path(__file__).resolve().parents[1] / "var" / "screenshots"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
THEMES = ("Cải cách thủ tục hành chính", "Chuyển đổi số, dịch vụ công trực tuyến",
          "Chỉ số hài lòng của người dân, tổ chức")
VOID = {"meta", "link", "img", "br", "hr", "input"}


def settings_for(tmp_path: Path):  # noqa: ANN201
    return make_settings(tmp_path, {"unit": {
        "name": "Ủy ban nhân dân xã Ngọc Lâm", "place": "Ngọc Lâm",
        "hotline": {"phone": "0221 3 946 101", "email": "ubnd.ngoclam@example.gov.vn",
                    "address": "Bộ phận một cửa, trụ sở UBND xã Ngọc Lâm", "hours": "7h30–17h00, thứ Hai đến thứ Sáu"},
        "contact": {"name": "Nguyễn Thị Hà", "position": "Công chức Văn phòng – Thống kê",
                    "phone": "0912 345 678", "email": "vanphong.ngoclam@example.gov.vn"}}})


def publish_site(tmp_path: Path, n: int = 23) -> Path:
    """n articles over three themes (one every 1.5 days at varying hours) and one Q&A column."""
    s = settings_for(tmp_path)
    ch = StaticPortal(s, s.channel("portal"))
    start = datetime(2024, 3, 1, 8, 0, tzinfo=HCM)

    def send(i: int, title: str, body: str, theme: str = "", source: str = "", at: datetime | None = None):  # noqa: ANN202
        at = at or start + timedelta(hours=36 * i, minutes=7 * i)
        r = render(Article(title=title, body=body, date=at.date(), id=i, theme=theme, at=at, source=source),
                   "portal", s)
        run(ch.send(Message(key=f"post-{i}-part-1", title=r.title, body=r.parts[0], format="html",
                            extras=r.extras), ""))

    for i in range(1, n + 1):
        send(i, f"Tin cải cách hành chính số {i}: Bộ phận một cửa tiếp nhận hồ sơ",
             f"Đoạn mở đầu của tin số {i}, xem thêm tại https://dichvucong.gov.vn/p/{i} nhé.\n\n"
             "## Thời gian tiếp nhận\n\nTừ 7h30 đến 17h00, thứ Hai đến thứ Sáu.", THEMES[i % 3])
    send(100, "Dân hỏi – Chính quyền trả lời: tuần 04/03/2024 – 10/03/2024",
         "### Câu hỏi 1 (Q-1234, gửi ngày 01/03/2024)\n\n**Hỏi:** Làm căn cước cho con ở đâu?\n\n"
         "**Trả lời:** Tại Công an xã, mang theo giấy khai sinh của cháu.", source="qa",
         at=datetime(2024, 3, 11, 7, 1, tzinfo=HCM))
    return tmp_path / "site"


class Page(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):  # noqa: ANN001, ANN201
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):  # noqa: ANN001, ANN201
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:]}")
            return
        self.stack.pop()

    def handle_data(self, data):  # noqa: ANN001, ANN201
        self.text.append(data)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag]

    def meta(self, prop: str) -> str | None:
        return next((a.get("content") for a in self.all("meta") if a.get("property") == prop), None)


def test_pages_pagination_themes_and_the_qa_column(tmp_path):
    site = publish_site(tmp_path)
    html_files = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert {"index.html", "trang-2.html", "trang-3.html", "hoi-dap.html", "lien-he.html",
            "chu-de/index.html"} <= set(html_files)
    assert not (site / "trang-4.html").exists()                          # 24 entries, 10 a page
    for name in html_files:
        page = Page((site / name).read_text(encoding="utf-8"))
        assert page.errors == [] and page.stack == [], name
        assert page.all("html") == [{"lang": "vi"}]
        sheets = [a["href"] for a in page.all("link") if a.get("rel") == "stylesheet"]
        assert sheets and (site / name).parent.joinpath(sheets[0]).resolve() == (site / "assets/loa.css").resolve()
        assert not page.all("script"), "no JavaScript"
        assert not any((a.get("href") or "").startswith("http") for a in page.all("link")
                       if a.get("rel") == "stylesheet"), "no CDN"
        text = "".join(page.text)
        assert "Nguyễn Thị Hà" in text and "0221 3 946 101" in text and "7h30–17h00" in text, name
        assert unicodedata.is_normalized("NFC", text)
    index = Page((site / "index.html").read_text(encoding="utf-8"))
    assert [a["href"] for a in index.all("a") if a.get("rel") == "next"] == ["trang-2.html"]
    three = Page((site / "trang-3.html").read_text(encoding="utf-8"))
    assert [a["href"] for a in three.all("a") if a.get("rel") == "prev"] == ["trang-2.html"]
    for theme in THEMES:
        slug = re.sub(r"[^a-z0-9]+", "-", unicodedata.normalize("NFD", theme.replace("đ", "d").replace("Đ", "D"))
                      .encode("ascii", "ignore").decode().lower()).strip("-")
        page = (site / "chu-de" / f"{slug}.html").read_text(encoding="utf-8")
        assert page.count('class="the-bai"') >= 7 and theme in page
    qa = (site / "hoi-dap.html").read_text(encoding="utf-8")
    assert "Dân hỏi – Chính quyền trả lời: tuần 04/03/2024" in qa and "Tin cải cách hành chính số" not in qa
    assert not (site / "manifest.json").exists() and not list(site.rglob(".loa.lock"))
    assert (tmp_path / "site.loa" / "manifest.json").exists()


def test_article_metadata_links_feed_and_sitemap(tmp_path):
    site = publish_site(tmp_path, n=3)
    page_html = (site / "bai-viet" / "2-tin-cai-cach-hanh-chinh-so-2-bo-phan-mot-cua-tiep-nhan-ho-so.html") \
        .read_text(encoding="utf-8")
    page = Page(page_html)
    url = "https://ngoclam.example.gov.vn/bai-viet/2-tin-cai-cach-hanh-chinh-so-2-bo-phan-mot-cua-tiep-nhan-ho-so.html"
    assert page.meta("og:url") == url and page.meta("og:type") == "article" and page.meta("og:locale") == "vi_VN"
    assert page.meta("og:title") == "Tin cải cách hành chính số 2: Bộ phận một cửa tiếp nhận hồ sơ"
    assert page.meta("og:description").startswith("Đoạn mở đầu của tin số 2")
    assert page.meta("article:published_time") == "2024-03-04T08:14:00+07:00"
    assert [a["href"] for a in page.all("link") if a.get("rel") == "canonical"] == [url]
    assert {"href": "https://dichvucong.gov.vn/p/2", "rel": "noopener noreferrer"} in page.all("a")   # bare URL
    assert [a.get("datetime") for a in page.all("time")] == ["2024-03-04T08:14:00+07:00"]
    assert len(page.all("h1")) == 1 and page.all("main") == [{"id": "noi-dung", "class": "khung", "tabindex": "-1"}]

    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not feed.bozo
    assert [e.published for e in feed.entries] == ["Mon, 11 Mar 2024 07:01:00 +0700",
                                                  "Tue, 05 Mar 2024 20:21:00 +0700",
                                                  "Mon, 04 Mar 2024 08:14:00 +0700",
                                                  "Sat, 02 Mar 2024 20:07:00 +0700"]
    root = ET.fromstring((site / "sitemap.xml").read_bytes())
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = {el.text for el in root.findall("s:url/s:loc", ns)}
    assert url in locs and "https://ngoclam.example.gov.vn/hoi-dap.html" in locs
    assert len(locs) == len(list(site.rglob("*.html")))
    assert "Sitemap: https://ngoclam.example.gov.vn/sitemap.xml" in (site / "robots.txt").read_text(encoding="utf-8")


def _luminance(hex_colour: str) -> float:
    h = hex_colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    channels = [int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_stylesheet_colours_pass_wcag_aa(tmp_path):
    css = (publish_site(tmp_path, n=1) / "assets" / "loa.css").read_text(encoding="utf-8")

    def colour(selector: str, prop: str) -> str:
        block = re.search(r"(?m)^" + re.escape(selector) + r"\s*\{([^}]*)\}", css)
        assert block, selector
        return re.search(rf"(?<![-\w]){prop}:\s*(#[0-9a-fA-F]{{3,6}})", block[1])[1]

    pairs = [(colour(".dau-trang", "color"), colour(".dau-trang", "background")),
             ("#ffffff", colour(".menu", "background")),
             (colour("body", "color"), colour("body", "background")),
             (colour("a", "color"), "#ffffff"),
             (colour(".ngay", "color"), "#ffffff"),
             (colour("a", "color"), colour(".chan-trang", "background"))]
    for fg, bg in pairs:
        assert contrast(fg, bg) >= 4.5, (fg, bg, round(contrast(fg, bg), 2))


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM, reason="Chromium is not installed (apt-get install chromium)")
def test_screenshots_at_1280_and_390(tmp_path):
    pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
    from playwright.sync_api import sync_playwright

    site = publish_site(tmp_path, n=12)
    article = next((site / "bai-viet").glob("5-*.html")).relative_to(site).as_posix()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shots = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            for width, height in ((1280, 900), (390, 844)):
                page = browser.new_page(viewport={"width": width, "height": height})
                for name, path in (("trang-chu", "index.html"), ("bai-viet", article), ("hoi-dap", "hoi-dap.html")):
                    page.goto((site / path).as_uri())
                    assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
                    assert page.locator("header.dau-trang").is_visible()
                    assert page.locator("footer .lien-he").count() == 1
                    assert "Nguyễn Thị Hà" in page.locator("footer .lien-he").inner_text()
                    text = page.evaluate("document.body.innerText")
                    assert unicodedata.is_normalized("NFC", text) and "Ủy ban nhân dân xã Ngọc Lâm" in text
                    font = page.evaluate("getComputedStyle(document.body).fontFamily")
                    assert "system-ui" in font
                    out = SCREENSHOTS / f"portal-{name}-{width}.png"
                    page.screenshot(path=str(out), full_page=True)
                    shots.append(out)
                page.close()
        finally:
            browser.close()
    assert all(s.stat().st_size > 10_000 for s in shots) and len(shots) == 6


def test_a_publication_rewrites_only_what_changed(tmp_path):
    site = publish_site(tmp_path, n=3)
    first = next((site / "bai-viet").glob("1-*.html"))
    before = first.stat().st_mtime_ns
    s = settings_for(tmp_path)
    r = render(Article(title="Tin mới", body="Nội dung.", date=date(2024, 3, 20), id=50,
                       at=datetime(2024, 3, 20, 9, tzinfo=HCM)), "portal", s)
    run(StaticPortal(s, s.channel("portal")).send(
        Message(key="post-50-part-1", title=r.title, body=r.parts[0], format="html", extras=r.extras), ""))
    assert first.stat().st_mtime_ns == before                     # an older article's page is left alone
    assert "Tin mới" in (site / "index.html").read_text(encoding="utf-8")
    moved = make_settings(tmp_path, {"unit": {"name": "Ủy ban nhân dân xã Ngọc Lâm",
                                              "contact": {"name": "Trần Văn Nam"}}})
    r = render(Article(title="Tin thứ hai", body="Nội dung.", date=date(2024, 3, 21), id=51), "portal", moved)
    run(StaticPortal(moved, moved.channel("portal")).send(
        Message(key="post-51-part-1", title=r.title, body=r.parts[0], format="html", extras=r.extras), ""))
    assert "Trần Văn Nam" in first.read_text(encoding="utf-8")       # the contact changed: every page follows
