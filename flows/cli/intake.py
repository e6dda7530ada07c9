"""`daihoi forms`, `daihoi import` (flows.cli.importing) and `daihoi export status`: Excel in and
out (no Prefect)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from flows.cli.common import console, err_console, open_database, optional_date, scope_or_fail
from flows.cli.draft import export_tiep_thu_command
from flows.cli.importing import import_
from models.db import read_session
from models.enums import IntakeState
from tasks.core.errors import UsageError, UserError, os_error_text
from tasks.core.text import vn_int

if TYPE_CHECKING:  # openpyxl and pandas load only when a command needs them
    pass

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
        with console.status(f"Đang tính tiến độ của {escape(scope.code)}…"):
            doc = compute_status(session, scope=scope.code, as_of=day or default_as_of(session))
    units = vn_int(len(doc["units"]))
    try:
        with console.status(f"Đang ghi {units} đơn vị vào tệp Excel…"):
            write_status_export(doc, out)
    except OSError as e:
        raise UserError(f"Không ghi được tệp '{out}': {os_error_text(e)}.") from e
    console.print(
        f"Đã xuất tiến độ {units} đơn vị của {escape(scope.code)}: {escape(str(out))}",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    """Add `forms`, `import` and the `export` group (intake B adds `export tiep-thu` to it)."""
    app.command("forms")(forms)
    app.command("import")(import_)
    export_app.command("tiep-thu")(export_tiep_thu_command)
    app.add_typer(export_app, name="export")
