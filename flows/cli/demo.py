"""`daihoi demo`: seed a synthetic committee into an empty (or demo) database and summarise it."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from sqlalchemy.exc import OperationalError

from flows.cli.common import console, optional_date
from flows.cli.setup import prepare_home
from models.db import get_engine
from models.enums import OrgKind
from models.migrate import upgrade
from tasks.core.errors import UserError
from tasks.core.text import vn_decimal, vn_int
from tasks.demo.constants import DEFAULT_DEMO_AS_OF, DEFAULT_DEMO_SEED, Scale

if TYPE_CHECKING:
    from tasks.demo.seed import DemoSummary


class DemoScale(StrEnum):
    """The sizes `--scale` offers."""

    COMMITTEE = "committee"
    CITY = "city"
    NATIONAL = "national"


SCALE_LABELS: dict[str, str] = {
    "committee": "đảng bộ cấp trên cơ sở (khoảng 120 đơn vị, 5.000 đảng viên)",
    "city": "thành phố (khoảng 10.600 tổ chức cơ sở đảng, 366.000 đảng viên)",
    "national": "toàn quốc (khoảng 52.000 tổ chức cơ sở đảng, 5,6 triệu đảng viên)",
}


_n = vn_int


def run_demo_seed(
    *,
    scale: Scale = "committee",
    as_of: date | None = None,
    seed: int = DEFAULT_DEMO_SEED,
    reset: bool = False,
) -> DemoSummary:
    """Prepare DAIHOI_HOME and the database as `daihoi init` does, then seed under a spinner."""
    toml = prepare_home()
    if toml is not None:
        console.print(f"Đã tạo tệp cấu hình mẫu: {toml}")
    engine = get_engine()
    try:
        upgrade(engine)
    except OperationalError as e:
        url = engine.url.render_as_string(hide_password=True)
        raise UserError(f"Không kết nối được cơ sở dữ liệu ({url}): {e.orig}") from e
    with console.status(f"Đang tạo dữ liệu mẫu quy mô {SCALE_LABELS[scale]}…"):
        from tasks.demo.seed import seed_demo

        return seed_demo(
            engine, scale=scale, as_of=as_of or DEFAULT_DEMO_AS_OF, seed=seed, reset=reset
        )


def print_summary(summary: DemoSummary) -> None:
    """What was seeded, in Vietnamese: the root, units by kind, and each stage's rows."""
    c = summary.counts
    table = Table(title="Dữ liệu mẫu đã tạo", show_header=False, title_justify="left")
    table.add_column("Nội dung", style="bold")
    table.add_column("Số liệu")
    table.add_row("Đơn vị gốc", f"{summary.root_code} — {summary.root_name}")
    table.add_row("Quy mô", SCALE_LABELS[summary.scale])
    table.add_row("Ngày tính tiến độ", f"{summary.as_of:%d/%m/%Y}")
    table.add_row("Hạt giống (seed)", str(summary.seed))
    table.add_row("Tổ chức đảng trực thuộc", _n(summary.units))
    for kind in OrgKind:
        if summary.units_by_kind.get(kind.value):
            table.add_row(f"  · {kind.label}", _n(summary.units_by_kind[kind.value]))
    members = summary.members_official + summary.members_probationary
    table.add_row(
        "Đảng viên",
        f"{_n(members)} (chính thức {_n(summary.members_official)}, "
        f"dự bị {_n(summary.members_probationary)})",
    )
    rows = (
        (
            "Nhân sự dự kiến cấp ủy",
            "candidate",
            "người",
            "candidate_step",
            "lượt qua bước quy trình",
        ),
        ("Kiểm tra, giám sát", "inspection", "cuộc", "remedy", "yêu cầu khắc phục"),
        ("Dự thảo Báo cáo chính trị", "draft_section", "mục", "submission", "văn bản góp ý"),
        ("Ý kiến góp ý", "comment", "ý kiến", "disposition", "đã tiếp thu, giải trình"),
        ("Tập huấn", "training_session", "lớp", "attendance", "lượt tham dự"),
    )
    for label, first, first_unit, second, second_unit in rows:
        table.add_row(
            label, f"{_n(c.get(first, 0))} {first_unit}, {_n(c.get(second, 0))} {second_unit}"
        )
    years = f"{summary.as_of.year - 2}, {summary.as_of.year - 1}"
    table.add_row("Số liệu chỉ tiêu năm", f"{_n(c.get('year_figures', 0))} dòng ({years})")
    table.add_row("Thời gian", f"{vn_decimal(summary.seconds)} giây")
    console.print(table)


def demo(
    scale: Annotated[
        DemoScale,
        typer.Option("--scale", help="Quy mô: committee (mặc định), city hoặc national."),
    ] = DemoScale.COMMITTEE,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="Ngày tính tiến độ (YYYY-MM-DD hoặc dd/mm/yyyy); mặc định 15/03/2025."
        ),
    ] = None,
    seed: Annotated[
        int, typer.Option("--seed", help="Hạt giống ngẫu nhiên: cùng hạt giống, cùng dữ liệu.")
    ] = DEFAULT_DEMO_SEED,
    reset: Annotated[
        bool, typer.Option("--reset", help="Xóa dữ liệu mẫu đã có và tạo lại từ đầu.")
    ] = False,
) -> None:
    """Tạo dữ liệu mẫu (một đảng bộ với các đơn vị trực thuộc, nhân sự, kiểm tra, góp ý, tập huấn), chạy công việc chính và soạn các báo cáo.

    Không ghi vào cơ sở dữ liệu đang chứa dữ liệu thật; dữ liệu mẫu đã có chỉ được tạo lại
    khi có --reset.

    Ví dụ: daihoi demo --as-of 2025-04-01 --reset
    """
    summary = run_demo_seed(scale=scale.value, as_of=optional_date(as_of), seed=seed, reset=reset)
    print_summary(summary)
    run_main_job(summary.as_of)
    print_demo_logins()


def print_demo_logins() -> None:
    """Create the demo's web accounts and print their logins and one-time activation codes."""
    from models.base import utcnow
    from models.settings import get_settings
    from tasks.accounts.demo import demo_accounts

    logins = demo_accounts(get_engine(), actor=get_settings().actor_name, now=utcnow())
    table = Table(title="Tài khoản ứng dụng web (daihoi web)", title_justify="left")
    for col in ("Tên đăng nhập", "Vai trò", "Đơn vị", "Mã kích hoạt (dùng một lần)"):
        table.add_column(col)
    for d in logins:
        table.add_row(d.login, d.role.label, d.org_code or "", d.code or "(đã kích hoạt)")
    console.print(table)
    console.print(
        "Mở trang web: daihoi web — rồi vào http://localhost:8000/kich-hoat, nhập tên đăng nhập, "
        "mã kích hoạt và đặt mật khẩu (ít nhất 10 ký tự)."
    )


def run_main_job(as_of: date) -> None:
    """Run the main job on the demo through Prefect, write the on-demand reports, show status."""
    import time

    from flows.cli.run import run_flow
    from flows.cli.status import LEGEND, render_summary, render_table
    from models.db import read_session
    from models.settings import get_settings
    from tasks.reports.api import render_report
    from tasks.status.document import compute_status

    started = time.perf_counter()
    with console.status("Đang chạy công việc chính (prepare_congresses) qua Prefect…"):
        prepared = run_flow("prepare", {"scope": None, "as_of": as_of, "plan": None})
    with console.status("Đang soạn công văn đôn đốc các đơn vị quá hạn (send_reminders)…"):
        reminders = run_flow("reminders", {"scope": None, "as_of": as_of})
    with console.status("Đang soạn các báo cáo theo yêu cầu (chỉ tiêu, nhân sự)…"):
        on_demand = [
            *render_report(kind="targets", scope=None, as_of=as_of),
            *render_report(kind="personnel", scope=None, as_of=as_of),
            *render_report(kind="personnel", scope=None, as_of=as_of, subtree=True),
        ]
    seconds = time.perf_counter() - started
    with read_session() as session:
        doc = compute_status(session, scope=None, as_of=as_of)
    console.print(render_summary(doc))
    console.print("Các đơn vị chậm nhất:")
    console.print(render_table(doc, sort="lag", limit=15, width=console.width))
    console.print(LEGEND)
    written = int(prepared["reports"]) + int(reminders["letters"]) + len(on_demand)
    console.print(
        f"Đã chạy prepare_congresses và send_reminders trong {vn_decimal(seconds)} giây; "
        f"{vn_int(written)} văn bản Word trong {get_settings().home / 'reports'} "
        f"({vn_int(int(reminders['letters']))} công văn đôn đốc)."
    )
    console.print("Xem toàn bộ: daihoi status — hoặc daihoi status --json")


def register(app: typer.Typer) -> None:
    """Add the demo command."""
    app.command("demo")(demo)
