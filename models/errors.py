"""The one error base: a problem the person running daihoi is told in one Vietnamese line.

`DaihoiError` carries the message shown as is and the exit code; the CLI catches it once.
The user-caused kind (`tasks.core.errors.UserError`) and the database's busy and stale-edit
kinds below derive from it (the base lives here: models never import tasks).
"""

from __future__ import annotations


class DaihoiError(Exception):
    """A failure to report without a traceback: `message` (Vietnamese), `exit_code` 1 or 2."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


class DatabaseBusy(DaihoiError, RuntimeError):
    """The database stayed busy (or kept conflicting) through every retry."""


class StaleEdit(DaihoiError, RuntimeError):
    """A record changed after the person editing it read it (its version moved on)."""
