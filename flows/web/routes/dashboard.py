"""`/tong-quan`: the office's dashboard (stage summary, heat map, drill-down, any past day)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from flows.web.deps import asked_day, engine_of, memo_of
from flows.web.render import page
from flows.web.scope import Access, allow
from models.db import read_session
from models.listings import ancestors
from tasks.core.errors import UserError
from tasks.core.plans import packaged_plans
from tasks.status.forecast import cached_forecasts, late_counts
from tasks.status.heatmap import Filters, heat_page
from tasks.status.trend import trend_of

router = APIRouter()

KEPT = ("org", "as_of", "plan", "stage", "state", "level", "q", "sort", "direct")


def link_maker(params: dict[str, str]) -> Any:
    """`href(**changes)`: this page's query with some parameters changed (None drops one)."""

    def href(path: str = "/tong-quan", **changes: Any) -> str:
        merged = {**params, **changes}
        query = {k: str(v) for k, v in merged.items() if v not in (None, "", False)}
        return path + ("?" + urlencode(query) if query else "")

    return href


def breadcrumbs(request: Request, access: Access) -> list[tuple[str, str]]:
    """(code, name) from the account's scope down to the organisation shown."""
    if access.target is None or access.root is None:
        return []
    with read_session(engine_of(request)) as session:
        chain = ancestors(session, path=access.target.path)
    return [(code, name) for code, name, path in chain if path.startswith(access.root.path)]


@router.get("/tong-quan", response_class=HTMLResponse)
def dashboard(
    request: Request,
    access: Annotated[Access, Depends(allow("status"))],
    as_of: str | None = None,
    plan: str | None = None,
) -> Response:
    """Where every unit of the scope stands on a day."""
    q = request.query_params
    params = {k: q[k] for k in KEPT if q.get(k)}
    ctx: dict[str, Any] = {"title": "Tổng quan", "nav": "tong-quan", "access": access}
    if access.target is None:
        return page(request, "empty.html", ctx)
    day, day_error = asked_day(request, as_of)
    filters = Filters.parse(**{k: q.get(k) for k in (*KEPT, "page")})
    try:
        cached = memo_of(request).get(
            engine_of(request), scope=access.target.code, as_of=day, plan=plan or None
        )
    except UserError as e:  # an unknown plan: say so, show the plan in force
        day_error = e.message
        params.pop("plan", None)
        cached = memo_of(request).get(engine_of(request), scope=access.target.code, as_of=day)
    ctx.update(
        doc=cached.doc,
        day=day,
        day_error=day_error,
        filters=filters,
        heat=heat_page(cached, filters),
        href=link_maker(params),
        crumbs=breadcrumbs(request, access),
        plans=sorted(packaged_plans()),
        week_before=(day - timedelta(days=7)).isoformat(),
        week_after=(day + timedelta(days=7)).isoformat(),
    )
    return page(request, "dashboard.html", ctx, block="heatmap")


@router.get("/tong-quan/du-bao", response_class=HTMLResponse)
def outlook(
    request: Request,
    access: Annotated[Access, Depends(allow("status"))],
    as_of: str | None = None,
) -> Response:
    """The dashboard's forecast (units not making it at the last 28 days' pace, per stage) and
    trend (the last `trend_weeks` weeks, 12 by default), loaded after the page so the page
    itself stays one status."""
    ctx: dict[str, Any] = {"title": "Dự báo và diễn biến", "nav": "tong-quan", "access": access}
    if access.target is None:
        return page(request, "empty.html", ctx)
    day, _ = asked_day(request, as_of)
    memo, engine = memo_of(request), engine_of(request)
    found = cached_forecasts(memo, engine, scope=access.target.code, as_of=day)
    doc = memo.get(engine, scope=access.target.code, as_of=day).doc
    leaf = all(u["code"] == access.target.code for u in doc["units"])  # a leaf's row is itself
    late = late_counts(found, scope_id=access.target.id, leaf=leaf)
    with read_session(engine) as session:
        points = trend_of(session, scope=access.target, as_of=day)
    ctx.update(day=day, late=late, trend=points, org=access.target)
    return page(request, "outlook.html", ctx, block="outlook")
