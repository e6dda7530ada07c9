"""The error workbook a unit gets back: its own file, each bad cell filled and commented, and a
sheet listing every problem. Fixed and sent back, it imports like the original."""

from __future__ import annotations

import warnings
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill

from tasks.core.text import norm_key
from tasks.intake.pipeline.issues import Issue

ERRORS_SHEET = "Lỗi"
_ERROR_FILL = PatternFill("solid", start_color="FFFFC7CE", end_color="FFFFC7CE")
_WARNING_FILL = PatternFill("solid", start_color="FFFFEB9C", end_color="FFFFEB9C")
_HEADER_FILL = PatternFill("solid", start_color="FFD9E1F2", end_color="FFD9E1F2")


def error_workbook_path(source: Path, out_dir: Path | None = None) -> Path:
    """`<name>_loi.xlsx` beside the file (or in `out_dir`)."""
    return (out_dir or source.parent) / f"{source.stem}_loi.xlsx"


def printable(value: str) -> str:
    """Control characters a worksheet cannot hold, shown as `<U+000B>`."""
    return str(ILLEGAL_CHARACTERS_RE.sub(lambda m: f"<U+{ord(m.group(0)):04X}>", value))


def set_text(cell: Any, value: str | None) -> None:
    """Write a string as text even when it begins with `=`, `+`, `-` or `@` (no formula)."""
    cell.value = None if value is None else printable(value)
    if isinstance(value, str) and value:
        cell.data_type = "s"
        if value[0] in "=+-@":
            cell.quotePrefix = True


def _sheet_of(book: Any, name: str) -> Any | None:
    if name in book.sheetnames:
        return book[name]
    key = norm_key(name)
    for title in book.sheetnames:
        if norm_key(title) == key:
            return book[title]
    return None


def write_error_workbook(source: Path, issues: Sequence[Issue], out: Path) -> Path:
    """Copy `source` to `out` with every located issue marked on its cell, plus an errors sheet."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(source, keep_links=False)
    if ERRORS_SHEET in book.sheetnames:
        # A returned error workbook sent back again: the old list would mislead.
        del book[ERRORS_SHEET]
    notes: dict[tuple[str, int, int], list[Issue]] = defaultdict(list)
    for issue in issues:
        if issue.sheet and issue.row and issue.col_idx:
            notes[(issue.sheet, issue.row, issue.col_idx)].append(issue)
    for (sheet, row, col), found in notes.items():
        ws = _sheet_of(book, sheet)
        if ws is None:
            continue
        cell = ws.cell(row, col)
        cell.fill = _ERROR_FILL if any(i.is_error for i in found) else _WARNING_FILL
        text = printable("\n".join(i.message for i in found))
        comment = Comment(text, "daihoi")
        comment.width, comment.height = 320, 40 + 20 * len(found)
        cell.comment = comment
    _errors_sheet(book, issues)
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    return out


def _errors_sheet(book: Any, issues: Sequence[Issue]) -> None:
    ws = book.create_sheet(ERRORS_SHEET, 0)
    book.active = 0
    for sheet in book.worksheets[1:]:
        sheet.sheet_view.tabSelected = False
    headers = ("STT", "Mức", "Sheet", "Dòng", "Cột", "Giá trị", "Lỗi", "Mô tả đầy đủ")
    widths = (6, 10, 20, 8, 24, 28, 60, 90)
    for c, (label, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = ws.cell(1, c, label)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        ws.column_dimensions[cell.column_letter].width = width
    ws.freeze_panes = "A2"
    ordered = sorted(
        issues,
        key=lambda i: (not i.is_error, i.sheet or "", i.row or 0, i.col_idx or 0),
    )
    for n, issue in enumerate(ordered, start=2):
        ws.cell(n, 1, n - 1)
        ws.cell(n, 2, "Lỗi" if issue.is_error else "Cảnh báo")
        set_text(ws.cell(n, 3), issue.sheet)
        if issue.row is not None:
            ws.cell(n, 4, issue.row)
        set_text(ws.cell(n, 5), issue.column)
        set_text(ws.cell(n, 6), issue.value)
        set_text(ws.cell(n, 7), issue.message)
        set_text(ws.cell(n, 8), issue.text())
        ws.cell(n, 7).alignment = Alignment(wrap_text=True, vertical="top")
