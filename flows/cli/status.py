"""`daihoi status`: units × stages as of a date, as a coloured table or the JSON contract."""

from __future__ import annotations

import sys
from datetime import date
from typing import Annotated, Any

import typer
from rich.table import Table

from flows.cli.common import (
    AsOfOption,
    OrgOption,
    PlanOption,
    console,
    err_console,
    open_database,
    optional_date,
    scope_or_fail,
)
from flows.cli.status_decision import (
    STAGE_LABELS,
    forecast_lines,
    render_trend,
    shortfall_entries,
)
from models.db import read_session
from tasks.core.errors import UsageError
from tasks.core.plans import STAGES
from tasks.core.text import vn_int, vn_percent
from tasks.status.present import default_as_of, lag_days, status_json_chunks

STATE_STYLE = {
    "done": ("Xong", "green"),
    "on_track": ("Đúng hạn", "cyan"),
    "at_risk": ("Sắp hạn", "yellow"),
    "overdue": ("Quá hạn", "bold red"),
    "not_started": ("Chưa làm", "magenta"),
    "not_applicable": ("—", "dim"),
}


def _cell(entry: dict[str, Any]) -> str:
    label, style = STATE_STYLE[entry["state"]]
    if entry["state"] == "done":
        return f"[{style}]✓ xong[/]"
    if entry["progress"] is None:
        return f"[{style}]{label}[/]"
    return f"[{style}]{vn_percent(entry['progress'], 0)}[/]"


LEGEND = "  ".join(
    f"[{style}]■ {label}[/]" for label, style in STATE_STYLE.values() if label != "—"
)


def render_summary(doc: dict[str, Any]) -> Table:
    """The scope's stage summaries: one row per stage."""
    as_of = date.fromisoformat(doc["as_of"])
    units = doc["stages"][STAGES[0]]["units"]
    # The units' count in the title, not in every row: "61.442/63.210" would not fit the
    # column at 80 characters and Rich would cut it to "61.442…".
    table = Table(
        title=f"{doc['org']} — ngày {as_of:%d/%m/%Y} — kế hoạch {doc['plan']}"
        f" — {vn_int(units)} đơn vị"
    )
    table.add_column("Nội dung")
    for label in ("Áp dụng", "Xong", "Quá hạn", "Sắp hạn", "Đúng hạn", "Chưa làm", "Tiến độ"):
        table.add_column(label, justify="right")
    for stage in STAGES:
        s = doc["stages"][stage]
        pct = vn_percent(s["progress"])
        table.add_row(
            STAGE_LABELS[stage],
            vn_int(s["applicable"]),
            f"[green]{vn_int(s['done'])}[/]",
            f"[bold red]{vn_int(s['overdue'])}[/]",
            f"[yellow]{vn_int(s['at_risk'])}[/]",
            f"[cyan]{vn_int(s['on_track'])}[/]",
            f"[magenta]{vn_int(s['not_started'])}[/]",
            pct,
        )
    return table


# A terminal table of more units than this is not read but scrolled past (a national one,
# 63,000 rows, also took a minute to draw): a larger scope shows its direct children (tree
# order) or its most behind (lag order), and says how to see the rest, unless --all or --limit.
TEXT_UNITS = 200
# The same for the lines of "Nhân sự còn thiếu" and "Dự báo không kịp tiến độ".
TEXT_LINES = 50


def pick_units(
    doc: dict[str, Any], *, sort: str, limit: int | None, show_all: bool = True
) -> tuple[list[dict[str, Any]], str | None]:
    """The units the table shows, in its order, and the line saying what was left out."""
    units = list(doc["units"])
    if sort == "lag":
        as_of = date.fromisoformat(doc["as_of"])
        units.sort(key=lambda u: -lag_days(u, as_of))
    if limit:
        return units[:limit], None
    if show_all or len(units) <= TEXT_UNITS:
        return units, None
    if sort == "tree":
        top = min(u["depth"] for u in units)
        picked = [u for u in units if u["depth"] == top][:TEXT_UNITS]
        what = "đơn vị trực thuộc trực tiếp"
    else:
        picked, what = units[:TEXT_UNITS], "đơn vị trễ nhất"
    return picked, (
        f"Đang hiện {vn_int(len(picked))} {what} trong tổng số {vn_int(len(units))} đơn vị. "
        "Xem toàn bộ: thêm --all; một đơn vị và các cấp dưới: --org MÃ; "
        "ra Excel: daihoi export status --out TỆP.xlsx."
    )


def render_table(
    doc: dict[str, Any],
    *,
    sort: str,
    limit: int | None,
    width: int = 200,
    units: list[dict[str, Any]] | None = None,
) -> Table:
    """Units × stages, coloured by state, in tree order or most behind first (`units`: those
    pick_units chose, already in order).

    Names are shown when the terminal is wide enough; codes always are."""
    as_of = date.fromisoformat(doc["as_of"])
    with_names = width >= 110
    table = Table(show_lines=False)
    # Codes fold in a narrow terminal; the state columns and the last one never shrink away.
    table.add_column("Mã đơn vị", overflow="fold", min_width=10)
    if with_names:
        table.add_column("Tên tổ chức đảng", overflow="fold", ratio=1, min_width=18)
    table.add_column("Đại hội", no_wrap=True)
    for stage in STAGES:
        table.add_column(STAGE_LABELS[stage], no_wrap=True)
    table.add_column("Trễ", justify="right", no_wrap=True, min_width=3)
    if units is None:
        units, _ = pick_units(doc, sort=sort, limit=limit)
    top = min((u["depth"] for u in units), default=1)
    for unit in units:
        indent = "  " * (unit["depth"] - top) if sort == "tree" else ""
        congress = unit["congress_date"]
        names = [indent + unit["name"]] if with_names else []
        table.add_row(
            (indent if not with_names else "") + unit["code"],
            *names,
            date.fromisoformat(congress).strftime("%d/%m/%y") if congress else "—",
            *[_cell(unit["stages"][s]) for s in STAGES],
            str(lag_days(unit, as_of) or ""),
        )
    return table


def status(
    org: OrgOption = None,
    as_of: AsOfOption = None,
    plan: PlanOption = None,
    year: Annotated[int | None, typer.Option("--year", help="Năm của các chỉ tiêu.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="In JSON (schema 1) ra stdout.")] = False,
    sort: Annotated[
        str, typer.Option("--sort", help="tree (cây đơn vị) hoặc lag (trễ nhiều nhất trước).")
    ] = "tree",
    limit: Annotated[int | None, typer.Option("--limit", help="Chỉ hiện N đơn vị đầu.")] = None,
    forecast: Annotated[
        bool, typer.Option("--forecast", help="Dự báo theo tốc độ 28 ngày qua.")
    ] = False,
    trend: Annotated[
        bool, typer.Option("--trend", help="Diễn biến theo tuần (kèm dự báo).")
    ] = False,
    weeks: Annotated[
        int | None,
        typer.Option(
            "--weeks", help="Số tuần của diễn biến (mặc định 12, hoặc DAIHOI_TREND_WEEKS)."
        ),
    ] = None,
    show_all: Annotated[
        bool,
        typer.Option(
            "--all",
            help=f"Hiện mọi đơn vị (mặc định, với hơn {TEXT_UNITS} đơn vị: chỉ các đơn vị "
            "trực thuộc trực tiếp, hoặc các đơn vị trễ nhất với --sort lag).",
        ),
    ] = False,
) -> None:
    """Tiến độ từng đơn vị theo 4 nội dung chuẩn bị đại hội, tính đến một ngày.

    Ví dụ: daihoi status --org DU-SGDDT --as-of 15/03/2025 --sort lag
    """
    from tasks.status.document import status_result
    from tasks.status.forecast import add_forecast
    from tasks.status.trend import trend_of

    if sort not in ("tree", "lag"):
        raise UsageError("--sort: chỉ nhận 'tree' hoặc 'lag'.")
    if limit is not None and limit < 1:
        raise UsageError(f"--limit: cần một số nguyên dương (đã cho {limit}).")
    if weeks is not None and weeks < 1:
        raise UsageError(f"--weeks: cần một số nguyên dương (đã cho {weeks}).")
    day = optional_date(as_of)
    engine = open_database()
    with read_session(engine) as session:
        scope = scope_or_fail(session, org)
        day = day or default_as_of(session)
        result = status_result(session, scope=scope.code, as_of=day, plan=plan, year=year)
        doc = result.document
        if forecast or trend:
            add_forecast(session, result, plan=plan)
        if trend:
            doc["trend"] = trend_of(
                session, scope=scope, as_of=day, weeks=weeks, plan=plan, year=year
            )
    note = year_note(doc, year)
    if as_json:
        sys.stdout.writelines(status_json_chunks(doc))
        sys.stdout.write("\n")
        if note:
            err_console.print(note, highlight=False, soft_wrap=True)
        return
    units, left_out = pick_units(doc, sort=sort, limit=limit, show_all=show_all)
    cap = None if show_all or limit else TEXT_LINES
    console.print(render_summary(doc))
    console.print(render_table(doc, sort=sort, limit=limit, width=console.width, units=units))
    console.print(LEGEND)
    if left_out:
        console.print(left_out, highlight=False, soft_wrap=True)
    short = shortfall_entries(doc)
    title = "Nhân sự còn thiếu:"
    if cap is not None and len(short) > cap:  # cut: the units short of the most people
        short.sort(key=lambda entry: -entry[0])  # stable: tree order among equals
        title = f"Nhân sự còn thiếu ({vn_int(cap)} đơn vị thiếu nhiều nhất):"
    lines = [line for _, line in short]
    _print_section(title, lines[:limit] if limit else lines, cap)
    if forecast or trend:
        _print_section("Dự báo không kịp tiến độ:", forecast_lines(doc, limit=limit), cap)
    if trend:
        console.print(render_trend(doc))
    if note:
        console.print(note, highlight=False, soft_wrap=True)


def _print_section(title: str, lines: list[str], cap: int | None = None) -> None:
    if not lines:
        return
    console.print(f"[bold]{title}[/]")
    for line in lines[:cap]:
        console.print(f"  {line}", highlight=False, markup=False, soft_wrap=True)
    if cap is not None and len(lines) > cap:
        console.print(
            f"  … và {vn_int(len(lines) - cap)} dòng nữa (xem toàn bộ: thêm --all, "
            "hoặc daihoi status --json).",
            highlight=False,
            soft_wrap=True,
        )


def year_note(doc: dict[str, Any], year: int | None) -> str | None:
    """For `--year`: a line saying so when no unit has figures for that year (the targets'
    numbers would otherwise read as 0%)."""
    if year is None or any(t["reporting"] for t in doc["targets"]):
        return None
    return (
        f"Chưa có số liệu chỉ tiêu năm {year} của {doc['org']}: chưa đơn vị nào gửi biểu mẫu "
        "danh-gia cho năm này."
    )


def register(app: typer.Typer) -> None:
    """Add `daihoi status`."""
    app.command("status")(status)
