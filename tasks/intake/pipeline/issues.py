"""Located problems in a submitted file: what the unit reads, and what Prefect may see."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """An error rejects the file; a warning is reported and the file goes on."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Issue:
    """One problem, located as precisely as known (sheet, Excel row, column label and index).

    `value` is the cell's text as the unit typed it: it may be personal data, so it goes to
    the unit (CLI, error workbook) but never to logs or Prefect (see `location`).
    """

    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    col_idx: int | None = None
    value: str | None = None
    severity: Severity = Severity.ERROR

    @property
    def is_error(self) -> bool:
        """True for errors (which reject the file)."""
        return self.severity is Severity.ERROR

    def text(self) -> str:
        """The line an organiser reads, e.g. `Sheet 'Nhân sự', dòng 14, cột 'Ngày sinh':
        '31/02/1970' không phải ngày hợp lệ (dd/mm/yyyy)`."""
        parts: list[str] = []
        if self.sheet is not None:
            parts.append(f"Sheet '{self.sheet}'")
        if self.row is not None:
            parts.append(f"dòng {self.row}")
        if self.column is not None:
            parts.append(f"cột '{self.column}'")
        where = ", ".join(parts)
        what = self.what()
        return f"{where}: {what}" if where else what

    def what(self) -> str:
        """The problem without its location: the value as typed, then the message."""
        return self.message if self.value is None else f"'{self.value}' {self.message}"

    def location(self) -> dict[str, Any]:
        """Where, without the value or message text: safe for logs and Prefect artifacts."""
        return {"sheet": self.sheet, "row": self.row, "column": self.column}


def error(message: str, **where: Any) -> Issue:
    """An error at a location."""
    return Issue(message, severity=Severity.ERROR, **where)


def warning(message: str, **where: Any) -> Issue:
    """A warning at a location."""
    return Issue(message, severity=Severity.WARNING, **where)


def shown(value: object) -> str:
    """A cell value as the unit would recognise it in a message."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "strftime") and hasattr(value, "day"):
        return f"{value.day:02d}/{value.month:02d}/{value.year}"  # type: ignore[attr-defined]
    return str(value)
