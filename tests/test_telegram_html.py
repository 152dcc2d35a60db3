"""Telegram HTML: whitelist conversion, checking, and the splitter (visible length per part,
balanced tags, markers, cuts between words)."""

from __future__ import annotations

import random
import re
from html.parser import HTMLParser

import pytest

from content.render import telegram_html as tg
from content.render.telegram_split import split
from content.render.markdown import to_html


class _Nesting(HTMLParser):
    """Parses one part and records every tag problem: unknown tags, bad nesting, unclosed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> with {self.stack}")
        else:
            self.stack.pop()


def nesting_errors(html: str) -> tuple[list[str], set[str]]:
    p = _Nesting()
    p.feed(html)
    p.close()
    return p.errors + ([f"unclosed {p.stack}"] if p.stack else []), p.tags


@pytest.mark.parametrize("source, expected", [
    ("<h2>Tiêu đề</h2><p>Đoạn</p>", "<b>Tiêu đề</b>\n\nĐoạn"),
    ("<ul><li>một</li><li>hai</li></ul>", "• một\n• hai"),
    ("<ol start=\"3\"><li>ba</li><li>bốn</li></ol>", "3. ba\n4. bốn"),
    ("<p><strong>đậm</strong> <em>nghiêng</em> <del>gạch</del> <ins>gạch dưới</ins></p>",
     "<b>đậm</b> <i>nghiêng</i> <s>gạch</s> <u>gạch dưới</u>"),
    ("<p>ảnh <img src=x onerror=alert(1)> bỏ</p>", "ảnh bỏ"),
    ("<p>a<script>alert(1)</script>b<style>p{}</style></p>", "ab"),
    ('<a href="javascript:alert(1)">x</a> <a href="/tuong-doi">y</a>', "x y"),
    ('<a href="https://a.vn/?a=1&amp;b=2" onclick="x" title="t">z</a>',
     '<a href="https://a.vn/?a=1&amp;b=2">z</a>'),
    ('<span class="tg-spoiler">bí mật</span><span style="x">thường</span>',
     '<span class="tg-spoiler">bí mật</span>thường'),
    ("<blockquote><p>trích</p><p>dẫn</p></blockquote>", "<blockquote>trích\n\ndẫn</blockquote>"),
    ("<pre><code class=\"language-py\">x &lt; 1\n  y</code></pre>", "<pre>x &lt; 1\n  y</pre>"),
    ("<h1><strong>đậm trong tiêu đề</strong></h1>", "<b>đậm trong tiêu đề</b>"),
    ("<p>5 &gt; 3 &amp; “ngoặc” &nbsp;&copy;</p>", "5 &gt; 3 &amp; “ngoặc” ©"),
    ("<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>", "a – b\n1 – 2"),
    ("<div><p>x<br>y</p></div><hr><p>z</p>", "x\ny\n\nz"),
])
def test_from_html(source: str, expected: str) -> None:
    out = tg.from_html(source)
    assert out == expected
    assert tg.problems(out) == []


def test_only_whitelisted_tags_and_entities_from_hostile_markdown() -> None:
    hostile = ("# Tiêu đề <script>alert(1)</script>\n\n"
               "Đoạn <img src=x onerror=alert(1)> [bấm](javascript:alert(1)) "
               "<a href=\"javascript:alert(2)\">x</a> &copy; &nbsp; <iframe src=//evil></iframe>\n\n"
               "![ảnh](https://a.vn/x.png)\n\n| a | b |\n|---|---|\n| <b>1</b> | 2 |\n\n"
               "- **đậm** và *nghiêng* ~~gạch~~ `mã <x>`\n\n```\n<pre>khối</pre>\n```\n")
    out = tg.from_html(to_html(hostile))
    assert tg.problems(out) == []
    errors, tags = nesting_errors(out)
    assert errors == [] and tags <= tg.ALLOWED
    # raw HTML from the author is shown as escaped text, never as markup
    assert "<a href=\"javascript" not in out and "<img" not in out and "<script" not in out
    assert "<iframe" not in out and "&lt;script&gt;" in out
    for name in re.findall(r"&(\w+);", out):
        assert name in tg.ENTITIES


@pytest.mark.parametrize("html, problem", [
    ("<div>x</div>", "tag not allowed"),
    ("<b>x", "unclosed"),
    ("<b><i>x</b></i>", "unbalanced"),
    ('<a href="javascript:x">x</a>', "bad link"),
    ('<span>x</span>', "span without class"),
    ("a &nbsp; b", "named entity"),
    ("a < b", "unescaped"),
])
def test_problems_found(html: str, problem: str) -> None:
    assert any(problem in p for p in tg.problems(html))


def test_visible_length_counts_text_after_entity_parsing_in_utf16() -> None:
    assert tg.visible_length("<b>Xin chào</b> &amp; &lt;") == len("Xin chào & <")
    assert tg.visible_length('<a href="https://example.org/very/long">ab</a>') == 2
    assert tg.visible_length("😀") == 2


def _body(n_chars: int, seed: int = 7) -> str:
    """Telegram HTML with paragraphs, bold/italic spans crossing sentences, links and lists."""
    rnd = random.Random(seed)
    words = ("cải cách hành chính thủ tục một cửa liên thông người dân doanh nghiệp trực tuyến "
             "Ủy ban nhân dân xã tiếp nhận hồ sơ đúng hạn").split()
    paras, size, k = [], 0, 0
    while size < n_chars:
        sentences = []
        for _ in range(rnd.randint(1, 9)):
            sentences.append(" ".join(rnd.choice(words) for _ in range(rnd.randint(4, 30))).capitalize() + ".")
        p = " ".join(sentences)
        if k % 4 == 0:
            p = f"<b>{p[:len(p) // 2]}</b> {p[len(p) // 2:]}".replace("  ", " ")
        if k % 6 == 0:
            p = f"<blockquote><i>{p}</i></blockquote>"
        if k % 5 == 0:
            p += ' <a href="https://ngoclam.example.gov.vn/bai-viet/12.html?a=1&amp;b=2">xem thêm tại đây</a>'
        if k % 7 == 0:
            p += "\n• mục một &amp; hai\n• mục &lt;ba&gt;"
        paras.append(p)
        size += len(p)
        k += 1
    return "\n\n".join(paras)


WORDS_RE = re.compile(r"\S+")


@pytest.mark.parametrize("limit, first", [(4096, None), (1000, None), (4096, 1024), (500, 200)])
def test_split_20000_characters(limit: int, first: int | None) -> None:
    html = _body(20_000)
    assert tg.visible_length(html) > 19_000
    parts = split(html, limit, first_limit=first)
    n = len(parts)
    assert n > 1
    for i, part in enumerate(parts, 1):
        cap = first if (first and i == 1) else limit
        assert tg.visible_length(part) <= cap, (i, tg.visible_length(part))
        assert len(part) <= 2 * cap
        assert part.startswith(f"({i}/{n}) ")
        errors, tags = nesting_errors(part)
        assert errors == [], (i, errors)
        assert tags <= tg.ALLOWED
        assert tg.problems(part) == []
    # no word was cut and nothing was lost or duplicated: the visible words, in order, are equal
    original = WORDS_RE.findall(tg.visible_text(html))
    rejoined = []
    for i, part in enumerate(parts, 1):
        rejoined += WORDS_RE.findall(tg.visible_text(part))[1:]   # drop the "(i/n)" marker
    assert rejoined == original


def test_split_prefers_paragraph_then_sentence_boundaries() -> None:
    para = "Câu một dài vừa phải. " * 10
    html = f"{para.strip()}\n\n{para.strip()}\n\n{para.strip()}"
    parts = split(html, 500)
    # each paragraph is ~219 characters: two fit in a part, and the cut is at the blank line
    assert len(parts) == 2
    assert all(tg.visible_text(p).rstrip().endswith(".") for p in parts)
    one_paragraph = "Câu thứ nhất khá dài để thử. " * 30
    parts = split(one_paragraph.strip(), 200)
    assert all(tg.visible_text(p).rstrip().endswith(".") for p in parts)


def test_split_reopens_tags_across_parts() -> None:
    html = "<b>" + " ".join(["chữ"] * 400) + "</b>"
    parts = split(html, 300)
    assert len(parts) > 1
    for p in parts:
        body = p.split(") ", 1)[1]
        assert body.startswith("<b>") and body.endswith("</b>")
        assert nesting_errors(p)[0] == []


def test_split_link_text_keeps_its_href_in_both_parts() -> None:
    html = 'Mở đầu <a href="https://a.vn/x">' + " ".join(["liên kết"] * 100) + "</a> kết."
    parts = split(html, 300)
    assert sum(p.count('<a href="https://a.vn/x">') for p in parts) == len(parts)


def test_split_short_text_is_one_unmarked_part() -> None:
    assert split("<b>Ngắn</b>\n\nThôi.") == ["<b>Ngắn</b>\n\nThôi."]


def test_split_never_cuts_an_entity_or_tag_in_a_word_longer_than_a_part() -> None:
    html = "&amp;" * 50 + " <i>" + "x" * 120 + "</i>"
    parts = split(html, 40)
    for p in parts:
        assert tg.visible_length(p) <= 40
        assert tg.problems(p) == []


def test_split_counts_emoji_as_two() -> None:
    html = " ".join(["😀😀"] * 300)
    parts = split(html, 100)
    assert all(tg.visible_length(p) <= 100 for p in parts)


def test_split_markers_grow_to_two_digits() -> None:
    html = " ".join(["từ"] * 2000)
    parts = split(html, 60)
    assert len(parts) >= 10
    assert parts[0].startswith(f"(1/{len(parts)}) ") and parts[-1].startswith(f"({len(parts)}/{len(parts)}) ")
    assert all(tg.visible_length(p) <= 60 for p in parts)


def test_safe_href() -> None:
    assert tg.safe_href("https://a.vn/x") == "https://a.vn/x"
    assert tg.safe_href("tg://user?id=1") == "tg://user?id=1"
    for bad in ("javascript:alert(1)", "/relative", "data:text/html,x", "http://", "", None,
                "https://a.vn/\nx"):
        assert tg.safe_href(bad) is None
