"""Numbers whose reading depends on what surrounds them: "a/b" (date, fraction or ratio), service
and emergency numbers, leading zeros, editions ("số 1/2024").

Decides:
- "a/b" without a year, in this order: "24/7" (round the clock) is "hai mươi tư trên bảy"; a date
  when a word right before marks one ("ngày", "từ", "đến", "dịp", "lễ", "Tết", "Quốc khánh", a weekday)
  or it continues a list or range of dates; a fraction ("một phần ba", "ba phần tư") when a
  proportion word is right before ("giảm", "chiếm", "khoảng", "hơn"…) or a whole is right after
  ("số", "tổng", "thời gian", "diện tích"…); a ratio ("mười trên mười hai") when a counted noun is
  right after ("chỉ tiêu", "xã", "hồ sơ"…); a date when a holiday or "ngày" is said earlier or later
  in the clause ("2/9 là ngày Quốc khánh") or "năm nay", "tới", "vừa qua" follows. With no sign either way: a fraction when a < b ≤ 10,
  otherwise a date when it can be one, otherwise a ratio; when both a date and a fraction or ratio
  were possible, the announcer is told (`Check`).
- "số 1/2024", "Bản tin số 3/2024", "đợt 2/2025": an edition number and its year, read
  "số một năm hai nghìn không trăm hai mươi tư" — the way document numbers are read ("số sáu mươi
  mốt năm hai nghìn không trăm mười tám"): the part after the slash is the year the numbering
  restarts, not a denominator, so "trên" would mislead.
- "Đề án 06", "Chỉ thị 05": a number with a leading zero that names a document or programme is
  read digit by digit ("không sáu"); "05 ngày làm việc" stays a quantity ("năm ngày"). Codes after
  "mã", "mã số" are read digit by digit.
- Service numbers: after a contact word ("gọi", "liên hệ", "tổng đài", "đường dây nóng", "số điện
  thoại"…) — right before or a few words earlier, with a label such as "Tổng đài hỗ trợ bảo hiểm xã
  hội:" in between — numbers are read digit by digit in their written groups; "1900 9068",
  "1800 1091" and lists such as "113/114/115" are read so anywhere; an emergency number (111–115)
  right after the service's name ("Cảnh sát 113") or after "số" ("theo số 114", not "số 115
  Nguyễn Huệ", an address) too. A number followed by a counted noun ("115 hồ sơ") is a
  quantity, never a phone number.
"""

from __future__ import annotations

import re

from content.render.numbers_vi import read_date, read_digits, read_month, read_number
from content.render.spoken_checks import DATE_OR_RATIO, FRACTION_OR_DATE, Notes

DOC_WORDS = ("Thông tư liên tịch|Chương trình hành động|Nghị định|Nghị quyết|Quyết định|Thông tư|"
             "Chỉ thị|Kế hoạch|Công văn|Thông báo|Báo cáo|Hướng dẫn|Chương trình|Đề án|Dự án|Luật|"
             "Pháp lệnh|Tờ trình|Văn bản|Kết luận|Quy định|Quy chế|Hiến pháp|Phương án|Công điện")

# Nouns that are counted ("10/12 xã"), wholes that are divided ("1/3 số hộ"), words that mark a
# proportion before ("giảm 1/3"), units (a number before one is a quantity, not a phone number).
COUNTED = frozenset("""chỉ tiêu|tiêu chí|xã|phường|thị trấn|huyện|quận|tỉnh|thành phố|thôn|ấp|bản|
tổ|khu|hộ|người|đơn vị|cơ quan|thủ tục|hồ sơ|dịch vụ|câu|lượt|trường|lớp|phòng|ban|ngành|nhiệm vụ|
trường hợp|doanh nghiệp|học sinh|thành viên|đại biểu|điểm|mục|nội dung|phiếu|văn bản|ý kiến|bài|
dự án|công trình|chương trình|đề án|máy|xe|cán bộ|công chức|viên chức|đảng viên|hội viên|gia đình|
cuộc|vụ|lần|buổi|tin|tác phẩm|sản phẩm|mô hình|giải|huy chương|ngày|tháng|năm|tuần|giờ|phút|
con|cây|chiếc|cái|km|ha|tấn|kg|triệu|tỷ|nghìn|trăm|đồng|bộ|bản sao|thửa|căn|nhà|phần""".replace("\n", "").split("|"))
WHOLES = frozenset("""số|tổng|tổng số|thời gian|diện tích|dân số|kinh phí|chi phí|khối lượng|lượng|
quãng đường|giá trị|ngân sách|quỹ|trong|của|lực lượng|nguồn|sản lượng|dung lượng|thời hạn|
quy mô|trên|phần còn lại""".replace("\n", "").split("|"))
PROPORTION_BEFORE = frozenset("""giảm|tăng|chiếm|khoảng|gần|hơn|dưới|bằng|còn|rút ngắn|
cắt giảm|tối thiểu|tối đa|ít nhất|nhiều nhất|trên|xấp xỉ|hầu như|mất|thêm""".replace("\n", "").split("|"))
DATE_RIGHT_BEFORE = frozenset("""ngày|từ|đến|tới|trước|sau|hết|hôm|sáng|chiều|tối|trưa|đêm|đầu|
cuối|giữa|dịp|lễ|tết|khánh|mùng|rằm""".replace("\n", "").split("|"))
_INSERT_NGAY = frozenset("từ đến tới trước sau hết sáng chiều tối trưa đêm đầu cuối giữa".split())
_WEEKDAY = re.compile(r"(?i:(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy))|chủ\s+nhật)\s*[,(]?\s*$")
DATE_EARLIER = re.compile(
    r"(?i:\b(?:ngày|dịp|lễ|tết|kỷ\s+niệm|quốc\s+khánh|giải\s+phóng|thống\s+nhất|chiến\s+thắng|"
    r"thành\s+lập|giỗ\s+tổ|trung\s+thu|giáng\s+sinh|noel|cách\s+mạng|độc\s+lập|thương\s+binh|"
    r"liệt\s+sĩ|nhà\s+giáo|thầy\s+thuốc|thiếu\s+nhi|quốc\s+tế|hạn\s+chót|thời\s+hạn|hạn|"
    r"khai\s+giảng|bế\s+giảng|nghỉ|lịch)\b)")
DATE_AFTER = frozenset("năm tới vừa hằng hàng âm dương này sắp".split())
_CONTINUES = re.compile(r"^\s*(?:,|và|hoặc|đến|tới|[-–—]|;)?\s*(?:ngày\s+)?$")


def _words_before(text: str, pos: int, n: int = 6) -> str:
    """Up to n words before pos, within the clause (stops at . ; : ! ? and line ends)."""
    start = max(text.rfind(c, 0, pos) for c in ".;:!?\n")
    return " ".join(text[start + 1:pos].split()[-n:])


def _clause_after(text: str, pos: int) -> str:
    """The rest of the clause after pos, up to 60 characters ("2/9 là ngày Quốc khánh")."""
    return re.split(r"[.;:!?\n]", text[pos:pos + 60], maxsplit=1)[0]


def _word_after(text: str, pos: int) -> str:
    m = re.match(r"\s*([^\W\d_]+(?:\s+[^\W\d_]+)?)", text[pos:pos + 40])
    return m.group(1).lower() if m else ""


def _in(words: str, table: frozenset[str]) -> bool:
    """The first word, or the first two, of `words` are in `table`."""
    parts = words.split()
    return bool(parts) and (parts[0] in table or " ".join(parts[:2]) in table)


def fraction_words(a: int, b: int) -> str:
    """3/4 → "ba phần tư", 1/3 → "một phần ba", 1/100 → "một phần trăm"."""
    denominator = {4: "tư", 100: "trăm", 1000: "nghìn"}.get(b, read_number(b))
    return f"{read_number(a)} phần {denominator}"


def _valid_date(d: int, m: int) -> bool:
    return 1 <= d <= {2: 29, 4: 30, 6: 30, 9: 30, 11: 30}.get(m, 31) and 1 <= m <= 12


class Slashes:
    """Decides each "a/b" (and "a/b – c/d") of one text; remembers where the last date ended."""

    PATTERN = re.compile(r"(?<![\w.,/])(?P<a>\d{1,3}(?:\.\d{3})+|\d{1,4})/(?P<b>\d{1,3}(?:\.\d{3})+|\d{1,4})"
                         r"(?![\w/]|[.,]\d)"
                         r"(?:(?P<dash>\s*[-–—]\s*)(?P<c>\d{1,2})/(?P<d>\d{1,2})(?![\w/]|[.,]\d))?")

    def __init__(self, notes: Notes):
        self.notes = notes
        self.last_date_end = -10

    def __call__(self, m: re.Match[str]) -> str:
        text = m.string
        a, b = int(m.group("a").replace(".", "")), int(m.group("b").replace(".", ""))
        if m.group("c") is None:
            return self.one(text, m.start(), m.end(), a, b, m.group(0))
        c, d = int(m.group("c")), int(m.group("d"))
        first = m.group("a") + "/" + m.group("b")
        if _valid_date(a, b) and _valid_date(c, d) and (b, a) < (d, c):      # "30/4 - 1/5"
            left = self.one(text, m.start(), m.start("dash"), a, b, first, force="date")
            self.last_date_end = m.end()
            return f"{left} đến {read_date(c, d)}"
        left = self.one(text, m.start(), m.start("dash"), a, b, first)
        right = self.one(text, m.start("c"), m.end(), c, d, m.group("c") + "/" + m.group("d"))
        return f"{left} đến {right}"

    def one(self, text: str, start: int, end: int, a: int, b: int, raw: str,
            force: str | None = None) -> str:
        words = _words_before(text, start).split()
        prev = words[-1].lower() if words else ""
        prev2 = words[-2].lower() if len(words) > 1 else ""
        after = _word_after(text, end)
        date_ok = _valid_date(a, b)
        proportion = (prev in PROPORTION_BEFORE or _in(after, WHOLES)
                      or (prev in ("đến", "tới", "từ") and prev2 in PROPORTION_BEFORE | {"lên", "xuống"}))
        read_as = force
        if read_as:
            pass
        elif date_ok and not proportion and (prev in DATE_RIGHT_BEFORE
                                             or _WEEKDAY.search(text[max(0, start - 20):start])):
            read_as = "date"
            if prev in _INSERT_NGAY:
                self.last_date_end = end
                return f"ngày {read_date(a, b)}"
        elif date_ok and self.last_date_end >= 0 and _CONTINUES.match(text[self.last_date_end:start]):
            read_as = "date"
            if prev in ("và", "hoặc", "đến", "tới"):
                self.last_date_end = end
                return f"ngày {read_date(a, b)}"
        elif (a, b) == (24, 7):
            return "hai mươi tư trên bảy"
        elif proportion:
            read_as = "fraction" if 0 < a < b else "ratio"
        elif _in(after, COUNTED):
            read_as = "ratio"
        elif date_ok and (DATE_EARLIER.search(" ".join(words)) or _in(after, DATE_AFTER)
                          or DATE_EARLIER.search(_clause_after(text, end))):
            read_as = "date"
        if read_as is None:                       # no sign either way
            if 0 < a < b and (b <= 10 or b in (100, 1000)):
                read_as = "fraction"
                if date_ok:
                    self.notes.add(raw, FRACTION_OR_DATE, fraction_words(a, b))
            elif date_ok:
                read_as = "date"
                if a < b:
                    self.notes.add(raw, DATE_OR_RATIO, read_date(a, b))
            else:
                read_as = "ratio"
        if read_as == "date":
            self.last_date_end = end
            if prev in _INSERT_NGAY:
                return f"ngày {read_date(a, b)}"
            return read_date(a, b)
        if read_as == "fraction":
            return fraction_words(a, b)
        return f"{read_number(a)} trên {read_number(b)}"


def slashes(text: str, notes: Notes) -> str:
    return Slashes.PATTERN.sub(Slashes(notes), text) if "/" in text else text


# --------------------------------------------------------------------------- editions, leading zeros

# Number-first patterns; the word before is checked afterwards (a leading alternation of document
# words tried at every position would be slow).
_EDITION = re.compile(r"(?<![\w/.,])(?P<n>\d+)/(?P<y>(?:19|20)\d\d)(?![\d/-])")
_EDITION_BEFORE = re.compile(rf"(?P<kw>\b[Ss]ố|(?i:{DOC_WORDS})|\b(?i:kỳ|đợt|bản tin)(?:\s+số)?)\s*:?\s+$")
_LEADING_ZERO = re.compile(r"(?<![\w.,/])(?P<n>0\d{1,3})(?![\d/.,-]\d|[\w/])")
_LEADING_ZERO_BEFORE = re.compile(rf"(?i:{DOC_WORDS})(?:\s+số)?\s+$")
_CODE_AFTER = re.compile(r"(?P<kw>\b(?i:mã số thuế|mã số|mã hồ sơ|mã định danh|mã))\s*:?\s+(?P<n>\d{3,})(?![\d.,])")


def number_name(token: str) -> str:
    """A number used as a name: leading zeros are said ("06" → "không sáu")."""
    return read_digits(token) if len(token) > 1 and token.startswith("0") else read_number(int(token))


def editions(text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        before = _EDITION_BEFORE.search(text, max(0, m.start() - 40), m.start())
        if not before:
            return m.group(0)
        kw = before.group("kw")
        so = "" if re.search(r"(?i)số$", kw) or re.match(r"(?i)kỳ|đợt", kw) else "số "
        return f"{so}{number_name(m.group('n'))} năm {read_number(int(m.group('y')))}"

    return _EDITION.sub(repl, text) if "/" in text else text


def leading_zeros(text: str) -> str:
    def zero(m: re.Match[str]) -> str:
        if _LEADING_ZERO_BEFORE.search(text, max(0, m.start() - 40), m.start()):
            return read_digits(m.group("n"))
        return m.group(0)

    text = _LEADING_ZERO.sub(zero, text)
    return _CODE_AFTER.sub(lambda m: f"{m.group('kw')} {_grouped(m.group('n'))}", text)


def _grouped(digits: str) -> str:
    groups = [digits] if len(digits) <= 4 else [digits[i:i + 3] for i in range(0, len(digits), 3)]
    return ", ".join(read_digits(g) for g in groups)


# --------------------------------------------------------------------------- service numbers

_CONTACT = re.compile(
    r"(?i:\b(?=[đtshgqlbnk])(?:đường\s+dây\s+nóng|tổng\s+đài|hotline|số\s+điện\s+thoại|điện\s+thoại|số\s+máy|đầu\s+số|"
    r"(?<!kêu\s)gọi(?:\s+điện)?|liên\s+hệ|liên\s+lạc|quay\s+số|bấm\s+số|nhắn\s+tin|soạn\s+tin|số\s+khẩn\s+cấp)\b)")
_SERVICE_NAME = re.compile(
    r"(?i:\b(?:cảnh\s+sát|công\s+an|cứu\s+hỏa|cứu\s+hoả|chữa\s+cháy|cấp\s+cứu|cứu\s+nạn|cứu\s+hộ|"
    r"bảo\s+vệ\s+trẻ\s+em)\b)\s*[:(]?\s*(?:số\s+)?(?=11\d(?!\d))")
_GAP = re.compile(r"(?P<gap>(?:\s+[^\s\d.;:!?,()]+){0,8}?)(?P<sep>\s*(?:\(|:)?\s*(?:số\s*:?\s*)?)"
                  r"(?P<nums>\+?\d+(?:[ .-]\d+)*(?:\s*(?:/|,|hoặc|và)\s*\+?\d+(?:[ .-]\d+)*)*)")
_NOT_GAP = frozenset("năm tháng ngày lúc từ trước sau trong khoảng hơn gần có là được với".split())
_EMERGENCY_AFTER_SO = re.compile(r"(?<=\bsố )(?P<n>11[1-5])(?![\d/.,]\d|\w)(?!\s+(?:[A-ZĐ]|đường|phố|ngõ|ngách|hẻm|kiệt))")
_ANYWHERE = re.compile(r"(?<![\d.,/])(?:1[89]00(?:[ .]?\d){4,6}|11\d(?:\s*/\s*11\d)+)(?![\d/])")


def _take(groups: list[str], far: bool) -> int:
    """How many written groups make one service or phone number (0: not one)."""
    first = groups[0]
    digits = []
    for g in groups:
        digits.append((digits[-1] if digits else 0) + sum(c.isdigit() for c in g))
    if first.startswith("+84") or first.startswith("0"):
        want = (11,) if first.startswith("+84") else (10, 11)
        for i, n in enumerate(digits):
            if n in want and (i + 1 == len(groups) or n + len(groups[i + 1]) not in want):
                return i + 1
        return 0
    if first.startswith(("1900", "1800")) or (first in ("1900", "1800")):
        for i, n in enumerate(digits):
            if n in (8, 10) and (i + 1 == len(groups) or digits[i + 1] != 10):
                return i + 1
        return 0
    if re.fullmatch(r"11\d", first) or re.fullmatch(r"10\d\d", first):
        return 1
    if not far and 3 <= len(first) <= 6:
        return 1
    return 0


def _say(groups: list[str]) -> str:
    if len(groups) == 1:
        g = groups[0].lstrip("+")
        if g.startswith(("1900", "1800")) and len(g) >= 8:
            groups = [g[:4], g[4:]] if len(g) == 8 else [g[:4], g[4:7], g[7:]]
        elif len(g) >= 8:
            groups = [g[:4]] + [g[i:i + 3] for i in range(4, len(g), 3)]
    words = ", ".join(read_digits(g) for g in groups)
    return ("cộng " + words) if groups[0].startswith("+") else words


def _numbers(nums: str, after: str, far: bool) -> tuple[str, int] | None:
    """Reads a list such as "114/113/115" or "0221 3 946 101"; returns (words, characters used)."""
    said: list[str] = []
    pos = 0
    for m in re.finditer(r"(?P<lead>\s*(?:/|,|hoặc|và)\s*)?(?P<num>\+?\d+(?:[ .-]\d+)*)", nums):
        if m.start() != pos:
            break
        groups = re.split(r"[ .-]", m.group("num"))
        n = _take(groups, far)
        if not n:
            break
        used = len(" ".join(groups[:n]))        # same length whatever the separators were
        lead = m.group("lead") or ""
        if said:
            lead = " hoặc " if "hoặc" in lead else " và " if "và" in lead else ", "
        said.append(lead + _say(groups[:n]))
        pos = m.start("num") + used
        if n < len(groups):
            break
    if not said:
        return None
    rest = nums[pos:] + after
    if _in(_word_after(rest, 0), COUNTED):
        return None
    return "".join(said), pos


def service_numbers(text: str) -> str:
    out, last = [], 0
    for kw in _CONTACT.finditer(text):
        if kw.start() < last:
            continue
        g = _GAP.match(text, kw.end())
        if not g:
            continue
        gap_words = g.group("gap").split()
        if gap_words and gap_words[-1].lower() in _NOT_GAP:
            continue
        far = len(gap_words) > 2 and ":" not in g.group("sep")
        got = _numbers(g.group("nums"), text[g.end():g.end() + 30], far)
        if got is None:
            continue
        said, used = got
        out.append(text[last:g.start("nums")] + said)
        last = g.start("nums") + used
    text = "".join(out) + text[last:]
    text = re.sub(_SERVICE_NAME.pattern + r"(?P<n>11\d)", lambda m: m.group(0)[:-3] + read_digits(m.group("n")), text)

    text = _EMERGENCY_AFTER_SO.sub(lambda m: _numbers(m.group(0), text[m.end():m.end() + 30], False)[0]
                                   if _numbers(m.group(0), text[m.end():m.end() + 30], False) else m.group(0), text)

    def anywhere(m: re.Match[str]) -> str:
        got = _numbers(m.group(0), text[m.end():m.end() + 30], False)
        return got[0] + m.group(0)[got[1]:] if got else m.group(0)

    return _ANYWHERE.sub(anywhere, text)


def month_year(m: re.Match[str]) -> str:
    mo = int(m.group("m"))
    if not 1 <= mo <= 12:
        return m.group(0)
    return f"{m.group('kw') or 'tháng'} {read_month(mo)} năm {read_number(int(m.group('y')))}"
