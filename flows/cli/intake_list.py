"""`daihoi intake list`: the receipt register (DESIGN.md "Imports that replace data"); the same
table `daihoi run intake` prints for the files it handled."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from flows.cli.common import console, open_database, optional_date, scope_or_fail
from models.db import read_session
from tasks.core.errors import UsageError
from tasks.core.text import vn_int

if TYPE_CHECKING:
    from tasks.intake.register import RegisterEntry

intake_app = typer.Typer(
    help="Sổ nhận tệp: đơn vị nào gửi biểu mẫu nào, khi nào, kết quả ra sao.\n\n"
    "Ví dụ: daihoi intake list --org CB-THPT-LQD",
    no_args_is_help=True,
    add_completion=False,
)


def register_table(entries: Sequence[RegisterEntry], title: str = "Sổ nhận tệp") -> Table:
    """The register as a table: id, received at, sender, form, file, letter, state, rows,
    errors (the why and the error workbook: `register_notes`)."""
    from tasks.core.dates import local_zone
    from tasks.intake.register import STATE_WORDS

    table = Table(title=title)
    for label, justify in (
        ("Số", "right"),
        ("Nhận lúc", "left"),
        ("Đơn vị gửi", "left"),
        ("Biểu mẫu", "left"),
        ("Tệp", "left"),
        ("Văn bản", "left"),
        ("Trạng thái", "left"),
        ("Dòng", "right"),
        ("Lỗi", "right"),
    ):
        table.add_column(label, justify=justify, no_wrap=label == "Trạng thái")  # type: ignore[arg-type]
    for e in entries:
        state = STATE_WORDS[e.state]
        if e.undo_of is not None:
            state += f" (hoàn tác {e.undo_of})"
        letter = " ".join(
            x for x in (e.letter_number, f"{e.letter_date:%d/%m/%Y}" if e.letter_date else "") if x
        )
        table.add_row(
            str(e.id),
            f"{e.received_at.astimezone(local_zone()):%H:%M %d/%m/%Y}",
            escape(e.sender or "—"),
            e.form or "—",
            escape(e.file_name),
            escape(letter),
            state,
            vn_int(e.rows),
            vn_int(e.errors),
        )
    return table


def register_notes(entries: Sequence[RegisterEntry]) -> list[str]:
    """Per entry, one line: why (or what it did) and its error workbook."""
    lines = []
    for e in entries:
        parts = [escape(e.message)] if e.message else []
        if e.error_workbook:
            parts.append(f"tệp lỗi: {escape(e.error_workbook)}")
        if parts:
            lines.append(f"  Số {e.id}: " + "; ".join(parts))
    return lines


def print_register(entries: Sequence[RegisterEntry], title: str = "Sổ nhận tệp") -> None:
    """The table, then its notes."""
    console.print(register_table(entries, title))
    for line in register_notes(entries):
        console.print(line, highlight=False, soft_wrap=True)


@intake_app.command("list")
def intake_list(
    org: Annotated[
        str | None,
        typer.Option("--org", help="Chỉ các tệp do đơn vị này (hoặc đơn vị trực thuộc) gửi."),
    ] = None,
    form: Annotated[str | None, typer.Option("--form", help="Chỉ biểu mẫu này.")] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Nhận từ ngày (YYYY-MM-DD hoặc dd/mm/yyyy).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="In JSON (một mảng).")] = False,
) -> None:
    """Sổ nhận tệp: số, lúc nhận, đơn vị gửi, biểu mẫu, số và ngày văn bản, trạng thái (đã
    nhận / trùng / bị từ chối), số dòng, số lỗi, tệp lỗi và lý do.

    Ví dụ: daihoi intake list --form nhan-su --since 01/03/2025
    """
    from tasks.intake.pipeline.spec import all_forms
    from tasks.intake.register import intake_register

    if form is not None and form not in all_forms():
        raise UsageError(
            f"--form: không có biểu mẫu '{form}'; các biểu mẫu: {', '.join(sorted(all_forms()))}."
        )
    day = optional_date(since, "--since")
    engine = open_database()
    with read_session(engine) as session:
        scope = scope_or_fail(session, org) if org is not None else None
        entries = intake_register(session, org=scope, form=form, since=day)
    if as_json:
        sys.stdout.write(json.dumps([e.as_json() for e in entries], ensure_ascii=False) + "\n")
        return
    if not entries:
        console.print("Chưa có tệp nào khớp điều kiện.")
        return
    print_register(entries)


def register(app: typer.Typer) -> None:
    """Add `daihoi intake list`."""
    app.add_typer(intake_app, name="intake")
