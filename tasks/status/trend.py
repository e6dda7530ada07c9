"""The trend (DESIGN.md "Decision support (exact)"): the stage summary of a scope at D − 7k for
k = K … 0, each point replayed under the plan in force on its own day (unless one is named) and
cached in the database by (scope, day, plan, year, data version): a repeated trend recomputes
nothing, and a write (which moves the data version) makes the points recompute.

A point states what `daihoi status --as-of DAY` states in its "stages" (done, applicable,
progress), summed the same way; for a leaf scope, over the scope itself.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.accounts import data_version
from models.db import write_session
from models.queries import OrgRef
from models.settings import get_settings
from models.trend import PointKey, cached_points, store_points
from tasks.core.plans import STAGES, choose_plan
from tasks.status.document import fetch_inputs, gc_paused, judge_all

POINT_KEYS = ("done", "applicable", "progress")
log = logging.getLogger(__name__)


@dataclass
class Trend:
    """The points of a trend, oldest first, and those computed now (to be filed)."""

    scope: OrgRef
    year: int | None
    version: int
    points: list[dict[str, Any]]
    fresh: dict[PointKey, dict[str, Any]] = field(default_factory=dict)


def _ratio(num: float, den: float) -> float | None:
    return None if den == 0 else round(float(num) / float(den), 4)


def _day_frames(
    session: Session, *, scope: OrgRef, day: date, plan: str | None, year: int | None
) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """The units at or under the scope and each stage's judged frame as of a day."""
    chosen = choose_plan(plan, day)
    with gc_paused():
        inputs = fetch_inputs(session, scope=scope, as_of=day, plan=chosen, year=year)
        return inputs.units, judge_all(inputs, chosen)


def _point(
    units: pd.DataFrame, per_stage: dict[str, pd.DataFrame], org: OrgRef
) -> dict[str, dict[str, Any]]:
    """The stage summaries (done, applicable, progress) of `org` over units(org), or over
    org itself when it has none, from frames judged for it or for a scope above it."""
    paths = units["path"]
    below = (paths.str.startswith(org.path) & (units["id"] != org.id)).to_numpy()
    if not below.any():
        below = (units["id"] == org.id).to_numpy()
    out: dict[str, dict[str, Any]] = {}
    cols = ["done", "applicable", "progress_sum"]
    for stage in STAGES:
        # Frames keep the units' row order. One group summed as the tree rollup sums its
        # groups (tasks.status.rollup), so a point equals that day's status to the last bit.
        rows = per_stage[stage].loc[below, cols]
        sums = rows.assign(g=0).groupby("g")[cols].sum()
        row = sums.iloc[0] if len(sums) else pd.Series(0, index=cols)
        out[stage] = {
            "done": int(row["done"]),
            "applicable": int(row["applicable"]),
            "progress": _ratio(row["progress_sum"], row["applicable"]),
        }
    return out


def point_stages(
    session: Session, *, scope: OrgRef, day: date, plan: str | None, year: int | None
) -> dict[str, dict[str, Any]]:
    """The scope's stage summaries (done, applicable, progress) as of a day, computed."""
    units, per_stage = _day_frames(session, scope=scope, day=day, plan=plan, year=year)
    return _point(units, per_stage, scope)


def subtree_trends(
    session: Session,
    *,
    scope: OrgRef,
    orgs: Sequence[OrgRef],
    as_of: date,
    weeks: int | None = None,
    plan: str | None = None,
) -> dict[int, list[dict[str, Any]]]:
    """The trend of each org at or under the scope, from one judgement of the scope per day
    (a batch of per-unit reports): equal to each org's own trend when its units are judged on
    the same inputs in both (the same current draft, as tasks.status.memo says)."""
    out: dict[int, list[dict[str, Any]]] = {o.id: [] for o in orgs}
    for day in trend_days(as_of, trend_weeks(weeks)):
        units, per_stage = _day_frames(session, scope=scope, day=day, plan=plan, year=None)
        for org in orgs:
            out[org.id].append({"as_of": day.isoformat(), "stages": _point(units, per_stage, org)})
    return out


def trend_weeks(weeks: int | None) -> int:
    """The weeks asked for, else the configured ones (`trend_weeks`, default 12)."""
    return get_settings().trend_weeks if weeks is None else weeks


def trend_days(as_of: date, weeks: int) -> list[date]:
    """D − 7k for k = K … 0, oldest first."""
    return [as_of - timedelta(days=7 * k) for k in range(weeks, -1, -1)]


def compute_trend(
    session: Session,
    *,
    scope: OrgRef,
    as_of: date,
    weeks: int | None = None,
    plan: str | None = None,
    year: int | None = None,
) -> Trend:
    """The trend's points, read from the cache where filed under the current data version
    (read in this same transaction), computed otherwise."""
    version = data_version(session)
    keys = [(day, choose_plan(plan, day).name) for day in trend_days(as_of, trend_weeks(weeks))]
    cached = cached_points(session, org_id=scope.id, keys=keys, year=year, version=version)
    trend = Trend(scope=scope, year=year, version=version, points=[])
    for day, plan_name in keys:
        stages = cached.get((day, plan_name))
        if stages is None:
            stages = point_stages(session, scope=scope, day=day, plan=plan, year=year)
            trend.fresh[(day, plan_name)] = stages
        trend.points.append({"as_of": day.isoformat(), "stages": stages})
    return trend


def remember(engine: Engine, trend: Trend) -> None:
    """File a trend's fresh points (the cache is bookkeeping: it does not move the version).
    A point another process filed first is kept; a failure to file costs only speed."""
    if not trend.fresh:
        return
    try:
        with write_session(engine, changes_data=False) as session:
            store_points(
                session,
                org_id=trend.scope.id,
                points=trend.fresh,
                year=trend.year,
                version=trend.version,
            )
    except IntegrityError:  # filed concurrently by another process under the same key
        log.info("trend points filed concurrently; kept theirs")


def trend_of(
    session: Session,
    *,
    scope: OrgRef,
    as_of: date,
    weeks: int | None = None,
    plan: str | None = None,
    year: int | None = None,
) -> list[dict[str, Any]]:
    """compute_trend in the caller's read session, then its fresh points filed (through the
    session's engine, in a transaction of their own)."""
    trend = compute_trend(session, scope=scope, as_of=as_of, weeks=weeks, plan=plan, year=year)
    bind = session.get_bind()
    remember(bind if isinstance(bind, Engine) else bind.engine, trend)
    return trend.points
