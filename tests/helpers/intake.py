"""One-sheet workbooks imported the way `daihoi import` does, for the per-form importer tests."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl

from tasks.intake.receive import FileOutcome, ImportOptions, import_file

RECEIVED = date(2025, 3, 20)


def write_book(
    path: Path,
    sheet: str,
    rows: Sequence[Sequence[Any]],
    *,
    merges: Sequence[str] = (),
    formats: dict[str, str] | None = None,
    meta: dict[str, str] | None = None,
) -> Path:
    """A workbook with one sheet of `rows` (row 1 first), merged ranges and number formats."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(row=r, column=c, value=value)
    for rng in merges:
        ws.merge_cells(rng)
    for ref, fmt in (formats or {}).items():
        ws[ref].number_format = fmt
    if meta is not None:
        ms = wb.create_sheet("_meta")
        for key, value in meta.items():
            ms.append([key, value])
        ms.sheet_state = "hidden"
    wb.save(path)
    return path


def run_import(path: Path, sender: str | None, **options: Any) -> FileOutcome:
    """Import one file the way `daihoi import` does, received on RECEIVED."""
    opts = ImportOptions(
        sender_code=sender, received_on=RECEIVED, error_dir=path.parent / "loi", **options
    )
    return import_file(path, opts)


def messages(outcome: FileOutcome) -> str:
    """The outcome's issues, one message a line."""
    return "\n".join(i.text() for i in outcome.issues)


def nfd(text: str) -> str:
    """`text` in Unicode decomposed form (NFD)."""
    return unicodedata.normalize("NFD", text)
