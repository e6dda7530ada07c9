"""The `daihoi` command: typer + rich; errors a user can cause print one line, never a traceback."""

from __future__ import annotations

import sys

import typer

from flows.cli import (
    demo,
    draft,
    intake,
    maintenance,
    override,
    report,
    run,
    setup,
    status,
    users,
    web,
)
from models.db import DatabaseBusy, StaleEdit
from tasks.core.errors import UserError

app = typer.Typer(
    name="daihoi",
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
def _root() -> None:
    """Theo dõi chuẩn bị đại hội đảng bộ các cấp."""


for module in (setup, demo, draft, status, run, report, override, maintenance, intake, users, web):
    module.register(app)


def main() -> None:
    """Entry point of the console script."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8")
    try:
        app()
    except UserError as e:
        from flows.cli.common import err_console

        err_console.print(f"[bold red]Lỗi:[/] {e.message}", highlight=False)
        sys.exit(e.exit_code)
    except (DatabaseBusy, StaleEdit) as e:  # a busy database or a stale edit: one line, exit 1
        from flows.cli.common import err_console

        err_console.print(f"[bold red]Lỗi:[/] {e}", highlight=False)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(1)
