"""`daihoi override`: a manual decision on a unit's stage, with its reason and author; listed
and revoked (`override list`, `override revoke ID`), every change audited."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table
from typer._click.core import Context
from typer.core import TyperGroup

from flows.cli.common import console, open_database, optional_date, scope_or_fail
from models.db import read_session, write_session
from models.enums import OverrideState, Stage
from models.settings import get_settings
from tasks.core.dates import parse_cli_date
from tasks.core.errors import UsageError

STAGE_NAMES = {s.value: s for s in Stage}
STATE_NAMES = {s.value: s for s in OverrideState}


class DefaultSet(TyperGroup):
    """`daihoi override STAGE …` (the contract's form) runs `override set STAGE …`."""

    def resolve_command(self, ctx: Context, args: list[str]) -> tuple[Any, Any, list[str]]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            return "set", self.commands["set"], args
        return super().resolve_command(ctx, args)


override_app = typer.Typer(
    cls=DefaultSet,
    help=(
        "Quyết định thủ công về một nội dung của một đơn vị (xong / không áp dụng): ghi, liệt kê, "
        "thu hồi.\n\nVí dụ: daihoi override training --org CB-THPT-LQD --state not_applicable "
        '--from 2025-03-01 --reason "Chi bộ mới thành lập"'
    ),
    no_args_is_help=True,
    add_completion=False,
)

ActorOption = Annotated[
    str | None,
    typer.Option("--actor", help="Người quyết định (mặc định: DAIHOI_ACTOR hoặc tên người dùng)."),
]


@override_app.command("set")
def override(
    stage: Annotated[str, typer.Argument(help="personnel | inspections | feedback | training")],
    org: Annotated[str, typer.Option("--org", help="Mã đơn vị.")],
    state: Annotated[str, typer.Option("--state", help="done | not_applicable")],
    from_: Annotated[
        str, typer.Option("--from", help="Có hiệu lực từ ngày (YYYY-MM-DD hoặc dd/mm/yyyy).")
    ],
    reason: Annotated[str, typer.Option("--reason", help="Lý do (bắt buộc).")],
    actor: ActorOption = None,
) -> None:
    """Ghi nhận quyết định thủ công về một nội dung của một đơn vị (xong / không áp dụng).

    Gõ tắt: daihoi override STAGE … (không cần chữ set).

    Ví dụ: daihoi override training --org CB-THPT-LQD --state not_applicable --from 2025-03-01 --reason "Chi bộ mới thành lập"
    """
    from tasks.core.overrides import record_override

    if stage not in STAGE_NAMES:
        raise UsageError(
            f"Nội dung '{stage}' không hợp lệ; chọn một trong: {', '.join(STAGE_NAMES)}."
        )
    if state not in STATE_NAMES:
        raise UsageError("--state: chỉ nhận 'done' hoặc 'not_applicable'.")
    if not reason.strip():
        raise UsageError("--reason: cần ghi lý do.")
    day = parse_cli_date(from_, "--from")
    who = (actor or "").strip() or get_settings().actor_name
    engine = open_database()
    with write_session(engine) as session:
        unit = scope_or_fail(session, org)
        row = record_override(
            session,
            org_id=unit.id,
            stage=STAGE_NAMES[stage],
            state=STATE_NAMES[state],
            effective_from=day,
            reason=reason.strip(),
            actor=who,
        )
    console.print(
        f"Đã ghi quyết định số {row.id}: {escape(unit.code)} — {row.stage.label}: "
        f"{row.state.label} từ ngày {day:%d/%m/%Y} (người quyết định: {escape(who)}).",
        highlight=False,
        soft_wrap=True,
    )


@override_app.command("list")
def list_command(
    org: Annotated[
        str | None,
        typer.Option("--org", help="Chỉ các đơn vị thuộc đơn vị này (mặc định: tất cả)."),
    ] = None,
) -> None:
    """Liệt kê các quyết định thủ công (cả những quyết định đã thu hồi).

    Ví dụ: daihoi override list --org DU-SGDDT
    """
    from models.overrides import list_overrides

    engine = open_database()
    with read_session(engine) as session:
        scope = scope_or_fail(session, org)
        rows = list_overrides(session, scope_path=scope.path)
    if not rows:
        console.print(f"Chưa có quyết định thủ công nào trong {escape(scope.code)}.")
        return
    table = Table(title=f"Quyết định thủ công — {scope.code} ({len(rows)})")
    for col in ("Số", "Đơn vị", "Nội dung", "Quyết định", "Từ ngày", "Lý do", "Người quyết định"):
        table.add_column(col, overflow="fold")
    table.add_column("Thu hồi", overflow="fold")
    for r in rows:
        revoked = (
            f"từ {r.revoked_on:%d/%m/%Y} ({r.revoked_by}): {r.revoke_reason}"
            if r.revoked_on is not None
            else ""
        )
        table.add_row(
            str(r.id),
            r.org_code,
            r.stage.label,
            r.state.label,
            f"{r.effective_from:%d/%m/%Y}",
            escape(r.reason),
            escape(r.actor),
            escape(revoked),
        )
    console.print(table)


@override_app.command("revoke")
def revoke_command(
    override_id: Annotated[
        int, typer.Argument(metavar="ID", help="Số của quyết định (override list).")
    ],
    reason: Annotated[str, typer.Option("--reason", help="Lý do thu hồi (bắt buộc).")],
    from_: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="Thôi áp dụng từ ngày này (mặc định: hôm nay, hoặc ngày của dữ liệu mẫu).",
        ),
    ] = None,
    actor: ActorOption = None,
) -> None:
    """Thu hồi một quyết định thủ công: từ ngày thu hồi, tiến độ tính lại như chưa có quyết định.

    Tiến độ tính đến một ngày trước ngày thu hồi (và các ảnh chụp đã lưu) không đổi.

    Ví dụ: daihoi override revoke 12 --reason "Quyết định nhầm đơn vị"
    """
    from tasks.core.overrides import revoke
    from tasks.status.present import default_as_of

    day = optional_date(from_, "--from")
    who = (actor or "").strip() or get_settings().actor_name
    engine = open_database()
    with write_session(engine) as session:
        on = day or default_as_of(session)
        row = revoke(session, override_id=override_id, on=on, reason=reason, actor=who)
    console.print(
        f"Đã thu hồi quyết định số {row.id} ({escape(row.org_code)} — {row.stage.label}: "
        f"{row.state.label}): thôi áp dụng từ ngày {on:%d/%m/%Y} (người thu hồi: {escape(who)}).",
        highlight=False,
        soft_wrap=True,
    )


def register(app: typer.Typer) -> None:
    """Add `daihoi override` (set, list, revoke)."""
    app.add_typer(override_app, name="override")
