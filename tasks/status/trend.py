"""The trend (DESIGN.md "Decision support (exact)"): the stage summary of a scope at D − 7k for
k = K … 0, each point replayed under the plan in force on its own day (unless one is named) and
cached in the database by (scope, day, plan, year) with its data version: a repeated trend
recomputes nothing, and a write makes the points it can change recompute (models.changes: a
write that says what it touched, a unit's subtree from a day, spares the others' points).

A point states what `daihoi status --as-of DAY` states in its "stages" (done, applicable,
progress), summed the same way; for a leaf scope, over the scope itself.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.accounts import data_version
from models.db import write_session
from models.queries import OrgRef
from models.settings import get_settings
from models.trend import PointKey, cached_points, cached_points_of, store_points, store_points_of
from tasks.core.plans import STAGES, choose_plan
from tasks.status.document import StatusResult, fetch_inputs, gc_paused, judge_all
from tasks.status.forecast import WINDOW_DAYS

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


Frames = dict[str, pd.DataFrame]  # each stage's judged frame, rows in the units' order


def _day_frames(
    session: Session, *, scope: OrgRef, day: date, plan: str | None, year: int | None
) -> tuple[pd.DataFrame, Frames]:
    """The units at or under the scope and each stage's judged frame as of a day.

    Judged without `earlier` (status_result's judgement of the day before a done override's
    date): that only moves a forced unit's `done_on`, which neither a point (done,
    applicable, progress) nor the forecast (state, due, progress) reads."""
    chosen = choose_plan(plan, day)
    with gc_paused():
        inputs = fetch_inputs(session, scope=scope, as_of=day, plan=chosen, year=year)
        return inputs.units, judge_all(inputs, chosen)


class DayFrames:
    """One scope's judged frames per day under the plan in force that day (unless one is
    named), shared by a trend and the forecast: the status's own day is given (its frames),
    and the days in `keep` are judged once and kept (the forecast's D − 28, a trend day);
    any other day is judged when asked and not held (a national day is tens of MB)."""

    def __init__(
        self,
        session: Session,
        *,
        scope: OrgRef,
        plan: str | None,
        known: dict[date, tuple[pd.DataFrame, Frames]] | None = None,
        keep: Sequence[date] = (),
    ) -> None:
        self.session = session
        self.scope = scope
        self.plan = plan
        self._known = dict(known or {})
        self._keep = set(keep)
        self.judged: list[date] = []  # the days judged here, in order (tests read it)

    @classmethod
    def of_status(cls, session: Session, result: StatusResult, *, plan: str | None) -> DayFrames:
        """The frames of a status result's scope, its own day known, D − 28 kept."""
        as_of = date.fromisoformat(result.document["as_of"])
        assert result.scope is not None, "a status result built by build_status knows its scope"
        return cls(
            session,
            scope=result.scope,
            plan=plan,
            known={as_of: (result.units, result.per_stage)},
            keep=[as_of - timedelta(days=WINDOW_DAYS)],
        )

    def get(self, day: date) -> tuple[pd.DataFrame, Frames]:
        """The units and judged frames of a day."""
        found = self._known.get(day)
        if found is None:
            found = _day_frames(self.session, scope=self.scope, day=day, plan=self.plan, year=None)
            self.judged.append(day)
            if day in self._keep:
                self._known[day] = found
        return found


_POINT_COLUMNS = ("done", "applicable", "progress_sum")


class _Cutter:
    """Cuts the points of many orgs from one scope's judged frames of a day: the subtree
    sums of each (over the units strictly below it, or its own row for a leaf), summed as
    tasks.status.rollup sums them (a group per org over the same rows in the same order: the
    very figures of that org's own status, to the last bit)."""

    def __init__(self, units: pd.DataFrame, orgs: Sequence[OrgRef]) -> None:
        self.ids = units["id"].to_numpy().copy()
        wanted = {o.id for o in orgs}
        position = {int(uid): i for i, uid in enumerate(self.ids.tolist())}
        ancestors: list[int] = []
        rows: list[int] = []
        for i, (uid, path) in enumerate(
            zip(units["id"].tolist(), units["path"].tolist(), strict=True)
        ):
            for part in path.rstrip("/").split("/"):
                a = int(part)
                if a != uid and a in wanted:
                    ancestors.append(a)
                    rows.append(i)
        self.ancestors = np.asarray(ancestors, dtype="int64")
        self.rows = np.asarray(rows, dtype="int64")
        below = set(ancestors)
        self.leaves = [o.id for o in orgs if o.id not in below]
        self.leaf_rows = np.asarray([position[i] for i in self.leaves], dtype="int64")

    def fits(self, units: pd.DataFrame) -> bool:
        """Whether `units` are the units (in the same order) this cutter was built on."""
        return bool(np.array_equal(units["id"].to_numpy(), self.ids))

    def points(self, per_stage: Frames) -> dict[int, dict[str, dict[str, Any]]]:
        """Each org's stage summaries (done, applicable, progress), by id."""
        out: dict[int, dict[str, dict[str, Any]]] = {}
        for stage in STAGES:
            values = per_stage[stage].loc[:, list(_POINT_COLUMNS)].reset_index(drop=True)
            picked = values.take(self.rows).reset_index(drop=True)
            sums = (
                picked.assign(ancestor=self.ancestors)
                .groupby("ancestor")[list(_POINT_COLUMNS)]
                .sum()
            )
            own = values.take(self.leaf_rows).set_axis(self.leaves)
            for frame in (sums, own):
                for uid, done, applicable, progress_sum in zip(
                    frame.index.tolist(),
                    frame["done"].tolist(),
                    frame["applicable"].tolist(),
                    frame["progress_sum"].tolist(),
                    strict=True,
                ):
                    out.setdefault(int(uid), {})[stage] = {
                        "done": int(done),
                        "applicable": int(applicable),
                        "progress": _ratio(progress_sum, applicable),
                    }
        return out


def point_stages(
    session: Session, *, scope: OrgRef, day: date, plan: str | None, year: int | None
) -> dict[str, dict[str, Any]]:
    """The scope's stage summaries (done, applicable, progress) as of a day, computed."""
    units, per_stage = _day_frames(session, scope=scope, day=day, plan=plan, year=year)
    return _Cutter(units, [scope]).points(per_stage)[scope.id]


@dataclass
class SubtreeTrends:
    """The trends of many orgs of one scope (by id), oldest point first, and the points
    computed now (to be filed, by org)."""

    version: int
    points: dict[int, list[dict[str, Any]]]
    fresh: dict[int, dict[PointKey, dict[str, Any]]] = field(default_factory=dict)


def subtree_trends(
    session: Session,
    *,
    scope: OrgRef,
    orgs: Sequence[OrgRef],
    as_of: date,
    weeks: int | None = None,
    plan: str | None = None,
    frames: DayFrames | None = None,
    only: Collection[date] | None = None,
) -> SubtreeTrends:
    """The trend of each org at or under the scope (a batch of per-unit reports): its points
    read from the cache where filed under the current data version (year: none), the others
    cut from one judgement of the scope per day (`frames`, shared with the forecast), and
    judged only on a day some org has no point of. Equal to each org's own trend when its
    units are judged on the same inputs in both (the same current draft, as
    tasks.status.memo says). `only`: the trend's points of these days alone (a share of the
    days, filed ahead by one of several processes: warm_trends)."""
    frames = frames or DayFrames(session, scope=scope, plan=plan)
    version = data_version(session)
    days = trend_days(as_of, trend_weeks(weeks))
    if only is not None:
        days = [day for day in days if day in only]
    keys = [(day, choose_plan(plan, day).name) for day in days]
    ids = list(dict.fromkeys(o.id for o in orgs))
    by_id = {o.id: o for o in orgs}
    paths = {i: by_id[i].path for i in ids}
    cached = cached_points_of(session, org_paths=paths, keys=keys, year=None, version=version)
    out = SubtreeTrends(version=version, points={i: [] for i in ids})
    cutter: _Cutter | None = None
    for key in keys:
        day, _ = key
        missing = [i for i in ids if key not in cached.get(i, {})]
        computed: dict[int, dict[str, dict[str, Any]]] = {}
        if missing:
            units, per_stage = frames.get(day)
            if cutter is None or not cutter.fits(units):  # the units are every day's
                cutter = _Cutter(units, [by_id[i] for i in ids])
            computed = cutter.points(per_stage)
            for i in missing:
                out.fresh.setdefault(i, {})[key] = computed[i]
        for i in ids:
            stages = computed[i] if i in computed else cached[i][key]
            out.points[i].append({"as_of": day.isoformat(), "stages": stages})
    return out


def with_units(units: pd.DataFrame, orgs: Sequence[OrgRef]) -> list[OrgRef]:
    """The orgs with units under them among a scope's units (those a report charts)."""
    parents = set(units["parent_id"].dropna().astype("int64").tolist())
    return [o for o in orgs if o.id in parents]


def remember_subtree(engine: Engine, trends: SubtreeTrends) -> None:
    """File a batch's fresh points (as `remember` files one trend's)."""
    if not trends.fresh:
        return
    try:
        with write_session(engine, changes_data=False) as session:
            store_points_of(session, points=trends.fresh, year=None, version=trends.version)
    except IntegrityError:  # filed concurrently by another process under the same key
        log.info("trend points filed concurrently; kept theirs")


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
    cached = cached_points(
        session, org_id=scope.id, path=scope.path, keys=keys, year=year, version=version
    )
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


def engine_of(session: Session) -> Engine:
    """The engine behind a session (whose bind may be a connection)."""
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


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
    remember(engine_of(session), trend)
    return trend.points
