"""`/` (to the role's home) and `/healthz`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import PlainTextResponse, RedirectResponse

from flows.web.deps import engine_of
from flows.web.scope import Access, allow
from models.migrate import current_revision
from tasks.accounts.permissions import home_path

router = APIRouter()


@router.get("/")
def home(access: Annotated[Access, Depends(allow("self"))]) -> RedirectResponse:
    """Each role's home: the dashboard, a unit's own page, the drafting team's forms."""
    me = access.principal
    return RedirectResponse(home_path(me.role, me.org_code), status_code=303)


@router.get("/healthz", response_class=PlainTextResponse)
def healthz(request: Request) -> str:
    """`ok` and the database revision (no session needed)."""
    return f"ok {current_revision(engine_of(request)) or '-'}"
