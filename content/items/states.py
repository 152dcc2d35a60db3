"""The item state machine, as one table. Every rule about what staff may do to an item in which
state lives here; the CLI and the web console only call the domain functions that consult it.

    draft ──approve──► approved ──(posts queued)──► scheduled ──(a post is out)──► published ◄─┐
      ▲                   │                             │                            │      │ correct
      └────── edit ───────┴──────────── edit ───────────┘   (unsent posts leave      │──────┘ (state kept)
                                                               the queue)          withdraw
    draft | approved | scheduled ──reject──► rejected ──restore──► draft               ▼
    draft | approved | scheduled | rejected ──cancel──► cancelled ──restore──► draft  withdrawn ◄─┐
                                                                       (final; withdraw again ────┘
                                                                        retries what failed)

An item that is "scheduled" but already has a post out on some channel (`sent`) is treated as
published for the rules: it can be withdrawn or corrected, not edited, rejected or cancelled
(that would leave the text that went out without a trace). Editing or rejecting a scheduled
item withdraws its unsent posts from the queue first (the caller does that, and says so before).
A withdrawn item is final; running withdraw again retries the channels that could not take it
back the first time.

The functions are pure: state in, state out, or `TransitionRefused` with a Vietnamese message
that says what to do instead.
"""

from __future__ import annotations

from content.errors import LoaError
from content.items.when import fold

STATES = ("draft", "approved", "scheduled", "published", "rejected", "cancelled", "withdrawn")
ACTIONS = ("approve", "schedule", "publish", "edit", "reject", "cancel", "restore", "withdraw", "correct")

STATE_NAMES = {
    "draft": "bản nháp",
    "approved": "đã duyệt",
    "scheduled": "đã lên lịch",
    "published": "đã đăng",
    "rejected": "bị từ chối",
    "cancelled": "đã hủy",
    "withdrawn": "đã gỡ",
}
ACTION_NAMES = {
    "approve": "duyệt", "schedule": "xếp lịch đăng", "publish": "đăng", "edit": "sửa", "reject": "từ chối",
    "cancel": "hủy", "restore": "khôi phục", "withdraw": "gỡ", "correct": "đính chính",
}
SAME = "="     # the action keeps the state (a correction)

# (action, state) → new state. "published" also stands for "scheduled with a post already out".
TRANSITIONS: dict[tuple[str, str], str] = {
    ("approve", "draft"): "approved",
    ("schedule", "approved"): "scheduled",
    ("schedule", "scheduled"): "scheduled",
    ("publish", "scheduled"): "published",
    ("publish", "approved"): "published",
    ("edit", "draft"): "draft",
    ("edit", "approved"): "draft",
    ("edit", "scheduled"): "draft",
    ("edit", "rejected"): "draft",
    ("reject", "draft"): "rejected",
    ("reject", "approved"): "rejected",
    ("reject", "scheduled"): "rejected",
    ("cancel", "draft"): "cancelled",
    ("cancel", "approved"): "cancelled",
    ("cancel", "scheduled"): "cancelled",
    ("cancel", "rejected"): "cancelled",
    ("restore", "cancelled"): "draft",
    ("restore", "rejected"): "draft",
    ("withdraw", "published"): "withdrawn",
    ("withdraw", "withdrawn"): "withdrawn",
    ("correct", "published"): SAME,
}

# What to suggest when an action is refused in a state.
_INSTEAD: dict[tuple[str, str], str] = {
    ("edit", "published"): "Bài đã lên kênh: hãy đính chính (loa item correct) hoặc gỡ bài (loa item withdraw).",
    ("edit", "cancelled"): "Hãy khôi phục bài trước (loa item restore), rồi sửa.",
    ("edit", "withdrawn"): "Bài đã gỡ không sửa lại được; hãy soạn bài mới.",
    ("reject", "published"): "Bài đã lên kênh: hãy gỡ bài (loa item withdraw).",
    ("cancel", "published"): "Bài đã lên kênh: hãy gỡ bài (loa item withdraw).",
    ("withdraw", "draft"): "Bài chưa đăng: không cần gỡ; có thể hủy (loa item cancel).",
    ("withdraw", "approved"): "Bài chưa đăng: hãy hủy (loa item cancel) hoặc sửa (loa item edit).",
    ("withdraw", "scheduled"): "Bài chưa lên kênh nào: hãy hủy (loa item cancel) hoặc sửa (loa item edit).",
    ("correct", "draft"): "Bài chưa đăng: hãy sửa bình thường (loa item edit).",
    ("correct", "approved"): "Bài chưa đăng: hãy sửa bình thường (loa item edit); bài sẽ cần duyệt lại.",
    ("correct", "scheduled"): "Bài chưa lên kênh nào: hãy sửa bình thường (loa item edit).",
    ("approve", "approved"): "Bài đã được duyệt rồi.",
    ("approve", "scheduled"): "Bài đã được duyệt và đang chờ đăng.",
    ("approve", "rejected"): "Hãy sửa bài (loa item edit) để đưa về bản nháp, rồi duyệt.",
    ("approve", "cancelled"): "Hãy khôi phục bài (loa item restore), rồi duyệt.",
    ("restore", "withdrawn"): "Bài đã gỡ không khôi phục được; hãy soạn bài mới.",
}


class TransitionRefused(LoaError):
    """The action is not allowed in the item's current state."""


def effective(state: str, sent: bool = False) -> str:
    """The state the rules see: a scheduled item with a post already out counts as published."""
    return "published" if state == "scheduled" and sent else state


def allowed(action: str, state: str, sent: bool = False) -> bool:
    return (action, effective(state, sent)) in TRANSITIONS


def next_state(action: str, state: str, *, sent: bool = False, item_id: int | None = None) -> str:
    """The state after `action`, or `TransitionRefused` naming the state and what to do instead."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    eff = effective(state, sent)
    new = TRANSITIONS.get((action, eff))
    if new is None:
        who = f"Bài số {item_id}" if item_id is not None else "Bài"
        shown = STATE_NAMES.get(state, state) + (" (đã lên một số kênh)" if eff != state else "")
        hint = _INSTEAD.get((action, eff), "")
        raise TransitionRefused(f"{who} đang ở trạng thái “{shown}”, không thể {ACTION_NAMES[action]}."
                                + (f" {hint}" if hint else ""))
    return state if new == SAME else new


def actions_for(state: str, sent: bool = False) -> list[str]:
    """What a person may do now (for the web console's buttons and `loa item show`)."""
    staff = ("edit", "approve", "reject", "cancel", "restore", "withdraw", "correct")
    return [a for a in staff if allowed(a, state, sent)]


# One pure function per staff action: state (and whether a post is out) in, state out.
def approve(state: str, sent: bool = False) -> str:
    return next_state("approve", state, sent=sent)


def edit(state: str, sent: bool = False) -> str:
    return next_state("edit", state, sent=sent)


def reject(state: str, sent: bool = False) -> str:
    return next_state("reject", state, sent=sent)


def cancel(state: str, sent: bool = False) -> str:
    return next_state("cancel", state, sent=sent)


def restore(state: str, sent: bool = False) -> str:
    return next_state("restore", state, sent=sent)


def withdraw(state: str, sent: bool = False) -> str:
    return next_state("withdraw", state, sent=sent)


def correct(state: str, sent: bool = False) -> str:
    return next_state("correct", state, sent=sent)


def parse_state(text: str) -> str:
    """A state typed by staff — the code ("draft") or its Vietnamese name ("bản nháp", "ban nhap")
    — as its code; `TransitionRefused`'s sibling `StateNameError` if unknown."""
    key = " ".join(fold(text.strip()).split())
    for code, name in STATE_NAMES.items():
        if key in (code, " ".join(fold(name).split())):
            return code
    choices = ", ".join(f"{name} ({code})" for code, name in STATE_NAMES.items())
    raise StateNameError(f"Trạng thái không hợp lệ: “{text}”. Có: {choices}.")


class StateNameError(LoaError):
    """A state name that is neither a code nor a Vietnamese name."""
