"""Printable documents rendered for real: the hotline notice fits one A4 page as .docx
(LibreOffice) and as HTML (Chromium's print), with the unit's name on two lines, the Decree 30
place-and-date line, no "Xem chi tiết" on paper and a QR code of the useful link; the radio
script is A4. Each check skips, with the reason, where LibreOffice or Chromium is missing."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from docx import Document

from channels.adapters.hotline import HotlineChannel
from channels.base import Message
from content.render.item import Article, render
from content.render.printable import place_date, qr_png
from tests.helpers import run
from tests.helpers import render_settings

SOFFICE = shutil.which("soffice")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
LINK = "https://ngoclam.example.gov.vn/bai-viet/9-duong-day-nong.html"
INTRO = ("Thực hiện Kế hoạch số 11/KH-UBND ngày 26/01/2024 của Ủy ban nhân dân xã Ngọc Lâm về tuyên truyền "
         "cải cách hành chính năm 2024, Ủy ban nhân dân xã thông báo số điện thoại đường dây nóng để tiếp nhận "
         "phản ánh, kiến nghị của người dân, doanh nghiệp về thủ tục hành chính và thái độ phục vụ của cán bộ, "
         "công chức.\n\nNgười dân có thể gọi điện, gửi thư điện tử hoặc đến trực tiếp Bộ phận một cửa trong giờ "
         "hành chính.\n\n[Xem chi tiết](https://ngoclam.example.gov.vn/bai-viet/9.html)")


def notice(body: str = INTRO, link: str | None = LINK):  # noqa: ANN201
    return render(Article(title="Công khai số điện thoại đường dây nóng tiếp nhận phản ánh, kiến nghị", body=body,
                          date=date(2024, 3, 6), id=9, link=link), "hotline", render_settings())


def _pages(pdf: Path) -> int:
    import pypdf

    return len(pypdf.PdfReader(str(pdf)).pages)


def _soffice_pdf(docx: bytes, folder: Path, name: str) -> Path:
    src = folder / f"{name}.docx"
    src.write_bytes(docx)
    done = subprocess.run([SOFFICE, f"-env:UserInstallation=file://{folder / 'profile'}", "--headless",
                           "--convert-to", "pdf", "--outdir", str(folder), str(src)],
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    return folder / f"{name}.pdf"


def test_place_and_date_line_follows_decree_30():
    assert place_date("Ngọc Lâm", date(2024, 3, 6)) == "Ngọc Lâm, ngày 06 tháng 3 năm 2024"
    assert place_date("Hòa Bình", date(2024, 2, 15)) == "Hòa Bình, ngày 15 tháng 02 năm 2024"
    assert place_date("Hòa Bình", date(2024, 11, 1)) == "Hòa Bình, ngày 01 tháng 11 năm 2024"


def test_hotline_docx_content():
    r = notice()
    doc = Document(io.BytesIO(r.extras["docx"]))
    head = doc.tables[0]
    assert head.rows[0].cells[0].text.split("\n")[:2] == ["ỦY BAN NHÂN DÂN", "XÃ NGỌC LÂM"]
    assert head.rows[1].cells[1].text == "Ngọc Lâm, ngày 06 tháng 3 năm 2024"
    text = "\n".join([p.text for p in doc.paragraphs]
                     + [c.text for t in doc.tables for row in t.rows for c in row.cells])
    assert "Xem chi tiết" not in text.replace("Quét mã để xem chi tiết", "") and "https://" not in text
    assert "0221 3 946 101" in text and "0912 345 678" in text
    blobs = [rel.target_part.blob for rel in doc.part.rels.values() if "image" in rel.reltype]
    assert blobs == [qr_png(LINK)]                       # the QR code of the article's page
    assert doc.core_properties.language == "vi-VN"
    assert notice().extras["docx"] == r.extras["docx"]   # byte-stable


def test_the_hotline_channel_writes_the_notice_and_its_docx(tmp_path):
    from tests.helpers import make_settings

    s = make_settings(tmp_path)
    r = notice()
    ch = HotlineChannel(s, s.channel("hotline"))
    run(ch.send(Message(key="post-9-part-1", title=r.title, body=r.parts[0], format="html", extras=r.extras),
                "notice"))
    folder = tmp_path / "hotline"
    assert sorted(p.name for p in folder.iterdir()) == [
        "2024-03-06-9-cong-khai-so-dien-thoai-duong-day-nong-tiep-nhan-phan-anh-kien-nghi.docx",
        "2024-03-06-9-cong-khai-so-dien-thoai-duong-day-nong-tiep-nhan-phan-anh-kien-nghi.html"]


@pytest.mark.slow
@pytest.mark.skipif(not SOFFICE, reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")
def test_hotline_docx_prints_on_one_page_and_radio_on_a4(tmp_path):
    assert _pages(_soffice_pdf(notice().extras["docx"], tmp_path, "hotline")) == 1
    assert _pages(_soffice_pdf(notice(body="", link=None).extras["docx"], tmp_path, "short")) == 1
    radio = render(Article(title="Lịch tiếp dân", body=INTRO, date=date(2024, 3, 6), id=3), "radio", render_settings())
    import pypdf

    box = pypdf.PdfReader(str(_soffice_pdf(radio.extras["docx"], tmp_path, "radio"))).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)          # A4 in points


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM, reason="Chromium is not installed: apt-get install chromium")
def test_hotline_html_prints_on_one_page(tmp_path):
    pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
    from playwright.sync_api import sync_playwright

    page_file = tmp_path / "thong-bao.html"
    page_file.write_text(notice().parts[0], encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto(page_file.as_uri())
            pdf = tmp_path / "thong-bao.pdf"
            page.pdf(path=str(pdf), prefer_css_page_size=True)
        finally:
            browser.close()
    assert _pages(pdf) == 1
