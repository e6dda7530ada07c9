"""Errors a user can cause: one clear Vietnamese line, no traceback (models.errors.DaihoiError)."""

from __future__ import annotations

from models.errors import DaihoiError


class UserError(DaihoiError):
    """A problem the user can fix; `message` is shown as is (Vietnamese), `exit_code` 1 or 2."""


class UsageError(UserError):
    """A wrong option or argument on the command line (exit code 2)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, exit_code=2)
