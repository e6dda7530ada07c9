"""`/api/v1/status`: exactly `daihoi status --json` for the request, scoped by the account."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from flows.web.deps import engine_of, memo_of
from flows.web.scope import Access, allow
from models.db import read_session
from tasks.core.dates import parse_cli_date
from tasks.core.errors import UserError
from tasks.status.present import default_as_of

router = APIRouter()


def _error(status: int, message: str) -> Response:
    body = json.dumps({"error": message}, ensure_ascii=False)
    return Response(body, status_code=status, media_type="application/json")


@router.get("/api/v1/status")
def status_api(
    request: Request,
    access: Annotated[Access, Depends(allow("status"))],
    as_of: str | None = None,
    plan: str | None = None,
    year: int | None = None,
) -> Response:
    """The status document of `org` (default: the account's scope) as of a day."""
    if access.target is None:
        return _error(404, "Chưa có đơn vị nào.")
    try:
        if as_of:
            day = parse_cli_date(as_of, "as_of")
        else:
            with read_session(engine_of(request)) as session:
                day = default_as_of(session)
        cached = memo_of(request).get(
            engine_of(request), scope=access.target.code, as_of=day, plan=plan, year=year
        )
    except UserError as e:
        return _error(400, e.message)
    return Response(cached.text, media_type="application/json")
