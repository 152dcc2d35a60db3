"""The words of a report, pure: `compose(data, settings)` turns `ReportData` into a letterhead
and a list of blocks (headings, paragraphs, tables, charts) that the .docx, .html and .md
writers lay out alike. The narrative is short sentences built from the figures, with "…"
where staff complete it by hand.

Optional `[report]` keys in config.toml (`Settings.report`): `superior` (the body above the unit, e.g. "UBND THỊ XÃ MỸ HÀO"),
`code` (after "/BC-", e.g. "UBND"; default from the plan number or the unit name), `place`
(for the date line), `subject` (default "Kết quả công tác tuyên truyền cải cách hành chính"),
`signer_title` (a string, lines split by "\\n", or a list), `signer_name`, `recipients` (list).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from content import config
from content.config import Settings
from content.text import fmt_date, nfc
from schedules.reports.data import FAILED_LABELS, ReportData, channel_name

SUBJECT = "Kết quả công tác tuyên truyền cải cách hành chính"
GAP = "…"
_UBND = "ủy ban nhân dân"
_LEVELS = ("thành phố", "thị trấn", "thị xã", "phường", "huyện", "quận", "tỉnh", "xã")


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Para:
    text: str


@dataclass(frozen=True)
class Caption:
    text: str


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...] = ()   # column widths in mm on A4 (scaled to fit)
    numeric: tuple[int, ...] = ()    # columns aligned right/centre
    total: bool = False              # last row is a total (bold)


@dataclass(frozen=True)
class Chart:
    title: str
    rows: tuple[tuple[str, int], ...]


Block = Heading | Para | Caption | Table | Chart


@dataclass(frozen=True)
class Letterhead:
    superior: str
    unit_lines: tuple[str, ...]
    number: str
    place_date: str
    title: str
    subject: str
    signer_lines: tuple[str, ...]
    signer_name: str
    recipients: tuple[str, ...]


@dataclass
class Report:
    head: Letterhead
    blocks: list[Block] = field(default_factory=list)


def report_config(settings: Settings) -> config.Report:
    return settings.report


def _is_ubnd(unit: str) -> bool:
    return nfc(unit).lower().startswith(_UBND)


def place_of(unit: str) -> str:
    """"Ủy ban nhân dân xã Ngọc Lâm" → "Ngọc Lâm"; other names are returned unchanged."""
    rest = nfc(unit).strip()
    if _is_ubnd(rest):
        rest = rest[len(_UBND):].strip()
        for level in _LEVELS:
            if rest.lower().startswith(level + " "):
                return rest[len(level):].strip()
    return rest


def _code(settings: Settings, data: ReportData, cfg: config.Report) -> str:
    if cfg.code:
        return cfg.code
    if data.plan_number and (m := re.search(r"/[A-ZĐ]+-([\wĐ&.-]+)\s*$", data.plan_number)):
        return m[1]
    return "UBND" if _is_ubnd(settings.unit.name) else GAP


def _unit_lines(unit: str) -> tuple[str, ...]:
    up = nfc(unit).strip().upper()
    if _is_ubnd(unit) and len(up) > len(_UBND):
        return (up[:len(_UBND)], up[len(_UBND):].strip())
    return (up,)


def _lines(value: Any) -> tuple[str, ...]:
    if isinstance(value, (list, tuple)):
        return tuple(str(v) for v in value if str(v).strip())
    return tuple(x.strip() for x in str(value).split("\n") if x.strip())


def letterhead(data: ReportData, settings: Settings) -> Letterhead:
    cfg = report_config(settings)
    unit = settings.unit.name
    place = (cfg.place or settings.unit.place or place_of(unit) or data.plan_place or GAP)
    year = data.generated_at.astimezone(settings.tz).year
    if cfg.signer_title:
        signer = _lines(cfg.signer_title)
    elif _is_ubnd(unit):
        signer = ("TM. ỦY BAN NHÂN DÂN", (data.plan_signer[0] or "CHỦ TỊCH").upper())
    else:
        signer = ((data.plan_signer[0] or "THỦ TRƯỞNG CƠ QUAN").upper(),)
    recipients = list(_lines(cfg.recipients or ["Như trên;"]))
    if not any(r.lower().startswith("lưu") for r in recipients):
        recipients.append("Lưu: VT.")
    return Letterhead(
        superior=cfg.superior.upper(),
        unit_lines=_unit_lines(unit),
        number=f"Số: {GAP * 3}/BC-{_code(settings, data, cfg)}",
        place_date=f"{place}, ngày {GAP * 2} tháng {GAP * 2} năm {year}",
        title="BÁO CÁO",
        subject=f"{cfg.subject or SUBJECT} {data.period.label}",
        signer_lines=signer,
        signer_name=(cfg.signer_name or data.plan_signer[1] or ""),
        recipients=tuple(f"- {r}" if not r.startswith("-") else r for r in recipients),
    )


def hours_text(hours: float) -> str:
    if hours >= 48:
        return f"{hours / 24:.1f} ngày".replace(".", ",")
    return f"{hours:.1f} giờ".replace(".", ",")


def _evidence_cell(data: ReportData, task_evidence) -> str:  # noqa: ANN001
    lines = []
    for e in task_evidence:
        where = ", ".join(channel_name(c) for c in e.channels)
        lines.append(f"{fmt_date(e.day)}: {e.title}" + (f" ({where})" if where else "")
                     + "".join(f"\n{u}" for u in e.urls))
    return "\n".join(lines) or "Chưa có"


def compose(data: ReportData, settings: Settings) -> Report:
    """The whole report as blocks; the writers add no words of their own."""
    rep = Report(letterhead(data, settings))
    add = rep.blocks.append
    numbered = iter(range(1, 100))

    def caption(text: str) -> None:
        add(Caption(f"Bảng {next(numbered)}. {text}"))
    label = data.period.label
    basis = ""
    if data.plan_number:
        basis = (f"Thực hiện Kế hoạch số {data.plan_number}"
                 + (f" ngày {fmt_date(data.plan_date)}" if data.plan_date else "")
                 + (f" về {data.plan_title[0].lower() + data.plan_title[1:]}" if data.plan_title else "")
                 + f", {settings.unit.name} báo cáo kết quả thực hiện {label} như sau:")
    else:
        basis = f"{settings.unit.name} báo cáo kết quả công tác tuyên truyền cải cách hành chính {label} như sau:"
    add(Para(basis))

    add(Heading("I. KẾT QUẢ THỰC HIỆN"))
    add(Heading("1. Công tác chỉ đạo, triển khai", 2))
    add(Para(f"Ban hành văn bản chỉ đạo, hướng dẫn: {GAP}"))
    add(Heading("2. Kết quả đăng tải tin, bài", 2))
    add(Para(f"Trong {label} (từ ngày {fmt_date(data.period.start)} đến ngày {fmt_date(data.period.end)}), "
             f"đã đăng tải {data.total_items} tin, bài với {data.total_posts} lượt đăng "
             f"trên các kênh thông tin."))
    caption("Số lượt tin, bài đã đăng theo kênh")
    add(Table(("STT", "Kênh thông tin", "Số lượt đăng", "Số tin, bài"),
              tuple((str(i), c.name, str(c.posts), str(c.items)) for i, c in enumerate(data.by_channel, 1))
              + (("", "Tổng cộng", str(data.total_posts), str(data.total_items)),),
              widths=(12, 73, 40, 40), numeric=(0, 2, 3), total=True))
    add(Chart("Số lượt đăng theo kênh", tuple((c.name, c.posts) for c in data.by_channel)))
    if data.by_theme:
        caption("Số lượt tin, bài đã đăng theo nội dung tuyên truyền")
        add(Table(("STT", "Nội dung tuyên truyền", "Số lượt đăng", "Số tin, bài"),
                  tuple((str(i), c.name, str(c.posts), str(c.items)) for i, c in enumerate(data.by_theme, 1)),
                  widths=(12, 105, 24, 24), numeric=(0, 2, 3)))
        add(Chart("Số lượt đăng theo nội dung", tuple((_short(c.name), c.posts) for c in data.by_theme)))
    if data.qa is not None:
        q = data.qa
        add(Heading("3. Tiếp nhận và trả lời câu hỏi của người dân", 2))
        median = f"; thời gian trả lời trung vị {hours_text(q.median_hours)}" if q.median_hours is not None else ""
        add(Para(f"Tiếp nhận {q.received} câu hỏi; đã trả lời {q.answered} câu hỏi, trong đó {q.on_time} "
                 f"câu trả lời đúng hạn; {q.overdue} câu hỏi quá hạn{median}."))
        add(Table(("Tiếp nhận", "Đã trả lời", "Đúng hạn", "Quá hạn", "Thời gian trả lời (trung vị)"),
                  ((str(q.received), str(q.answered), str(q.on_time), str(q.overdue),
                    hours_text(q.median_hours) if q.median_hours is not None else "—"),),
                  numeric=(0, 1, 2, 3, 4)))

    add(Heading("II. THỰC HIỆN NHIỆM VỤ THEO KẾ HOẠCH"))
    if data.tasks:
        c = data.status_counts()
        add(Para(f"Kế hoạch có {len(data.tasks)} nhiệm vụ: đã hoàn thành {c['done']}, đang thực hiện "
                 f"{c['in_progress']}, quá hạn {c['overdue']}, chưa thực hiện {c['not_started']}."))
        caption("Kết quả thực hiện nhiệm vụ theo kế hoạch")
        add(Table(("STT", "Nhiệm vụ", "Đơn vị chủ trì", "Thời gian", "Kết quả", "Minh chứng"),
                  tuple((t.no, t.content, t.lead, t.timing, t.status_label, _evidence_cell(data, t.evidence))
                        for t in data.tasks),
                  widths=(12, 44, 25, 24, 20, 40), numeric=(0,)))
    elif data.plan_id is not None:
        add(Para("Kế hoạch không có phụ lục nhiệm vụ."))
    else:
        add(Para(f"Chưa chọn kế hoạch nên không đối chiếu nhiệm vụ. {GAP}"))

    add(Heading("III. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN"))
    overdue = [t for t in data.tasks if t.status == "overdue"]
    if overdue:
        add(Para(f"Có {len(overdue)} nhiệm vụ quá hạn chưa có kết quả: "
                 + "; ".join(f"nhiệm vụ {t.no} ({t.lead})" for t in overdue) + "."))
    if data.missed:
        add(Para(f"Có {len(data.missed)} lượt đăng theo lịch chưa thực hiện:"))
        add(Table(("STT", "Ngày", "Kênh", "Nội dung"),
                  tuple((str(i), fmt_date(m.day), channel_name(m.channel), m.theme)
                        for i, m in enumerate(data.missed, 1)),
                  widths=(12, 28, 35, 90), numeric=(0, 1)))
    elif data.plan_id is not None:
        add(Para("Các lượt đăng theo lịch trong kỳ đều đã thực hiện."))
    if data.failures:
        add(Para(f"Có {len(data.failures)} lượt đăng không thành công:"))
        add(Table(("STT", "Tin, bài", "Kênh", "Tình trạng", "Lỗi"),
                  tuple((str(i), f.title, channel_name(f.channel), FAILED_LABELS.get(f.state, f.state),
                         f.error or "—") for i, f in enumerate(data.failures, 1)),
                  widths=(12, 55, 25, 28, 45), numeric=(0,)))
    if data.qa is not None and data.qa.overdue:
        add(Para(f"Còn {data.qa.overdue} câu hỏi của người dân trả lời quá hạn."))
    add(Para(f"Nguyên nhân: {GAP}"))

    add(Heading("IV. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI"))
    pending = [t.no for t in data.tasks if t.status in ("overdue", "not_started")]
    if pending:
        add(Para("Tập trung thực hiện các nhiệm vụ chưa có kết quả: số " + ", ".join(pending) + "."))
    if data.missed or data.failures:
        add(Para("Bảo đảm đăng tải đủ tin, bài theo lịch; kiểm tra, khắc phục các lượt đăng không thành công."))
    add(Para("Tiếp tục thực hiện thường xuyên các nhiệm vụ tuyên truyền theo kế hoạch."))
    add(Para(GAP))
    add(Heading("V. ĐỀ XUẤT, KIẾN NGHỊ"))
    add(Para(GAP))
    add(Para(f"Trên đây là báo cáo {rep.head.subject[0].lower() + rep.head.subject[1:]} "
             f"của {settings.unit.name}./."))
    return rep


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"
