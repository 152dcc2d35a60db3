"""The report as Markdown for quick reading (chat, e-mail, the repository): the same words and
tables as the .docx; charts are left out because the tables carry the same figures."""

from __future__ import annotations

import re
from pathlib import Path

from content.files import write_atomic
from schedules.reports.text import Caption, Chart, Heading, Para, Report, Table


_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def esc(text: str) -> str:
    """Backslash-escape what Markdown would read as markup or raw HTML."""
    return _SPECIAL.sub(r"\\\1", text)


def _cell(text: str) -> str:
    return "<br>".join(esc(line) for line in text.split("\n")) or " "


def _table(t: Table) -> list[str]:
    lines = ["| " + " | ".join(_cell(h) for h in t.headers) + " |",
             "|" + "|".join(":---:" if i in t.numeric else "---" for i in range(len(t.headers))) + "|"]
    for n, row in enumerate(t.rows, 1):
        cells = [_cell(c) for c in row]
        if t.total and n == len(t.rows):
            cells = [f"**{c}**" if c.strip() else c for c in cells]
        lines.append("| " + " | ".join(cells) + " |")
    return lines + [""]


def render_md(report: Report) -> str:
    h = report.head
    out = [*(f"**{line}**" if line else "" for line in ((h.superior,) if h.superior else ()) + h.unit_lines)]
    out = ["  \n".join(x for x in out if x), "", h.number, "",
           "**CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM**  ", "**Độc lập - Tự do - Hạnh phúc**", "",
           f"*{h.place_date}*", "", f"# {h.title}", "", f"**{h.subject}**", ""]
    if len(h.to) == 1:
        out += [f"Kính gửi: {esc(h.to[0])}", ""]
    elif h.to:
        out += ["Kính gửi:", "", *(f"- {esc(t)}" for t in h.to), ""]
    for b in report.blocks:
        if isinstance(b, Heading):
            out += [f"{'#' * (b.level + 1)} {esc(b.text)}", ""]
        elif isinstance(b, Caption):
            out += [f"*{esc(b.text)}*", ""]
        elif isinstance(b, Para):
            out += [esc(b.text), ""]
        elif isinstance(b, Table):
            out += _table(b)
        elif isinstance(b, Chart):
            continue
    out += ["**Nơi nhận:**", "", *h.recipients, "", *(f"**{line}**  " for line in h.signer_lines)]
    if h.signer_name:
        out += ["", f"**{h.signer_name}**"]
    return "\n".join(out).rstrip() + "\n"


def write_md(report: Report, path: Path) -> Path:
    write_atomic(path, render_md(report))
    return path
