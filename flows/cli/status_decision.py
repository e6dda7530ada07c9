"""`daihoi status` text for decision support: shortfalls in words, the forecast, the trend table."""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.table import Table

from tasks.core.plans import STAGES
from tasks.core.text import vn_int, vn_percent

STAGE_LABELS = {
    "personnel": "Nhân sự",
    "inspections": "Kiểm tra",
    "feedback": "Góp ý",
    "training": "Tập huấn",
}
FORECAST_WORDS = {"late": "không kịp", "stalled": "không tiến triển"}


def _rows(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The scope (as its own row) then its units (a leaf's one row is the scope)."""
    if any(u["code"] == doc["self"]["code"] for u in doc["units"]):
        return list(doc["units"])  # a leaf: its own figures are its one row
    own = {"code": doc["self"]["code"], "name": None, "stages": doc["self"]["stages"]}
    return [own, *doc["units"]]


def _label(row: dict[str, Any]) -> str:
    return f"{row['code']} ({row['name']})" if row["name"] else row["code"]


def _people_short(feasibility: dict[str, Any]) -> int:
    """How many people a unit's shortfall names in all: its count, then each category's."""
    short = [int(t["short"]) for t in feasibility["targets"] if t["state"] == "short"]
    return int(feasibility["short_total"]) + sum(short)


def shortfall_entries(doc: dict[str, Any]) -> list[tuple[int, str]]:
    """Per unit (the scope first) whose personnel is short and not yet done, in tree order:
    how many people its shortfall names in all, and its line."""
    from tasks.status.feasibility import shortfall_words  # pandas: not for `daihoi --help`

    found: list[tuple[int, str]] = []
    for row in _rows(doc):
        personnel = row["stages"]["personnel"]
        if personnel["state"] == "done":
            continue
        feasibility = personnel.get("feasibility")
        words = shortfall_words(feasibility)
        if words:
            found.append((_people_short(feasibility), f"{_label(row)}: {words}."))
    return found


def shortfall_lines(doc: dict[str, Any], *, limit: int | None = None) -> list[str]:
    """One line per unit (the scope first) whose personnel is short and not yet done."""
    lines = [line for _, line in shortfall_entries(doc)]
    return lines[:limit] if limit else lines


def _day(iso: str | None) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y") if iso else "—"


def forecast_lines(doc: dict[str, Any], *, limit: int | None = None) -> list[str]:
    """One line per unit and stage forecast `late` or `stalled`."""
    lines = []
    for row in _rows(doc):
        for stage in STAGES:
            entry = row["stages"][stage]
            forecast = entry.get("forecast")
            if not forecast or forecast["state"] not in FORECAST_WORDS:
                continue
            eta = f", dự kiến xong {_day(forecast['eta'])}" if forecast["eta"] else ""
            lines.append(
                f"{_label(row)} — {STAGE_LABELS[stage]}: {FORECAST_WORDS[forecast['state']]}"
                f" (hạn {_day(entry['due'])}{eta})."
            )
    return lines[:limit] if limit else lines


def render_trend(doc: dict[str, Any]) -> Table:
    """The weekly points: per stage, units done of applicable and the progress."""
    table = Table(title="Diễn biến theo tuần (xong/áp dụng — tiến độ)")
    table.add_column("Ngày")
    for stage in STAGES:
        table.add_column(STAGE_LABELS[stage], justify="right")
    for point in doc.get("trend", []):
        cells = []
        for stage in STAGES:
            s = point["stages"][stage]
            cells.append(
                f"{vn_int(s['done'])}/{vn_int(s['applicable'])} — {vn_percent(s['progress'])}"
            )
        table.add_row(_day(point["as_of"]), *cells)
    return table
