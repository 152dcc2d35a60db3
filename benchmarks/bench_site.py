"""Static portal: the cost of one publication on a site of 100, 500 and 1,000 articles (lists,
theme pages, feed, sitemap and the new article's page; `content.render.site.build`), and of a full
rebuild (every article page: the first publication after the site's look or contact changed).
Target: one publication under 1 s at 1,000 articles."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

from content.render import site as S


def run() -> list[str]:
    site = S.Site(unit="Ủy ban nhân dân xã Ngọc Lâm", title="Cải cách hành chính",
                  unit_lines=("ỦY BAN NHÂN DÂN", "XÃ NGỌC LÂM"),
                  contact=S.Contact(address="Thôn Ngọc Lâm", phones=("0221 3 946 101",)), base_url="https://x.vn")
    t0 = datetime(2024, 1, 1, tzinfo=timezone.utc)
    S.build(site, [], now=t0)                      # compile the templates
    out = []
    for n in (100, 500, 1000):
        entries = [S.Entry(key=f"k{i}", title=f"Tin cải cách hành chính số {i}", path=f"bai-viet/{i}.html",
                           date=(t0 + timedelta(hours=i)).date(), summary="Tóm tắt " * 10,
                           body_html="<p>" + "Nội dung bài viết " * 150 + "</p>", at=t0 + timedelta(hours=i),
                           tags=(f"Chủ đề {i % 7}",)) for i in range(n)]
        a = time.perf_counter()
        files = S.build(site, entries, now=t0, articles={"k1"})
        b = time.perf_counter()
        S.build(site, entries, now=t0)
        c = time.perf_counter()
        out.append(f"{n} articles: one publication {(b - a) * 1000:.0f} ms ({len(files)} files), "
                   f"full rebuild {(c - b) * 1000:.0f} ms (target: one publication < 1000 ms)")
    return out
