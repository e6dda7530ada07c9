"""A workbook against its form: every sheet's header and every cell, all problems in one pass."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils import get_column_letter

from tasks.intake.pipeline.cells import Cell, parse_cell
from tasks.intake.pipeline.error_workbook import ERRORS_SHEET
from tasks.intake.pipeline.issues import Issue, error, shown, warning
from tasks.intake.pipeline.sheet import Sheet
from tasks.intake.pipeline.spec import FormSpec, SheetSpec
from tasks.intake.pipeline.workbook import META_SHEET, Header, Workbook, data_rows, find_header

REQUIRED_MSG = "thiếu giá trị bắt buộc"


@dataclass(frozen=True)
class ParsedRow:
    """A data row's typed values by field (None when empty); `bad` = fields whose cell was refused.

    Importers skip their cross-field and database checks on bad fields, so one wrong cell is
    reported once."""

    number: int
    values: dict[str, Any]
    raw: dict[str, str]
    bad: frozenset[str] = frozenset()

    def get(self, name: str) -> Any:
        """The typed value of a field (None when empty or refused)."""
        return self.values.get(name)

    def ok(self, *names: str) -> bool:
        """True when none of these fields was refused."""
        return not self.bad.intersection(names)


@dataclass
class ParsedSheet:
    """A sheet's typed rows, and where its columns are (for locating later problems)."""

    spec: SheetSpec
    title: str | None = None
    header: Header | None = None
    rows: list[ParsedRow] = field(default_factory=list)
    # The cells above the header (gop-y reads `Số văn bản:` / `Ngày:` there).
    preamble: list[list[Cell]] = field(default_factory=list)

    @property
    def present(self) -> bool:
        """False for an optional sheet the workbook does not have."""
        return self.title is not None

    def issue(
        self,
        row: ParsedRow | None,
        field_name: str | None,
        message: str,
        *,
        with_value: bool = True,
    ) -> Issue:
        """An error located at a row (and column) of this sheet, quoting the cell as typed."""
        col_label = col_idx = None
        value = None
        if field_name is not None:
            col_label = self.spec.column(field_name).label
            if self.header is not None:
                col_idx = self.header.columns.get(field_name)
            if row is not None and with_value and field_name in row.raw:
                value = row.raw[field_name]
        return error(
            message,
            sheet=self.title or self.spec.name,
            row=None if row is None else row.number,
            column=col_label,
            col_idx=col_idx,
            value=value,
        )


@dataclass
class ParsedForm:
    """A whole workbook read against its form."""

    spec: FormSpec
    sheets: dict[str, ParsedSheet]
    issues: list[Issue]

    @property
    def row_count(self) -> int:
        """Data rows over all sheets."""
        return sum(len(s.rows) for s in self.sheets.values())

    def sheet(self, sheet_id: str) -> ParsedSheet:
        """The parsed sheet with this id."""
        return self.sheets[sheet_id]

    @property
    def has_errors(self) -> bool:
        """True when any cell or header was refused."""
        return any(i.is_error for i in self.issues)

    @property
    def structure_ok(self) -> bool:
        """Every required sheet present, every present sheet with a sound header: only then do
        an importer's row checks make sense."""
        for sheet in self.sheets.values():
            if not sheet.present:
                if not sheet.spec.optional:
                    return False
            elif sheet.header is None or not sheet.header.ok:
                return False
        return True


def parse_sheet(
    ws: Sheet, spec: SheetSpec, uncalculated: set[str]
) -> tuple[ParsedSheet, list[Issue]]:
    """Find the header, then type every cell of the data area; problems are collected, not raised."""
    header = find_header(ws, spec)
    parsed = ParsedSheet(spec=spec, title=ws.title, header=header)
    issues = list(header.issues)
    if header.row == 0:
        return parsed, issues
    # The rows above the header (gop-y reads `Số văn bản:` there).
    parsed.preamble = [[Cell(v) for v in ws.row_values(r)] for r in range(1, header.row)]
    percent = frozenset(c.field for c in spec.columns if c.type == "percent")
    rows, area_issues = data_rows(ws, header, spec, uncalculated, percent)
    issues.extend(area_issues)
    columns = [c for c in spec.columns if c.type != "ignored" and c.field in header.columns]
    # Columns repeat a few values thousands of times: one parse per (field, value, format).
    # The type is in the key since True == 1 == 1.0; plain text is its own key.
    parsed_cells: dict[str, dict[Any, tuple[Any, str | None]]] = {c.field: {} for c in columns}
    for row in rows:
        values: dict[str, Any] = {}
        raw: dict[str, str] = {}
        bad: set[str] = set()
        cells = row.cells
        for col in columns:
            name = col.field
            if name not in cells:
                if col.required:
                    bad.add(name)
                    issues.append(
                        error(
                            REQUIRED_MSG,
                            sheet=ws.title,
                            row=row.number,
                            column=col.label,
                            col_idx=header.columns[name],
                        )
                    )
                continue
            v = cells[name]
            if row.uncalculated and name in row.uncalculated:
                raw[name] = ""
                value, problem = parse_cell(col, row.cell(name))
            else:
                raw[name] = v if type(v) is str else shown(v)
                fmt = row.formats.get(name, "General") if row.formats else "General"
                key = v if type(v) is str and fmt == "General" else (type(v), v, fmt)
                cache = parsed_cells[name]
                found = cache.get(key)
                if found is None:
                    found = cache[key] = parse_cell(col, Cell(v, fmt))
                value, problem = found
            if problem is None:
                values[name] = value
                continue
            bad.add(name)
            c_idx = header.columns[name]
            uncalculated_cell = name in row.uncalculated
            if uncalculated_cell:
                problem = f"ô {get_column_letter(c_idx)}{row.number} {problem}"
            issues.append(
                error(
                    problem,
                    sheet=ws.title,
                    row=row.number,
                    column=col.label,
                    col_idx=c_idx,
                    value=None if uncalculated_cell else raw[name],
                )
            )
        parsed.rows.append(ParsedRow(row.number, values, raw, frozenset(bad)))
    return parsed, issues


def parse_form(wb: Workbook, spec: FormSpec) -> ParsedForm:
    """Every sheet of the form: missing sheets, headers and cells, all problems in one list."""
    sheets: dict[str, ParsedSheet] = {}
    issues: list[Issue] = []
    for sheet_spec in spec.sheets:
        ws = wb.find_sheet(sheet_spec.name)
        if ws is None:
            sheets[sheet_spec.id] = ParsedSheet(spec=sheet_spec)
            if not sheet_spec.optional:
                issues.append(error(f"thiếu sheet '{sheet_spec.name}' của biểu mẫu {spec.form}"))
            continue
        parsed, sheet_issues = parse_sheet(ws, sheet_spec, wb.uncalculated.get(ws.title, set()))
        sheets[sheet_spec.id] = parsed
        issues.extend(sheet_issues)
    known = {s.title for s in sheets.values() if s.title} | {META_SHEET, ERRORS_SHEET}
    issues.extend(
        warning(f"sheet không thuộc biểu mẫu {spec.form}, bị bỏ qua", sheet=name)
        for name in wb.sheet_names
        if name not in known
    )
    return ParsedForm(spec=spec, sheets=sheets, issues=issues)
