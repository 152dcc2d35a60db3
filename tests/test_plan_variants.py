"""The same plans in the other shapes users send: CRLF, NFD, Markdown markers stripped,
the appendix as a pipe table, and .docx files built here with python-docx (headings as
paragraphs, the appendix as a Word table, lists as Word list styles). Each must read the
same as the Markdown original."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from content.plan.parse import parse_plan
from content.plan.reader import decode_plan_bytes
from tests.helpers import build_docx

NAMES = ["hung-yen-so-noi-vu-2023.md", "soc-trang-ubnd-tinh-2019.md", "ngoc-lam-ubnd-xa-2024.md",
         "ha-nam-so-tttt-2021-2030.md", "gia-lai-so-tttt-2024.md"]


def md(plans_dir: Path, name: str) -> str:
    return (plans_dir / name).read_text(encoding="utf-8")


def strip_markers(text: str) -> str:
    text = re.sub(r"(?m)^#{1,6}\s*", "", text)
    return text.replace("**", "").replace("*", "")


def to_pipe_tables(text: str) -> str:
    out, in_table = [], False
    for line in text.split("\n"):
        if "\t" in line:
            cells = line.split("\t")
            out.append("| " + " | ".join(cells) + " |")
            if not in_table:
                out.append("|" + "---|" * len(cells))
            in_table = True
        else:
            out.append(line)
    return "\n".join(out)


def summary(plan) -> dict:  # noqa: ANN001
    d = plan.to_dict()
    return {**d, "themes": len(d["themes"]), "forms": len(d["forms"]), "tasks": len(d["tasks"])}


@pytest.mark.parametrize("name", NAMES)
def test_crlf_reads_the_same(plans_dir, name):
    text = md(plans_dir, name)
    crlf = text.replace("\n", "\r\n")
    assert parse_plan(crlf) == parse_plan(text)
    assert parse_plan(decode_plan_bytes(crlf.encode("utf-8"), name)) == parse_plan(text)


@pytest.mark.parametrize("name", NAMES)
def test_nfd_reads_the_same_and_comes_out_nfc(plans_dir, name):
    text = md(plans_dir, name)
    nfd = unicodedata.normalize("NFD", text)
    assert nfd != text
    plan = parse_plan(nfd)
    assert plan == parse_plan(text)
    assert all(unicodedata.is_normalized("NFC", t.text) for t in plan.themes)
    assert parse_plan(decode_plan_bytes(nfd.encode("utf-8"), name)) == plan


@pytest.mark.parametrize("name", NAMES)
def test_plain_text_without_markdown_markers_reads_the_same(plans_dir, name):
    text = md(plans_dir, name)
    plain = strip_markers(text)
    assert "**" not in plain and "#" not in plain
    assert parse_plan(plain) == parse_plan(text)


def test_appendix_as_markdown_pipe_table(plans_dir):
    text = md(plans_dir, "gia-lai-so-tttt-2024.md")
    piped = to_pipe_tables(text)
    assert "|---|" in piped and "\t" not in piped
    assert parse_plan(piped) == parse_plan(text)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("word_lists", [False, True], ids=["dash-paragraphs", "word-list-style"])
def test_docx_reads_like_the_markdown(plans_dir, name, word_lists):
    text = md(plans_dir, name)
    data = build_docx(text, word_lists=word_lists)
    from_docx = parse_plan(decode_plan_bytes(data, name.replace(".md", ".docx")))
    expected = parse_plan(text)
    assert summary(from_docx) == summary(expected)
    assert [t.text for t in from_docx.themes] == [t.text for t in expected.themes]
    assert from_docx.tasks == expected.tasks


def test_docx_header_as_a_word_table(plans_dir):
    """Real plans put the agency/number and motto/place-date in a two-column header table."""
    text = md(plans_dir, "ngoc-lam-ubnd-xa-2024.md")
    body = text.split("## KẾ HOẠCH", 1)[1]
    header = ("ỦY BAN NHÂN DÂN XÃ NGỌC LÂM\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc\n"
              "Số: 11/KH-UBND\tNgọc Lâm, ngày 26 tháng 01 năm 2024\n\n## KẾ HOẠCH")
    plan = parse_plan(decode_plan_bytes(build_docx(header + body), "ngoc-lam.docx"))
    assert plan.number == "11/KH-UBND"
    assert plan.place == "Ngọc Lâm" and plan.date.isoformat() == "2024-01-26"
    assert len(plan.themes) == 7 and len(plan.tasks) == 0
