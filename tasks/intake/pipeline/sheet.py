"""A worksheet as calamine reads it: cached values by (row, column), merged ranges, and the
one thing calamine cannot tell, which cells are percent-formatted (read from the XML only
when a rule asks and the workbook has a percent format at all)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Range = tuple[int, int, int, int]  # min_row, min_col, max_row, max_col (1-based)


def clean(value: Any) -> Any:
    """calamine's value as openpyxl gave it: '' is empty (None), an integer float an int."""
    if value == "" and isinstance(value, str):
        return None
    if type(value) is float and value.is_integer():
        return int(value)
    return value


@dataclass
class Sheet:
    """One worksheet's values (rows of calamine values, from A1), merged ranges and a lazy
    set of percent-formatted coordinates."""

    title: str
    rows: list[list[Any]]
    merged: list[Range] = field(default_factory=list)
    _percent: Callable[[], frozenset[tuple[int, int]]] = lambda: frozenset()
    _percent_cells: frozenset[tuple[int, int]] | None = None

    @property
    def max_row(self) -> int:
        """The last row holding a value (1-based); 0 for an empty sheet."""
        return len(self.rows)

    def raw(self, row: int, col: int) -> Any:
        """calamine's value of a cell ('' when empty), 1-based coordinates."""
        if row > len(self.rows) or row < 1:
            return ""
        cells = self.rows[row - 1]
        return cells[col - 1] if 0 < col <= len(cells) else ""

    def value(self, row: int, col: int) -> Any:
        """The cell's value (None when empty), 1-based coordinates."""
        return clean(self.raw(row, col))

    def row_values(self, row: int) -> list[Any]:
        """The values of one row, left to right, empty cells None."""
        return [clean(v) for v in self.rows[row - 1]] if 0 < row <= len(self.rows) else []

    def put(self, row: int, col: int, value: Any) -> None:
        """Set a cell calamine could not read (an Excel error's text), growing the grid."""
        while len(self.rows) < row:
            self.rows.append([])
        cells = self.rows[row - 1]
        if len(cells) < col:
            cells.extend([""] * (col - len(cells)))
        cells[col - 1] = value

    def is_percent(self, row: int, col: int) -> bool:
        """True when the cell's number format shows a percentage (`0%`, `0.00%`, …)."""
        if self._percent_cells is None:
            self._percent_cells = self._percent()
        return (row, col) in self._percent_cells


def merged_ranges(raw: Any) -> list[Range]:
    """calamine's merged ranges ((r0, c0), (r1, c1)), 0-based, as 1-based ranges."""
    return [(r0 + 1, c0 + 1, r1 + 1, c1 + 1) for (r0, c0), (r1, c1) in raw or ()]


__all__ = ["Range", "Sheet", "clean", "merged_ranges"]
