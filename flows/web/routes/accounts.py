"""`/tai-khoan`: accounts (office only) — add, disable, reset, the activation codes workbook.
The same functions as `daihoi users …`; a code is shown once, on the answer to its POST."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from flows.web.auth import now
from flows.web.deps import engine_of
from flows.web.downloads import XLSX, attachment
from flows.web.render import page
from flows.web.scope import Access, allow
from models.accounts import count_accounts, list_accounts
from models.db import read_session
from models.enums import Role
from tasks.accounts.admin import (
    IssuedCode,
    add_user,
    disable_user,
    issue_unit_codes,
    parse_role,
    reset_user,
)
from tasks.accounts.workbook import codes_workbook_bytes
from tasks.core.errors import UserError

router = APIRouter()
PER_PAGE = 100
SOURCE = "web"

Office = Annotated[Access, Depends(allow("accounts"))]


def _page(
    request: Request,
    access: Access,
    *,
    issued: IssuedCode | None = None,
    message: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    q = request.query_params
    role = q.get("role") or None
    search = (q.get("q") or "").strip() or None
    number = int(q["page"]) if q.get("page", "").isdigit() and int(q["page"]) > 0 else 1
    chosen = Role(role) if role in {r.value for r in Role} else None
    with read_session(engine_of(request)) as session:
        rows = list_accounts(
            session, role=chosen, search=search, limit=PER_PAGE + 1, offset=(number - 1) * PER_PAGE
        )
        counts = {r.value: count_accounts(session, role=r) for r in Role}
    ctx: dict[str, Any] = {
        "title": "Tài khoản",
        "nav": "tai-khoan",
        "access": access,
        "rows": rows[:PER_PAGE],
        "more": len(rows) > PER_PAGE,
        "number": number,
        "counts": counts,
        "roles": list(Role),
        "role": role,
        "search": search or "",
        "issued": issued,
        "message": message,
        "error": error,
    }
    return page(request, "accounts.html", ctx, status_code=status_code)


@router.get("/tai-khoan", response_class=HTMLResponse)
def accounts_page(request: Request, access: Office) -> Response:
    """Every account, with its state; the forms that change them."""
    return _page(request, access)


@router.post("/tai-khoan")
def add_account(
    request: Request,
    access: Office,
    login: Annotated[str, Form()],
    role: Annotated[str, Form()],
    org: Annotated[str | None, Form()] = None,
    name: Annotated[str | None, Form()] = None,
) -> Response:
    """Add an account; its one-time activation code is shown on this answer only."""
    try:
        issued = add_user(
            engine_of(request),
            login=login,
            role=parse_role(role),
            org_code=(org or "").strip() or None,
            name=(name or "").strip() or None,
            password=None,
            actor=access.principal.login,
            source=SOURCE,
            now=now(request),
        )
    except UserError as e:
        return _page(request, access, error=e.message, status_code=400)
    return _page(request, access, issued=issued, message=f"Đã thêm tài khoản {login}.")


@router.post("/tai-khoan/{login}/khoa")
def disable_account(request: Request, login: str, access: Office) -> Response:
    """Disable an account: its sessions end at once."""
    if login.lower() == access.principal.login.lower():
        return _page(
            request, access, error="Không thể tự khóa tài khoản đang dùng.", status_code=400
        )
    try:
        disable_user(engine_of(request), login=login, actor=access.principal.login, source=SOURCE)
    except UserError as e:
        return _page(request, access, error=e.message, status_code=404)
    return _page(request, access, message=f"Đã khóa tài khoản {login}.")


@router.post("/tai-khoan/{login}/cap-lai")
def reset_account(request: Request, login: str, access: Office) -> Response:
    """Reset an account: password cleared, sessions ended, a new one-time code shown once."""
    try:
        issued = reset_user(
            engine_of(request),
            login=login,
            actor=access.principal.login,
            source=SOURCE,
            now=now(request),
        )
    except UserError as e:
        return _page(request, access, error=e.message, status_code=404)
    return _page(request, access, issued=issued, message=f"Đã cấp lại tài khoản {login}.")


@router.post("/tai-khoan/ma-kich-hoat")
def codes_workbook(request: Request, access: Office) -> Response:
    """Accounts for units that have none and fresh codes for those not yet activated, as the
    workbook to print (`daihoi users codes`)."""
    issued = issue_unit_codes(
        engine_of(request), actor=access.principal.login, source=SOURCE, now=now(request)
    )
    where = str(request.url_for("activate_page"))
    data = codes_workbook_bytes(issued, where=where)
    return Response(data, media_type=XLSX, headers=attachment("ma-kich-hoat.xlsx"))
