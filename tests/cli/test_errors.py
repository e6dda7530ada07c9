"""The CLI catches the one error base once: each kind is one line on stderr and its exit code."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

from flows.cli import app, main
from models.db import STALE_EDIT_MESSAGE
from models.errors import DaihoiError, DatabaseBusy, StaleEdit
from tasks.core.errors import UsageError, UserError

BUSY = "Cơ sở dữ liệu đang bận sau 5 lần thử; hãy thử lại sau ít phút."


@pytest.fixture
def failing(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Exception]]:
    """A `daihoi boom` command that raises whatever the test puts in the list."""
    raised: list[Exception] = []

    def boom() -> None:
        """Ví dụ: daihoi boom"""
        raise raised[0]

    app.command("boom")(boom)
    monkeypatch.setattr(sys, "argv", ["daihoi", "boom"])
    try:
        yield raised
    finally:
        app.registered_commands.pop()


@pytest.mark.parametrize(
    ("error", "code", "line"),
    [
        (UserError("Không tìm thấy đơn vị có mã 'X'."), 1, "Không tìm thấy đơn vị có mã 'X'."),
        (UsageError("--as-of: không phải ngày hợp lệ"), 2, "--as-of: không phải ngày hợp lệ"),
        (DatabaseBusy(BUSY), 1, BUSY),
        (StaleEdit(STALE_EDIT_MESSAGE), 1, STALE_EDIT_MESSAGE),
    ],
    ids=["user", "usage", "busy", "stale"],
)
def test_each_kind_of_error_is_one_line_and_its_exit_code(
    failing: list[Exception],
    capsys: pytest.CaptureFixture[str],
    error: DaihoiError,
    code: int,
    line: str,
) -> None:
    failing.append(error)
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == code
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert " ".join(err.split()) == f"Lỗi: {line}"


def test_every_kind_derives_from_the_one_base() -> None:
    for kind in (UserError, UsageError, DatabaseBusy, StaleEdit):
        assert issubclass(kind, DaihoiError)
    # Callers that caught the database errors as RuntimeError still do.
    assert issubclass(DatabaseBusy, RuntimeError) and issubclass(StaleEdit, RuntimeError)
