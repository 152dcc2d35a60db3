"""content/markdown.py: Markdown → sanitised HTML and → plain text blocks."""

from __future__ import annotations

import pytest

from content.render.markdown import blocks, lead, paragraphs, sanitize, shorten, to_html, to_text


@pytest.mark.parametrize("source, banned", [
    ("<script>alert(1)</script>", "<script"),
    ("<img src=x onerror=alert(1)>", "<img"),
    ("[x](javascript:alert(1))", 'href="javascript'),
    ("[x](JaVaScRiPt:alert(1))", 'href="javascript'),
    ("[x](vbscript:msgbox(1))", 'href="vbscript'),
    ("[x](data:text/html;base64,PHNjcmlwdD4=)", 'href="data'),
    ("![x](javascript:alert(1))", 'src="javascript'),
    ('<a href="http://a.vn" onclick="x">a</a>', "<a "),   # raw HTML stays text
    ("<iframe src=https://evil></iframe>", "<iframe"),
    ("<style>body{}</style>", "<style"),
])
def test_to_html_never_lets_active_content_through(source: str, banned: str) -> None:
    assert banned not in to_html(source).lower()


@pytest.mark.parametrize("source, banned", [
    ('<p onclick="x">a<script>b</script></p>', "onclick"),
    ('<a href="javascript:alert(1)">l</a>', "javascript"),
    ("<img src=x onerror=alert(1)>", "onerror"),
    ('<div style="background:url(javascript:x)">s</div>', "style"),
    ("<svg><script>x</script></svg>", "<script"),
])
def test_sanitize_untrusted_html(source: str, banned: str) -> None:
    assert banned not in sanitize(source)


def test_to_html_keeps_formatting_and_good_links() -> None:
    html = to_html("## Mục\n\n**đậm** *nghiêng* ~~gạch~~ [Cổng](https://dichvucong.gov.vn)\n\n- a\n- b")
    assert "<h2>Mục</h2>" in html and "<strong>đậm</strong>" in html and "<em>nghiêng</em>" in html
    assert "<s>gạch</s>" in html or "<del>gạch</del>" in html
    assert '<a href="https://dichvucong.gov.vn" rel="noopener noreferrer">Cổng</a>' in html
    assert "<ul>" in html and "<li>a</li>" in html


def test_to_text_blocks() -> None:
    md = ("# Tiêu đề\n\nĐoạn **một** có [liên kết](https://a.vn).\nDòng mềm.\n\n"
          "- mục a\n- mục b\n  1. con\n\n> trích\n\n|a|b|\n|-|-|\n|1|2|\n\n![ảnh](x.png)")
    assert to_text(md) == ("Tiêu đề\n\nĐoạn một có liên kết (https://a.vn). Dòng mềm.\n\n"
                           "• mục a\n• mục b\n  1. con\n\ntrích\n\na – b\n1 – 2")
    assert to_text(md, links=False).splitlines()[2] == "Đoạn một có liên kết. Dòng mềm."
    kinds = [b.kind for b in blocks(md)]
    assert kinds == ["h", "p", "li", "li", "li", "quote", "table", "table"]
    assert paragraphs(md, links=False)[2:4] == ["• mục a", "• mục b"]


def test_lead_and_shorten() -> None:
    assert lead("# Tiêu đề\n\nĐoạn đầu.\n\nĐoạn hai.") == "Đoạn đầu."
    long = "Câu một khá dài. " * 30
    cut = shorten(long, 100)
    assert len(cut) <= 100 and cut.endswith(".")
    words = shorten("từ " * 100, 50)
    assert len(words) <= 50 and words.endswith("…") and not words.endswith(" …")
    assert shorten("ngắn", 10) == "ngắn"
