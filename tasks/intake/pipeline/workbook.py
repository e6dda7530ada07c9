"""Opening a workbook and locating its data: `_meta`, sheets by name, the header row (rule 2),
the data area (rule 3), merged ranges and formulas never calculated."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_to_tuple
from python_calamine import CalamineWorkbook, SheetTypeEnum

from models.settings import Limits
from tasks.core.text import norm_key
from tasks.intake.pipeline.cells import Cell, is_empty, is_total_label
from tasks.intake.pipeline.formulas import sheet_parts, uncalculated_formulas
from tasks.intake.pipeline.issues import Issue, error, warning
from tasks.intake.pipeline.limits import FileRefused, check_file, not_excel
from tasks.intake.pipeline.parts import (
    error_values,
    percent_cells,
    percent_styles,
    refuse_entities,
)
from tasks.intake.pipeline.sheet import Sheet, merged_ranges
from tasks.intake.pipeline.signature import signature_start
from tasks.intake.pipeline.spec import ColumnSpec, SheetSpec

META_SHEET = "_meta"
HEADER_SEARCH_ROWS = 15
_REQUIRED_MARK = re.compile(r"\s*\(\*\)\s*$")
_PERCENT_FORMAT = "0%"


@dataclass
class Workbook:
    """An opened workbook: its worksheets' cached values, `_meta`, uncalculated formula cells."""

    path: Path
    sheet_names: list[str]
    sheets: dict[str, Sheet]
    meta: dict[str, str] | None
    uncalculated: dict[str, set[str]] = field(default_factory=dict)

    def find_sheet(self, name: str) -> Sheet | None:
        """The worksheet whose name matches `name` normalised (rule 1), or None."""
        key = norm_key(name)
        for title, sheet in self.sheets.items():
            if title != META_SHEET and norm_key(title) == key:
                return sheet
        return None


def open_workbook(path: Path, limits: Limits) -> Workbook:
    """Check the file's limits, refuse entity declarations, then read every worksheet's cached
    values with calamine (all the cells there are: declared dimensions lie)."""
    check_file(path, limits)
    try:
        with zipfile.ZipFile(path) as zf:
            by_sheet, by_part = sheet_parts(zf)
            refuse_entities(zf, by_part)
            uncalculated = uncalculated_formulas(by_sheet)
            errors = error_values(by_sheet)
            styles = percent_styles(zf)
            del by_sheet, by_part
        book = CalamineWorkbook.from_path(str(path))
        try:
            names = list(book.sheet_names)
            sheets = {
                m.name: _read_sheet(book, m.name, partial(percent_cells, path, m.name, styles))
                for m in book.sheets_metadata
                if m.typ == SheetTypeEnum.WorkSheet
            }
        finally:
            book.close()
        for title, cells in errors.items():
            for (r, c), text in cells.items():
                if title in sheets:
                    sheets[title].put(r, c, text)
    except Exception as e:  # calamine, zipfile and defusedxml raise many kinds on junk
        raise not_excel(path.name) from e
    for sheet in sheets.values():
        if sheet.max_row > limits.rows_per_sheet:
            raise FileRefused(
                f"Sheet '{sheet.title}' có {sheet.max_row} dòng, vượt giới hạn "
                f"{limits.rows_per_sheet} dòng một sheet"
            )
    return Workbook(
        path=path,
        sheet_names=names,
        sheets=sheets,
        meta=_read_meta(sheets.get(META_SHEET)),
        uncalculated=uncalculated,
    )


def _read_sheet(book: CalamineWorkbook, name: str, percent: Any) -> Sheet:
    raw = book.get_sheet_by_name(name)
    rows = raw.to_python(skip_empty_area=False)
    while rows and all(v == "" for v in rows[-1]):
        rows.pop()
    return Sheet(name, rows, merged_ranges(raw.merged_cell_ranges), percent)


def _read_meta(sheet: Sheet | None) -> dict[str, str] | None:
    if sheet is None:
        return None
    meta: dict[str, str] = {}
    for r in range(1, sheet.max_row + 1):
        key, value = sheet.value(r, 1), sheet.value(r, 2)
        if isinstance(key, str) and key.strip():
            meta[key.strip()] = "" if value is None else str(value).strip()
    return meta


def header_label(value: Any) -> str | None:
    """A header cell's label: text before the first line break, a trailing `(*)` removed."""
    if value is None:
        return None
    text = str(value).replace("\r", "\n").split("\n", 1)[0]
    text = _REQUIRED_MARK.sub("", text).strip()
    return text or None


@dataclass(frozen=True)
class Header:
    """Where a sheet's header is and which column holds each field."""

    row: int
    columns: dict[str, int]  # field → 1-based column index
    leftmost: int  # the leftmost non-empty header cell (where a total row says `Tổng`)
    issues: tuple[Issue, ...]

    @property
    def ok(self) -> bool:
        """True when the header has no errors (missing or duplicated columns)."""
        return not any(i.is_error for i in self.issues)


def find_header(ws: Sheet, spec: SheetSpec) -> Header:
    """Rule 2: among rows 1–15, the row holding the most required labels (at least half)."""
    by_key: dict[str, ColumnSpec] = {c.key: c for c in spec.columns}
    required = {c.key for c in spec.required_columns}
    best_row, best_hits = 0, -1
    rows: dict[int, list[tuple[int, str]]] = {}
    top = min(ws.max_row, HEADER_SEARCH_ROWS)
    for r_idx in range(1, top + 1):
        row = ws.row_values(r_idx)
        labels = [(c_idx, lab) for c_idx, v in enumerate(row, 1) if (lab := header_label(v))]
        rows[r_idx] = labels
        hits = len({norm_key(lab) for _c, lab in labels} & required)
        if hits > best_hits:
            best_row, best_hits = r_idx, hits
    if best_hits <= 0 or best_hits * 2 < len(required):
        names = ", ".join(f"'{c.label}'" for c in spec.required_columns)
        return Header(
            0,
            {},
            0,
            (
                error(
                    f"không tìm thấy dòng tiêu đề trong {HEADER_SEARCH_ROWS} dòng đầu "
                    f"(cần các cột: {names})",
                    sheet=ws.title,
                ),
            ),
        )
    issues: list[Issue] = []
    columns: dict[str, int] = {}
    labels = rows[best_row]
    for c_idx, label in labels:
        col = by_key.get(norm_key(label))
        if col is None:
            issues.append(
                warning(
                    "cột không có trong biểu mẫu, bị bỏ qua",
                    sheet=ws.title,
                    row=best_row,
                    column=label,
                    col_idx=c_idx,
                )
            )
        elif col.field in columns:
            first = get_column_letter(columns[col.field])
            issues.append(
                error(
                    f"tiêu đề '{col.label}' xuất hiện hai lần: cột {first} và cột "
                    f"{get_column_letter(c_idx)}",
                    sheet=ws.title,
                    row=best_row,
                    column=col.label,
                    col_idx=c_idx,
                )
            )
        else:
            columns[col.field] = c_idx
    missing = [c.label for c in spec.required_columns if c.field not in columns]
    if missing:
        issues.append(
            error(
                "thiếu cột bắt buộc: " + ", ".join(f"'{m}'" for m in missing),
                sheet=ws.title,
                row=best_row,
            )
        )
    leftmost = min((c for c, _lab in labels), default=1)
    return Header(best_row, columns, leftmost, tuple(issues))


@dataclass(frozen=True)
class DataRow:
    """One data row: its Excel row number and the values of the header's non-empty cells by
    field; `formats` the percent-formatted number cells, `uncalculated` the formula cells
    Excel never calculated (their value None)."""

    number: int
    cells: dict[str, Any]
    formats: dict[str, str] | None = None
    uncalculated: frozenset[str] = frozenset()

    def cell(self, name: str) -> Cell:
        """The field's cell as the parsers take it."""
        fmt = self.formats.get(name, "General") if self.formats else "General"
        return Cell(self.cells[name], fmt, name in self.uncalculated)


def _merged_sources(
    ws: Sheet, first_row: int, cols: set[int]
) -> dict[tuple[int, int], tuple[int, int]]:
    """Coordinates inside a merged range below the header → the range's top-left coordinate."""
    sources: dict[tuple[int, int], tuple[int, int]] = {}
    for min_row, min_col, max_row, max_col in ws.merged:
        if max_row < first_row:
            continue
        anchor = (min_row, min_col)
        for r in range(max(min_row, first_row), max_row + 1):
            for c in range(min_col, max_col + 1):
                if c in cols and (r, c) != anchor:
                    sources[(r, c)] = anchor
    return sources


def data_rows(
    ws: Sheet,
    header: Header,
    spec: SheetSpec,
    uncalculated: set[str],
    formatted: frozenset[str] = frozenset(),
) -> tuple[list[DataRow], list[Issue]]:
    """Rule 3: the rows under the header down to the last one filling a required column (a
    signature block below excluded), blank and total rows skipped; a merged range gives its
    value to every cell it covers. Number formats are read only for the fields in `formatted`
    (percent columns need them), and only for number cells."""
    fields = [(f, c, f in formatted) for f, c in header.columns.items()]
    cols = {c for _f, c, _p in fields} | {header.leftmost}
    required = {c.field for c in spec.required_columns if c.field in header.columns}
    first = header.row + 1
    merged = _merged_sources(ws, first, cols) if ws.merged else {}
    uncalc_at = {coordinate_to_tuple(ref) for ref in uncalculated if ref}
    left_col = header.leftmost
    rows: list[DataRow] = []
    for r_idx in range(first, ws.max_row + 1):
        values = ws.rows[r_idx - 1]
        width = len(values)
        cells: dict[str, Any] = {}
        formats: dict[str, str] | None = None
        uncalc: set[str] | None = None
        for fname, c_idx, pct in fields:
            at = merged.get((r_idx, c_idx)) if merged else None
            if at is None:
                value = values[c_idx - 1] if c_idx <= width else ""
            else:
                value = ws.raw(*at)
            if type(value) is str:
                if value.strip():
                    cells[fname] = value
                elif uncalc_at and (at or (r_idx, c_idx)) in uncalc_at:
                    cells[fname] = None
                    uncalc = uncalc or set()
                    uncalc.add(fname)
                continue
            if type(value) is float and value.is_integer():
                value = int(value)
            cells[fname] = value
            if pct and ws.is_percent(*(at or (r_idx, c_idx))):
                formats = formats or {}
                formats[fname] = _PERCENT_FORMAT
        if not cells:
            continue
        left = merged.get((r_idx, left_col), (r_idx, left_col)) if merged else (r_idx, left_col)
        if is_total_label(ws.raw(*left)):
            continue
        rows.append(DataRow(r_idx, cells, formats, frozenset(uncalc) if uncalc else frozenset()))
    return _cut_area(ws.title, rows, required)


def _cut_area(
    title: str, rows: list[DataRow], required: set[str]
) -> tuple[list[DataRow], list[Issue]]:
    """The data area ends at the last row filling a required column; the rows after it are
    ignored with a warning. A signature block reaching above that row ends the area where it
    begins instead, with its own warning (one for all the rows cut off)."""
    last_required = max((i + 1 for i, r in enumerate(rows) if required & r.cells.keys()), default=0)
    sign = signature_start([r.cells for r in rows])
    if sign < last_required:
        message = (
            f"các dòng {rows[sign].number}–{rows[-1].number} là phần ký tên dưới bảng, bị bỏ qua"
        )
        return rows[:sign], [warning(message, sheet=title, row=rows[sign].number)]
    trailing: list[int] = [r.number for r in rows[last_required:]]
    issues: list[Issue] = []
    if trailing:
        issues.append(
            warning(
                f"các dòng {trailing[0]}–{trailing[-1]} nằm sau vùng dữ liệu (không có cột bắt "
                "buộc nào), bị bỏ qua",
                sheet=title,
                row=trailing[0],
            )
        )
    return rows[:last_required], issues


__all__ = [
    "META_SHEET",
    "DataRow",
    "Header",
    "Workbook",
    "data_rows",
    "find_header",
    "header_label",
    "is_empty",
    "open_workbook",
]
