"""Errors a user can cause: one clear Vietnamese line, no traceback."""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix; `message` is shown as is (Vietnamese), `exit_code` 1 or 2."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


class UsageError(UserError):
    """A wrong option or argument on the command line (exit code 2)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, exit_code=2)
