"""Opening a workbook and locating its data: `_meta`, sheets by name, the header row (rule 2),
the data area (rule 3), merged ranges and formulas never calculated."""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.utils.escape import unescape

from models.settings import Limits
from tasks.core.text import norm_key
from tasks.intake.pipeline.cells import Cell, is_empty, is_total_label
from tasks.intake.pipeline.formulas import uncalculated_formulas
from tasks.intake.pipeline.issues import Issue, error, warning
from tasks.intake.pipeline.limits import FileRefused, check_file, not_excel
from tasks.intake.pipeline.signature import signature_start
from tasks.intake.pipeline.spec import ColumnSpec, SheetSpec

META_SHEET = "_meta"
HEADER_SEARCH_ROWS = 15
_REQUIRED_MARK = re.compile(r"\s*\(\*\)\s*$")


@dataclass
class Workbook:
    """An opened workbook: openpyxl's cached values, `_meta`, and uncalculated formula cells."""

    path: Path
    book: Any
    meta: dict[str, str] | None
    uncalculated: dict[str, set[str]] = field(default_factory=dict)

    @property
    def sheet_names(self) -> list[str]:
        """The sheets' names as the workbook has them."""
        return list(self.book.sheetnames)

    def find_sheet(self, name: str) -> Any | None:
        """The worksheet whose name matches `name` normalised (rule 1), or None."""
        key = norm_key(name)
        for title in self.book.sheetnames:
            if title != META_SHEET and norm_key(title) == key:
                return self.book[title]
        return None


def open_workbook(path: Path, limits: Limits) -> Workbook:
    """Check the file's limits, then read it in normal mode (declared dimensions lie)."""
    check_file(path, limits)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about data validation / extensions it drops; irrelevant here.
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(path, data_only=True, keep_links=False)
    except FileRefused:
        raise
    except Exception as e:  # openpyxl raises anything from KeyError to XML errors on junk
        raise not_excel(path.name) from e
    for ws in book.worksheets:
        if ws.max_row > limits.rows_per_sheet:
            raise FileRefused(
                f"Sheet '{ws.title}' có {ws.max_row} dòng, vượt giới hạn "
                f"{limits.rows_per_sheet} dòng một sheet"
            )
    try:
        uncalculated = uncalculated_formulas(path)
    except Exception as e:
        raise not_excel(path.name) from e
    return Workbook(path=path, book=book, meta=_read_meta(book), uncalculated=uncalculated)


def _read_meta(book: Any) -> dict[str, str] | None:
    if META_SHEET not in book.sheetnames:
        return None
    meta: dict[str, str] = {}
    for row in book[META_SHEET].iter_rows(min_row=1, max_col=2, values_only=True):
        key, value = row[0], row[1] if len(row) > 1 else None
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


def find_header(ws: Any, spec: SheetSpec) -> Header:
    """Rule 2: among rows 1–15, the row holding the most required labels (at least half)."""
    by_key: dict[str, ColumnSpec] = {c.key: c for c in spec.columns}
    required = {c.key for c in spec.required_columns}
    best_row, best_hits = 0, -1
    rows: dict[int, list[tuple[int, str]]] = {}
    top = min(ws.max_row, HEADER_SEARCH_ROWS)
    for r_idx, row in enumerate(ws.iter_rows(min_row=1, max_row=top, values_only=True), start=1):
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
    """One data row: its Excel row number and the cells of the header's columns, by field."""

    number: int
    cells: dict[str, Cell]


def _merged_sources(
    ws: Any, first_row: int, cols: set[int]
) -> dict[tuple[int, int], tuple[int, int]]:
    """Coordinates inside a merged range below the header → the range's top-left coordinate."""
    sources: dict[tuple[int, int], tuple[int, int]] = {}
    for rng in ws.merged_cells.ranges:
        if rng.max_row < first_row:
            continue
        anchor = (rng.min_row, rng.min_col)
        for r in range(max(rng.min_row, first_row), rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                if c in cols and (r, c) != anchor:
                    sources[(r, c)] = anchor
    return sources


def _cell_lookup(ws: Any) -> Any:
    """(row, column) → the cell or None, without creating empty cells.

    openpyxl keeps a worksheet's cells in `_cells` keyed by (row, column); `ws.cell()` and
    `iter_rows()` would create an object for every empty coordinate of the area."""
    cells = getattr(ws, "_cells", None)
    if isinstance(cells, dict):
        return cells.get
    return lambda rc: ws.cell(*rc)


def data_rows(
    ws: Any,
    header: Header,
    spec: SheetSpec,
    uncalculated: set[str],
    formatted: frozenset[str] = frozenset(),
) -> tuple[list[DataRow], list[Issue]]:
    """Rule 3: the rows under the header down to the last one filling a required column (a
    signature block below excluded), blank and total rows skipped; a merged range gives its value to every cell it covers.
    Number formats are read only for the fields in `formatted` (percent columns need them)."""
    fields = list(header.columns.items())
    cols = {c for _f, c in fields} | {header.leftmost}
    required = {c.field for c in spec.required_columns if c.field in header.columns}
    first = header.row + 1
    merged = _merged_sources(ws, first, cols) if ws.merged_cells.ranges else {}
    lookup = _cell_lookup(ws)
    rows: list[DataRow] = []
    for r_idx in range(first, ws.max_row + 1):
        cells: dict[str, Cell] = {}
        for fname, c_idx in fields:
            src = lookup(merged.get((r_idx, c_idx), (r_idx, c_idx)))
            value = None if src is None else src.value
            uncalc = (
                value is None
                and bool(uncalculated)
                and src is not None
                and src.coordinate in uncalculated
            )
            if value is None and not uncalc:
                continue
            if isinstance(value, str):
                if "_x" in value:
                    # OOXML writes control characters as _xHHHH_; openpyxl leaves them escaped.
                    value = unescape(value)
                if not value.strip():
                    continue
            fmt = (src.number_format or "General") if fname in formatted else "General"
            cells[fname] = Cell(value, fmt, uncalc)
        if not cells:
            continue
        left = lookup(merged.get((r_idx, header.leftmost), (r_idx, header.leftmost)))
        if left is not None and is_total_label(left.value):
            continue
        rows.append(DataRow(r_idx, cells))
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
