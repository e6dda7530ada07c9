"""The session cookie and the account behind a request (WEB.md "Sessions")."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote, urlsplit

from fastapi import Request, Response

from models.settings import Settings
from tasks.accounts.auth import Principal, session_principal

COOKIE = "daihoi_session"


class NotLoggedIn(Exception):
    """No live session: pages redirect to /dang-nhap, the API answers 401."""


def now(request: Request) -> datetime:
    """The app's clock (tests inject one)."""
    clock = request.app.state.clock
    value: datetime = clock()
    return value


def settings_of(request: Request) -> Settings:
    """The app's settings."""
    settings: Settings = request.app.state.settings
    return settings


def client_address(request: Request) -> str:
    """The client's address (behind a proxy: what uvicorn's --proxy-headers says it is)."""
    return request.client.host if request.client else "unknown"


def principal(request: Request) -> Principal | None:
    """The account of this request's session cookie, looked up once per request."""
    if hasattr(request.state, "principal"):
        cached: Principal | None = request.state.principal
        return cached
    token = request.cookies.get(COOKIE)
    found = None
    if token:
        found = session_principal(request.app.state.engine, token=token, now=now(request))
    request.state.principal = found
    return found


def require_principal(request: Request) -> Principal:
    """The logged-in account, or NotLoggedIn."""
    found = principal(request)
    if found is None:
        raise NotLoggedIn
    return found


def set_session_cookie(response: Response, request: Request, token: str) -> None:
    """The session cookie: HttpOnly, SameSite=Lax, Secure when configured; it lives as long as
    the session may (the database decides when it ends)."""
    s = settings_of(request)
    response.set_cookie(
        COOKIE,
        token,
        max_age=int(s.web_session_days * 86400),
        path="/",
        httponly=True,
        samesite="lax",
        secure=s.web_secure_cookies,
    )


def clear_session_cookie(response: Response, request: Request) -> None:
    """Remove the session cookie from the browser."""
    response.delete_cookie(
        COOKIE,
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings_of(request).web_secure_cookies,
    )


def safe_next(value: str | None) -> str | None:
    """`next` only ever inside the app: a path beginning with one '/', no scheme, no host,
    no backslash trick; anything else is dropped."""
    if not value or not value.startswith("/") or value.startswith("//"):
        return None
    if "\\" in value or any(ord(ch) < 32 for ch in value):
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return None
    return value


def login_redirect_target(request: Request) -> str:
    """/dang-nhap?next=<this page> (the page's path and query only)."""
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"/dang-nhap?next={quote(here, safe='')}"
