"""`daihoi forms`: a workbook for a unit to fill — title rows, header, dropdowns, date formats,
widths that fit Vietnamese labels, the hidden `_meta` sheet, and the unit's current rows."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy.orm import Session

from models.queries import OrgRef
from tasks.intake.exports.form_lists import FormLists, RefSheet, form_lists, lop_tap_huan_rows
from tasks.intake.forms.registry import get_importer
from tasks.intake.pipeline.cells import STATUS_MERGED
from tasks.intake.pipeline.error_workbook import set_text
from tasks.intake.pipeline.spec import ColumnSpec, FormSpec, SheetSpec, load_form
from tasks.intake.pipeline.workbook import META_SHEET
from tasks.intake.versions import latest_version
from tasks.status.present import default_as_of

HEADER_ROW = 4
DATE_FORMAT = "DD/MM/YYYY"
BLANK_ROWS = 500  # rows below the pre-filled ones that get dropdowns
REF_FIRST_ROW = 3  # a reference sheet: title, header, then its rows
_THIN = Side(style="thin", color="FF808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", start_color="FFDDEBF7", end_color="FFDDEBF7")


@dataclass(frozen=True)
class WrittenForm:
    """A generated workbook: where, which form and version, how many rows were pre-filled (with
    the facts dated by `as_of`), and what the person asking should know about its lists."""

    path: Path
    form: str
    version: int
    rows: int
    base_version: int
    as_of: date | None = None
    notes: tuple[str, ...] = ()


class FormExists(FileExistsError):
    """The output file is already there and overwriting was not asked for."""


def default_form_path(form: str, org_code: str) -> Path:
    """`./<form>_<org>.xlsx`."""
    return Path(f"{form}_{org_code}.xlsx")


def header_text(col: ColumnSpec) -> str:
    """The printed header: label, `(*)` when required, the hint after a line break."""
    label = f"{col.label} (*)" if col.required else col.label
    hint = col.hint or ("dd/mm/yyyy" if col.type == "date" else None)
    return f"{label}\n({hint})" if hint else label


def _width(col: ColumnSpec) -> float:
    """Characters wide enough for the label (and its longest choice): diacritics stack, they do
    not widen, so the character count is the measure; wrapped headers cap the width."""
    if col.width:
        return float(col.width)
    longest = max([len(col.label) + (4 if col.required else 0), *(len(c) for c in col.choices)])
    if col.type == "date":
        longest = max(longest, 12)
    return float(min(max(10, longest * 0.9 + 3), 45))


def cell_value(col: ColumnSpec, value: Any) -> Any:
    """A stored value as the form shows it (what the importer reads back unchanged)."""
    if value is None:
        return None
    if col.type == "multichoice":
        return "; ".join(value)
    if col.type == "status":
        status, code = value
        return f"{STATUS_MERGED} {code}" if status == STATUS_MERGED else status
    if col.type == "date" and isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _list_validation(col: ColumnSpec, source: str, count: int) -> DataValidation:
    """A dropdown listing a reference sheet's first column; other values warn, not refuse
    (the importer checks them, and compares codes and numbers leniently)."""
    return DataValidation(
        type="list",
        formula1=f"{quote_sheetname(source)}!$A${REF_FIRST_ROW}:$A${REF_FIRST_ROW + count - 1}",
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",
        errorTitle=col.label,
        error=f"Giá trị này không có trong danh sách ở sheet '{source}'.",
    )


def _ref_sheet(book: Workbook, ref: RefSheet) -> None:
    ws = book.create_sheet(ref.name)
    set_text(ws["A1"], ref.title)
    ws["A1"].font = Font(bold=True)
    for c_idx, (label, width) in enumerate(zip(ref.headers, ref.widths, strict=True), start=1):
        cell = ws.cell(REF_FIRST_ROW - 1, c_idx, label)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        ws.column_dimensions[get_column_letter(c_idx)].width = width
    for r_idx, values in enumerate(ref.rows, start=REF_FIRST_ROW):
        for c_idx, value in enumerate(values, start=1):
            cell = ws.cell(r_idx, c_idx)
            if isinstance(value, date):
                cell.value = datetime(value.year, value.month, value.day)
                cell.number_format = DATE_FORMAT
            elif isinstance(value, str):
                set_text(cell, value)
            else:
                cell.value = value
    ws.freeze_panes = ws.cell(REF_FIRST_ROW, 1)
    ws.protection.sheet = True  # a reference: read, not edited


def _sheet(
    book: Workbook,
    spec: SheetSpec,
    form: FormSpec,
    org: OrgRef,
    rows: list[dict[str, Any]],
    first: bool,
    lists: FormLists,
) -> None:
    ws = book.active if first else book.create_sheet()
    ws.title = spec.name
    cols = [
        replace(c, choices=lists.choices[c.field]) if c.field in lists.choices else c
        for c in spec.columns
    ]
    refs = {ref.name: ref for ref in lists.sheets}
    last = get_column_letter(len(cols))
    ws["A1"] = form.title
    ws["A1"].font = Font(bold=True, size=13)
    ws.merge_cells(f"A1:{last}1")
    ws["A1"].alignment = Alignment(horizontal="center")
    set_text(ws["A2"], f"Đơn vị: {org.name} ({org.code})")
    ws["A2"].font = Font(bold=True)
    ws.merge_cells(f"A2:{last}2")
    ws["A3"] = (
        "Cột có dấu (*) là bắt buộc; ngày ghi dd/mm/yyyy; chọn giá trị trong danh sách thả xuống."
    )
    ws["A3"].font = Font(italic=True, size=9)
    ws.merge_cells(f"A3:{last}3")
    for c_idx, col in enumerate(cols, start=1):
        cell = ws.cell(HEADER_ROW, c_idx, header_text(col))
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        ws.column_dimensions[get_column_letter(c_idx)].width = _width(col)
    ws.row_dimensions[HEADER_ROW].height = 45
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 1)
    end = HEADER_ROW + len(rows) + BLANK_ROWS
    for r_off, values in enumerate(rows, start=1):
        r = HEADER_ROW + r_off
        for c_idx, col in enumerate(cols, start=1):
            value = r_off if col.type == "ignored" else cell_value(col, values.get(col.field))
            cell = ws.cell(r, c_idx)
            if isinstance(value, str):
                set_text(cell, value)
            else:
                cell.value = value
    for c_idx, col in enumerate(cols, start=1):
        letter = get_column_letter(c_idx)
        fmt = {"date": DATE_FORMAT, "code": "@", "text": "@", "choice": "@", "status": "@"}.get(
            col.type
        )
        if fmt:
            # The column's style formats what the unit types below; filled cells carry it too.
            ws.column_dimensions[letter].number_format = fmt
            for r in range(HEADER_ROW + 1, HEADER_ROW + len(rows) + 1):
                ws.cell(r, c_idx).number_format = fmt
        source = lists.from_sheet.get(col.field)
        if source is not None and refs[source].rows:
            dv = _list_validation(col, source, len(refs[source].rows))
            dv.add(f"{letter}{HEADER_ROW + 1}:{letter}{end}")
            ws.add_data_validation(dv)
        elif col.type == "choice":
            dv = DataValidation(
                type="list",
                formula1='"' + ",".join(col.choices) + '"',
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=col.label,
                error="Hãy chọn một giá trị trong danh sách: " + ", ".join(col.choices),
            )
            dv.add(f"{letter}{HEADER_ROW + 1}:{letter}{end}")
            ws.add_data_validation(dv)
        elif col.type == "multichoice":
            dv = DataValidation(
                allow_blank=True,
                showInputMessage=True,
                promptTitle=col.label,
                prompt="Các giá trị cách nhau bởi ';': " + "; ".join(col.choices),
            )
            dv.add(f"{letter}{HEADER_ROW + 1}:{letter}{end}")
            ws.add_data_validation(dv)


def form_as_of(session: Session, as_of: date | None) -> date:
    """The day a form states the facts of: as asked, else a demo's date, else today."""
    return as_of if as_of is not None else default_as_of(session)


def build_workbook(
    session: Session,
    *,
    form: str,
    org: OrgRef,
    prefill: bool = True,
    as_of: date | None = None,
    lists: FormLists | None = None,
) -> tuple[Workbook, int, int]:
    """The form's workbook for a unit, pre-filled where the form has rows with the facts dated
    by as_of (default: form_as_of), with its lookup lists; (book, rows, base)."""
    spec = load_form(form)
    day = form_as_of(session, as_of)
    importer = get_importer(form)
    data: dict[str, list[dict[str, Any]]] = {}
    if prefill and importer is not None and importer.prefill is not None:
        data = importer.prefill(session, org, day)
    elif prefill and form == "lop-tap-huan":
        data = {"lop-tap-huan": lop_tap_huan_rows(session, org, day)}
    if lists is None:
        lists = form_lists(session, form=form, org=org, as_of=day)
    book = Workbook()
    for i, sheet in enumerate(spec.sheets):
        _sheet(book, sheet, spec, org, data.get(sheet.id, []), first=i == 0, lists=lists)
    for ref in lists.sheets:
        _ref_sheet(book, ref)
    base = latest_version(session, form=form, org=org)
    meta = book.create_sheet(META_SHEET)
    for r, (key, value) in enumerate(
        (
            ("form", spec.form),
            ("version", str(spec.version)),
            ("org_code", org.code),
            ("base_version", str(base)),
        ),
        start=1,
    ):
        meta.cell(r, 1, key)
        set_text(meta.cell(r, 2), value)
    meta.sheet_state = "hidden"
    book.active = 0
    book.properties.creator = "daihoi"
    return book, sum(len(v) for v in data.values()), base


def write_form(
    session: Session,
    *,
    form: str,
    org: OrgRef,
    out: Path,
    as_of: date | None = None,
    overwrite: bool = True,
) -> WrittenForm:
    """Write the unit's workbook for `form` to `out`; FormExists when `out` is there and
    `overwrite` is off (the check and the creation are one step: no race)."""
    day = form_as_of(session, as_of)
    lists = form_lists(session, form=form, org=org, as_of=day)
    book, rows, base = build_workbook(session, form=form, org=org, as_of=day, lists=lists)
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        with out.open("wb" if overwrite else "xb") as target:
            book.save(target)
    except FileExistsError as e:
        raise FormExists(e.errno, e.strerror, str(out)) from e
    return WrittenForm(
        path=out,
        form=form,
        version=load_form(form).version,
        rows=rows,
        base_version=base,
        as_of=day,
        notes=lists.notes,
    )
