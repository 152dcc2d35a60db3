"""Read-aloud speed: a 1,000-word CCHC news item full of what the normaliser rewrites (dates,
fractions, rates, service numbers, abbreviations, addresses, links, emoji) read by
`read_aloud` as one text and as the radio renderer does it (paragraph by paragraph, with the
item as context). Target: under 20 ms for the 1,000-word item (issue 16). The item is denser
in rewritten forms than any real one (an address, a rate or a date in nearly every sentence)."""

from __future__ import annotations

import statistics
import time
from datetime import date

TARGET_MS = 20.0
RUNS = 30

PARAGRAPHS = [
    "📢 UBND xã Ngọc Lâm thông báo: thực hiện Kế hoạch số 18/KH-UBND ngày 14/01/2024 và Đề án 06 "
    "của Chính phủ, từ ngày 15/5/2025 Bộ phận Một cửa tiếp nhận hồ sơ TTHC từ 7h30 đến 17h00.",
    "Nhân dịp Quốc khánh 2/9 và kỷ niệm 30/4 - 1/5, xã giảm 1/3 thời gian giải quyết; 3/4 số hộ "
    "đã cài đặt VNeID, đạt 9/10 tiêu chí và 95,5% hồ sơ đúng hạn.",
    "Mức hỗ trợ 1,5 triệu đồng/người/tháng; lệ phí sao y 2.000 đ/trang; xe tải đi không quá "
    "40 km/h; năng suất lúa đạt 6,2 tấn/ha; lượng mưa 50-100 mm, nhiệt độ 38°C.",
    "Khi có sự cố gọi 113/114/115; Tổng đài hỗ trợ BHXH: 1900 9068; đường dây nóng của UBND xã: "
    "0221 3 946 101; Chỉ thị 05 và Nghị quyết số 01/NQ-CP được quán triệt.",
    "Bảo đảm QP-AN, phát triển KT-XH; Sở TN&MT, BQL dự án đẩy nhanh GPMB, kiểm tra ATTP; quét "
    "mã QR, không cung cấp mã OTP; làm CCCD gắn chip.",
    "Nộp hồ sơ tại https://dichvucong.gov.vn/p/home.html hoặc gửi thư về ubnd.ngoclam@gmail.com. "
    "Xem chi tiết [tại đây](https://ngoclam.gov.vn/tin/123). Bản tin số 1/2024 ✅ 👉",
]


def _item(words: int = 1000) -> list[str]:
    out, count, i = [], 0, 0
    while count < words:
        p = PARAGRAPHS[i % len(PARAGRAPHS)]
        out.append(p)
        count += len(p.split())
        i += 1
    return out


def _median_ms(fn, runs: int = RUNS, clock=time.perf_counter) -> float:  # noqa: ANN001
    fn()
    times = []
    for _ in range(runs):
        started = clock()
        fn()
        times.append((clock() - started) * 1000)
    return statistics.median(times)


def run() -> list[str]:
    from content.render.item import Article, render
    from content.render.spoken import read_aloud
    from content.config import from_mapping

    paragraphs = _item()
    text = "\n\n".join(paragraphs)
    words = len(text.split())
    per_1000 = 1000 / words
    whole = _median_ms(lambda: read_aloud(text)) * per_1000
    cpu = _median_ms(lambda: read_aloud(text), clock=time.process_time) * per_1000
    settings = from_mapping({"unit": {"name": "Ủy ban nhân dân xã Ngọc Lâm", "place": "xã Ngọc Lâm"}},
                            env={})
    article = Article(title="Thông báo tiếp nhận hồ sơ", body=text, date=date(2025, 5, 15), id=1)
    radio = _median_ms(lambda: render(article, "radio", settings), runs=10) * per_1000
    verdict = "ok" if whole < TARGET_MS else "SLOWER THAN TARGET"
    return [f"read_aloud, {words}-word item as one text: {whole:6.2f} ms per 1,000 words "
            f"(median of {RUNS}; target < {TARGET_MS:.0f} ms) {verdict}",
            f"  the same in CPU time (what a busy machine's other work does not add): {cpu:6.2f} ms",
            f"radio rendering (paragraph by paragraph, script + .docx): {radio:6.2f} ms per 1,000 words"]
