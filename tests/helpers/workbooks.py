"""Building workbooks and small registries for intake tests (plain openpyxl, real files)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import (
    AuditEvent,
    Candidate,
    CandidateStep,
    Congress,
    Inspection,
    Organisation,
    OrgLink,
    Remedy,
    YearFigures,
)
from models.db import read_session, write_session
from models.enums import OrgKind
from tests.helpers.factories import add_org

NHAN_SU = [
    "STT",
    "Mã đơn vị",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Dân tộc",
    "Tôn giáo",
    "Quê quán",
    "Ngày vào Đảng",
    "Ngày chính thức",
    "Trình độ chuyên môn",
    "Học hàm, học vị",
    "Lý luận chính trị",
    "Chức vụ hiện nay",
    "Tái cử",
    "Dự kiến chức danh",
    "Bước quy trình",
    "Ngày qua bước",
    "Tỷ lệ phiếu (%)",
    "Ghi chú",
]
DATA_TABLES = (
    Organisation,
    OrgLink,
    Congress,
    Candidate,
    CandidateStep,
    Inspection,
    Remedy,
    YearFigures,
    AuditEvent,
)


def person(**overrides: Any) -> dict[str, Any]:
    """A valid nhan-su row by label; keyword names use '_' for spaces (ho_va_ten=...)."""
    row: dict[str, Any] = {
        "Họ và tên": "Nguyễn Văn An",
        "Ngày sinh": "15/04/1975",
        "Giới tính": "Nam",
        "Dân tộc": "Kinh",
        "Tôn giáo": "Không",
        "Quê quán": "Long An",
        "Ngày vào Đảng": "03/02/2000",
        "Ngày chính thức": "03/02/2001",
        "Trình độ chuyên môn": "Thạc sĩ Quản lý giáo dục",
        "Lý luận chính trị": "Cao cấp",
        "Chức vụ hiện nay": "Hiệu trưởng",
        "Tái cử": "Tái cử",
        "Dự kiến chức danh": "Bí thư",
        "Bước quy trình": 2,
        "Ngày qua bước": "10/01/2025",
    }
    row.update(overrides)
    return row


def write_book(
    path: Path,
    sheets: dict[str, tuple[Sequence[str], Sequence[dict[str, Any] | Sequence[Any] | None]]],
    *,
    header_row: int = 1,
    meta: dict[str, Any] | None = None,
    titles: Sequence[str] = (),
) -> Path:
    """Write sheets of (header labels, rows): a row is a dict by label, a list by position, or
    None for a blank row. Titles go in the rows above the header."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, (header, rows) in sheets.items():
        ws = book.create_sheet(name)
        for i, title in enumerate(titles, start=1):
            ws.cell(i, 1, title)
        for c, label in enumerate(header, start=1):
            ws.cell(header_row, c, label)
        for r, row in enumerate(rows, start=header_row + 1):
            if row is None:
                continue
            values = [row.get(label) for label in header] if isinstance(row, dict) else list(row)
            for c, value in enumerate(values, start=1):
                if value is not None:
                    ws.cell(r, c, value)
    if meta is not None:
        ws = book.create_sheet("_meta")
        for r, (k, v) in enumerate(meta.items(), start=1):
            ws.cell(r, 1, k)
            ws.cell(r, 2, v)
        ws.sheet_state = "hidden"
    book.save(path)
    return path


def nhan_su_book(path: Path, rows: Sequence[dict[str, Any] | None], **kw: Any) -> Path:
    """A nhan-su workbook with the full header."""
    return write_book(path, {"Nhân sự": (NHAN_SU, rows)}, **kw)


def seed_tree(congress: date = date(2025, 4, 20)) -> dict[str, int]:
    """DU (root) → CB-A, CB-B, DB-C → CB-C1; returns ids by code."""
    with write_session() as s:
        root = add_org(s, "DU", OrgKind.TREN_CO_SO, name="Đảng ủy Sở", committee_size=15)
        a = add_org(s, "CB-A", parent=root, congress=congress)
        b = add_org(s, "CB-B", parent=root, congress=congress)
        c = add_org(s, "DB-C", OrgKind.DANG_BO_CO_SO, parent=root, congress=congress)
        c1 = add_org(s, "CB-C1", OrgKind.CHI_BO_TRUC_THUOC, parent=c, congress=congress)
        return {o.code: o.id for o in (root, a, b, c, c1)}


def counts(session: Session | None = None) -> dict[str, int]:
    """Row counts of every data table (intake records excluded): 'nothing written' is equality."""

    def run(s: Session) -> dict[str, int]:
        return {
            t.__tablename__: s.scalar(select(func.count()).select_from(t)) or 0 for t in DATA_TABLES
        }

    if session is not None:
        return run(session)
    with read_session() as s:
        return run(s)


def excel_date(d: date) -> datetime:
    """A date as openpyxl writes an Excel date cell."""
    return datetime(d.year, d.month, d.day)


def fill_form(
    path: Path,
    sheet: str,
    rows: Sequence[dict[str, Any]],
    *,
    header_row: int = 4,
    clear: bool = True,
) -> Path:
    """Type rows (by label) into a workbook `daihoi forms` wrote, as a person would; `clear`
    first deletes the pre-filled rows."""
    from tasks.intake.pipeline.error_workbook import set_text
    from tasks.intake.pipeline.workbook import header_label

    book = openpyxl.load_workbook(path)
    ws = book[sheet]
    columns = {header_label(c.value): c.column for c in ws[header_row] if c.value}
    if clear:
        for row in ws.iter_rows(min_row=header_row + 1):
            for cell in row:
                cell.value = None
    for r, row in enumerate(rows, start=header_row + 1):
        for label, value in row.items():
            cell = ws.cell(r, columns[label])
            if isinstance(value, str):
                set_text(cell, value)  # typed with a leading apostrophe when it starts with '='
            else:
                cell.value = value
    book.save(path)
    return path
