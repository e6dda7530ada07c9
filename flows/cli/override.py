"""`daihoi override`: a manual decision on a unit's stage, with its reason and author."""

from __future__ import annotations

from typing import Annotated

import typer

from flows.cli.common import console, open_database, scope_or_fail
from models.db import write_session
from models.enums import OverrideState, Stage
from models.plan import MilestoneOverride
from models.settings import get_settings
from tasks.core.dates import parse_cli_date
from tasks.core.errors import UsageError

STAGE_NAMES = {s.value: s for s in Stage}
STATE_NAMES = {s.value: s for s in OverrideState}


def override(
    stage: Annotated[str, typer.Argument(help="personnel | inspections | feedback | training")],
    org: Annotated[str, typer.Option("--org", help="Mã đơn vị.")],
    state: Annotated[str, typer.Option("--state", help="done | not_applicable")],
    from_: Annotated[
        str, typer.Option("--from", help="Có hiệu lực từ ngày (YYYY-MM-DD hoặc dd/mm/yyyy).")
    ],
    reason: Annotated[str, typer.Option("--reason", help="Lý do (bắt buộc).")],
    actor: Annotated[
        str | None,
        typer.Option(
            "--actor", help="Người quyết định (mặc định: DAIHOI_ACTOR hoặc tên đăng nhập)."
        ),
    ] = None,
) -> None:
    """Ghi nhận quyết định thủ công về một nội dung của một đơn vị (xong / không áp dụng).

    Ví dụ: daihoi override training --org CB-THPT-LQD --state not_applicable --from 2025-03-01 --reason "Chi bộ mới thành lập"
    """
    if stage not in STAGE_NAMES:
        raise UsageError(
            f"Nội dung '{stage}' không hợp lệ; chọn một trong: {', '.join(STAGE_NAMES)}."
        )
    if state not in STATE_NAMES:
        raise UsageError("--state: chỉ nhận 'done' hoặc 'not_applicable'.")
    if not reason.strip():
        raise UsageError("--reason: cần ghi lý do.")
    day = parse_cli_date(from_, "--from")
    who = actor or get_settings().actor_name
    engine = open_database()
    with write_session(engine) as session:
        unit = scope_or_fail(session, org)
        session.add(
            MilestoneOverride(
                org_id=unit.id,
                stage=STAGE_NAMES[stage],
                state=STATE_NAMES[state],
                effective_from=day,
                reason=reason.strip(),
                actor=who,
            )
        )
    console.print(
        f"Đã ghi: {unit.code} — {STAGE_NAMES[stage].label}: {STATE_NAMES[state].label} "
        f"từ ngày {day:%d/%m/%Y} (người quyết định: {who})."
    )


def register(app: typer.Typer) -> None:
    """Add `daihoi override`."""
    app.command("override")(override)
