"""`daihoi draft import` (the draft Political Report) and `daihoi export tiep-thu`."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated

import typer

from flows.cli.common import console, open_database, optional_date, scope_or_fail
from models.db import read_session, write_session
from models.settings import get_settings
from tasks.core.errors import UsageError, UserError, os_error_text

draft_app = typer.Typer(
    help="Dự thảo Báo cáo chính trị.\n\nVí dụ: daihoi draft import du-thao.docx",
    no_args_is_help=True,
)

OrgOption = Annotated[str | None, typer.Option("--org", help="Mã đơn vị (mặc định: đơn vị gốc).")]


@draft_app.command("import")
def import_draft_command(
    file: Annotated[Path, typer.Argument(help="Tệp dự thảo (.docx).")],
    org: OrgOption = None,
    deadline: Annotated[
        str | None, typer.Option("--deadline", help="Hạn góp ý (YYYY-MM-DD hoặc dd/mm/yyyy).")
    ] = None,
) -> None:
    """Nhập dự thảo Báo cáo chính trị (.docx) thành các mục (I, II.1, III.2.a); phiên bản mới chuyển các ý kiến đã góp sang mục tương ứng.

    Ví dụ: daihoi draft import du-thao-bcct.docx --deadline 15/03/2025
    """
    from tasks.intake.draft.parse import DraftFormatError, check_docx, parse_draft
    from tasks.intake.draft.store import import_draft

    due = optional_date(deadline, "--deadline")
    if not file.is_file():
        problem = f"'{file}' là một thư mục" if file.is_dir() else f"không có tệp '{file}'"
        raise UserError(f"Không nhập được dự thảo: {problem}.")
    try:
        check_docx(file, get_settings().limits)
        parsed = parse_draft(file)
    except DraftFormatError as e:
        raise UserError("; ".join(e.problems)) from e
    if not parsed.sections:
        raise UserError(
            f"Không tìm thấy đề mục nào trong '{file.name}': hãy dùng kiểu Heading 1–3 "
            "hoặc in đậm các đề mục đánh số (I., 1., a))."
        )
    sha = hashlib.sha256(file.read_bytes()).hexdigest()
    engine = open_database()
    with write_session(engine) as session:
        scope = scope_or_fail(session, org)
        result = import_draft(
            session, scope_id=scope.id, parsed=parsed, file_sha256=sha, deadline=due
        )
    if result.unchanged:
        console.print(
            f"Dự thảo này đã được nhập (phiên bản {result.version} của {scope.code}); không có thay đổi."
        )
    else:
        console.print(
            f"Đã nhập dự thảo phiên bản {result.version} cho {scope.code}: "
            f"{result.sections - 1} mục và mục 'Chung'; chuyển {result.relinked} ý kiến sang phiên bản mới."
        )
    if parsed.numbered_by_level:
        console.print(
            "[yellow]Cảnh báo:[/] các đề mục không ghi số: đã đánh số theo cấp đề mục "
            "(Heading 1 → I, II…; Heading 2 → 1, 2…; Heading 3 → a, b…). Hãy kiểm tra số các "
            "mục (daihoi forms gop-y liệt kê chúng) trước khi gửi cho các đơn vị góp ý.",
            highlight=False,
            soft_wrap=True,
        )
    for title in parsed.unnumbered:
        console.print(f"[yellow]Cảnh báo:[/] đề mục không có số, không nhận làm mục: «{title}»")
    if result.orphans:
        console.print(
            f"[yellow]{len(result.orphans)} ý kiến không còn mục tương ứng trong dự thảo mới:[/]"
        )
        for o in result.orphans:
            console.print(f"  ý kiến {o.comment_id} của {o.org_code}, mục cũ {o.section_number}")


def export_tiep_thu_command(
    out: Annotated[Path, typer.Option("--out", help="Tệp Excel sẽ ghi (.xlsx).")],
    org: OrgOption = None,
) -> None:
    """Xuất bảng tiếp thu, giải trình: mỗi ý kiến cần xử lý một dòng, theo thứ tự mục của dự thảo.

    Ví dụ: daihoi export tiep-thu --out tiep-thu.xlsx
    """
    from tasks.intake.exports.tiep_thu import export_tiep_thu

    if out.suffix.lower() != ".xlsx":
        raise UsageError("--out: tên tệp phải có đuôi .xlsx")
    engine = open_database()
    with read_session(engine) as session:
        scope = scope_or_fail(session, org)
        try:
            count = export_tiep_thu(session, scope=scope, out=out)
        except OSError as e:
            raise UserError(f"Không ghi được tệp '{out}': {os_error_text(e)}.") from e
    console.print(f"Đã ghi {count} ý kiến cần tiếp thu, giải trình vào {out}")


def register(app: typer.Typer) -> None:
    """Add `daihoi draft …`."""
    app.add_typer(draft_app, name="draft")
