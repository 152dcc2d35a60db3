"""Who may do what in the console: one table of actions → roles, and one function every view
calls first. Roles: biên tập (bien_tap) drafts and edits; lãnh đạo (lanh_dao) approves, rejects,
withdraws and corrects; quản trị (quan_tri) manages accounts and watches the channels."""

from __future__ import annotations

from starlette.requests import Request

from content.errors import LoaError

EDITOR, LEADER, ADMIN = "bien_tap", "lanh_dao", "quan_tri"
ALL = frozenset({EDITOR, LEADER, ADMIN})

ROLE_ACTIONS: dict[str, frozenset[str]] = {
    "view": ALL,                       # dashboard, calendar, items, previews, publication log
    "compose": frozenset({EDITOR}),    # new item, edit, save, submit for approval
    "approve": frozenset({LEADER}),
    "reject": frozenset({LEADER}),
    "withdraw": frozenset({LEADER}),
    "correct": frozenset({LEADER}),
    "restore": frozenset({EDITOR, LEADER}),       # a cancelled or rejected item back to draft
    "retry_post": frozenset({EDITOR, ADMIN}),     # retry a dead post, resolve an unknown one
    "qa": frozenset({EDITOR, LEADER}),            # answer, assign, refuse, mark public a question
    "qa_erase": frozenset({LEADER, ADMIN}),       # erase a citizen's personal data
    "plans": frozenset({EDITOR, ADMIN}),          # upload and import plans, rebuild the calendar
    "reports": ALL,                               # see and download the period reports
    "audit": frozenset({LEADER, ADMIN}),
    "channels": frozenset({ADMIN}),
    "users": frozenset({ADMIN}),
}

ACTION_NAMES = {
    "view": "xem", "compose": "soạn, sửa bài", "approve": "duyệt bài", "reject": "từ chối bài",
    "withdraw": "gỡ bài", "correct": "đính chính bài", "restore": "khôi phục bài", "retry_post": "gửi lại bài đăng",
    "audit": "xem nhật ký thao tác", "qa": "xử lý câu hỏi của người dân", "qa_erase": "xóa dữ liệu cá nhân",
    "plans": "nhập kế hoạch", "reports": "xem báo cáo", "channels": "xem tình trạng kênh", "users": "quản lý tài khoản",
}


class NotSignedIn(LoaError):
    """The request has no signed-in account."""


class Forbidden(LoaError):
    """The account's role does not allow the action."""

    def __init__(self, message: str, action: str):
        super().__init__(message)
        self.action = action


def allowed(role: str | None, action: str) -> bool:
    if action not in ROLE_ACTIONS:
        raise LookupError(f"unknown console action {action!r}")
    return role is not None and role in ROLE_ACTIONS[action]


def require(request: Request, action: str) -> None:
    """The first line of every view: NotSignedIn (→ login page) or Forbidden (→ 403 + audit row)."""
    info = request.state.session
    if info is None or info.user_id is None:
        raise NotSignedIn("Hãy đăng nhập.")
    if not allowed(info.role, action):
        raise Forbidden(f"Tài khoản {info.username} không có quyền {ACTION_NAMES.get(action, action)}.", action)
