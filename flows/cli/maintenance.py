"""`daihoi backup` and `daihoi audit`: a consistent copy of the database; the audit trail."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from flows.cli.common import console, open_database, optional_date, scope_or_fail
from models.db import is_sqlite, read_session
from models.listings import AuditEntry
from models.maintenance import audit_events, backup_sqlite, pg_dump_command
from tasks.core.audit import AUDITED_ENTITIES
from tasks.core.dates import local_zone
from tasks.core.errors import UsageError, UserError
from tasks.core.text import vn_decimal


def backup(
    out: Annotated[Path, typer.Option("--out", help="Tệp sao lưu (.sqlite).")],
) -> None:
    """Sao lưu cơ sở dữ liệu một cách nhất quán (SQLite: online backup; PostgreSQL: in lệnh pg_dump).

    Ví dụ: daihoi backup --out sao-luu-2025-03-15.sqlite
    """
    engine = open_database()
    if not is_sqlite(engine):
        console.print("Với PostgreSQL, hãy sao lưu bằng pg_dump:")
        console.print(f"  {pg_dump_command(engine, out=out)}")
        return
    if out.is_dir():
        raise UserError(
            f"'{out}' là một thư mục: --out cần tên một tệp mới (vd. {out / 'sao-luu.sqlite'})."
        )
    if out.exists():
        raise UserError(f"Tệp {out} đã tồn tại; hãy chọn tên khác.")
    if not out.parent.is_dir():
        raise UserError(
            f"Thư mục '{out.parent}' không tồn tại: hãy tạo thư mục trước, hoặc chọn nơi khác."
        )
    source_path = engine.url.database
    if not source_path:
        raise UserError("Không xác định được tệp cơ sở dữ liệu SQLite.")
    ok = backup_sqlite(source=source_path, out=out)
    if ok != "ok":
        raise UserError(f"Bản sao lưu không vượt qua kiểm tra toàn vẹn ({ok}); đã xóa.")
    console.print(
        f"Đã sao lưu vào {out} ({vn_decimal(out.stat().st_size / 1_048_576)} MB), "
        "kiểm tra toàn vẹn: ok.",
        soft_wrap=True,  # a path is copied from the terminal: never broken across lines
    )


def local_time(at: datetime) -> datetime:
    """An event's time in the office's time zone with its offset (SQLite returns UTC without one)."""
    return (at if at.tzinfo is not None else at.replace(tzinfo=UTC)).astimezone(local_zone())


def _event_json(event: AuditEntry) -> dict[str, Any]:
    return {
        "id": event.id,
        "at": local_time(event.at).isoformat(),
        "actor": event.actor,
        "entity": event.entity,
        "entity_id": event.entity_id,
        "org": event.org_code,
        "action": event.action.value,
        "before": event.before,
        "after": event.after,
        "source": event.source,
    }


def audit(
    entity: Annotated[
        str | None,
        typer.Option("--entity", help=" | ".join(AUDITED_ENTITIES)),
    ] = None,
    org: Annotated[
        str | None, typer.Option("--org", help="Chỉ các đơn vị thuộc đơn vị này.")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Từ ngày (YYYY-MM-DD hoặc dd/mm/yyyy).")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="In JSON (mỗi dòng một sự kiện).")
    ] = False,
    limit: Annotated[
        int, typer.Option("--limit", help="Số sự kiện mới nhất hiển thị (mặc định 500).")
    ] = 500,
) -> None:
    """Liệt kê nhật ký thay đổi (không thể sửa, xóa) của nhân sự, kiểm tra, khắc phục, tiếp thu, tham dự, quyết định thủ công; mới nhất trước.

    Ví dụ: daihoi audit --entity candidate --org CB-THPT-LQD --since 01/03/2025
    """
    day = optional_date(since, "--since")
    if entity is not None and entity not in AUDITED_ENTITIES:
        raise UsageError(
            f"--entity: '{entity}' không có; chọn một trong: {', '.join(AUDITED_ENTITIES)}."
        )
    if limit < 1:
        raise UsageError(f"--limit: cần một số nguyên dương (đã cho {limit}).")
    engine = open_database()
    with read_session(engine) as session:
        scope = scope_or_fail(session, org) if org else None
        rows = audit_events(
            session,
            entity=entity,
            scope_path=scope.path if scope else None,
            since=datetime.combine(day, time.min, tzinfo=local_zone()).astimezone(UTC)
            if day
            else None,
            limit=limit,
        )
    if as_json:
        for event in rows:
            sys.stdout.write(json.dumps(_event_json(event), ensure_ascii=False, default=str) + "\n")
        return
    table = Table(title=f"Nhật ký thay đổi ({len(rows)} sự kiện)")
    for col in ("Thời điểm", "Người thực hiện", "Đối tượng", "Mã", "Đơn vị", "Thao tác", "Nguồn"):
        table.add_column(col)
    for event in rows:
        table.add_row(
            local_time(event.at).strftime("%d/%m/%Y %H:%M"),
            event.actor,
            event.entity,
            str(event.entity_id or ""),
            event.org_code or "",
            event.action.label,
            (event.source or "")[:12],
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add `daihoi backup` and `daihoi audit`."""
    app.command("backup")(backup)
    app.command("audit")(audit)
