"""What every command shares: consoles, option parsing, the database opened for a command."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from models.db import get_engine
from models.migrate import current_revision, head_revision
from models.queries import OrgRef, UnknownOrganisation, resolve_scope
from tasks.core.dates import parse_cli_date
from tasks.core.errors import UsageError, UserError

console = Console()
err_console = Console(stderr=True)


def optional_date(value: str | None, option: str = "--as-of") -> date | None:
    """Parse an optional date option (YYYY-MM-DD or dd/mm/yyyy)."""
    return None if value is None else parse_cli_date(value, option)


def open_database() -> Engine:
    """The configured database, refusing one that `daihoi init` has not created or upgraded."""
    engine = get_engine()
    try:
        revision = current_revision(engine)
    except Exception as e:  # connection refused, bad URL: the user's to fix
        raise UserError(
            f"Không kết nối được cơ sở dữ liệu ({engine.url.render_as_string()}): {e}"
        ) from e
    if revision is None:
        raise UserError("Cơ sở dữ liệu chưa được khởi tạo: hãy chạy 'daihoi init' trước.")
    if revision != head_revision(engine):
        raise UserError("Cơ sở dữ liệu cần nâng cấp: hãy chạy 'daihoi init'.")
    return engine


def scope_or_fail(session: Session, code: str | None) -> OrgRef:
    """Resolve `--org` (default the root) or fail with one clear line: an unknown code is a
    usage error (exit 2); a registry with no units yet is not (exit 1)."""
    try:
        return resolve_scope(session, code=code)
    except UnknownOrganisation as e:
        if code is None:
            raise UserError(
                "Chưa có đơn vị nào: hãy nhập danh sách tổ chức đảng (biểu mẫu don-vi) hoặc chạy 'daihoi demo'."
            ) from e
        raise UsageError(f"--org: không có đơn vị mã '{code}'.") from e


# The options most commands share, declared once.
OrgOption = Annotated[str | None, typer.Option("--org", help="Mã đơn vị (mặc định: đơn vị gốc).")]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="Ngày tính (YYYY-MM-DD hoặc dd/mm/yyyy).")
]
PlanOption = Annotated[str | None, typer.Option("--plan", help="Tên kế hoạch (vd. ct45-2025).")]
