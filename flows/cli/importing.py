"""`daihoi import`: files in the order given, each all-or-nothing; `--dry-run` shows what each
would do and writes nothing; a file removing more than half of a unit's rows stops unless
`--yes`; `--undo INTAKE_ID` puts a unit's form back as before that intake (no Prefect)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from flows.cli.common import console, err_console, open_database, optional_date, scope_or_fail
from models.db import read_session
from models.enums import IntakeState
from tasks.core.errors import UsageError
from tasks.core.text import vn_int

if TYPE_CHECKING:  # openpyxl and pandas load only when a command needs them
    from sqlalchemy import Engine

    from tasks.intake.receive import FileOutcome, ImportOptions

STATE_TEXT = {
    IntakeState.ACCEPTED: "[green]đã nhận[/]",
    IntakeState.DUPLICATE: "[cyan]trùng, bỏ qua[/]",
    IntakeState.REJECTED: "[bold red]bị từ chối[/]",
    IntakeState.RECEIVED: "đã nhận",
    IntakeState.SUPERSEDED: "đã thay thế",
}
DRY_STATE_TEXT = {
    IntakeState.ACCEPTED: "[green]sẽ được nhận[/]",
    IntakeState.DUPLICATE: "[cyan]trùng, sẽ bỏ qua[/]",
    IntakeState.REJECTED: "[bold red]sẽ bị từ chối[/]",
}
# Forms whose letter number and date --so-van-ban / --ngay set (FORMS.md §4).
LETTER_FORMS = {"gop-y"}


def import_(
    files: Annotated[
        list[Path] | None, typer.Argument(help="Các tệp .xlsx, nhập theo thứ tự đã cho.")
    ] = None,
    org: Annotated[
        str | None,
        typer.Option(
            "--org",
            help="Mã đơn vị gửi (mặc định: theo _meta của tệp; không bao giờ mặc định là "
            "đơn vị gốc).",
        ),
    ] = None,
    so_van_ban: Annotated[
        str | None,
        typer.Option("--so-van-ban", help="Số văn bản góp ý của đơn vị (biểu mẫu gop-y)."),
    ] = None,
    ngay: Annotated[
        str | None, typer.Option("--ngay", help="Ngày văn bản (dd/mm/yyyy hoặc YYYY-MM-DD).")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Nhập cả khi biểu mẫu đã cũ hơn dữ liệu hiện có.")
    ] = False,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help="Chỉ xem trước số dòng thêm / sửa / xoá của mỗi đơn vị; không ghi gì."
        ),
    ] = False,
    yes: Annotated[
        bool,
        typer.Option("--yes", help="Xác nhận nhập cả khi tệp xoá quá nửa số dòng của đơn vị."),
    ] = False,
    undo: Annotated[
        int | None,
        typer.Option(
            "--undo",
            metavar="INTAKE_ID",
            help="Hoàn tác một lần nhận (số trong 'daihoi intake list'): đưa biểu mẫu của đơn "
            "vị về như trước lần đó.",
        ),
    ] = None,
) -> None:
    """Nhập các biểu mẫu Excel đơn vị gửi về; mỗi tệp hoặc được nhận toàn bộ hoặc bị từ chối toàn bộ.

    Tệp bị từ chối được ghi kèm tệp lỗi <tên>_loi.xlsx bên cạnh, đánh dấu từng ô sai. Tệp
    sẽ xoá quá nửa số dòng hiện có của một đơn vị (từ 5 dòng) thì dừng lại, in số liệu, trừ
    khi có --yes. --dry-run chỉ in những gì sẽ thay đổi.

    Ví dụ: daihoi import nhan-su_CB-THPT-LQD.xlsx --org CB-THPT-LQD --dry-run
    """
    from tasks.intake.receive import ImportOptions

    engine = open_database()
    if undo is not None:
        if files or org or so_van_ban or ngay or force:
            raise UsageError("--undo không dùng cùng tệp, --org, --so-van-ban, --ngay hay --force.")
        _undo(engine, undo, yes=yes, dry_run=dry_run)
        return
    if not files:
        raise UsageError("Thiếu tệp cần nhập (hoặc --undo INTAKE_ID).")
    letter_date = optional_date(ngay, "--ngay")
    if org is not None:
        check_sender_option(engine, org)
    options = ImportOptions(
        sender_code=org,
        letter_number=so_van_ban,
        letter_date=letter_date,
        force=force,
        dry_run=dry_run,
        confirm=yes,
    )
    outcomes = _run_all(engine, files, options)
    for outcome in outcomes:
        _report(outcome, letter=so_van_ban is not None or ngay is not None)
    if dry_run or len(outcomes) > 1 or outcomes[0].state is not IntakeState.REJECTED:
        console.print(_summary(outcomes, dry_run=dry_run))
    if any(o.state is IntakeState.REJECTED or o.needs_confirmation for o in outcomes):
        raise typer.Exit(1)


def check_sender_option(engine: Engine, org: str) -> None:
    """An unknown `--org` is a usage error (exit 2), before any file is read; with no units yet
    (don-vi creating the registry) the code cannot be checked and the import decides."""
    from tasks.intake.identify import registry_empty

    with read_session(engine) as session:
        if not registry_empty(session):
            scope_or_fail(session, org)


def _run_all(engine: Engine, files: list[Path], options: ImportOptions) -> list[FileOutcome]:
    from tasks.intake.receive import import_file

    if len(files) == 1:
        return [import_file(files[0], options, engine=engine)]
    outcomes: list[FileOutcome] = []
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err_console,
        transient=True,
    ) as progress:
        task = progress.add_task("Đang nhập", total=len(files))
        for path in files:
            progress.update(task, description=f"Đang nhập {path.name}")
            outcomes.append(import_file(path, options, engine=engine))
            progress.advance(task)
    return outcomes


def _undo(engine: Engine, intake_id: int, *, yes: bool, dry_run: bool) -> None:
    from tasks.intake.undo import undo_intake

    plan, outcome = undo_intake(intake_id, confirm=yes, dry_run=dry_run, engine=engine)
    _report(outcome, letter=False)
    if outcome.state is IntakeState.ACCEPTED:
        done = "Sẽ" if dry_run else "Đã"
        number = "" if dry_run else f" (lần nhận số {outcome.intake_id})"
        console.print(f"{done} {escape(plan.text())}{number}.", highlight=False, soft_wrap=True)
    console.print(_summary([outcome], dry_run=dry_run))
    if outcome.state is IntakeState.REJECTED:
        raise typer.Exit(1)


def _report(outcome: FileOutcome, *, letter: bool) -> None:
    name = escape(outcome.path.name)
    if letter and outcome.form is not None and outcome.form not in LETTER_FORMS:
        err_console.print(
            f"[yellow]Cảnh báo:[/] {name}: --so-van-ban / --ngay chỉ dùng cho biểu mẫu góp ý "
            f"(gop-y); với biểu mẫu {outcome.form} chúng không được ghi.",
            highlight=False,
            soft_wrap=True,
        )
    if outcome.state is IntakeState.REJECTED:
        err_console.print(
            f"[bold red]Lỗi:[/] {escape(outcome.message or name)}", highlight=False, soft_wrap=True
        )
        if len(outcome.issues) > 1 or outcome.issues[0].message != outcome.message:
            for issue in outcome.errors:
                err_console.print(f"  - {escape(issue.text())}", highlight=False, soft_wrap=True)
        if outcome.error_workbook:
            err_console.print(
                f"  Tệp lỗi để đơn vị sửa và gửi lại: {escape(str(outcome.error_workbook))}",
                highlight=False,
            )
    elif outcome.state is IntakeState.DUPLICATE:
        console.print(f"{escape(outcome.message or name)}", highlight=False)
    if outcome.changes or (outcome.dry_run and outcome.state is IntakeState.ACCEPTED):
        console.print(_changes(outcome))
    if outcome.dry_run and outcome.needs_confirmation and outcome.state is IntakeState.ACCEPTED:
        err_console.print(
            f"[bold red]Dừng:[/] {escape(outcome.message or '')}", highlight=False, soft_wrap=True
        )
    for issue in outcome.warnings:
        err_console.print(
            f"  [yellow]Cảnh báo:[/] {escape(issue.text())}", highlight=False, soft_wrap=True
        )


def _changes(outcome: FileOutcome) -> Table:
    verb = "sẽ thay đổi" if outcome.dry_run else "đã thay đổi"
    table = Table(title=f"{escape(outcome.path.name)} ({outcome.form}): số dòng {verb}")
    for label in ("Đơn vị", "Đang có", "Thêm", "Sửa", "Xoá"):
        table.add_column(label, justify="left" if label == "Đơn vị" else "right")
    for c in outcome.changes:
        removed = vn_int(c.removed)
        if c.needs_confirmation:
            removed = f"[bold red]{removed}[/]"
        table.add_row(
            escape(c.org_code), vn_int(c.existing), vn_int(c.added), vn_int(c.changed), removed
        )
    if not outcome.changes:
        table.add_row("—", "", "0", "0", "0")
    return table


def _summary(outcomes: list[FileOutcome], *, dry_run: bool = False) -> Table:
    table = Table(title="Xem trước (không ghi gì)" if dry_run else "Kết quả nhập")
    for label, justify in (
        ("Số", "right"),
        ("Tệp", "left"),
        ("Đơn vị", "left"),
        ("Biểu mẫu", "left"),
        ("Số dòng", "right"),
        ("Trạng thái", "left"),
    ):
        table.add_column(label, justify=justify)  # type: ignore[arg-type]
    words = DRY_STATE_TEXT if dry_run else STATE_TEXT
    for o in outcomes:
        state = words[o.state] + (f" ({len(o.errors)} lỗi)" if o.errors else "")
        if o.needs_confirmation and o.state is not IntakeState.REJECTED:
            state = "[bold red]cần --yes[/]"
        table.add_row(
            "—" if o.intake_id is None else str(o.intake_id),
            escape(o.path.name),
            escape(o.sender or "—"),
            o.form or "—",
            vn_int(o.rows),
            state,
        )
    return table
