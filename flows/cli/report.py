"""`daihoi report` (Word reports in the Party format) and `daihoi so-van-ban set` (the register)."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from flows.cli.common import console, err_console, open_database, optional_date, scope_or_fail
from tasks.core.errors import UsageError
from tasks.status.delegates import delegate_figures
from tasks.status.present import default_as_of

KIND_HELP = (
    "progress | personnel | inspections | feedback | training | targets | reminders | delegates"
)


def report(
    kind: Annotated[str, typer.Argument(help=f"Loại báo cáo: {KIND_HELP}.")],
    org: Annotated[
        str | None,
        typer.Option("--org", help="Mã đơn vị (mặc định: đơn vị gốc); chỉ lọc nội dung."),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Ngày báo cáo (YYYY-MM-DD hoặc dd/mm/yyyy).")
    ] = None,
    plan: Annotated[
        str | None, typer.Option("--plan", help="Tên kế hoạch (vd. ct45-2025).")
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", help="Năm của các chỉ tiêu (báo cáo targets).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Thư mục ghi tệp (mặc định $DAIHOI_HOME/reports).")
    ] = None,
    issue: Annotated[
        bool,
        typer.Option(
            "--issue", help="Cấp số văn bản từ sổ đăng ký (mặc định: bản dự thảo, để trống số)."
        ),
    ] = False,
    subtree: Annotated[
        bool,
        typer.Option(
            "--subtree",
            help="personnel: tổng hợp toàn bộ đơn vị trực thuộc thay cho danh sách của riêng đơn vị.",
        ),
    ] = False,
    prefect: Annotated[
        bool,
        typer.Option("--prefect", help="Chạy qua Prefect (luồng write_report) thay vì trực tiếp."),
    ] = False,
    total: Annotated[
        int | None,
        typer.Option("--total", help="delegates: tổng số đại biểu của đại hội (T)."),
    ] = None,
    ex_officio: Annotated[
        int | None,
        typer.Option("--ex-officio", help="delegates: số đại biểu đương nhiên (E, mặc định 0)."),
    ] = None,
    base: Annotated[
        int | None,
        typer.Option(
            "--base", help="delegates: số đại biểu cơ bản mỗi đơn vị trực thuộc (b, mặc định 1)."
        ),
    ] = None,
) -> None:
    """Soạn báo cáo Word theo thể thức văn bản của Đảng (Hướng dẫn 36-HD/VPTW).

    Không có --issue: bản dự thảo, số để trống. Có --issue: lấy số tiếp theo trong sổ văn bản.
    Dữ liệu, mẫu và ngày không đổi thì trả lại đúng tệp đã lưu (cùng số, cùng nội dung).

    delegates (Bảng phân bổ số lượng đại biểu) cần --total T, và --ex-officio E, --base b nếu có.

    Ví dụ: daihoi report progress --org DU-SGDDT --as-of 15/03/2025 --issue
    """
    from models.db import read_session
    from tasks.reports.api import RenderedReport, render_report
    from tasks.reports.kinds import KINDS

    if kind not in KINDS:
        raise UsageError(f"Loại báo cáo '{kind}' không có. Các loại: {', '.join(KINDS)}.")
    figures = delegate_figures(kind, total, ex_officio, base)
    day = optional_date(as_of)
    engine = open_database()
    with read_session(engine) as session:
        scope = scope_or_fail(session, org)
        day = day or default_as_of(session)
    if prefect:
        from flows.cli.run import run_flow

        params = {
            "kind": kind,
            "scope": scope.code,
            "as_of": day,
            "plan": plan,
            "year": year,
            "out_dir": str(out) if out else None,
            "issue": issue,
            "subtree": subtree,
            "delegates": asdict(figures) if figures else None,
        }
        with console.status("Đang soạn báo cáo qua Prefect (write_report)…"):
            files = run_flow("report", params)
        results = [RenderedReport(**{**f, "path": Path(f["path"])}) for f in files]
    else:
        results = render_report(
            kind=kind,
            scope=scope.code,
            as_of=day,
            plan=plan,
            year=year,
            out_dir=out,
            issue=issue,
            subtree=subtree,
            delegates=figures,
        )
    if not results:
        console.print(
            f"Không có đơn vị nào quá hạn đến ngày {day:%d/%m/%Y}: không cần công văn đôn đốc."
        )
        return
    problems = [r.problem for r in results if r.problem]
    for r in results:
        if r.problem:
            continue
        console.print(
            f"{r.path} {_number_note(r.number, r.reused)}", highlight=False, soft_wrap=True
        )
    for line in problems:
        err_console.print(line, highlight=False, soft_wrap=True)
    if problems:
        raise typer.Exit(1)


def _number_note(number: int | None, reused: bool) -> str:
    """'số N' or 'dự thảo', and whether the file came from the archive (a draft never takes a
    number, so only an issued one says no new number was taken)."""
    if number is None:
        return "(dự thảo) — đã có trong lưu trữ" if reused else "(dự thảo)"
    return f"(số {number}) — đã có trong lưu trữ, không cấp số mới" if reused else f"(số {number})"


so_van_ban = typer.Typer(
    name="so-van-ban",
    help="Sổ đăng ký số văn bản đi.\n\nVí dụ: daihoi so-van-ban set BC 41",
    no_args_is_help=True,
)


@so_van_ban.command("set")
def set_number(
    doc_type: Annotated[str, typer.Argument(metavar="TYPE", help="Loại văn bản: BC, CV, …")],
    number: Annotated[
        int, typer.Argument(metavar="NUMBER", help="Số cuối cùng đã dùng trên sổ giấy.")
    ],
) -> None:
    """Đặt số cuối cùng đã dùng của một loại văn bản cho khớp với sổ văn bản giấy của văn phòng.

    Văn bản cấp số tiếp theo sẽ mang số NUMBER + 1. Không được đặt thấp hơn số đã cấp.

    Ví dụ: daihoi so-van-ban set BC 41
    """
    from models.db import write_session
    from models.settings import get_settings
    from tasks.core.errors import UserError
    from tasks.reports import archive
    from tasks.reports.party_format import DOC_TYPES

    matched = [t for t in DOC_TYPES if t.casefold() == doc_type.strip().casefold()]
    if not matched:
        raise UsageError(f"Loại văn bản '{doc_type}' không có. Các loại: {', '.join(DOC_TYPES)}.")
    if number < 0:
        raise UsageError("NUMBER phải là số không âm.")
    kind = matched[0]
    settings = get_settings()
    engine = open_database()
    with write_session(engine) as session:
        root = scope_or_fail(session, None)
        term = archive.term_on(
            session, root_id=root.id, term=settings.term, day=default_as_of(session)
        )
        issued = archive.highest_issued(session, doc_type=kind, term=term)
        if number < issued:
            raise UserError(
                f"Không thể đặt {number}: số {issued}-{kind}/{settings.issuer.code} đã được cấp "
                f"trong nhiệm kỳ {term}; số văn bản không được dùng lại."
            )
        before = archive.set_register(
            session, issuer=settings.issuer.code, doc_type=kind, term=term, number=number
        )
    console.print(
        f"Sổ văn bản {kind}/{settings.issuer.code}, nhiệm kỳ {term}: số cuối cùng đã dùng "
        f"{before} → {number}; văn bản tiếp theo sẽ mang số {number + 1}.",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    """Add `daihoi report` and `daihoi so-van-ban`."""
    app.command("report")(report)
    app.add_typer(so_van_ban)
