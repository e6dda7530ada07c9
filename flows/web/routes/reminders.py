"""`/don-doc`: the overdue units of the scope on a day and what each is behind on, the
reminder letters (công văn đôn đốc) archived for them; `POST /don-doc` renders the letters of
every overdue unit as a background job (the send_reminders flow). Reminder letters: the
office renders and lists, leadership lists, a unit sees the letters addressed to it."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from flows.web.deps import asked_day, default_day, engine_of, memo_of
from flows.web.render import STAGES, page
from flows.web.routes.jobs import start_job
from flows.web.scope import Access, NotFound, allow, named_in_scope
from models.db import read_session
from models.enums import Role
from models.jobs import account_jobs
from models.listings import scope_reports
from tasks.accounts.permissions import REMINDERS
from tasks.core.dates import parse_cli_date
from tasks.core.errors import UsageError
from tasks.reports.kinds.reminders import overdue_units

router = APIRouter()

SHOWN_UNITS = 200
SHOWN_LETTERS = 100


def behind(unit: dict[str, Any], as_of: date) -> list[dict[str, Any]]:
    """A unit's overdue stages: which, due when, how many days late, how far along."""
    items = []
    for stage in STAGES:
        entry = unit["stages"][stage]
        if entry["state"] != "overdue":
            continue
        due = date.fromisoformat(entry["due"]) if entry.get("due") else None
        items.append(
            {
                "stage": stage,
                "due": entry.get("due"),
                "late": (as_of - due).days if due else None,
                "progress": entry.get("progress"),
            }
        )
    return items


def _overdue(request: Request, access: Access, day: date) -> tuple[list[dict[str, Any]], int]:
    if access.target is None:
        return [], 0
    cached = memo_of(request).get(engine_of(request), scope=access.target.code, as_of=day)
    units = overdue_units(cached.doc)
    shown = [
        {"code": u["code"], "name": u["name"], "items": behind(dict(u), day)}
        for u in units[:SHOWN_UNITS]
    ]
    return shown, len(units)


def _page(
    request: Request,
    access: Access,
    as_of: str | None,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    day, day_error = asked_day(request, as_of)
    own = access.role == Role.DON_VI
    units, total = ([], 0) if own else _overdue(request, access, day)
    letters: list[Any] = []
    jobs: list[Any] = []
    if access.target is not None:
        with read_session(engine_of(request)) as session:
            letters = scope_reports(
                session,
                scope_path=access.target.path,
                kind=REMINDERS,
                subject_path=access.target.path if own else None,
                limit=SHOWN_LETTERS,
            )
            jobs = account_jobs(session, account_id=access.principal.account_id)
    ctx = {
        "title": "Đôn đốc",
        "nav": "don-doc",
        "access": access,
        "own": own,
        "day": day,
        "error": error or day_error,
        "units": units,
        "total": total,
        "letters": letters,
        "may_render": access.may("remind"),
        "may_issue": access.may("issue"),
        "jobs": [j for j in jobs if j.kind == "reminders"],
    }
    return page(request, "reminders.html", ctx, status_code=status_code)


@router.get("/don-doc", response_class=HTMLResponse)
def reminders_page(
    request: Request,
    access: Annotated[Access, Depends(allow("reminders"))],
    as_of: str | None = None,
) -> Response:
    """The overdue units and their letters (a unit: the letters addressed to it)."""
    return _page(request, access, as_of)


@router.post("/don-doc", response_class=HTMLResponse)
def render_reminders(
    request: Request,
    access: Annotated[Access, Depends(allow("remind"))],
    org: Annotated[str | None, Form()] = None,
    as_of: Annotated[str | None, Form()] = None,
    issue: Annotated[str | None, Form()] = None,
) -> Response:
    """Record a job writing a letter to every overdue unit of the scope; 303 to its page."""
    target = named_in_scope(request, access, org)
    if target is None:
        raise NotFound
    day = default_day(request)
    if as_of and as_of.strip():
        try:
            day = parse_cli_date(as_of.strip(), "Ngày")
        except UsageError as e:
            return _page(request, access, None, error=e.message, status_code=422)
    parameters = {
        "scope": target.code,
        "as_of": day.isoformat(),
        "issue": issue not in (None, "", "0", "false"),
    }
    return start_job(request, access, kind="reminders", parameters=parameters, org=target)
