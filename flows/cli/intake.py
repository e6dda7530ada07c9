"""`daihoi forms`, `daihoi import` and `daihoi export status`: Excel in and out (no Prefect)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from flows.cli.common import console, err_console, open_database, optional_date, scope_or_fail
from flows.cli.draft import export_tiep_thu_command
from models.db import read_session
from models.enums import IntakeState
from tasks.core.errors import UsageError, UserError, os_error_text

if TYPE_CHECKING:  # openpyxl and pandas load only when a command needs them
    from sqlalchemy import Engine

    from tasks.intake.receive import FileOutcome

export_app = typer.Typer(
    help="Xuất số liệu ra Excel.\n\nVí dụ: daihoi export status --out tien-do.xlsx",
    no_args_is_help=True,
    add_completion=False,
)

STATE_TEXT = {
    IntakeState.ACCEPTED: "[green]đã nhận[/]",
    IntakeState.DUPLICATE: "[cyan]trùng, bỏ qua[/]",
    IntakeState.REJECTED: "[bold red]bị từ chối[/]",
    IntakeState.RECEIVED: "đã nhận",
    IntakeState.SUPERSEDED: "đã thay thế",
}


def forms(
    form: Annotated[
        str,
        typer.Argument(
            help="Biểu mẫu: don-vi, nhan-su, kiem-tra, gop-y, lop-tap-huan, tap-huan, danh-gia."
        ),
    ],
    org: Annotated[str, typer.Option("--org", help="Mã đơn vị nhận biểu mẫu.")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Tệp ghi ra (mặc định ./<biểu mẫu>_<mã>.xlsx).")
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Điền sẵn số liệu đến ngày này (mặc định: hôm nay, hoặc ngày của dữ liệu mẫu).",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Ghi đè tệp đã có.")] = False,
) -> None:
    """Tạo biểu mẫu Excel cho một đơn vị, điền sẵn số liệu hiện có để đơn vị sửa rồi gửi lại.

    Các cột cần chọn có danh sách thả xuống: số mục của dự thảo (gop-y), mã lớp và đơn vị
    (tap-huan), kèm sheet danh mục. Không ghi đè tệp đã có nếu không có --force.

    Ví dụ: daihoi forms nhan-su --org CB-THPT-LQD
    """
    from tasks.intake.exports.forms import FormExists, default_form_path, write_form
    from tasks.intake.pipeline.spec import all_forms

    known = all_forms()
    if form not in known:
        raise UsageError(f"Biểu mẫu '{form}' không có; các biểu mẫu: {', '.join(sorted(known))}.")
    day = optional_date(as_of)
    engine = open_database()
    with read_session(engine) as session:
        unit = scope_or_fail(session, org)
        path = out or default_form_path(form, unit.code)
        if path.is_dir():
            raise UserError(f"'{path}' là một thư mục: --out cần tên một tệp .xlsx.")
        try:
            written = write_form(session, form=form, org=unit, out=path, as_of=day, overwrite=force)
        except FormExists as e:
            raise UserError(
                f"Tệp '{path}' đã có: thêm --force để ghi đè, hoặc chọn tên khác bằng --out."
            ) from e
        except OSError as e:
            raise UserError(f"Không ghi được tệp '{path}': {os_error_text(e)}.") from e
    filled = ""
    if written.rows:
        day_text = f" đến ngày {written.as_of:%d/%m/%Y}" if written.as_of else ""
        filled = f", điền sẵn {written.rows} dòng{day_text}"
    console.print(
        f"Đã tạo biểu mẫu [bold]{form}[/] (phiên bản {written.version}) cho đơn vị "
        f"{escape(unit.code)}{filled}: {escape(str(written.path))}",
        highlight=False,
        soft_wrap=True,
    )
    for note in written.notes:
        err_console.print(f"[yellow]Lưu ý:[/] {escape(note)}", highlight=False, soft_wrap=True)


def import_(
    files: Annotated[list[Path], typer.Argument(help="Các tệp .xlsx, nhập theo thứ tự đã cho.")],
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
) -> None:
    """Nhập các biểu mẫu Excel đơn vị gửi về; mỗi tệp hoặc được nhận toàn bộ hoặc bị từ chối toàn bộ.

    Tệp bị từ chối được ghi kèm tệp lỗi <tên>_loi.xlsx bên cạnh, đánh dấu từng ô sai.

    Ví dụ: daihoi import nhan-su_CB-THPT-LQD.xlsx --org CB-THPT-LQD
    """
    from tasks.intake.receive import ImportOptions, import_file

    letter_date = optional_date(ngay, "--ngay")
    engine = open_database()
    if org is not None:
        check_sender_option(engine, org)
    options = ImportOptions(
        sender_code=org, letter_number=so_van_ban, letter_date=letter_date, force=force
    )
    outcomes: list[FileOutcome] = []
    if len(files) > 1:
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
    else:
        outcomes = [import_file(path, options, engine=engine) for path in files]
    for outcome in outcomes:
        _report(outcome)
    if len(outcomes) > 1 or outcomes[0].state is not IntakeState.REJECTED:
        console.print(_summary(outcomes))
    if any(o.state is IntakeState.REJECTED for o in outcomes):
        raise typer.Exit(1)


def check_sender_option(engine: Engine, org: str) -> None:
    """An unknown `--org` is a usage error (exit 2), before any file is read; with no units yet
    (don-vi creating the registry) the code cannot be checked and the import decides."""
    from tasks.intake.identify import registry_empty

    with read_session(engine) as session:
        if not registry_empty(session):
            scope_or_fail(session, org)


def _report(outcome: FileOutcome) -> None:
    name = escape(outcome.path.name)
    if outcome.state is IntakeState.REJECTED:
        err_console.print(f"[bold red]Lỗi:[/] {escape(outcome.message or name)}", highlight=False)
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
    for issue in outcome.warnings:
        err_console.print(
            f"  [yellow]Cảnh báo:[/] {escape(issue.text())}", highlight=False, soft_wrap=True
        )


def _summary(outcomes: list[FileOutcome]) -> Table:
    table = Table(title="Kết quả nhập")
    for label, justify in (
        ("Tệp", "left"),
        ("Đơn vị", "left"),
        ("Biểu mẫu", "left"),
        ("Số dòng", "right"),
        ("Trạng thái", "left"),
    ):
        table.add_column(label, justify=justify)  # type: ignore[arg-type]
    for o in outcomes:
        table.add_row(
            escape(o.path.name),
            escape(o.sender or "—"),
            o.form or "—",
            str(o.rows),
            STATE_TEXT[o.state] + (f" ({len(o.errors)} lỗi)" if o.errors else ""),
        )
    return table


@export_app.command("status")
def export_status(
    out: Annotated[Path, typer.Option("--out", help="Tệp .xlsx ghi ra.")],
    org: Annotated[
        str | None, typer.Option("--org", help="Mã đơn vị (mặc định: đơn vị gốc).")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Ngày tính (YYYY-MM-DD hoặc dd/mm/yyyy).")
    ] = None,
) -> None:
    """Xuất tiến độ từng đơn vị theo 4 nội dung ra tệp Excel.

    Ví dụ: daihoi export status --org DU-SGDDT --as-of 15/03/2025 --out tien-do.xlsx
    """
    from tasks.intake.exports.status import write_status_export
    from tasks.status.document import compute_status
    from tasks.status.present import default_as_of

    if out.suffix.lower() != ".xlsx":
        raise UsageError("--out: tên tệp phải có đuôi .xlsx")
    day = optional_date(as_of)
    engine = open_database()
    with read_session(engine) as session:
        scope = scope_or_fail(session, org)
        doc = compute_status(session, scope=scope.code, as_of=day or default_as_of(session))
    try:
        write_status_export(doc, out)
    except OSError as e:
        raise UserError(f"Không ghi được tệp '{out}': {e.strerror}") from e
    console.print(
        f"Đã xuất tiến độ {len(doc['units'])} đơn vị của {escape(scope.code)}: {escape(str(out))}",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    """Add `forms`, `import` and the `export` group (intake B adds `export tiep-thu` to it)."""
    app.command("forms")(forms)
    app.command("import")(import_)
    export_app.command("tiep-thu")(export_tiep_thu_command)
    app.add_typer(export_app, name="export")
