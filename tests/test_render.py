"""render(): one Article to each channel — portal page structure, Telegram parts and caption,
Zalo limits, the radio script and its .docx, the hotline notice and SMS; hostile input."""

from __future__ import annotations

import io
import unicodedata
from datetime import date
from html.parser import HTMLParser

import pytest

from content.config import Settings, from_mapping
from content.render import telegram_html as tg
from content.render.item import (Article, Rendering, article_slug, portal_link, render, slugify)
from tests.helpers import render_settings

HOSTILE_TITLE = 'Cải cách <script>alert("t")</script> thủ tục'
HOSTILE_BODY = (
    "Đoạn mở đầu <img src=x onerror=alert(1)> có [liên kết xấu](javascript:alert(2)) và "
    '<a href="javascript:alert(3)">thẻ a</a>.\n\n'
    "<script>document.cookie</script>\n\n"
    "[tốt](https://dichvucong.gov.vn) <iframe src=https://evil></iframe> <b onmouseover=x>b</b>\n"
)
BODY = """Thực hiện Kế hoạch số 11/KH-UBND ngày 26/01/2024 của UBND xã Ngọc Lâm về tuyên truyền CCHC năm 2024, từ ngày 15/5/2025 Bộ phận một cửa tiếp nhận hồ sơ TTHC qua DVCTT và dịch vụ BCCI.

## Thời gian tiếp nhận

Từ 7h30 đến 17h00, thứ Hai đến thứ Sáu. Năm 2024, tỷ lệ hồ sơ giải quyết đúng hạn đạt 95,5%.

- Gọi đường dây nóng 0221 3 946 101.
- Tham khảo **Nghị định số 61/2018/NĐ-CP** tại [Cổng Dịch vụ công](https://dichvucong.gov.vn).
"""


def article(**kw) -> Article:
    base = dict(title="Cải cách thủ tục hành chính", body=BODY, date=date(2025, 5, 15), id=12,
                theme="Cải cách thủ tục hành chính",
                link="https://ngoclam.example.gov.vn/bai-viet/12-cai-cach-thu-tuc-hanh-chinh.html")
    base.update(kw)
    return Article(**base)


class Tree(HTMLParser):
    """Minimal DOM: tag counts, attributes and text per tag, nesting errors."""

    VOID = {"meta", "link", "img", "br", "hr", "input"}

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.starts: list[tuple[str, dict]] = []
        self.text: dict[str, str] = {}
        self.decl = ""
        self.feed(html)
        self.close()

    def handle_decl(self, decl):
        self.decl = decl

    def handle_starttag(self, tag, attrs):
        self.starts.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> with {self.stack}")
        else:
            self.stack.pop()

    def handle_data(self, data):
        for t in self.stack:
            self.text[t] = self.text.get(t, "") + data

    def all(self, tag):
        return [a for t, a in self.starts if t == tag]


def assert_safe_html(html: str) -> None:
    tree = Tree(html)
    assert tree.errors == [] and tree.stack == []
    for tag, attrs in tree.starts:
        assert tag not in ("script", "iframe", "object", "embed"), tag
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            if name in ("href", "src", "action", "formaction", "srcset"):
                assert "javascript:" not in (value or "").lower(), (tag, name, value)


# --------------------------------------------------------------------------- general


def test_unknown_channel() -> None:
    with pytest.raises(ValueError):
        render(article(), "fax", render_settings())


@pytest.mark.parametrize("channel", ["portal", "telegram", "zalo", "radio", "hotline"])
def test_every_channel_gives_nfc_output_from_decomposed_input(channel: str) -> None:
    a = article(title=unicodedata.normalize("NFD", "Cải cách thủ tục hành chính"),
                body=unicodedata.normalize("NFD", BODY))
    r = render(a, channel, render_settings())
    assert isinstance(r, Rendering) and r.channel == channel and r.parts
    for part in r.parts:
        assert part == unicodedata.normalize("NFC", part)
    assert r.title == "Cải cách thủ tục hành chính"


@pytest.mark.parametrize("title, slug", [
    ("Cải cách thủ tục hành chính", "cai-cach-thu-tuc-hanh-chinh"),
    ("Đường dây nóng: 0221 3 946 101!", "duong-day-nong-0221-3-946-101"),
    ("  Ủy ban nhân dân — xã Ngọc Lâm ", "uy-ban-nhan-dan-xa-ngoc-lam"),
    ("<script>", "script"),
    ("“”", ""),
])
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_article_slug_and_portal_link() -> None:
    assert article_slug(12, "Cải cách thủ tục hành chính") == "12-cai-cach-thu-tuc-hanh-chinh"
    assert article_slug(None, "“”") == "bai-viet"
    assert len(slugify("chữ " * 100)) <= 80
    assert (portal_link(render_settings(), 12, "Cải cách thủ tục hành chính")
            == "https://ngoclam.example.gov.vn/bai-viet/12-cai-cach-thu-tuc-hanh-chinh.html")
    assert portal_link(Settings(env={}), 12, "x") is None


# --------------------------------------------------------------------------- portal


def test_portal_fragment_and_page() -> None:
    r = render(article(summary="Từ 15/5/2025, xã nhận hồ sơ trực tuyến."), "portal", render_settings())
    assert r.format == "html" and len(r.parts) == 1
    e = r.extras
    assert e["slug"] == "12-cai-cach-thu-tuc-hanh-chinh"
    assert e["path"] == "bai-viet/12-cai-cach-thu-tuc-hanh-chinh.html"
    assert e["date"] == "2025-05-15" and e["tags"] == ["Cải cách thủ tục hành chính"]
    assert e["summary"] == "Từ 15/5/2025, xã nhận hồ sơ trực tuyến."
    assert e["canonical"] == "https://ngoclam.example.gov.vn/" + e["path"]

    frag = Tree(r.parts[0])
    assert frag.errors == [] and frag.stack == []
    assert frag.text["h1"] == "Cải cách thủ tục hành chính"
    assert frag.all("time") == [{"datetime": "2025-05-15"}] and "15/05/2025" in frag.text["time"]
    assert "Ủy ban nhân dân xã Ngọc Lâm" in frag.text["p"]
    assert frag.text["li"].count("Cải cách thủ tục hành chính") == 1     # the theme tag
    assert {"href": "https://dichvucong.gov.vn", "rel": "noopener noreferrer"} in frag.all("a")
    assert "Thời gian tiếp nhận" in frag.text["h2"]

    page = Tree(e["page"])
    assert page.decl.lower() == "doctype html"
    assert page.errors == [] and page.stack == []
    assert page.all("html") == [{"lang": "vi"}]
    assert {"charset": "utf-8"} in page.all("meta")
    assert page.text["title"] == "Cải cách thủ tục hành chính – Ủy ban nhân dân xã Ngọc Lâm"
    assert {"name": "description", "content": e["summary"]} in page.all("meta")
    assert len(page.all("article")) == 1 and len(page.all("h1")) == 1
    assert {"rel": "canonical", "href": e["canonical"]} in page.all("link")


def test_portal_summary_derived_from_body_and_image_asset() -> None:
    r = render(article(image="var/media/anh bia.JPG", theme=""), "portal", render_settings())
    assert r.extras["summary"].startswith("Thực hiện Kế hoạch số 11/KH-UBND")
    assert len(r.extras["summary"]) <= 300
    assert r.extras["tags"] == []
    assert r.extras["assets"] == {"anh/12-cai-cach-thu-tuc-hanh-chinh.jpg": "var/media/anh bia.JPG"}
    assert {"src": "../anh/12-cai-cach-thu-tuc-hanh-chinh.jpg",
            "alt": "Cải cách thủ tục hành chính"} in Tree(r.extras["page"]).all("img")


def test_portal_sanitises_hostile_title_and_body() -> None:
    r = render(article(title=HOSTILE_TITLE, body=HOSTILE_BODY, theme='<b onclick="x">chủ đề</b>'),
               "portal", render_settings())
    for html in (r.parts[0], r.extras["page"]):
        assert_safe_html(html)
        assert "<script" not in html and "<iframe" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt;" in r.parts[0] \
        or "&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;" in r.parts[0]
    # the only links are the good one and a bare address shown as text (made a link, as on any web page)
    assert Tree(r.parts[0]).all("a") == [{"href": "https://dichvucong.gov.vn", "rel": "noopener noreferrer"},
                                         {"href": "https://evil", "rel": "noopener noreferrer"}]
    assert "&lt;iframe src=" in r.parts[0]


# --------------------------------------------------------------------------- telegram


def test_telegram_single_message() -> None:
    r = render(article(), "telegram", render_settings())
    assert r.format == "html" and len(r.parts) == 1
    text = r.parts[0]
    assert text.startswith("<b>Cải cách thủ tục hành chính</b>\n\n")
    assert text.endswith('<a href="https://ngoclam.example.gov.vn/bai-viet/12-cai-cach-thu-tuc-hanh-chinh.html">'
                         "Xem chi tiết</a>")
    assert "<b>Thời gian tiếp nhận</b>" in text and "• Gọi đường dây nóng" in text
    assert tg.problems(text) == []
    assert r.extras["lengths"] == [tg.visible_length(text)] and "photo" not in r.extras


def test_telegram_long_body_with_photo_caption() -> None:
    body = "\n\n".join(f"Đoạn {i}: " + "Người dân nộp hồ sơ trực tuyến tại nhà. " * 12 for i in range(60))
    r = render(article(body=body, image="var/media/a.jpg"), "telegram", render_settings(), max_len=4096)
    assert r.extras["photo"] == "var/media/a.jpg" and r.extras["caption_maxlen"] == 1024
    lengths = [tg.visible_length(p) for p in r.parts]
    assert lengths[0] <= 1024 and all(n <= 4096 for n in lengths[1:])
    assert r.extras["lengths"] == lengths
    n = len(r.parts)
    for i, p in enumerate(r.parts, 1):
        assert p.startswith(f"({i}/{n}) ") and tg.problems(p) == []
    assert "<b>Cải cách thủ tục hành chính</b>" in r.parts[0]
    assert "Xem chi tiết</a>" in r.parts[-1]


def test_telegram_respects_adapter_max_len() -> None:
    body = "\n\n".join("Câu văn khá dài để thử giới hạn. " * 5 for _ in range(20))
    r = render(article(body=body), "telegram", render_settings(), max_len=700)
    assert len(r.parts) > 1 and all(tg.visible_length(p) <= 700 for p in r.parts)


def test_telegram_hostile_input() -> None:
    r = render(article(title=HOSTILE_TITLE, body=HOSTILE_BODY, link="javascript:alert(9)"),
               "telegram", render_settings())
    for p in r.parts:
        assert tg.problems(p) == []
        assert "<script" not in p and "<img" not in p and '<a href="javascript' not in p
    assert "Xem chi tiết" not in r.parts[-1]                      # unsafe link dropped
    assert '<a href="https://dichvucong.gov.vn">tốt</a>' in r.parts[0]


# --------------------------------------------------------------------------- zalo


def test_zalo_text_and_article_extras() -> None:
    r = render(article(image="var/media/a.jpg"), "zalo", render_settings())
    assert r.format == "text" and len(r.parts) == 1
    text = r.parts[0]
    assert text.startswith("Cải cách thủ tục hành chính\n\n")
    assert text.endswith("Xem chi tiết: https://ngoclam.example.gov.vn/bai-viet/12-cai-cach-thu-tuc-hanh-chinh.html")
    assert "<" not in text and "**" not in text and "##" not in text
    e = r.extras
    assert len(e["description"]) <= 300 and e["cover"] == "var/media/a.jpg"
    assert e["body_blocks"][0] == {"type": "text", "content": BODY.split("\n\n")[0]}
    assert {"type": "text", "content": "Thời gian tiếp nhận"} in e["body_blocks"]
    assert e["truncated"] is False


@pytest.mark.parametrize("max_len", [None, 500, 1000])
def test_zalo_long_body_is_cut_at_a_boundary_and_keeps_the_link(max_len) -> None:
    body = "\n\n".join(f"Đoạn số {i} nói về thủ tục hành chính trực tuyến cho người dân." * 3 for i in range(80))
    r = render(article(body=body), "zalo", render_settings(), max_len=max_len)
    text = r.parts[0]
    assert len(text) <= (max_len or 2000)
    assert text.endswith("12-cai-cach-thu-tuc-hanh-chinh.html")
    assert r.extras["truncated"] is True
    kept = text.split("\n\n")[-2]
    assert kept.endswith("…")
    assert len(r.extras["description"]) <= 300


# --------------------------------------------------------------------------- radio


def test_radio_script() -> None:
    r = render(article(), "radio", render_settings())
    assert r.format == "text" and len(r.parts) == 1
    script = r.parts[0]
    assert script.startswith("Đây là Đài truyền thanh xã Ngọc Lâm.\nKính thưa bà con nhân dân!")
    assert "bài: Cải cách thủ tục hành chính." in script
    assert script.rstrip().endswith("Cảm ơn bà con đã chú ý lắng nghe.")
    for expected in (
        "Kế hoạch số mười một ngày hai mươi sáu tháng một năm hai nghìn không trăm hai mươi tư "
        "của Ủy ban nhân dân xã Ngọc Lâm",
        "từ ngày mười lăm tháng năm năm hai nghìn không trăm hai mươi lăm",
        "thủ tục hành chính qua dịch vụ công trực tuyến và dịch vụ bưu chính công ích",
        "Từ bảy giờ ba mươi phút đến mười bảy giờ",
        "đạt chín mươi lăm phẩy năm phần trăm",
        "không hai hai một, ba, chín bốn sáu, một không một",
        "Nghị định số sáu mươi mốt năm hai nghìn không trăm mười tám của Chính phủ",
    ):
        assert expected in script, expected
    assert not any(c.isdigit() for c in script)
    for banned in ("UBND", "CCHC", "TTHC", "http", "**", "#", "<", "[", "/"):
        assert banned not in script
    assert r.extras["unknown_abbreviations"] == []


@pytest.mark.parametrize("wpm", [120, 150])
def test_radio_duration(wpm) -> None:
    st = render_settings(radio={"words_per_minute": wpm})
    r = render(article(), "radio", st)
    words = len([w for w in r.parts[0].replace("-", " ").split() if any(c.isalnum() for c in w)])
    assert r.extras["words"] == words
    assert r.extras["duration_seconds"] == round(words * 60 / wpm)
    assert isinstance(r.extras["duration_seconds"], int)


def test_radio_docx_opens_with_python_docx() -> None:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    r = render(article(), "radio", render_settings())
    data = r.extras["docx"]
    assert data[:2] == b"PK"
    doc = Document(io.BytesIO(data))
    sec = doc.sections[0]
    assert (round(sec.page_width.mm), round(sec.page_height.mm)) == (210, 297)          # A4, not Letter
    assert [round(x.mm) for x in (sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin)] == \
        [20, 20, 30, 15]
    head = doc.tables[0]
    assert head.rows[0].cells[0].text.split("\n")[:2] == ["ỦY BAN NHÂN DÂN", "XÃ NGỌC LÂM"]
    assert head.rows[1].cells[1].text == "Ngọc Lâm, ngày 15 tháng 5 năm 2025"
    texts = [p.text for p in doc.paragraphs]
    assert texts[:5] == ["KỊCH BẢN PHÁT THANH", "Cải cách thủ tục hành chính", "Đài: Đài truyền thanh xã Ngọc Lâm",
                         "Ngày phát: 15/05/2025", texts[4]]
    assert texts[4].startswith("Thời lượng đọc: khoảng")                            # reading time at the top
    script = [p for p in doc.paragraphs[5:] if p.text]
    assert script[0].text == "Đây là Đài truyền thanh xã Ngọc Lâm."                  # one paragraph per line
    assert script[1].text == "Kính thưa bà con nhân dân!"
    assert all(p.alignment == WD_ALIGN_PARAGRAPH.LEFT for p in script)              # never stretched
    assert not any(br for p in script for br in p._p.iter("{http://schemas.openxmlformats.org/"
                                                            "wordprocessingml/2006/main}br"))
    assert all(run.font.size.pt == 14 for run in script[0].runs)
    assert texts[-1].endswith("Cảm ơn bà con đã chú ý lắng nghe.")
    assert doc.core_properties.language == "vi-VN"
    assert render(article(), "radio", render_settings()).extras["docx"] == data     # byte-stable
    assert r.extras["txt_name"] == "2025-05-15-12-cai-cach-thu-tuc-hanh-chinh.txt"
    assert r.extras["docx_name"] == "2025-05-15-12-cai-cach-thu-tuc-hanh-chinh.docx"


def test_radio_unit_abbreviation_file(tmp_path) -> None:
    (tmp_path / "viettat.txt").write_text("HTCT = hệ thống chính trị\nCCHC = công cuộc cải cách\n", encoding="utf-8")
    st = from_mapping({"unit": {"name": "Ủy ban nhân dân xã Ngọc Lâm"},
                       "channels": {"radio": {"abbreviations": "viettat.txt"}}},
                      env={}, base_dir=tmp_path)
    r = render(article(body="Xây dựng HTCT gắn với CCHC."), "radio", st)
    assert "Xây dựng hệ thống chính trị gắn với công cuộc cải cách." in r.parts[0]
    assert r.parts[0].startswith("Đây là Đài truyền thanh xã Ngọc Lâm.")     # derived from the unit


def test_radio_hostile_input_reads_no_markup() -> None:
    r = render(article(title=HOSTILE_TITLE, body=HOSTILE_BODY), "radio", render_settings())
    for banned in ("<", ">", "javascript", "onerror", "(", ")", "[", "]"):
        assert banned not in r.parts[0]


# --------------------------------------------------------------------------- hotline


def test_hotline_notice_page() -> None:
    r = render(article(title="Đường dây nóng tiếp nhận phản ánh, kiến nghị", body=""), "hotline", render_settings())
    assert r.format == "html" and len(r.parts) == 1
    page = r.parts[0]
    tree = Tree(page)
    assert tree.errors == [] and tree.stack == []
    assert tree.all("html") == [{"lang": "vi"}]
    assert "@page" in page and "size: A4" in page and "@media print" in page
    for expected in ("Ủy ban nhân dân xã Ngọc Lâm", "0221 3 946 101", "0912 345 678",
                     "ubnd.ngoclam@example.gov.vn", "Thôn Ngọc Lâm, xã Ngọc Lâm",
                     "7h30–17h00, thứ Hai đến thứ Sáu",
                     "thủ tục hành chính rườm rà, không đúng quy định",
                     "Họ và tên, địa chỉ liên hệ", "Nội dung phản ánh, kiến nghị",
                     "ẩn danh, mạo danh", "Nội dung không rõ ràng", "Khiếu nại, tố cáo",
                     "Ngọc Lâm, ngày 15 tháng 5 năm 2025"):
        assert expected in page, expected
    assert tree.all("p")[0:2] == [{}, {}] and "<p>ỦY BAN NHÂN DÂN</p><p>XÃ NGỌC LÂM</p>" in page
    assert r.extras["phones"] == ["0221 3 946 101", "0912 345 678"]
    # the article has a page on the portal: a QR code of it, no link on paper
    assert r.extras["qr_url"] == "https://ngoclam.example.gov.vn/bai-viet/12-cai-cach-thu-tuc-hanh-chinh.html"
    assert "<svg" in page and "Quét mã để xem chi tiết" in page and "<a " not in page


def test_hotline_notice_paper_has_no_links() -> None:
    body = ("Đường dây nóng tiếp nhận phản ánh về thủ tục trên [Cổng Dịch vụ công](https://dichvucong.gov.vn).\n\n"
            "[Xem chi tiết](https://ngoclam.example.gov.vn/bai-viet/9.html)")
    r = render(article(body=body, link=None), "hotline", render_settings())
    page = r.parts[0]
    assert "Xem chi tiết" not in page.replace("Quét mã để xem chi tiết", "") and "<a " not in page
    assert "trên Cổng Dịch vụ công." in page
    assert r.extras["qr_url"] == "https://dichvucong.gov.vn"
    bare = render(article(body="Không có liên kết.", link=None), "hotline", render_settings())
    assert bare.extras["qr_url"] is None and "<svg" not in bare.parts[0]


def test_hotline_sms_accented_and_unaccented() -> None:
    r = render(article(body=""), "hotline", render_settings())
    sms = r.extras["sms"]
    assert "0221 3 946 101" in sms and "ubnd.ngoclam@example.gov.vn" in sms
    assert r.extras["sms_encoding"] == "UCS-2"
    assert r.extras["sms_length"] == len(sms)
    assert r.extras["sms_segments"] == -(-len(sms) // 67)

    r2 = render(article(body=""), "hotline", render_settings(hotline={"sms_unaccented": True}))
    plain = r2.extras["sms"]
    assert plain.startswith("UBND xa Ngoc Lam: Duong day nong tiep nhan phan anh, kien nghi")
    assert "7h30-17h00, thu Hai den thu Sau" in plain
    assert r2.extras["sms_encoding"] == "GSM-7"
    assert r2.extras["sms_segments"] == (1 if len(plain) <= 160 else -(-len(plain) // 153))
    assert r2.extras["sms_segments"] < r.extras["sms_segments"]


def test_hotline_hostile_intro_and_custom_lists() -> None:
    st = render_settings(hotline={"requirements": ["Số căn cước"], "refusals": ["Thư nặc danh gửi {unit}"]})
    r = render(article(title=HOSTILE_TITLE, body=HOSTILE_BODY), "hotline", st)
    assert_safe_html(r.parts[0])
    assert "<li>Số căn cước</li>" in r.parts[0]
    assert "<li>Thư nặc danh gửi Ủy ban nhân dân xã Ngọc Lâm</li>" in r.parts[0]
