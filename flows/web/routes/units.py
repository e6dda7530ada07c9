"""`/don-vi/{code}`: one unit — each stage's state, due date, progress, what is still missing;
its children; its uploads; its reports."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from flows.web.deps import asked_day, engine_of, memo_of
from flows.web.render import page
from flows.web.routes.dashboard import breadcrumbs
from flows.web.routes.forms import offered_forms
from flows.web.scope import Access, allow
from models.db import read_session
from models.enums import Role
from models.listings import congress_facts, unit_intakes, unit_reports
from models.settings import get_settings
from tasks.accounts.permissions import DRAFTING_REPORT
from tasks.status.forecast import cached_forecasts
from tasks.status.memo import unit_view
from tasks.status.missing import notes, still_missing

router = APIRouter()


@router.get("/don-vi/{code}", response_class=HTMLResponse)
def unit_page(
    request: Request,
    code: str,
    access: Annotated[Access, Depends(allow("status"))],
    as_of: str | None = None,
) -> Response:
    """Everything about one unit of the account's scope on a day."""
    unit = access.target
    assert unit is not None  # {code} resolved by the scope dependency
    day, day_error = asked_day(request, as_of)
    assert access.root is not None  # a unit was found inside it
    view = unit_view(memo_of(request), engine_of(request), scope=access.root, unit=unit, as_of=day)
    # The forecast from the scope's cached status of the day and of 28 days before.
    outlook = cached_forecasts(
        memo_of(request), engine_of(request), scope=access.root.code, as_of=day
    )
    own = view.own
    stages = [
        {
            "stage": stage,
            "entry": own[stage],
            "missing": still_missing(stage, own[stage]),
            "notes": notes(stage, own[stage]),
            "summary": view.stages[stage],
            "forecast": outlook[stage].get(unit.id),
        }
        for stage in ("personnel", "inspections", "feedback", "training")
    ]
    kinds = frozenset({DRAFTING_REPORT}) if access.role == Role.TO_BIEN_TAP else None
    with read_session(engine_of(request)) as session:
        reports = unit_reports(session, org_id=unit.id, kinds=kinds)
        intakes = unit_intakes(session, org_id=unit.id)
        congress = congress_facts(session, org_id=unit.id, term=get_settings().term)
    ctx: dict[str, Any] = {
        "title": unit.name,
        "nav": "tong-quan",
        "access": access,
        "unit": unit,
        "view": view,
        "day": day,
        "day_error": day_error,
        "stages": stages,
        "children": view.children,
        # units under the unit: a leaf counts itself in its summaries, so its children tell
        "has_units": bool(view.children),
        "reports": reports,
        "intakes": intakes,
        "congress": congress,
        "forms": offered_forms(access),
        "crumbs": breadcrumbs(request, access),
    }
    return page(request, "unit.html", ctx)
