"""The report as one self-contained HTML page for the portal: the same words and tables as the
.docx, plus bar charts as inline SVG. No JavaScript; Jinja2 autoescapes every string, and the
only markup let through is the charts (built and escaped in `report_charts`) and links made
from URLs after escaping."""

from __future__ import annotations

import re
from pathlib import Path

from jinja2 import Environment
from markupsafe import Markup, escape

from content.files import write_atomic
from schedules.reports.charts import bar_chart
from schedules.reports.text import Caption, Chart, Heading, Para, Report, Table

_URL = re.compile(r"https?://[^\s<>\"']+")

TEMPLATE = """<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ head.title }} {{ head.subject }}</title>
<style>
body { font-family: "Times New Roman", serif; font-size: 17px; line-height: 1.45; max-width: 52rem;
       margin: 1.5rem auto; padding: 0 1rem; color: #111; }
.head { display: flex; justify-content: space-between; text-align: center; gap: 1rem; }
.head p { margin: 0; }
.unit { font-weight: bold; }
.motto { font-weight: bold; }
.motto u { text-underline-offset: 3px; }
.date { font-style: italic; }
h1 { text-align: center; font-size: 1.2rem; margin: 1.5rem 0 0; }
h1 + p.subject { text-align: center; font-weight: bold; margin-top: .2rem; }
.kinh-gui { text-align: center; } .kinh-gui ul { display: inline-block; text-align: left; margin: 0; }
h2 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
h3 { font-size: 1rem; margin: 1rem 0 .4rem; }
p.caption { text-align: center; font-weight: bold; font-style: italic; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .95rem; }
th, td { border: 1px solid #444; padding: .3rem .45rem; vertical-align: top; }
th { background: #eef2f7; }
td.num { text-align: center; }
tr.total td { font-weight: bold; }
figure { margin: .5rem 0 1rem; overflow-x: auto; }
.foot { display: flex; justify-content: space-between; margin-top: 2rem; gap: 1rem; }
.foot .to { font-size: .85rem; }
.foot .to p:first-child { font-weight: bold; font-style: italic; }
.foot .to p { margin: 0; }
.sign { text-align: center; font-weight: bold; }
.sign p { margin: 0; }
.sign .name { margin-top: 4rem; }
</style>
</head>
<body>
<header class="head">
  <div>
    {% if head.superior %}<p>{{ head.superior }}</p>{% endif %}
    {% for line in head.unit_lines %}<p class="unit">{{ line }}</p>{% endfor %}
    <p>{{ head.number }}</p>
  </div>
  <div>
    <p class="motto">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</p>
    <p class="motto"><u>Độc lập - Tự do - Hạnh phúc</u></p>
    <p class="date">{{ head.place_date }}</p>
  </div>
</header>
<main>
<h1>{{ head.title }}</h1>
<p class="subject">{{ head.subject }}</p>
{% if head.to | length == 1 %}<p class="kinh-gui">Kính gửi: {{ head.to[0] }}</p>
{% elif head.to %}<div class="kinh-gui"><p>Kính gửi:</p><ul>{% for t in head.to %}<li>{{ t }}</li>{% endfor %}</ul></div>
{% endif %}
{% for b in blocks %}
{%- if b.kind == "heading" %}
<h{{ b.level + 1 }}>{{ b.text }}</h{{ b.level + 1 }}>
{%- elif b.kind == "para" %}
<p>{{ b.text }}</p>
{%- elif b.kind == "caption" %}
<p class="caption">{{ b.text }}</p>
{%- elif b.kind == "chart" %}
<figure>{{ b.svg }}</figure>
{%- elif b.kind == "table" %}
<table>
<thead><tr>{% for h in b.headers %}<th scope="col">{{ h }}</th>{% endfor %}</tr></thead>
<tbody>
{%- for row in b.rows %}
<tr{% if b.total and loop.last %} class="total"{% endif %}>
{%- for cell in row %}<td{% if loop.index0 in b.numeric %} class="num"{% endif %}>{{ cell }}</td>{% endfor %}</tr>
{%- endfor %}
</tbody>
</table>
{%- endif %}
{%- endfor %}
</main>
<footer class="foot">
  <div class="to">
    <p>Nơi nhận:</p>
    {% for r in head.recipients %}<p>{{ r }}</p>{% endfor %}
  </div>
  <div class="sign">
    {% for line in head.signer_lines %}<p>{{ line }}</p>{% endfor %}
    <p class="name">{{ head.signer_name }}</p>
  </div>
</footer>
</body>
</html>
"""

_env = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
_template = _env.from_string(TEMPLATE)


def _cell(text: str) -> Markup:
    """Escape a table cell; keep its line breaks and make its URLs links."""
    out = []
    for line in text.split("\n"):
        safe = str(escape(line))
        out.append(_URL.sub(lambda m: f'<a href="{m[0]}">{m[0]}</a>', safe))
    return Markup("<br>".join(out))


def html_blocks(report: Report) -> list[dict]:
    """The report's blocks as the template lays them out (also the console's /reports page)."""
    out: list[dict] = []
    for b in report.blocks:
        if isinstance(b, Heading):
            out.append({"kind": "heading", "text": b.text, "level": b.level})
        elif isinstance(b, Caption):
            out.append({"kind": "caption", "text": b.text})
        elif isinstance(b, Para):
            out.append({"kind": "para", "text": b.text})
        elif isinstance(b, Chart):
            if b.rows:
                out.append({"kind": "chart", "svg": Markup(bar_chart(b.rows, b.title))})
        elif isinstance(b, Table):
            out.append({"kind": "table", "headers": b.headers, "numeric": b.numeric, "total": b.total,
                        "rows": [[_cell(c) for c in row] for row in b.rows]})
    return out


def render_html(report: Report) -> str:
    return _template.render(head=report.head, blocks=html_blocks(report))


def write_html(report: Report, path: Path) -> Path:
    write_atomic(path, render_html(report))
    return path
