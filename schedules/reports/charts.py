"""Horizontal bar charts as inline SVG, pure and without JavaScript, for the portal's HTML
report. Every label is escaped here, so the result can be placed in a page as it is."""

from __future__ import annotations

from html import escape
from typing import Iterable

BAR_COLOR = "#1f5fa8"
ROW_H = 26
LABEL_W = 230
VALUE_W = 48


def _fit(label: str, limit: int = 34) -> str:
    return label if len(label) <= limit else label[:limit - 1].rstrip() + "…"


def bar_chart(rows: Iterable[tuple[str, int]], title: str, width: int = 640) -> str:
    """One bar per (label, value); the longest bar spans the plot. Empty data gives a note."""
    data = [(str(label), max(0, int(value))) for label, value in rows]
    top = 30
    height = top + max(1, len(data)) * ROW_H + 10
    plot_w = width - LABEL_W - VALUE_W - 10
    peak = max((v for _, v in data), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" style="max-width:100%;height:auto" aria-label="{escape(title)}" '
        f'font-family="Times New Roman, serif" font-size="14">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="18" font-weight="bold">{escape(title)}</text>',
    ]
    if not data:
        parts.append(f'<text x="0" y="{top + 17}">Không có số liệu</text>')
    for i, (label, value) in enumerate(data):
        y = top + i * ROW_H
        bar = round(plot_w * value / peak)
        parts.append(f'<g><title>{escape(label)}: {value}</title>'
                     f'<text x="{LABEL_W - 8}" y="{y + 17}" text-anchor="end">{escape(_fit(label))}</text>'
                     f'<rect x="{LABEL_W}" y="{y + 4}" width="{bar}" height="{ROW_H - 8}" fill="{BAR_COLOR}"/>'
                     f'<text x="{LABEL_W + bar + 6}" y="{y + 17}">{value}</text></g>')
    parts.append("</svg>")
    return "".join(parts)
