"""The appendix (Phụ lục) task table → `Task` rows, and forms of communication → channel kinds.

A table is any run of tab-separated rows (Markdown pipe tables and Word tables arrive in the
same shape from `content.plan.text` / `content.plan.reader`) whose header names a content
column and a lead or timing column. Group rows (one merged cell, a Roman numeral) and
column-number rows ("(1) (2) (3)") are skipped. A cell listing several units with "- "
bullets is split into them; a lead cell with several units keeps them joined by "; ".
"""

from __future__ import annotations

import re

from content.plan.model import CHANNEL_KINDS, Form, Period, Task
from content.plan.text import Line
from content.plan.timing import parse_timing

_COLUMNS = (
    ("no", re.compile(r"^(?:số\s*)?(?:tt|stt|thứ tự)\b|^số thứ tự", re.I)),
    ("lead", re.compile(r"chủ trì", re.I)),
    ("partners", re.compile(r"phối hợp", re.I)),
    ("timing", re.compile(r"thời gian|thời hạn|tiến độ", re.I)),
    ("content", re.compile(r"nội dung|nhiệm vụ|công việc|hoạt động", re.I)),
)


def _header(cells: list[str]) -> dict[str, int] | None:
    cols: dict[str, int] = {}
    for i, cell in enumerate(cells):
        for name, rx in _COLUMNS:
            if name not in cols and rx.search(cell):
                cols[name] = i
                break
    if "content" in cols and ("lead" in cols or "timing" in cols):
        return cols
    return None


def split_units(cell: str) -> list[str]:
    """"- Văn phòng Sở - Ban Biên tập …" → two units. Only a cell that starts with a bullet
    is split, and only before a capital letter, so "chính trị - xã hội" stays whole."""
    s = cell.strip()
    if not s:
        return []
    if s[0] not in "-–—+•":
        return [u.strip() for u in s.split(";") if u.strip()]
    marker = re.escape(s[0])
    parts = re.split(rf"(?:^|\s){marker}\s*(?=[A-ZĐÀ-ỸÂĂÊÔƠƯ])", s)
    return [p.strip(" ;,") for p in parts if p.strip(" ;,")]


def _skip_row(cells: list[str]) -> bool:
    filled = [c for c in cells if c]
    if len(set(filled)) <= 1:
        return True
    if all(re.fullmatch(r"\(?\d{1,2}\)?", c) for c in filled):
        return True
    return bool(re.fullmatch(r"[IVX]{1,5}\.?|[A-D]\.?", cells[0] if cells else "")) and len(filled) <= 2


def tasks(lines: list[Line], period: Period | None) -> list[Task]:
    out: list[Task] = []
    cols: dict[str, int] | None = None
    header: list[str] = []
    for ln in lines:
        if ln.kind == "blank":
            continue
        if ln.kind != "table":
            cols = None
            continue
        cells = [c.strip() for c in ln.text.split("\t")]
        if re.match(r"Nơi nhận", cells[0], re.I):
            cols = None          # the signature table after the task table
            continue
        if cols is None:
            cols = _header(cells)
            header = cells
            continue
        if cells == header:
            continue          # the header row repeated on each page
        cells += [""] * (max(cols.values()) + 1 - len(cells))
        if _skip_row(cells):
            continue

        def cell(name: str) -> str:
            return cells[cols[name]] if name in cols else ""

        content = cell("content")
        if not content:
            continue
        no = cell("no") or str(len(out) + 1)
        out.append(Task(no=no.rstrip("."), content=content, lead="; ".join(split_units(cell("lead"))),
                        partners=split_units(cell("partners")),
                        timing=parse_timing(cell("timing"), period)))
    return out


# --- forms → channel kinds ------------------------------------------------------------------

# Meetings with citizens (thôn, tổ dân phố, khu phố…) are events; other meetings are internal.
_CITIZEN_MEETING = (r"(?:họp|sinh hoạt)\s+(?:của\s+)?(?:các\s+)?(?:thôn|ấp|bản|buôn|làng|xóm|khối|khu phố|tổ dân phố|"
                    r"tổ dân cư|khu dân cư|khu phố|tổ nhân dân|dân|nhân dân|cử tri|cộng đồng)")
_CHANNEL_WORDS: dict[str, tuple[str, ...]] = {
    "portal": (r"cổng\s*(?:/\s*trang\s*)?thông tin", r"trang thông tin", r"chuyên trang", r"website",
               r"trang web", r"https?://", r"\.gov\.vn"),
    "zalo": (r"zalo",),
    "telegram": (r"telegram",),
    "social": (r"mạng xã hội", r"nền tảng số", r"facebook", r"fanpage", r"youtube", r"tiktok"),
    "radio": (r"truyền thanh", r"\bloa\b", r"thông tin cơ sở"),
    "hotline": (r"đường dây nóng", r"hotline"),
    "press": (r"báo chí", r"(?<!thông )\bbáo\b(?!\s*cáo)", r"truyền hình", r"thông tấn", r"tạp chí",
              r"đài phát thanh"),
    "notice_board": (r"niêm yết", r"bảng tin", r"bảng điện tử", r"trụ sở", r"bộ phận một cửa",
                     r"bộ phận tiếp nhận"),
    "print": (r"pa\s?-?nô", r"áp phích", r"tờ rơi", r"tờ rời", r"tờ gấp", r"tờ bướm", r"băng rôn",
              r"băng gôn", r"khẩu hiệu", r"ấn phẩm", r"tài liệu", r"xuất bản", r"\bin nội dung",
              r"tranh ảnh", r"cẩm nang", r"sổ tay"),
    "event": (r"hội nghị", r"hội thảo", r"tập huấn", r"hội thi", r"cuộc thi", r"bồi dưỡng",
              r"tọa đàm", r"toạ đàm", r"diễn đàn", r"mít tinh", r"học tập kinh nghiệm", r"sự kiện",
              r"đối thoại", r"tiếp xúc cử tri", _CITIZEN_MEETING, r"sinh hoạt (?:của )?(?:các )?(?:đoàn thể|chi hội|"
              r"cộng đồng|hội viên|Mặt trận)", r"(?:buổi|cuộc) sinh hoạt cộng đồng"),
    "internal": (r"giao ban", r"cuộc họp", r"buổi họp", r"nội bộ", r"email", r"thư điện tử",
                 r"quản lý văn bản", r"chuyển tiếp bản tin", r"chi bộ"),
}
_COMPILED = {k: re.compile("|".join(v), re.I) for k, v in _CHANNEL_WORDS.items()}
_CITIZEN = re.compile(r"(?:buổi|cuộc)\s+" + _CITIZEN_MEETING + r"(?:[\s,]+(?:thôn|ấp|bản|buôn|làng|xóm|khối|khu phố|"
                      r"tổ dân phố|và|,)+)*", re.I)
_INTERNAL_ONLY = re.compile(r"giao ban|cuộc họp|buổi họp|nội bộ|email|thư điện tử|quản lý văn bản|chuyển tiếp bản tin"
                            r"|chi bộ", re.I)
_MASS_MEDIA = re.compile(r"phương tiện thông tin đại chúng", re.I)


def channels_of(text: str) -> list[str]:
    """Channel kinds a form of communication names, in CHANNEL_KINDS order. "Phương tiện
    thông tin đại chúng" counts as press only when no specific outlet is named; a form that
    names none ("các hình thức khác phù hợp") is the unit's own business: `internal`."""
    found = {k for k, rx in _COMPILED.items() if rx.search(text)}
    if "internal" in found and "event" in found and not _INTERNAL_ONLY.search(_CITIZEN.sub("", text)):
        found.discard("internal")   # "các buổi họp thôn, tổ dân phố" is a meeting with citizens
    if not found and _MASS_MEDIA.search(text):
        found.add("press")
    return [k for k in CHANNEL_KINDS if k in found] or ["internal"]


def forms(texts: list[str]) -> tuple[list[Form], list[str]]:
    out = [Form(text=t, channels=channels_of(t)) for t in texts]
    union = {c for f in out for c in f.channels}
    return out, [k for k in CHANNEL_KINDS if k in union]
