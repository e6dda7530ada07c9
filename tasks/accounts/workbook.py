"""The activation codes workbook (`daihoi users codes --out`, /tai-khoan): one row per unit
account, to print and hand out. Text cells are written as text (no formula)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from tasks.accounts.admin import IssuedCode
from tasks.core.dates import local_zone

HEADERS = (
    ("STT", 6),
    ("Mã đơn vị", 18),
    ("Tên tổ chức đảng", 48),
    ("Tên đăng nhập", 20),
    ("Mã kích hoạt (dùng một lần)", 26),
    ("Hạn dùng", 12),
)
_THIN = Side(style="thin", color="FF808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _text(cell: object, value: str | None) -> None:
    cell.value = value  # type: ignore[attr-defined]
    if value:
        cell.data_type = "s"  # type: ignore[attr-defined]
        if value[0] in "=+-@":
            cell.quotePrefix = True  # type: ignore[attr-defined]


def build_codes_workbook(codes: Sequence[IssuedCode], *, where: str = "/kich-hoat") -> Workbook:
    """The workbook: a title, how to use a code, then one row per account."""
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "Mã kích hoạt"
    ws["A1"] = "MÃ KÍCH HOẠT TÀI KHOẢN ĐƠN VỊ"
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = (
        f"Mỗi đơn vị vào trang Kích hoạt ({where}), nhập tên đăng nhập, mã kích hoạt và đặt mật "
        "khẩu (ít nhất 10 ký tự). Mỗi mã chỉ dùng được một lần, trước hạn dùng."
    )
    ws["A2"].alignment = Alignment(wrap_text=True)
    ws.merge_cells("A2:F2")
    ws.row_dimensions[2].height = 32
    for col, (label, width) in enumerate(HEADERS, start=1):
        cell = ws.cell(4, col, label)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", start_color="FFDDEBF7", end_color="FFDDEBF7")
        cell.border = _BORDER
        ws.column_dimensions[cell.column_letter].width = width
    for i, code in enumerate(codes, start=1):
        row = 4 + i
        values = (
            None,
            code.org_code,
            code.org_name,
            code.login,
            code.code,
            code.expires_at.astimezone(local_zone()).strftime("%d/%m/%Y"),
        )
        ws.cell(row, 1, i).border = _BORDER
        for col, value in enumerate(values[1:], start=2):
            cell = ws.cell(row, col)
            _text(cell, value)
            cell.border = _BORDER
        ws.cell(row, 5).font = Font(name="Consolas", bold=True)
    ws.freeze_panes = "A5"
    book.properties.creator = "daihoi"
    return book


def codes_workbook_bytes(codes: Sequence[IssuedCode], *, where: str = "/kich-hoat") -> bytes:
    """The workbook as .xlsx bytes (the web sends it without touching the disk)."""
    buffer = io.BytesIO()
    build_codes_workbook(codes, where=where).save(buffer)
    return buffer.getvalue()


def write_codes_workbook(codes: Sequence[IssuedCode], out: Path) -> Path:
    """Write the workbook to a file (through a temporary name, so a half file never stays)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_bytes(codes_workbook_bytes(codes))
    tmp.replace(out)
    return out
