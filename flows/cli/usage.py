"""The framework's own usage errors (typer's vendored click) as one Vietnamese line.

click words its messages in English and typer has no catalogue for them, so each kind of error
is rebuilt here from the exception's class and attributes; the few that carry only text (an
unknown command, extra arguments) are recognised by their fixed wording."""

from __future__ import annotations

import re
from typing import Any

from typer._click import exceptions as click_errors

_PATH_PROBLEMS = (
    (re.compile(r"^\w+ (?P<path>'.*') does not exist\.$"), "không có tệp hay thư mục {path}"),
    (re.compile(r"^\w+ (?P<path>'.*') is a directory\.$"), "{path} là một thư mục"),
    (re.compile(r"^\w+ (?P<path>'.*') is a file\.$"), "{path} là một tệp, không phải thư mục"),
    (re.compile(r"^\w+ (?P<path>'.*') is not readable\.$"), "không có quyền đọc {path}"),
    (re.compile(r"^\w+ (?P<path>'.*') is not writable\.$"), "không có quyền ghi {path}"),
)
_PYDANTIC_TYPES = {
    "int_parsing": "không phải số nguyên",
    "int_from_float": "không phải số nguyên",
    "int_type": "không phải số nguyên",
    "float_parsing": "không phải số",
    "float_type": "không phải số",
    "bool_parsing": "chỉ nhận true/false (có/không)",
    "date_parsing": "không phải ngày hợp lệ",
    "date_from_datetime_parsing": "không phải ngày hợp lệ",
}
_NO_COMMAND = re.compile(r"^No such command (?P<name>'.*')\.(?: Did you mean (?P<like>.+)\?)?$")
_EXTRA = re.compile(r"^Got unexpected extra argument(?:s|\(s\))? \((?P<args>.*)\)$")
_REQUIRES = re.compile(r"^Option (?P<opt>'.*') requires (?P<n>an|\d+) arguments?\.$")
_NO_VALUE = re.compile(r"^Option (?P<opt>'.*') does not take a value\.$")
_NARGS = re.compile(r"^Argument (?P<arg>'.*') takes (?P<n>\d+) values\.$")


def _choices(param: Any) -> list[str]:
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is None or not getattr(descriptor, "is_choice", False):
        return []
    return [str(getattr(c, "value", c)) for c in descriptor.choices or ()]


def _hint(error: click_errors.BadParameter) -> str:
    if error.param_hint is not None:
        hints = [error.param_hint] if isinstance(error.param_hint, str) else error.param_hint
        return " / ".join(f"'{h}'" for h in hints)
    return error.param.get_error_hint() if error.param is not None else ""


def _reason(error: click_errors.BadParameter) -> str:
    """Why a value was refused, from the validation error typer raised it from."""
    cause = error.__cause__
    errors = getattr(cause, "errors", None)
    if callable(errors):
        first = errors(include_url=False)[0]
        shown = repr(str(first.get("input", "")))
        known = _PYDANTIC_TYPES.get(str(first.get("type")))
        if known:
            return f"{shown} {known}"
        choices = _choices(error.param)
        if choices:
            return f"{shown} không có trong danh sách: {', '.join(choices)}"
        return f"{shown} không hợp lệ"
    for pattern, text in _PATH_PROBLEMS:
        m = pattern.match(error.message)
        if m:
            return text.format(**m.groupdict())
    return f"giá trị không hợp lệ ({error.message})"


def _text_only(message: str) -> str:
    if message == "Missing command.":
        return "Thiếu tên lệnh."
    if m := _NO_COMMAND.match(message):
        like = f" Có phải ý bạn là {m['like']}?" if m["like"] else ""
        return f"Không có lệnh {m['name']}.{like}"
    if m := _EXTRA.match(message):
        return f"Thừa đối số: {m['args']}."
    if m := _REQUIRES.match(message):
        count = "một giá trị" if m["n"] == "an" else f"{m['n']} giá trị"
        return f"Tùy chọn {m['opt']} cần {count}."
    if m := _NO_VALUE.match(message):
        return f"Tùy chọn {m['opt']} không nhận giá trị."
    if m := _NARGS.match(message):
        return f"Đối số {m['arg']} cần {m['n']} giá trị."
    return f"Lệnh không hợp lệ ({message})."


def usage_message(error: click_errors.UsageError) -> str:
    """The Vietnamese line for a usage error click or typer raised."""
    if isinstance(error, click_errors.MissingParameter):
        param = error.param
        hint = param.get_error_hint() if param is not None else ""
        kind = "đối số" if getattr(param, "param_type_name", "") == "argument" else "tùy chọn"
        choices = _choices(param)
        among = f" (một trong: {', '.join(choices)})" if choices else ""
        return f"Thiếu {kind} bắt buộc {hint}{among}.".replace("  ", " ")
    if isinstance(error, click_errors.BadParameter):
        return f"Giá trị không hợp lệ cho {_hint(error)}: {_reason(error)}."
    if isinstance(error, click_errors.NoSuchOption):
        like = ""
        if error.possibilities:
            like = " Có phải ý bạn là " + ", ".join(sorted(error.possibilities)) + "?"
        return f"Không có tùy chọn '{error.option_name}'.{like}"
    return _text_only(error.message)


def help_hint(error: click_errors.UsageError) -> str:
    """` Xem: daihoi status --help` for the command the error happened in."""
    ctx = error.ctx
    if ctx is None or ctx.command.get_help_option(ctx) is None:
        return ""
    return f" Xem: {ctx.command_path} {ctx.help_option_names[0]}"


def click_message(error: click_errors.ClickException) -> str:
    """Any other error click raises itself (a file it could not open)."""
    if isinstance(error, click_errors.FileError):
        return f"Không mở được tệp '{error.ui_filename}': {error.message}"
    return error.format_message()
