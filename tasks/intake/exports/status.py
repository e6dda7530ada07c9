"""`daihoi export status`: units × stages as a formatted workbook (formula injection neutralised)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from tasks.intake.pipeline.error_workbook import set_text

STAGES = ("personnel", "inspections", "feedback", "training")
STAGE_LABELS = {
    "personnel": "Nhân sự",
    "inspections": "Kiểm tra, giám sát",
    "feedback": "Góp ý dự thảo",
    "training": "Tập huấn",
}
STATE_LABELS = {
    "done": "Hoàn thành",
    "overdue": "Quá hạn",
    "at_risk": "Sắp đến hạn",
    "on_track": "Đúng tiến độ",
    "not_started": "Chưa bắt đầu",
    "not_applicable": "Không áp dụng",
}
_FILLS = {
    "done": "FFC6EFCE",
    "overdue": "FFFFC7CE",
    "at_risk": "FFFFEB9C",
    "on_track": "FFDDEBF7",
    "not_started": "FFF2F2F2",
}
_HEADER = PatternFill("solid", start_color="FFD9E1F2", end_color="FFD9E1F2")
_UNIT_COLS = (
    ("Mã đơn vị", 16),
    ("Tên tổ chức đảng", 44),
    ("Loại hình", 20),
    ("Cấp trên", 14),
    ("Ngày đại hội", 13),
)


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _put(ws: Any, row: int, col: int, value: Any, fmt: str | None = None) -> Any:
    cell = ws.cell(row, col)
    if isinstance(value, str):
        set_text(cell, value)
    else:
        cell.value = value
    if fmt and value is not None:
        cell.number_format = fmt
    return cell


def _header(ws: Any, row: int, labels: list[tuple[str, float]]) -> None:
    for c, (label, width) in enumerate(labels, start=1):
        cell = _put(ws, row, c, label)
        cell.font = Font(bold=True)
        cell.fill = _HEADER
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        ws.column_dimensions[get_column_letter(c)].width = width


def build_status_workbook(doc: dict[str, Any]) -> Workbook:
    """Two sheets from a status document: the scope's summary per stage, and units × stages."""
    book = Workbook()
    summary = book.active
    summary.title = "Tổng hợp"
    as_of = date.fromisoformat(doc["as_of"])
    _put(
        summary, 1, 1, f"TIẾN ĐỘ CHUẨN BỊ ĐẠI HỘI — {doc['org']} — ngày {as_of:%d/%m/%Y}"
    ).font = Font(bold=True, size=13)
    _put(summary, 2, 1, f"Kế hoạch: {doc['plan']}")
    labels = [
        "Nội dung",
        "Số đơn vị",
        "Áp dụng",
        "Hoàn thành",
        "Quá hạn",
        "Sắp đến hạn",
        "Đúng tiến độ",
        "Chưa bắt đầu",
        "Tiến độ",
    ]
    _header(summary, 4, [(label, 14 if i else 22) for i, label in enumerate(labels)])
    for r, stage in enumerate(STAGES, start=5):
        s = doc["stages"][stage]
        values = [
            STAGE_LABELS[stage],
            s["units"],
            s["applicable"],
            s["done"],
            s["overdue"],
            s["at_risk"],
            s["on_track"],
            s["not_started"],
        ]
        for c, v in enumerate(values, start=1):
            _put(summary, r, c, v)
        _put(summary, r, 9, s["progress"], "0.0%")

    ws = book.create_sheet("Đơn vị")
    _put(ws, 1, 1, f"TIẾN ĐỘ TỪNG ĐƠN VỊ — {doc['org']} — ngày {as_of:%d/%m/%Y}").font = Font(
        bold=True, size=13
    )
    cols: list[tuple[str, float]] = list(_UNIT_COLS)
    for stage in STAGES:
        label = STAGE_LABELS[stage]
        cols += [(f"{label}: trạng thái", 15), (f"{label}: tiến độ", 11), (f"{label}: hạn", 12)]
    _header(ws, 3, cols)
    ws.row_dimensions[3].height = 32
    ws.freeze_panes = "C4"
    for r, unit in enumerate(doc["units"], start=4):
        _put(ws, r, 1, unit["code"])
        _put(ws, r, 2, unit["name"]).alignment = Alignment(indent=max(0, unit["depth"] - 1))
        _put(ws, r, 3, unit["kind"])
        _put(ws, r, 4, unit["parent"])
        _put(ws, r, 5, _day(unit["congress_date"]), "DD/MM/YYYY")
        for i, stage in enumerate(STAGES):
            entry = unit["stages"][stage]
            c = len(_UNIT_COLS) + 1 + 3 * i
            state = entry["state"]
            cell = _put(ws, r, c, STATE_LABELS.get(state, state))
            if state in _FILLS:
                cell.fill = PatternFill("solid", start_color=_FILLS[state], end_color=_FILLS[state])
            _put(ws, r, c + 1, entry["progress"], "0%")
            _put(ws, r, c + 2, _day(entry["due"]), "DD/MM/YYYY")
    ws.auto_filter.ref = f"A3:{get_column_letter(len(cols))}{max(3, len(doc['units']) + 3)}"
    return book


def write_status_export(doc: dict[str, Any], out: Path) -> Path:
    """Write the status workbook to `out`."""
    out.parent.mkdir(parents=True, exist_ok=True)
    build_status_workbook(doc).save(out)
    return out
