"""Every Vietnamese text the Q&A bots send, in one place. Citizen texts are plain text (no
markup: they are sent without parse_mode, so nothing a citizen wrote can be interpreted);
staff texts are Telegram HTML and escape every citizen-provided value."""

from __future__ import annotations

import html
from content.qa.models import STATE_NAMES, Question
from content.config import Settings
from content.kinds import CHANNEL_NAMES
from content.render.telegram_html import utf16_len
from content.text import fmt_date, fmt_datetime, nfc

COLUMN = "Dân hỏi – Chính quyền trả lời"
BTN_CONSENT_YES = "Đồng ý công khai (ẩn danh)"
BTN_CONSENT_NO = "Không"
BTN_ANSWER, BTN_ASSIGN, BTN_REJECT, BTN_PUBLIC = "Trả lời", "Chuyển đơn vị", "Từ chối", "Công khai"
BTN_AMEND, BTN_CORRECT = "Bổ sung", "Đính chính"


def esc(text: object) -> str:
    return html.escape(str(text), quote=False)


def hotline(settings: Settings) -> str:
    h = settings.unit.hotline
    parts = [f"điện thoại {h.phone}" if h.phone else "", f"email {h.email}" if h.email else "",
             f"địa chỉ {h.address}" if h.address else "", f"thời gian {h.hours}" if h.hours else ""]
    return "; ".join(p for p in parts if p) or "bộ phận Một cửa của " + settings.unit.name


def _n(text: str) -> str:
    return nfc(text)


# -- citizens ----------------------------------------------------------------------------------

def greet(settings: Settings, days: int) -> str:
    return _n(
        f"Kính chào ông/bà! Đây là chuyên mục “{COLUMN}” của {settings.unit.name}.\n\n"
        "Ông/bà có thể gửi câu hỏi về thủ tục hành chính, chính sách của địa phương bằng một tin nhắn "
        "(có thể kèm ảnh hoặc tệp, ghi câu hỏi vào phần chú thích). Mỗi câu hỏi được cấp một mã để theo dõi; "
        f"câu trả lời sẽ được gửi lại ngay trong cuộc trò chuyện này, chậm nhất sau {days} ngày làm việc.\n\n"
        "Xem tình trạng câu hỏi: /trangthai MÃ_CÂU_HỎI\n"
        "Câu hỏi chỉ được đăng công khai (đã ẩn mọi thông tin cá nhân) khi ông/bà đồng ý.\n\n"
        f"Đường dây nóng: {hotline(settings)}.\n"
        "Lưu ý: khiếu nại, tố cáo được giải quyết theo thủ tục riêng, không qua chuyên mục này.")


def ack(q: Question, *, zalo: bool = False) -> str:
    consent = (f"Nếu ông/bà đồng ý, xin nhắn “ĐỒNG Ý {q.code}”; nếu không, ông/bà không cần làm gì."
               if zalo else "Xin chọn một nút bên dưới.")
    follow = f" (tiếp theo câu hỏi {q.follows_code})" if q.follows_code and q.follows_code != q.code else ""
    return _n(
        f"Cảm ơn ông/bà đã gửi câu hỏi{follow}. Câu hỏi đã được tiếp nhận với mã {q.code}; "
        f"hạn trả lời: ngày {fmt_date(q.due_on)}.\n\n"
        f"Ông/bà có đồng ý để câu hỏi và câu trả lời được đăng công khai trong chuyên mục “{COLUMN}” "
        "(ẩn danh, đã lược bỏ mọi thông tin cá nhân) không? Mặc định là không đăng. " + consent)


def consent_recorded(code: str, yes: bool) -> str:
    if yes:
        return _n(f"Cảm ơn ông/bà. Đã ghi nhận: ông/bà đồng ý đăng công khai câu hỏi {code} (ẩn danh).")
    return _n(f"Đã ghi nhận: câu hỏi {code} sẽ không được đăng công khai.")


def rate_limited(per_hour: int) -> str:
    return _n(f"Kính gửi ông/bà, mỗi người gửi được tối đa {per_hour} câu hỏi trong một giờ. "
              "Xin ông/bà vui lòng gửi lại sau ít phút. Cảm ơn ông/bà!")


def too_long(limit: int) -> str:
    return _n(f"Kính gửi ông/bà, câu hỏi dài quá {limit} ký tự. Xin ông/bà rút gọn "
              "hoặc chia thành các câu hỏi ngắn hơn. Cảm ơn ông/bà!")


def need_text() -> str:
    return _n("Kính gửi ông/bà, xin vui lòng viết câu hỏi bằng chữ (ảnh, tệp có thể gửi kèm, "
              "ghi câu hỏi vào phần chú thích). Cảm ơn ông/bà!")


def out_of_scope(settings: Settings) -> str:
    return _n("Kính gửi ông/bà, nội dung khiếu nại, tố cáo được giải quyết theo thủ tục riêng của pháp luật, "
              "nên chuyên mục hỏi – đáp không tiếp nhận. Xin ông/bà gửi đơn trực tiếp tại Bộ phận tiếp công dân "
              f"của {settings.unit.name} hoặc liên hệ đường dây nóng: {hotline(settings)}. Cảm ơn ông/bà!")


def status(q: Question, settings: Settings) -> str:
    lines = [f"Câu hỏi {q.code}, gửi ngày {fmt_date(q.received_at, settings.tz)}: {STATE_NAMES[q.state]}."]
    if q.state in ("received", "assigned"):
        lines.append(f"Hạn trả lời: ngày {fmt_date(q.due_on)}.")
    if q.state == "assigned" and q.unit:
        lines.append(f"Đơn vị xử lý: {q.unit}.")
    if q.state == "answered" and q.answered_at:
        lines.append(f"Đã trả lời ngày {fmt_date(q.answered_at, settings.tz)}.")
    if q.state == "answered" and q.answer:
        lines.append(f"Nội dung trả lời:\n{q.answer}")
    if q.state == "rejected" and q.reject_reason:
        lines.append(f"Lý do: {q.reject_reason}")
    consent = {True: "đồng ý", False: "không đồng ý", None: "không đồng ý (mặc định)"}[q.consent]
    lines.append(f"Đăng công khai ẩn danh: {consent}.")
    return _n("\n".join(lines))


def status_usage() -> str:
    return _n("Xin ghi mã câu hỏi sau lệnh, ví dụ: /trangthai HD-2025-000123")


def not_found(code: str) -> str:
    return _n(f"Không tìm thấy câu hỏi mã “{code}” của ông/bà. Xin kiểm tra lại mã.")


def assigned(q: Question) -> str:
    return _n(f"Kính gửi ông/bà, câu hỏi {q.code} đã được chuyển đến {q.unit} để trả lời. "
              f"Hạn trả lời vẫn là ngày {fmt_date(q.due_on)}. Cảm ơn ông/bà đã chờ đợi.")


def answered(q: Question, settings: Settings) -> str:
    return _n(f"Kính gửi ông/bà, {settings.unit.name} trả lời câu hỏi {q.code} như sau:\n\n{q.answer}\n\n"
              "Nếu còn vướng mắc, ông/bà có thể gửi câu hỏi mới (ghi kèm mã "
              f"{q.code}). Cảm ơn ông/bà!")


def amended(q: Question, added: str, settings: Settings) -> str:
    return _n(f"Kính gửi ông/bà, {settings.unit.name} BỔ SUNG câu trả lời câu hỏi {q.code} như sau:\n\n{added}\n\n"
              "(Đây là phần bổ sung cho câu trả lời đã gửi trước đó. Xem toàn bộ câu trả lời: "
              f"/trangthai {q.code}.) Cảm ơn ông/bà!")


def corrected(q: Question, settings: Settings) -> str:
    return _n(f"Kính gửi ông/bà, {settings.unit.name} ĐÍNH CHÍNH câu trả lời câu hỏi {q.code}. "
              f"Câu trả lời đúng như sau, thay cho câu trả lời đã gửi trước đó:\n\n{q.answer}\n\n"
              "Xin lỗi ông/bà vì sự nhầm lẫn. Cảm ơn ông/bà!")


def not_your_button() -> str:
    return _n("Nút này thuộc câu hỏi của người khác nên ông/bà không chọn được. "
              "Ông/bà chỉ đồng ý hoặc không đồng ý cho câu hỏi của chính mình.")


def help_citizen(days: int) -> str:
    return _n("Hướng dẫn: gửi câu hỏi về thủ tục hành chính bằng một tin nhắn chữ (có thể kèm ảnh, tệp). "
              f"Mỗi câu hỏi được cấp một mã; câu trả lời gửi lại tại đây trong {days} ngày làm việc.\n"
              "/trangthai MÃ — xem tình trạng câu hỏi\n/start — giới thiệu chuyên mục\n/help — hướng dẫn này")


def unknown_command() -> str:
    return _n("Xin lỗi, hệ thống không hiểu lệnh này. Ông/bà có thể gửi câu hỏi bằng một tin nhắn chữ, "
              "xem tình trạng bằng /trangthai MÃ, hoặc gõ /help để xem hướng dẫn.")


def rejected(q: Question, settings: Settings) -> str:
    return _n(f"Kính gửi ông/bà, câu hỏi {q.code} không được tiếp nhận trả lời. Lý do: {q.reject_reason}\n\n"
              f"Ông/bà có thể gửi câu hỏi mới hoặc liên hệ đường dây nóng: {hotline(settings)}. Cảm ơn ông/bà!")


def unsupported() -> str:
    return _n("Kính gửi ông/bà, hệ thống chỉ nhận câu hỏi bằng chữ (kèm ảnh hoặc tệp nếu cần). "
              "Xin ông/bà viết câu hỏi thành tin nhắn. Cảm ơn ông/bà!")


def sorry() -> str:
    return _n("Xin lỗi ông/bà, hệ thống đang gặp sự cố khi tiếp nhận. Xin ông/bà gửi lại sau ít phút.")


# -- staff (Telegram HTML) ---------------------------------------------------------------------

CARD_MAX = 4096          # Telegram's limit, kept both before and after entity parsing


def _cost(text: str) -> int:
    """UTF-16 code units of `text` once escaped for Telegram HTML."""
    return utf16_len(esc(text))


def excerpt(text: str, budget: int) -> tuple[str, bool]:
    """The longest start of `text` whose escaped form takes at most `budget` UTF-16 code units,
    cut between words where one is near; (text, False) when all of it fits."""
    if _cost(text) <= budget:
        return text, False
    used, end = 0, 0
    for i, ch in enumerate(text):
        c = _cost(ch)
        if used + c > budget:
            end = i
            break
        used += c
    cut = max(text.rfind("\n", 0, end), text.rfind(" ", 0, end))
    return text[:cut if cut > end * 4 // 5 else end].rstrip(), True


def pieces(text: str, budget: int) -> list[str]:
    """`text` in consecutive pieces, each within `budget` once escaped (see `excerpt`)."""
    out: list[str] = []
    rest = text.strip()
    while rest:
        part, more = excerpt(rest, budget)
        part = part or rest[:1]
        out.append(part)
        rest = rest[len(part):].lstrip() if more else ""
    return out or [""]


def card(q: Question, settings: Settings, attachments: int = 0, zalo_until=None) -> str:  # noqa: ANN001
    """The question's card in the staff chat: always one message Telegram accepts. A question
    too long for it (or made long by escaping) is shortened, and the card says how to see all
    of it (`/xem CODE` in the chat, `loa qa show CODE`)."""
    lines = [f"<b>Câu hỏi mới {esc(q.code)}</b> qua {CHANNEL_NAMES.get(q.channel, esc(q.channel))}",
             f"Nhận: {fmt_datetime(q.received_at, settings.tz)} · Hạn trả lời: <b>{fmt_date(q.due_on)}</b>"]
    if q.forwarded_from:
        lines.append(f"Tin chuyển tiếp, gốc từ: {esc(q.forwarded_from)}")
    if q.follows_code:
        lines.append(f"Tiếp theo câu hỏi {esc(q.follows_code)}")
    if attachments:
        lines.append(f"Kèm {attachments} ảnh/tệp (gửi ngay sau tin này).")
    if zalo_until is not None:
        lines.append(f"Zalo: trả lời trước {fmt_datetime(zalo_until, settings.tz)} để tin trả lời được miễn phí.")
    head = "\n".join(lines) + "\n\n<blockquote>"
    foot = ("</blockquote>\n\n"
            "Để trả lời: <b>trả lời (reply) tin nhắn này</b> bằng nội dung trả lời, hoặc bấm nút.")
    more = (f"</blockquote>\n(Câu hỏi dài {len(q.text)} ký tự, đã rút gọn: xem toàn văn bằng lệnh "
            f"/xem {esc(q.code)} trong nhóm này hoặc loa qa show {esc(q.code)}.)")
    budget = CARD_MAX - utf16_len(head) - utf16_len(more + foot) - 8
    text, cut = excerpt(q.text, budget)
    return head + esc(text) + ("…" + more + foot[len("</blockquote>"):] if cut else foot)


def full_text(q: Question) -> list[str]:
    """The whole question for staff (`/xem CODE`), in as many messages as it needs."""
    head = f"<b>{esc(q.code)}</b> – toàn văn câu hỏi" + "{part}:\n<blockquote>"
    budget = CARD_MAX - utf16_len(head) - 40
    parts = pieces(q.text, budget)
    n = len(parts)
    return [head.replace("{part}", f" (phần {k}/{n})" if n > 1 else "") + esc(p) + "</blockquote>"
            for k, p in enumerate(parts, 1)]


def show_usage() -> str:
    return "Xem toàn văn câu hỏi: /xem MÃ_CÂU_HỎI, ví dụ /xem HD-2025-000123."


def card_refused(code: str, error: str) -> str:
    return (f"Không đăng được thẻ câu hỏi {esc(code)} vào nhóm này: Telegram từ chối ({esc(error[:300])}). "
            f"Các câu hỏi sau vẫn được chuyển bình thường. Xem câu hỏi: /xem {esc(code)} hoặc "
            f"“loa qa show {esc(code)}”; trả lời: “loa qa answer {esc(code)} …”.")


def erased_card(code: str, text: str = "") -> str:
    """What an erased question's card becomes: its code, and no trace of what was asked."""
    return (f"<b>Câu hỏi {esc(code)}</b>: đã xóa nội dung và dữ liệu cá nhân của người hỏi "
            "(theo yêu cầu hoặc hết thời hạn lưu trữ). Số liệu thống kê vẫn giữ.")


def erased_reply(code: str) -> str:
    return (f"Câu hỏi {esc(code)} đã xóa dữ liệu cá nhân nên không còn cách liên hệ người hỏi; "
            "tin trả lời không được gửi.")


def erased_left(codes: list[str]) -> str:
    return ("Không xóa được ảnh/tệp người hỏi gửi kèm câu hỏi " + ", ".join(esc(c) for c in codes)
            + " trong nhóm này (Telegram chỉ cho bot xóa tin trong 48 giờ). Đề nghị quản trị nhóm xóa tay.")


def prompt(purpose: str, code: str) -> str:
    what = {"answer": "nội dung trả lời", "assign": "tên đơn vị nhận chuyển", "reject": "lý do từ chối",
            "public_text": "nội dung câu hỏi đã biên tập để đăng công khai",
            "amend": "nội dung bổ sung (người hỏi nhận phần bổ sung, ghi rõ là bổ sung)",
            "correct": "câu trả lời đúng (thay câu trả lời đã gửi; người hỏi nhận tin đính chính)"}[purpose]
    return f"{esc(code)}: hãy <b>trả lời (reply) tin nhắn này</b> bằng {what}."


def public_preview(code: str, text: str, consent: bool | None) -> str:
    note = ("Người hỏi đã đồng ý đăng." if consent else
            "Người hỏi CHƯA đồng ý: câu hỏi chỉ được đăng khi người hỏi đồng ý.")
    return (f"Đã đánh dấu công khai câu hỏi {esc(code)}. {note}\nNội dung sẽ đăng (đã ẩn danh):\n"
            f"<blockquote>{esc(text)}</blockquote>\nĐể sửa trước khi đăng: trả lời (reply) tin nhắn này "
            "bằng nội dung mới.")


def already_answered(code: str) -> str:
    return (f"Câu hỏi {esc(code)} đã được trả lời, tin này chưa gửi cho người hỏi. Để gửi thêm, trả lời thẻ bằng "
            "“Bổ sung: …” (hoặc bấm nút Bổ sung); để thay câu trả lời, trả lời bằng “Đính chính: …” (hoặc bấm nút "
            "Đính chính). Người hỏi nhận tin ghi rõ là bổ sung hoặc đính chính.")


def help_staff() -> str:
    return ("<b>Hỏi – đáp: cách xử lý</b>\n"
            "• Trả lời: trả lời (reply) thẻ câu hỏi bằng nội dung, hoặc bấm nút Trả lời.\n"
            "• Chuyển đơn vị, Từ chối: bấm nút rồi trả lời tin nhắc.\n"
            "• Bổ sung / Đính chính câu trả lời đã gửi: bấm nút, hoặc trả lời thẻ bằng “Bổ sung: …” / “Đính chính: …”.\n"
            "• Công khai (ẩn danh, khi người hỏi đồng ý): bấm nút Công khai; lãnh đạo duyệt chuyên mục tuần.\n"
            "• /xem MÃ — toàn văn câu hỏi.")


def not_staff() -> str:
    return "Tài khoản của bạn không có quyền xử lý câu hỏi của người dân. Lần thử này đã được ghi lại."


def done(action: str, code: str, delivered: str) -> str:
    verbs = {"answered": "Đã trả lời", "assigned": "Đã chuyển đơn vị", "rejected": "Đã từ chối",
             "corrected": "Đã đính chính câu trả lời của", "amended": "Đã bổ sung câu trả lời của",
             "public_text": "Đã lưu nội dung công khai của"}
    return f"{verbs[action]} câu hỏi {esc(code)}. {esc(delivered)}"


def delivered(where: str, channel: str) -> str:
    if where == "sent":
        return f"Đã báo cho người hỏi qua {CHANNEL_NAMES.get(channel, channel)}."
    if where == "no_citizen":
        return "Không còn thông tin liên hệ của người hỏi (đã xóa dữ liệu cá nhân)."
    return f"Chưa gửi được cho người hỏi: {where}"


def notice_owed() -> str:
    return "Loa sẽ tự gửi lại sau ít phút và báo kết quả tại đây."


def resent(code: str, how: str) -> str:
    return f"Câu hỏi {esc(code)}: đã gửi lại cho người hỏi. {how}"


def notice_given_up(code: str, why: str) -> str:
    return (f"Câu hỏi {esc(code)}: không gửi được thông báo cho người hỏi sau nhiều lần thử ({esc(why)}). "
            f"Người hỏi vẫn xem được kết quả bằng lệnh /trangthai {esc(code)}; có thể gửi lại bằng "
            f"“loa qa resend {esc(code)}”.")


def zalo_window_warning(code: str, hours_over: float) -> str:
    return (f"Lưu ý câu hỏi {esc(code)} (Zalo): đã quá 48 giờ kể từ tin nhắn cuối của người hỏi "
            f"({hours_over:.0f} giờ quá hạn mức miễn phí), tin trả lời sẽ tính là tin chủ động "
            "(giới hạn hằng tháng). Nếu không gửi được, hãy liên hệ người hỏi qua đường dây nóng.")


def zalo_window_soon(code: str, when: str) -> str:
    return f"Câu hỏi {esc(code)} (Zalo): cần trả lời trước {esc(when)} để tin trả lời được miễn phí."


def error_for_staff(detail: str) -> str:
    return f"Lỗi khi xử lý tin nhắn Hỏi – đáp: {esc(detail)}"

