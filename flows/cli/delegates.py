"""`daihoi delegates`: how a congress's delegates are shared among the scope's direct children."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from flows.cli.common import OrgOption, console, open_database, scope_or_fail
from models.db import read_session
from tasks.core.errors import UsageError, UserError, os_error_text
from tasks.core.text import vn_int
from tasks.status.delegates import Allocation, Figures, delegate_allocation, method_sentence

TotalOption = Annotated[
    int, typer.Option("--total", help="Tổng số đại biểu của đại hội (T).", show_default=False)
]
ExOfficioOption = Annotated[
    int,
    typer.Option(
        "--ex-officio", help="Số đại biểu đương nhiên (E: ủy viên ban chấp hành khóa đương nhiệm)."
    ),
]
BaseOption = Annotated[
    int, typer.Option("--base", help="Số đại biểu cơ bản của mỗi đơn vị trực thuộc (b).")
]


def render_allocation(a: Allocation) -> Table:
    """The allocation as a table: one row per direct child, then the totals."""
    table = Table(title=f"Phân bổ đại biểu — {escape(a.scope)}", show_footer=True)
    table.add_column("Mã đơn vị", overflow="fold", footer="Cộng")
    table.add_column("Tên tổ chức đảng", overflow="fold", ratio=1)
    table.add_column("Đảng viên", justify="right", footer=vn_int(a.members))
    table.add_column("Cơ bản", justify="right", footer=vn_int(sum(u.base for u in a.units)))
    table.add_column("Theo tỷ lệ", justify="right", footer=vn_int(a.remaining))
    table.add_column("Đại biểu", justify="right", footer=vn_int(a.elected))
    for u in a.units:
        table.add_row(
            escape(u.code),
            escape(u.name),
            vn_int(u.members),
            vn_int(u.base),
            vn_int(u.share),
            f"[bold]{vn_int(u.delegates)}[/]",
        )
    return table


def delegates(
    total: TotalOption,
    org: OrgOption = None,
    ex_officio: ExOfficioOption = 0,
    base: BaseOption = 1,
    as_json: Annotated[bool, typer.Option("--json", help="In JSON ra stdout.")] = False,
    out: Annotated[
        Path | None, typer.Option("--out", help="Ghi bảng phân bổ ra tệp .xlsx.")
    ] = None,
) -> None:
    """Phân bổ số lượng đại biểu dự đại hội cho các đơn vị trực thuộc.

    Mỗi đơn vị được b đại biểu cơ bản; R = T − E − b·n đại biểu còn lại chia theo tỷ lệ số
    đảng viên (chính thức và dự bị) bằng phương pháp số dư lớn nhất.

    Ví dụ: daihoi delegates --org DU-SGDDT --total 200 --ex-officio 25 --base 1
    """
    if out is not None and out.suffix.lower() != ".xlsx":
        raise UsageError("--out: tên tệp phải có đuôi .xlsx")
    engine = open_database()
    with read_session(engine) as session:
        scope = scope_or_fail(session, org)
        figures = Figures(total, ex_officio, base)
        allocation = delegate_allocation(session, scope=scope, figures=figures)
    if out is not None:
        from tasks.intake.exports.delegates import write_delegates_export

        try:
            write_delegates_export(allocation, out)
        except OSError as e:
            raise UserError(f"Không ghi được tệp '{out}': {os_error_text(e)}.") from e
    if as_json:
        sys.stdout.write(json.dumps(allocation.as_json(), ensure_ascii=False) + "\n")
        return
    console.print(render_allocation(allocation))
    console.print(
        f"Đại biểu đương nhiên: {vn_int(allocation.ex_officio)}; tổng số đại biểu: "
        f"{vn_int(allocation.total)}.",
        highlight=False,
    )
    console.print(method_sentence(allocation), highlight=False)
    if out is not None:
        console.print(f"Đã ghi bảng phân bổ: {escape(str(out))}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add `daihoi delegates`."""
    app.command("delegates")(delegates)
