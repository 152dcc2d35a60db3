"""The words of a report, pure: `compose(data, settings)` turns `ReportData` into a letterhead
and a list of blocks (headings, paragraphs, tables, charts) that the .docx, .html and .md
writers lay out alike. The narrative is short sentences built from the figures, with "…"
where staff complete it by hand.

The reporting unit is the configured one (`[unit] name`), never the plan's issuer: a ward
reporting on the province department's plan signs as the ward. Optional `[report]` keys in
config.toml (`Settings.report`): `superior` (the body above the unit, e.g. "UBND THỊ XÃ MỸ
HÀO"), `code` (after "/BC-"; default "UBND" for a People's Committee, else the plan number's
code when the plan was issued by the unit itself), `place` (for the date line), `subject`
(default "Kết quả công tác tuyên truyền cải cách hành chính"), `signer_title` (a string, lines
split by "\\n", or a list), `signer_name`, `to` (the "Kính gửi:" addressee(s)) and
`recipients` (list, "Nơi nhận"). The plan's signer is only a default for the signature when the
plan's issuer is the configured unit; otherwise the title follows the unit (a People's
Committee: "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH") and the name is left "…" for staff.

"Nơi nhận" (Decree 30/2020, Appendix I): "- Như trên;" only stands when there is a "Kính gửi"
line; without `to` it is dropped, and the default list is the superior body (`superior`) and
the plan's issuer when it is another body, each "(để báo cáo);", then "- Lưu: VT.".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from content import config
from content.config import Settings
from content.text import fmt_date, nfc
from schedules.reports.data import FAILED_LABELS, MissedSlot, ReportData, channel_name

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
    to: tuple[str, ...] = ()        # "Kính gửi:" addressees; empty = no such line


@dataclass
class Report:
    head: Letterhead
    blocks: list[Block] = field(default_factory=list)


def report_config(settings: Settings) -> config.ReportSettings:
    return settings.report


def _is_ubnd(unit: str) -> bool:
    return _norm_body(unit).startswith(_UBND)


def place_of(unit: str) -> str:
    """"Ủy ban nhân dân xã Ngọc Lâm" → "Ngọc Lâm"; other names are returned unchanged."""
    rest = nfc(unit).strip()
    if _is_ubnd(rest):
        rest = rest[len(_UBND):].strip()
        for level in _LEVELS:
            if rest.lower().startswith(level + " "):
                return rest[len(level):].strip()
    return rest


def _norm_body(name: str | None) -> str:
    """A body's name for comparison: NFC, lower case, UBND spelt out, the tone mark where the
    new spelling puts it ("Hoà" = "Hòa", "Uỷ" = "Ủy"), one space between words."""
    text = " ".join(nfc(name or "").lower().split())
    text = re.sub(r"^ubnd\b", _UBND, text)
    pairs = {"oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa", "oè": "òe", "oé": "óe",
             "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe", "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy"}
    return re.sub(r"(oà|oá|oả|oã|oạ|oè|oé|oẻ|oẽ|oẹ|uỳ|uý|uỷ|uỹ|uỵ)(?!\w)", lambda m: pairs[m[1]], text)


def same_body(a: str | None, b: str | None) -> bool:
    """Whether two names denote the same body ("UBND xã Ngọc Lâm" = "Ủy ban nhân dân xã Ngọc Lâm")."""
    na, nb = _norm_body(a), _norm_body(b)
    return bool(na) and na == nb


def plan_is_ours(data: ReportData, settings: Settings) -> bool:
    """The plan reported on was issued by the reporting unit itself."""
    return data.plan_id is not None and same_body(data.plan_issuer, settings.unit.name)


def _code(settings: Settings, data: ReportData, cfg: config.ReportSettings) -> str:
    if cfg.code:
        return cfg.code
    if _is_ubnd(settings.unit.name):
        return "UBND"
    if plan_is_ours(data, settings) and data.plan_number and \
            (m := re.search(r"/[A-ZĐ]+-([\wĐ&.-]+)\s*$", data.plan_number)):
        return m[1]
    return GAP


def _unit_lines(unit: str) -> tuple[str, ...]:
    up = re.sub(r"^UBND\b", _UBND.upper(), " ".join(nfc(unit).upper().split()))
    if _is_ubnd(unit) and len(up) > len(_UBND):
        return (up[:len(_UBND)], up[len(_UBND):].strip())
    return (up,)


def _lines(value: Any) -> tuple[str, ...]:
    if isinstance(value, (list, tuple)):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return tuple(x.strip() for x in str(value or "").split("\n") if x.strip())


def signer_block(unit: str, position: str | None) -> tuple[str, ...]:
    """The title lines above the signature (Decree 30/2020, art. 13): a People's Committee signs
    "TM. ỦY BAN NHÂN DÂN" then the Chairman, or "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" for a deputy; a
    body led by its head signs with the head's title, a deputy "KT. <HEAD> / PHÓ <HEAD>"."""
    pos = " ".join(nfc(position or "").upper().split())
    pos = re.sub(r"^(TM|KT|TL|TUQ|Q)\.\s*", "", pos)
    if _is_ubnd(unit):
        if pos.startswith("PHÓ CHỦ TỊCH"):
            return ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", pos)
        return ("TM. ỦY BAN NHÂN DÂN", pos or "CHỦ TỊCH")
    if pos.startswith("PHÓ ") and len(pos) > 4:
        return (f"KT. {pos[4:]}", pos)
    return (pos or "THỦ TRƯỞNG CƠ QUAN",)


def _recipients(data: ReportData, settings: Settings, cfg: config.ReportSettings, to: tuple[str, ...]) -> tuple[str, ...]:
    if cfg.recipients:
        listed = [r.lstrip("- ").strip() for r in _lines(cfg.recipients)]
        if not to:                    # "Như trên" refers to a "Kính gửi" line there isn't
            listed = [r for r in listed if not r.lower().startswith("như trên")]
    elif to:
        listed = ["Như trên;"]
    else:
        listed = []
        superior = cfg.superior.strip()
        if superior:
            listed.append(f"{superior} (để báo cáo);")
        issuer = (data.plan_issuer or "").strip()
        if data.plan_id is not None and issuer and not same_body(issuer, settings.unit.name) \
                and not same_body(issuer, superior):
            listed.append(f"{issuer} (để báo cáo);")
    if not any(r.lower().startswith("lưu") for r in listed):
        listed.append("Lưu: VT.")
    return tuple(f"- {r}" for r in listed)


def letterhead(data: ReportData, settings: Settings) -> Letterhead:
    cfg = report_config(settings)
    unit = settings.unit.name
    ours = plan_is_ours(data, settings)
    place = (cfg.place or settings.unit.place or place_of(unit)
                or (data.plan_place if ours else "") or GAP)
    year = data.generated_at.astimezone(settings.tz).year
    if cfg.signer_title:
        signer = _lines(cfg.signer_title)
    else:
        signer = signer_block(unit, data.plan_signer[0] if ours else None)
    name = (cfg.signer_name or (data.plan_signer[1] if ours else "") or GAP)
    to = _lines(cfg.to)
    return Letterhead(
        superior=cfg.superior.upper(),
        unit_lines=_unit_lines(unit),
        number=f"Số: {GAP * 3}/BC-{_code(settings, data, cfg)}",
        place_date=f"{place}, ngày {GAP * 2} tháng {GAP * 2} năm {year}",
        title="BÁO CÁO",
        subject=f"{cfg.subject or SUBJECT} {data.period.label}",
        signer_lines=signer,
        signer_name=name,
        recipients=_recipients(data, settings, cfg, to),
        to=to,
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
        issuer = "" if plan_is_ours(data, settings) or not data.plan_issuer else f" của {data.plan_issuer}"
        basis = (f"Thực hiện Kế hoạch số {data.plan_number}"
                 + (f" ngày {fmt_date(data.plan_date)}" if data.plan_date else "") + issuer
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
        groups = missed_by_theme(data.missed)
        add(Para(f"Có {len(data.missed)} lượt đăng theo lịch chưa thực hiện, thuộc {len(groups)} "
                 "nội dung tuyên truyền:"))
        add(Table(("STT", "Nội dung tuyên truyền", "Số lượt", "Kênh, ngày"),
                  tuple((str(i), theme, str(sum(len(d) for d in days.values())),
                         "\n".join(f"{channel_name(ch)}: {_days(ds)}" for ch, ds in days.items()))
                        for i, (theme, days) in enumerate(groups.items(), 1)),
                  widths=(12, 80, 18, 55), numeric=(0, 2)))
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
    if data.audit is not None:
        add(Heading("PHỤ LỤC: NHẬT KÝ THAO TÁC CỦA CÁN BỘ"))
        add(Para(f"Các thao tác soạn, duyệt, sửa, gỡ, đính chính trong {label} "
                 f"({len(data.audit)} thao tác; trích từ nhật ký không sửa, xóa được của Loa)."))
        if data.audit:
            tz = settings.tz
            add(Table(("STT", "Thời gian", "Người thực hiện", "Thao tác", "Bài số", "Chi tiết"),
                      tuple((str(i), a.at.astimezone(tz).strftime("%d/%m/%Y %H:%M"), a.actor, a.action,
                             str(a.item_id) if a.item_id else "—", a.detail or "—")
                            for i, a in enumerate(data.audit, 1)),
                      widths=(10, 28, 30, 30, 14, 53), numeric=(0, 4)))
    return rep


def missed_by_theme(missed: list[MissedSlot]) -> dict[str, dict[str, list[date]]]:
    """Unfilled slots grouped: theme → channel → days, in calendar order (one row per theme,
    so a quarter of missed radio slots is a few rows, not pages repeating the theme)."""
    out: dict[str, dict[str, list[date]]] = {}
    for m in sorted(missed, key=lambda m: (m.day, m.slot_id)):
        out.setdefault(m.theme, {}).setdefault(m.channel, []).append(m.day)
    return out


def _days(days: list[date]) -> str:
    """"02/01, 04/01, 08/01/2024" (the year once per year, at its last day)."""
    out = []
    for i, d in enumerate(days):
        last_of_year = i == len(days) - 1 or days[i + 1].year != d.year
        out.append(fmt_date(d) if last_of_year else f"{d:%d/%m}")
    return ", ".join(out)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"
