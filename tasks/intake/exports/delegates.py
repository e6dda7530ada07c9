"""`daihoi delegates --out FILE.xlsx`: the delegate allocation table with its totals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from tasks.intake.pipeline.error_workbook import set_text
from tasks.status.delegates import Allocation, method_sentence

COLUMNS = (
    ("STT", 6),
    ("Mã đơn vị", 16),
    ("Tên tổ chức đảng", 46),
    ("Số đảng viên", 14),
    ("Đại biểu cơ bản", 14),
    ("Phân bổ theo tỷ lệ", 14),
    ("Số đại biểu", 13),
)
_HEADER = PatternFill("solid", start_color="FFD9E1F2", end_color="FFD9E1F2")


def _put(ws: Any, row: int, col: int, value: Any) -> Any:
    cell = ws.cell(row, col)
    if isinstance(value, str):
        set_text(cell, value)
    else:
        cell.value = value
    return cell


def build_delegates_workbook(a: Allocation) -> Workbook:
    """One sheet: the title, the method, one row per direct child, then the totals."""
    book = Workbook()
    ws = book.active
    ws.title = "Phân bổ đại biểu"
    _put(ws, 1, 1, f"BẢNG PHÂN BỔ SỐ LƯỢNG ĐẠI BIỂU — {a.scope}").font = Font(bold=True, size=13)
    _put(ws, 2, 1, method_sentence(a))
    for c, (label, width) in enumerate(COLUMNS, start=1):
        cell = _put(ws, 4, c, label)
        cell.font = Font(bold=True)
        cell.fill = _HEADER
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = "A5"
    row = 5
    for i, u in enumerate(a.units, start=1):
        for c, v in enumerate((i, u.code, u.name, u.members, u.base, u.share, u.delegates), 1):
            _put(ws, row, c, v)
        row += 1
    totals = (
        "",
        "",
        "Cộng",
        a.members,
        sum(u.base for u in a.units),
        a.remaining,
        a.elected,
    )
    for c, v in enumerate(totals, start=1):
        _put(ws, row, c, v).font = Font(bold=True)
    _put(ws, row + 1, 3, "Đại biểu đương nhiên")
    _put(ws, row + 1, 7, a.ex_officio)
    _put(ws, row + 2, 3, "Tổng số đại biểu").font = Font(bold=True)
    _put(ws, row + 2, 7, a.total).font = Font(bold=True)
    return book


def write_delegates_export(a: Allocation, out: Path) -> Path:
    """Write the allocation workbook to `out`."""
    out.parent.mkdir(parents=True, exist_ok=True)
    build_delegates_workbook(a).save(out)
    return out
