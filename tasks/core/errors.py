"""Errors a user can cause: one clear Vietnamese line, no traceback."""

from __future__ import annotations

import errno


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


_OS_ERRORS = {
    errno.ENOENT: "không có tệp hay thư mục {path}",
    errno.EISDIR: "{path} là một thư mục",
    errno.ENOTDIR: "{path} không phải là thư mục",
    errno.EACCES: "không có quyền truy cập {path}",
    errno.EPERM: "không được phép thao tác trên {path}",
    errno.EEXIST: "{path} đã tồn tại",
    errno.ENOSPC: "ổ đĩa đã đầy (khi ghi {path})",
    errno.EROFS: "{path} nằm trên ổ đĩa chỉ đọc",
    errno.ENAMETOOLONG: "tên tệp quá dài: {path}",
    errno.EADDRINUSE: "địa chỉ hoặc cổng mạng đang được dùng",
}


def os_error_text(error: OSError) -> str:
    """An operating-system error in Vietnamese (lower-case, no final stop): what, and where."""
    path = f"'{error.filename}'" if error.filename is not None else "tệp"
    template = _OS_ERRORS.get(error.errno or 0)
    if template is None:
        return f"lỗi hệ thống khi truy cập {path} ({error.strerror or error})"
    return template.format(path=path)
