"""The `daihoi` command: typer + rich; errors a user can cause print one line, never a traceback."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer
from typer._click import exceptions as click_errors
from typer.core import TyperGroup
from typer.exceptions import Abort

from flows.cli import (
    delegates,
    demo,
    draft,
    intake,
    intake_list,
    maintenance,
    override,
    report,
    run,
    serve,
    setup,
    status,
    users,
    web,
)
from models.errors import DaihoiError
from models.settings import SettingsError, get_settings
from tasks.core.errors import UsageError, os_error_text


class DaihoiGroup(TyperGroup):
    """The root command: the framework's usage errors become one Vietnamese line (exit 2).

    The command runs with click's standalone mode off, so click's own errors reach us instead
    of its English boxes; exceptions of our own pass through to `main` (and to test runners).
    Every command of the tree gets the Vietnamese help page (flows.cli.help)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from flows.cli.help import vietnamese

        vietnamese(self)

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        try:
            result = super().main(
                args,
                prog_name or "daihoi",
                complete_var,
                standalone_mode=False,
                windows_expand_args=windows_expand_args,
                **extra,
            )
        except click_errors.NoArgsIsHelpError as e:  # typer has already printed the help
            result = e.exit_code
        except click_errors.UsageError as e:
            from flows.cli.usage import help_hint, usage_message

            print_error(usage_message(e) + help_hint(e))
            result = e.exit_code
        except click_errors.ClickException as e:
            from flows.cli.usage import click_message

            print_error(click_message(e))
            result = e.exit_code
        except Abort:
            print_error("Đã hủy.")
            result = 1
        if not standalone_mode:
            return result
        sys.exit(result if isinstance(result, int) else 0)


def print_error(message: str) -> None:
    """`Lỗi: …` on stderr, on one line whatever the terminal's width."""
    from rich.markup import escape

    from flows.cli.common import err_console

    err_console.print(f"[bold red]Lỗi:[/] {escape(message)}", highlight=False, soft_wrap=True)


app = typer.Typer(
    name="daihoi",
    cls=DaihoiGroup,
    help=(
        "Theo dõi tiến độ chuẩn bị đại hội đảng bộ các cấp nhiệm kỳ 2025–2030 và soạn báo cáo.\n\n"
        "Ví dụ: daihoi demo"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


@app.callback()
def _root(
    actor: Annotated[
        str | None,
        typer.Option(
            "--actor",
            help="Người thực hiện, ghi vào nhật ký thay đổi (mặc định: DAIHOI_ACTOR, "
            "hoặc tên người dùng của hệ điều hành).",
        ),
    ] = None,
) -> None:
    """Theo dõi chuẩn bị đại hội đảng bộ các cấp."""
    if actor is not None:
        if not actor.strip():
            raise UsageError("--actor: cần ghi tên người thực hiện.")
        # The environment carries it to everything this command runs (flows, worker processes).
        os.environ["DAIHOI_ACTOR"] = actor.strip()
        get_settings.cache_clear()


for module in (
    setup,
    demo,
    draft,
    status,
    delegates,
    run,
    serve,
    report,
    override,
    maintenance,
    intake,
    intake_list,
    users,
    web,
):
    module.register(app)


def main() -> None:
    """Entry point of the console script."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8")
    try:
        app(prog_name="daihoi")
    except DaihoiError as e:  # the user's mistake, a busy database, a stale edit: one line
        print_error(e.message)
        sys.exit(e.exit_code)
    except SettingsError as e:  # DAIHOI_… or daihoi.toml holds an unusable value
        print_error(str(e))
        sys.exit(1)
    except OSError as e:  # a file or folder the user named: missing, a folder, no permission
        text = os_error_text(e)
        print_error(text[:1].upper() + text[1:] + ".")
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(1)
