"""Small things routes share: the engine, the status memo, the day a page is asked for."""

from __future__ import annotations

from datetime import date

from fastapi import Request
from sqlalchemy import Engine

from models.db import read_session
from tasks.core.dates import parse_cli_date
from tasks.core.errors import UsageError
from tasks.status.memo import StatusMemo
from tasks.status.present import default_as_of


def engine_of(request: Request) -> Engine:
    """The app's engine."""
    engine: Engine = request.app.state.engine
    return engine


def memo_of(request: Request) -> StatusMemo:
    """The app's status memo."""
    memo: StatusMemo = request.app.state.memo
    return memo


def default_day(request: Request) -> date:
    """The day a page shows when none is asked for (the demo's as-of, else today)."""
    with read_session(engine_of(request)) as session:
        return default_as_of(session)


def asked_day(request: Request, value: str | None) -> tuple[date, str | None]:
    """The day asked for (YYYY-MM-DD or dd/mm/yyyy), else the default; and the error of a
    day that could not be read (the page then shows the default and says so)."""
    if value:
        try:
            return parse_cli_date(value, "Ngày"), None
        except UsageError as e:
            return default_day(request), e.message
    return default_day(request), None
