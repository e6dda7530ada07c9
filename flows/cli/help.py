"""The help pages in Vietnamese: typer's panel titles and markers, click's usage prefix, the
metavars of the usage line and the help option's own text.

typer (0.29, with its vendored click) has no message catalogue for these. Its rich renderer
reads the panel titles and the `[required]`/`[default: …]` markers from module constants at
render time, so they are set once here; the usage prefix comes from the context's formatter
class and the help option's text from the option object, which `vietnamese` gives every
command of the tree (the root group applies it when typer builds the command)."""

from __future__ import annotations

from typer import rich_utils
from typer._click.core import Command, Context
from typer._click.formatting import HelpFormatter
from typer.core import TyperGroup

HELP_OPTION_TEXT = "Xem hướng dẫn này rồi thoát."
USAGE_PREFIX = "Cách dùng: "
OPTIONS_METAVAR = "[TÙY CHỌN]"
SUBCOMMAND_METAVAR = "LỆNH [ĐỐI SỐ]..."

rich_utils.ARGUMENTS_PANEL_TITLE = "Đối số"
rich_utils.OPTIONS_PANEL_TITLE = "Tùy chọn"
rich_utils.COMMANDS_PANEL_TITLE = "Lệnh"
rich_utils.REQUIRED_LONG_STRING = "[bắt buộc]"
rich_utils.DEFAULT_STRING = "[mặc định: {}]"
rich_utils.ENVVAR_STRING = "[biến môi trường: {}]"
rich_utils.DEPRECATED_STRING = "(không còn dùng) "


class VietnameseFormatter(HelpFormatter):
    """click's formatter with the usage line's prefix in Vietnamese."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, USAGE_PREFIX if prefix is None else prefix)


class VietnameseContext(Context):
    """A command's context: Vietnamese usage line, Vietnamese help option."""

    formatter_class = VietnameseFormatter

    def __init__(self, command: Command, *args: object, **kwargs: object) -> None:
        super().__init__(command, *args, **kwargs)  # type: ignore[arg-type]
        option = command.get_help_option(self)
        if option is not None:
            option.help = HELP_OPTION_TEXT


def vietnamese(command: Command) -> None:
    """Give a command and every command under it the Vietnamese help page."""
    command.context_class = VietnameseContext
    if command.options_metavar == "[OPTIONS]":
        command.options_metavar = OPTIONS_METAVAR
    for param in command.params:
        if "mặc định" in (getattr(param, "help", None) or ""):
            # The help names its default in words: not a second time as "[mặc định: …]".
            param.show_default = False  # type: ignore[attr-defined]
    if isinstance(command, TyperGroup):
        command.subcommand_metavar = SUBCOMMAND_METAVAR
        for sub in command.commands.values():
            vietnamese(sub)
