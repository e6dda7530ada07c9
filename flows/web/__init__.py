"""The web application (WEB.md): `create_app(settings)` for
`uvicorn flows.web:create_app --factory`, or `daihoi web`.

A second front end over the same plain functions as the CLI; it never imports flows.cli.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from importlib.resources import files

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from flows.web.auth import NotLoggedIn, login_redirect_target
from flows.web.jobs import JobRunner
from flows.web.render import page
from flows.web.routes import (
    accounts,
    api,
    audit,
    auth,
    dashboard,
    forms,
    gop_y,
    home,
    jobs,
    reminders,
    reports,
    units,
    uploads,
)
from flows.web.security import BodyLimit, CrossSiteGuard, SecurityHeaders, limits
from models.base import utcnow
from models.db import get_engine
from models.settings import Settings, get_settings
from tasks.core.errors import UserError
from tasks.status.memo import StatusMemo

ERRORS = {
    403: ("Không có quyền", "Tài khoản của bạn không được xem hoặc làm việc này."),
    404: ("Không tìm thấy", "Không có trang hoặc đơn vị này trong phạm vi của tài khoản."),
    405: ("Không hợp lệ", "Trang này không nhận yêu cầu kiểu đó."),
    422: ("Thiếu thông tin", "Yêu cầu thiếu thông tin hoặc có giá trị không hợp lệ."),
}


def _wants_json(request: Request) -> bool:
    """The API, or a script asking for JSON (`POST /nop` with `Accept: application/json`)."""
    accept = request.headers.get("accept", "")
    return request.url.path.startswith("/api/") or accept.startswith("application/json")


def _not_logged_in(request: Request, exc: Exception) -> Response:
    if _wants_json(request):
        return JSONResponse({"error": "Chưa đăng nhập."}, status_code=401)
    return RedirectResponse(login_redirect_target(request), status_code=303)


def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 422
    title, message = ERRORS.get(status, ("Lỗi", "Không thực hiện được yêu cầu."))
    if _wants_json(request):
        return JSONResponse({"error": message}, status_code=status)
    return page(request, "error.html", {"title": title, "message": message}, status_code=status)


def _user_error(request: Request, exc: Exception) -> Response:
    """A problem the user can fix that a route did not catch (a scope no longer active, say):
    its one Vietnamese line, never a server error."""
    message = getattr(exc, "message", None) or str(exc)
    if _wants_json(request):
        return JSONResponse({"error": message}, status_code=422)
    return page(
        request,
        "error.html",
        {"title": "Không thực hiện được", "message": message},
        status_code=422,
    )


def create_app(
    settings: Settings | None = None, *, clock: Callable[[], datetime] | None = None
) -> FastAPI:
    """The application on the configured (or given) settings' database."""
    settings = settings or get_settings()
    app = FastAPI(
        title="daihoi",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.settings = settings
    app.state.engine = get_engine(settings.db_url)
    app.state.clock = clock or utcnow
    app.state.memo = StatusMemo()
    # Jobs a process that is gone left unfinished are failed before this one takes new ones.
    app.state.jobs = JobRunner(app.state.engine, app.state.clock)
    app.state.jobs.sweep()
    for module in (
        auth,
        home,
        dashboard,
        units,
        forms,
        api,
        audit,
        accounts,
        reports,
        reminders,
        gop_y,
        uploads,
        jobs,
    ):
        app.include_router(module.router)
    app.mount(
        "/static", StaticFiles(directory=str(files("templates") / "web" / "static")), "static"
    )
    app.add_exception_handler(NotLoggedIn, _not_logged_in)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _http_error)
    app.add_exception_handler(UserError, _user_error)
    # Outermost last: headers on every answer, then the origin check, then the body limit.
    app.add_middleware(
        BodyLimit,
        limit_for=limits(
            settings.web_max_form_bytes,
            {
                gop_y.UPLOAD_PATH: gop_y.UPLOAD_LIMIT,
                uploads.UPLOAD_PATH: uploads.upload_limit(settings),
            },
        ),
    )
    app.add_middleware(CrossSiteGuard)
    app.add_middleware(SecurityHeaders)
    return app
