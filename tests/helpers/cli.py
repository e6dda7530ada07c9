"""Running the `daihoi` command in-process, as main() does."""

from __future__ import annotations

from typer.testing import CliRunner

from flows.cli import app
from tasks.core.errors import UserError


def run_cli(*args: str) -> tuple[int, str]:
    """Run `daihoi ARGS` as main() does: a UserError is one line and its exit code."""
    result = CliRunner().invoke(app, list(args))
    if isinstance(result.exception, UserError):
        return result.exception.exit_code, result.output + result.exception.message
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output
