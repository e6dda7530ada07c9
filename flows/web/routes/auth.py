"""Logging in and out, activating an account, changing one's password."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from flows.web.auth import (
    COOKIE,
    clear_session_cookie,
    client_address,
    now,
    principal,
    safe_next,
    set_session_cookie,
)
from flows.web.deps import engine_of
from flows.web.render import page
from flows.web.scope import Access, allow
from tasks.accounts.auth import AuthResult, activate, change_password, log_in, log_out
from tasks.accounts.permissions import home_path

router = APIRouter()

Text = Annotated[str, Form()]
OptionalText = Annotated[str | None, Form()]


def _minutes(seconds: int) -> int:
    return max(1, -(-seconds // 60))


def _refused(
    request: Request, name: str, result: AuthResult, ctx: Mapping[str, object]
) -> Response:
    """The page again with why it was refused (429 with Retry-After when throttled)."""
    messages = {
        "bad": "Tên đăng nhập, mật khẩu hoặc mã kích hoạt không đúng.",
        "disabled": "Tài khoản đã bị khóa. Hãy liên hệ văn phòng Đảng ủy.",
        "throttled": f"Đăng nhập sai nhiều lần: tạm khóa {_minutes(result.retry_after)} phút.",
        "weak": result.message or "Mật khẩu không hợp lệ.",
    }
    codes = {"bad": 401, "disabled": 403, "throttled": 429, "weak": 400}
    response = page(
        request, name, {**ctx, "error": messages[result.outcome]}, status_code=codes[result.outcome]
    )
    if result.outcome == "throttled":
        response.headers["Retry-After"] = str(result.retry_after)
    return response


def _logged_in(request: Request, result: AuthResult, next_url: str | None) -> Response:
    """303 to `next` (inside the app) or the role's home, with the new session's cookie."""
    assert result.principal is not None and result.token is not None
    old = request.cookies.get(COOKIE)
    if old:  # whatever session this browser had ends: one browser, one session
        log_out(engine_of(request), token=old, address=client_address(request))
    target = safe_next(next_url) or home_path(result.principal.role, result.principal.org_code)
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(response, request, result.token)
    return response


@router.get("/dang-nhap", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None) -> Response:
    """The login form."""
    me = principal(request)
    if me is not None:
        return RedirectResponse(safe_next(next) or home_path(me.role, me.org_code), 303)
    return page(request, "login.html", {"title": "Đăng nhập", "next": safe_next(next), "login": ""})


@router.post("/dang-nhap")
def login_submit(
    request: Request, login: Text, password: Text, next: OptionalText = None
) -> Response:
    """Check the login; a new session on success."""
    result = log_in(
        engine_of(request),
        login=login,
        password=password,
        address=client_address(request),
        now=now(request),
    )
    if result.outcome != "ok":
        ctx = {"title": "Đăng nhập", "next": safe_next(next), "login": login}
        return _refused(request, "login.html", result, ctx)
    return _logged_in(request, result, next)


@router.post("/dang-xuat")
def logout(request: Request) -> Response:
    """End this browser's session."""
    token = request.cookies.get(COOKIE)
    if token:
        log_out(engine_of(request), token=token, address=client_address(request))
    response = RedirectResponse("/dang-nhap", status_code=303)
    clear_session_cookie(response, request)
    return response


@router.get("/kich-hoat", response_class=HTMLResponse)
def activate_page(request: Request, login: str | None = None) -> Response:
    """The activation form: login, one-time code, new password."""
    return page(request, "activate.html", {"title": "Kích hoạt tài khoản", "login": login or ""})


@router.post("/kich-hoat")
def activate_submit(
    request: Request,
    login: Text,
    code: Text,
    password: Text,
    password_again: OptionalText = None,
) -> Response:
    """Set the first password with the code; logs in."""
    ctx = {"title": "Kích hoạt tài khoản", "login": login}
    if password_again is not None and password_again != password:
        return page(
            request,
            "activate.html",
            {**ctx, "error": "Hai lần nhập mật khẩu không khớp."},
            status_code=400,
        )
    result = activate(
        engine_of(request),
        login=login,
        code=code,
        password=password,
        address=client_address(request),
        now=now(request),
    )
    if result.outcome != "ok":
        return _refused(request, "activate.html", result, ctx)
    return _logged_in(request, result, None)


@router.get("/mat-khau", response_class=HTMLResponse)
def password_page(request: Request, access: Annotated[Access, Depends(allow("self"))]) -> Response:
    """Change one's own password."""
    return page(request, "password.html", {"title": "Đổi mật khẩu", "nav": "mat-khau"})


@router.post("/mat-khau")
def password_submit(
    request: Request,
    access: Annotated[Access, Depends(allow("self"))],
    current: Text,
    password: Text,
    password_again: OptionalText = None,
) -> Response:
    """Change the password: every session of the account ends; this browser gets a new one."""
    ctx = {"title": "Đổi mật khẩu", "nav": "mat-khau"}
    if password_again is not None and password_again != password:
        return page(
            request,
            "password.html",
            {**ctx, "error": "Hai lần nhập mật khẩu không khớp."},
            status_code=400,
        )
    result = change_password(
        engine_of(request),
        principal=access.principal,
        current=current,
        new=password,
        address=client_address(request),
        now=now(request),
    )
    if result.outcome != "ok":
        return _refused(request, "password.html", result, ctx)
    assert result.token is not None
    response = page(request, "password.html", {**ctx, "done": True})
    set_session_cookie(response, request, result.token)
    return response
