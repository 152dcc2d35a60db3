"""Typer's and Click's own words in Vietnamese: help panels, "[required]", the help option,
usage lines, type names (<str>, <int>, <bool>, <path>) and usage errors.

What it decides: how `loa … --help` and a mistyped command read for staff. Typer ships its
texts in English only (gettext without a Vietnamese catalogue), so `install()` sets its module
constants and wraps the few methods that build the rest. `usage_error(e)` turns a Click usage
error into a Vietnamese sentence.
"""

from __future__ import annotations

from typing import Any

HELP_OPTION = "Xem hướng dẫn này rồi thoát."
TYPE_NAMES = {"str": "chữ", "int": "số", "float": "số", "bool": "", "path": "tệp", "file": "tệp",
              "directory": "thư mục", "datetime": "ngày giờ", "Path": "tệp"}
_installed = False


def _type_label(label: str | None) -> str | None:
    if not label:
        return label
    inner = label[1:-1] if label.startswith("<") and label.endswith(">") else label
    if inner in TYPE_NAMES:
        name = TYPE_NAMES[inner]
        return f"<{name}>" if name else ""
    if inner.startswith("list[") and inner.endswith("]"):
        name = TYPE_NAMES.get(inner[5:-1], inner[5:-1])
        return f"<danh sách {name}>"
    return label


def install() -> None:
    """Put the Vietnamese texts in place (idempotent)."""
    global _installed
    if _installed:
        return
    _installed = True
    from typer import core, rich_utils
    from typer._click import core as click_core
    from typer._click import formatting

    rich_utils.ARGUMENTS_PANEL_TITLE = "Tham số"
    rich_utils.OPTIONS_PANEL_TITLE = "Tùy chọn"
    rich_utils.COMMANDS_PANEL_TITLE = "Lệnh"
    rich_utils.ERRORS_PANEL_TITLE = "Lỗi"
    rich_utils.REQUIRED_LONG_STRING = "[bắt buộc]"
    rich_utils.DEFAULT_STRING = "[mặc định: {}]"
    rich_utils.ENVVAR_STRING = "[biến môi trường: {}]"
    rich_utils.DEPRECATED_STRING = "(không dùng nữa) "
    rich_utils.ABORTED_TEXT = "Đã hủy."
    rich_utils.RICH_HELP = "Gõ [blue]'{command_path} {help_option}'[/] để xem hướng dẫn."

    write_usage = formatting.HelpFormatter.write_usage

    def write_usage_vi(self, prog: str, args: str = "", prefix: str | None = None) -> None:  # noqa: ANN001
        return write_usage(self, prog, _usage_args(args), "Cách dùng: " if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = write_usage_vi   # type: ignore[method-assign]
    rich_utils.OptionHighlighter.highlights = [
        h.replace("Usage: ", "Cách dùng: ") for h in rich_utils.OptionHighlighter.highlights]

    get_help_option = click_core.Command.get_help_option

    def get_help_option_vi(self, ctx):  # noqa: ANN001, ANN202
        opt = get_help_option(self, ctx)
        if opt is not None:
            opt.help = HELP_OPTION
        return opt

    click_core.Command.get_help_option = get_help_option_vi   # type: ignore[method-assign]

    display_type = core._TyperParameter.display_type

    def display_type_vi(self, ctx):  # noqa: ANN001, ANN202
        return _type_label(display_type(self, ctx))

    core._TyperParameter.display_type = display_type_vi   # type: ignore[method-assign]


def _usage_args(args: str) -> str:
    return (args.replace("[OPTIONS]", "[TÙY CHỌN]").replace("COMMAND [ARGS]...", "LỆNH [THAM SỐ]...")
            .replace("[ARGS]...", "[THAM SỐ]..."))


def usage_error(e: Any) -> str:
    """A Click usage error (missing option, unknown option or command, bad value) in Vietnamese."""
    from typer._click import exceptions as ex

    param = getattr(e, "param", None)
    hint = ""
    if getattr(e, "param_hint", None):
        raw = e.param_hint
        hint = " / ".join(raw) if isinstance(raw, (list, tuple)) else str(raw)
    elif param is not None:
        opts = getattr(param, "opts", None) or [getattr(param, "name", "")]
        hint = " / ".join(o for o in opts if o) if getattr(param, "param_type_name", "") == "option" \
            else (getattr(param, "metavar", None) or str(getattr(param, "name", "")).upper())
    if isinstance(e, ex.MissingParameter):
        what = "tùy chọn" if getattr(param, "param_type_name", "") == "option" else "tham số"
        return f"Thiếu {what} {hint}.".replace("  ", " ")
    if isinstance(e, ex.NoSuchOption):
        near = f" Có phải ý bạn là: {', '.join(sorted(e.possibilities))}?" if e.possibilities else ""
        return f"Không có tùy chọn {e.option_name}.{near}"
    if isinstance(e, ex.BadParameter):
        return f"Giá trị không hợp lệ cho {hint or 'tham số'}: {_value_message(e.message)}"
    text = str(getattr(e, "message", e))
    if text.startswith("No such command"):
        name = text.split("'")[1] if "'" in text else text
        return f"Không có lệnh “{name}”. Gõ loa --help để xem các lệnh."
    if text.startswith("Option '") and text.endswith("requires an argument."):
        return f"Tùy chọn {text.split(chr(39))[1]} cần một giá trị."
    if text.startswith("Option '") and "does not take a value" in text:
        return f"Tùy chọn {text.split(chr(39))[1]} không nhận giá trị."
    if text.startswith("Missing command"):
        return "Thiếu lệnh. Gõ loa --help để xem các lệnh."
    if text.startswith("Got unexpected extra argument"):
        extra = text[text.find("(s) (") + 5:text.rfind(")")] if "(s) (" in text else ""
        return f"Thừa tham số: {extra}." if extra else "Thừa tham số."
    return f"Lệnh gõ chưa đúng ({text}). Gõ loa --help để xem cách dùng."


def _value_message(message: str) -> str:
    low = message.lower()
    if "valid integer" in low:
        return "cần một số nguyên."
    if "valid number" in low or "valid float" in low:
        return "cần một số."
    if "does not exist" in low:
        return "không tìm thấy."
    if "is not one of" in low or "invalid choice" in low:
        return message.replace("is not one of", "không thuộc các giá trị")
    return message
