"""`daihoi users add | codes | list | disable | reset`: the web application's accounts."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from flows.cli.common import console, open_database
from models.base import utcnow
from models.settings import get_settings
from tasks.core.errors import UserError, os_error_text

app = typer.Typer(
    help="Tài khoản của ứng dụng web: thêm, cấp mã kích hoạt, liệt kê, khóa, cấp lại.\n\n"
    "Ví dụ: daihoi users add vanphong --role van-phong --name 'Văn phòng Đảng ủy'",
    no_args_is_help=True,
)

SOURCE = "cli"


def _now() -> datetime:
    return utcnow()


def _print_code(login: str, code: str, expires: datetime) -> None:
    from tasks.core.dates import local_zone

    console.print(
        f"Mã kích hoạt của [bold]{escape(login)}[/] (dùng một lần, hết hạn ngày "
        f"{expires.astimezone(local_zone()):%d/%m/%Y}): [bold]{code}[/]",
        highlight=False,
        soft_wrap=True,
    )
    console.print("Người dùng vào trang /kich-hoat, nhập tên đăng nhập, mã này và đặt mật khẩu.")


@app.command("add")
def add(
    login: Annotated[str, typer.Argument(help="Tên đăng nhập (chữ không dấu, số, . _ -).")],
    role: Annotated[
        str, typer.Option("--role", help="van-phong | lanh-dao | to-bien-tap | don-vi")
    ],
    org: Annotated[
        str | None, typer.Option("--org", help="Mã đơn vị (bắt buộc với vai trò don-vi).")
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="Tên người dùng hoặc bộ phận.")] = None,
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Đọc mật khẩu từ stdin (cho script) thay vì cấp mã."),
    ] = False,
) -> None:
    """Thêm một tài khoản; in mã kích hoạt dùng một lần (trừ khi mật khẩu đọc từ stdin).

    Ví dụ: daihoi users add CB-THPT-LQD --role don-vi --org CB-THPT-LQD
    """
    from tasks.accounts.admin import add_user, parse_role

    parsed = parse_role(role)
    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise UserError("Không đọc được mật khẩu từ stdin.", exit_code=2)
    engine = open_database()
    issued = add_user(
        engine,
        login=login,
        role=parsed,
        org_code=org,
        name=name,
        password=password,
        actor=get_settings().actor_name,
        source=SOURCE,
        now=_now(),
    )
    console.print(
        f"Đã thêm tài khoản [bold]{escape(login)}[/] ({parsed.label}"
        + (f", đơn vị {escape(org)}" if org else "")
        + ").",
        highlight=False,
    )
    if issued is not None:
        _print_code(issued.login, issued.code, issued.expires_at)


@app.command("codes")
def codes(
    out: Annotated[Path, typer.Option("--out", help="Tệp Excel ghi ra (.xlsx).")],
) -> None:
    """Tạo tài khoản cho mọi đơn vị chưa có (tên đăng nhập = mã đơn vị) và cấp mã kích hoạt mới cho mọi tài khoản đơn vị chưa đặt mật khẩu; ghi ra một tệp Excel để in.

    Ví dụ: daihoi users codes --out ma-kich-hoat.xlsx
    """
    from tasks.accounts.admin import issue_unit_codes
    from tasks.accounts.workbook import write_codes_workbook

    engine = open_database()
    issued = issue_unit_codes(engine, actor=get_settings().actor_name, source=SOURCE, now=_now())
    try:
        write_codes_workbook(issued, out)
    except OSError as e:
        raise UserError(f"Không ghi được tệp '{out}': {os_error_text(e)}.") from e
    n = f"{len(issued):,}".replace(",", ".")
    console.print(f"Đã cấp {n} mã kích hoạt: {escape(str(out))}", highlight=False)


STATE_LABELS = {"active": "đang dùng", "pending": "chờ kích hoạt", "disabled": "đã khóa"}


@app.command("list")
def list_(
    as_json: Annotated[
        bool, typer.Option("--json", help="In JSON (mỗi dòng một tài khoản).")
    ] = False,
) -> None:
    """Liệt kê các tài khoản: vai trò, đơn vị, trạng thái, lần đăng nhập gần nhất.

    Ví dụ: daihoi users list --json
    """
    from tasks.accounts.admin import list_users
    from tasks.core.dates import local_zone

    rows = list_users(open_database())
    for row in rows if as_json else ():
        state = "disabled" if row.disabled else "active" if row.has_password else "pending"
        sys.stdout.write(
            json.dumps(
                {
                    "login": row.login,
                    "role": row.role.value,
                    "org": row.org_code,
                    "name": row.name,
                    "state": state,
                    "last_login": row.last_login_at.isoformat() if row.last_login_at else None,
                },
                ensure_ascii=False,
            )
            + "\n"
        )
    if as_json:
        return
    table = Table(title=f"Tài khoản ({len(rows)})")
    for col in ("Tên đăng nhập", "Vai trò", "Đơn vị", "Tên", "Trạng thái", "Đăng nhập gần nhất"):
        table.add_column(col)
    for row in rows:
        state = "disabled" if row.disabled else "active" if row.has_password else "pending"
        last = (
            row.last_login_at.astimezone(local_zone()).strftime("%d/%m/%Y %H:%M")
            if row.last_login_at
            else ""
        )
        table.add_row(
            escape(row.login),
            row.role.label,
            escape(row.org_code or ""),
            escape(row.name or ""),
            STATE_LABELS[state],
            last,
        )
    console.print(table)


@app.command("disable")
def disable(login: Annotated[str, typer.Argument(help="Tên đăng nhập.")]) -> None:
    """Khóa một tài khoản; mọi phiên đăng nhập của nó kết thúc ngay.

    Ví dụ: daihoi users disable CB-THPT-LQD
    """
    from tasks.accounts.admin import disable_user

    ended = disable_user(
        open_database(), login=login, actor=get_settings().actor_name, source=SOURCE
    )
    console.print(
        f"Đã khóa tài khoản [bold]{escape(login)}[/]; {ended} phiên đăng nhập đã kết thúc.",
        highlight=False,
    )


@app.command("reset")
def reset(login: Annotated[str, typer.Argument(help="Tên đăng nhập.")]) -> None:
    """Cấp lại: xóa mật khẩu, kết thúc mọi phiên, mở khóa nếu đã khóa, in mã kích hoạt mới.

    Ví dụ: daihoi users reset CB-THPT-LQD
    """
    from tasks.accounts.admin import reset_user

    issued = reset_user(
        open_database(), login=login, actor=get_settings().actor_name, source=SOURCE, now=_now()
    )
    console.print(f"Đã cấp lại tài khoản [bold]{escape(login)}[/].", highlight=False)
    _print_code(issued.login, issued.code, issued.expires_at)


def register(root: typer.Typer) -> None:
    """Add the `users` group."""
    root.add_typer(app, name="users")
