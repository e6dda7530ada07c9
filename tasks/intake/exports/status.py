"""`daihoi export status`: units × stages as a formatted workbook (formula injection neutralised)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
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


def _cell(ws: Any, value: Any, fmt: str | None = None) -> Any:
    """A write-only cell: text never read as a formula (set_text), a number format if given."""
    cell = WriteOnlyCell(ws)
    if isinstance(value, str):
        set_text(cell, value)
    else:
        cell.value = value
    if fmt and value is not None:
        cell.number_format = fmt
    return cell


def _header(ws: Any, labels: list[tuple[str, float]]) -> list[Any]:
    """The header row's cells; the columns' widths set (before any row is written)."""
    cells = []
    for c, (label, width) in enumerate(labels, start=1):
        cell = _cell(ws, label)
        cell.font = _BOLD
        cell.fill = _HEADER
        cell.alignment = _CENTRED
        cells.append(cell)
        ws.column_dimensions[get_column_letter(c)].width = width
    return cells


def _title(ws: Any, text: str) -> Any:
    cell = _cell(ws, text)
    cell.font = _TITLE
    return cell


_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=13)
_CENTRED = Alignment(wrap_text=True, horizontal="center", vertical="center")
_STATE_FILLS = {
    state: PatternFill("solid", start_color=colour, end_color=colour)
    for state, colour in _FILLS.items()
}


def build_status_workbook(doc: dict[str, Any]) -> Workbook:
    """Two sheets from a status document: the scope's summary per stage, and units × stages.
    Written row by row (openpyxl's write-only mode): a national export's 63,000 rows are never
    all held as cells."""
    book = Workbook(write_only=True)
    summary = book.create_sheet("Tổng hợp")
    as_of = date.fromisoformat(doc["as_of"])
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
    header = _header(summary, [(label, 14 if i else 22) for i, label in enumerate(labels)])
    summary.append(
        [_title(summary, f"TIẾN ĐỘ CHUẨN BỊ ĐẠI HỘI — {doc['org']} — ngày {as_of:%d/%m/%Y}")]
    )
    summary.append([_cell(summary, f"Kế hoạch: {doc['plan']}")])
    summary.append([])
    summary.append(header)
    for stage in STAGES:
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
        summary.append(
            [*(_cell(summary, v) for v in values), _cell(summary, s["progress"], "0.0%")]
        )

    ws = book.create_sheet("Đơn vị")
    cols: list[tuple[str, float]] = list(_UNIT_COLS)
    for stage in STAGES:
        label = STAGE_LABELS[stage]
        cols += [(f"{label}: trạng thái", 15), (f"{label}: tiến độ", 11), (f"{label}: hạn", 12)]
    header = _header(ws, cols)
    ws.row_dimensions[3].height = 32
    ws.freeze_panes = "C4"
    ws.auto_filter.ref = f"A3:{get_column_letter(len(cols))}{max(3, len(doc['units']) + 3)}"
    ws.append([_title(ws, f"TIẾN ĐỘ TỪNG ĐƠN VỊ — {doc['org']} — ngày {as_of:%d/%m/%Y}")])
    ws.append([])
    ws.append(header)
    indents: dict[int, Alignment] = {}
    for unit in doc["units"]:
        name = _cell(ws, unit["name"])
        depth = max(0, unit["depth"] - 1)
        name.alignment = indents.get(depth) or indents.setdefault(depth, Alignment(indent=depth))
        row = [
            _cell(ws, unit["code"]),
            name,
            _cell(ws, unit["kind"]),
            _cell(ws, unit["parent"]),
            _cell(ws, _day(unit["congress_date"]), "DD/MM/YYYY"),
        ]
        for stage in STAGES:
            entry = unit["stages"][stage]
            state = entry["state"]
            cell = _cell(ws, STATE_LABELS.get(state, state))
            if state in _STATE_FILLS:
                cell.fill = _STATE_FILLS[state]
            row += [
                cell,
                _cell(ws, entry["progress"], "0%"),
                _cell(ws, _day(entry["due"]), "DD/MM/YYYY"),
            ]
        ws.append(row)
    return book


def write_status_export(doc: dict[str, Any], out: Path) -> Path:
    """Write the status workbook to `out`."""
    out.parent.mkdir(parents=True, exist_ok=True)
    build_status_workbook(doc).save(out)
    return out
