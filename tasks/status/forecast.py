"""The forecast (DESIGN.md "Decision support (exact)"): at the pace of the last 28 days, will a
unit finish a stage by its due date?

For each unit and stage that is applicable, not done and not yet overdue (due ≥ D): p1 =
progress at D, p0 = progress at D − 28 (under the plan in force then, unless one is named),
r = (p1 − p0) ÷ 28 per day; `stalled` when r ≤ 0 or p1 ≥ 1, else eta = D + ⌈(1 − p1) ÷ r⌉
days, `late` when eta > due, else `on_time`. Exact: progress is rebuilt as a fraction from the
judged integer figures (numerators and denominators in integer arrays, the eta's ceiling by
integer division), never from the rounded JSON figures or floats.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tasks.core.plans import STAGES, choose_plan
from tasks.status.document import StatusResult, fetch_inputs, gc_paused, judge_all
from tasks.status.memo import StatusMemo

WINDOW_DAYS = 28
OPEN_STATES = ("at_risk", "on_track", "not_started")


def _ints(frame: pd.DataFrame, column: str) -> np.ndarray:
    return frame[column].fillna(0).to_numpy(dtype=np.int64)


def exact_parts(stage: str, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each row's progress in a stage as an exact fraction of the judged integer figures,
    numerators and denominators (> 0): 0 where it does not apply, 1 where it is done (a manual
    override included); personnel min(1, Σ steps ÷ (5 × required)), inspections (concluded +
    verified) ÷ (inspections + remedies), feedback 0 until done, training satisfied ÷ pairs."""
    n = len(frame)
    num = np.zeros(n, dtype=np.int64)
    den = np.ones(n, dtype=np.int64)
    if not n:  # no rows (and perhaps no columns): nothing to read
        return num, den
    applicable = frame["applicable"].to_numpy(dtype=bool)
    done = applicable & frame["done"].to_numpy(dtype=bool)
    rest = applicable & ~done
    if stage == "personnel":
        most = 5 * _ints(frame, "required")
        ok = rest & frame["committee_size"].notna().to_numpy() & (most > 0)
        num[ok] = np.minimum(_ints(frame, "step_sum"), most)[ok]
        den[ok] = most[ok]
    elif stage == "inspections":
        total = _ints(frame, "inspections") + _ints(frame, "remedies")
        ok = rest & (total > 0)
        num[ok] = (_ints(frame, "concluded") + _ints(frame, "verified"))[ok]
        den[ok] = total[ok]
    elif stage == "training":
        pairs = _ints(frame, "pairs")
        ok = rest & (pairs > 0)
        num[ok] = _ints(frame, "satisfied")[ok]
        den[ok] = pairs[ok]
    num[done] = 1
    return num, den


def forecast_parts(
    p1: tuple[np.ndarray, np.ndarray],
    p0: tuple[np.ndarray, np.ndarray],
    as_of: date,
    due: list[date],
) -> list[dict[str, Any]]:
    """Each row's forecast from its progress at D (a1/b1) and at D − 28 (a0/b0), in integers:
    r = (p1 − p0) ÷ 28 ≤ 0 ⟺ a1·b0 − a0·b1 ≤ 0; (1 − p1) ÷ r = 28·(b1 − a1)·b0 ÷ (a1·b0 − a0·b1),
    its ceiling taken exactly. An eta past the last day a date can hold is `late` without one
    (a pace of a day's fraction of a step: thousands of years)."""
    (a1, b1), (a0, b0) = p1, p0
    pace = a1 * b0 - a0 * b1
    stalled = (pace <= 0) | (a1 >= b1)
    left = WINDOW_DAYS * (b1 - a1) * b0
    days = -((-left) // np.where(stalled, 1, pace))
    last = (date.max - as_of).days
    out: list[dict[str, Any]] = []
    for still, n, by in zip(stalled.tolist(), days.tolist(), due, strict=True):
        if still:
            out.append({"state": "stalled", "eta": None})
        elif n > last:
            out.append({"state": "late", "eta": None})
        else:
            eta = as_of + timedelta(days=n)
            out.append({"state": "late" if eta > by else "on_time", "eta": eta.isoformat()})
    return out


def forecasts(
    now: dict[str, pd.DataFrame], then: dict[str, pd.DataFrame], as_of: date
) -> dict[str, dict[int, dict[str, Any]]]:
    """Per stage, the forecast of every unit that has one, by id."""
    out: dict[str, dict[int, dict[str, Any]]] = {}
    day = pd.Timestamp(as_of)
    for stage in STAGES:
        frame = now[stage]
        open_ = frame[
            frame["state"].isin(OPEN_STATES) & frame["due"].notna() & (frame["due"] >= day)
        ]
        ids = open_["id"].to_numpy(dtype=np.int64)
        before = then[stage]
        before = before[before["id"].isin(ids)]
        then_num, then_den = exact_parts(stage, before)
        # Each open unit's progress at D − 28: its row's then, 0 without one.
        at = pd.Index(before["id"].to_numpy(dtype=np.int64)).get_indexer(ids)
        found = at >= 0
        a0 = np.zeros(len(ids), dtype=np.int64)
        b0 = np.ones(len(ids), dtype=np.int64)
        a0[found] = then_num[at[found]]
        b0[found] = then_den[at[found]]
        due = [d.date() for d in pd.to_datetime(open_["due"])]
        found_forecasts = forecast_parts(exact_parts(stage, open_), (a0, b0), as_of, due)
        out[stage] = dict(zip(ids.tolist(), found_forecasts, strict=True))
    return out


def add_forecast(
    session: Session,
    result: StatusResult,
    *,
    plan: str | None,
    then: dict[str, pd.DataFrame] | None = None,
) -> None:
    """Give the result's document its forecasts: a `forecast` in every unit's (and self's)
    stage that has one, `forecast_late` in each stage summary (over units(S); a leaf: S).
    `then`: the scope's stages judged as of D − 28 already (a trend's day: tasks.status.trend
    DayFrames), else judged here."""
    doc = result.document
    as_of = date.fromisoformat(doc["as_of"])
    earlier = as_of - timedelta(days=WINDOW_DAYS)
    scope = result.scope
    assert scope is not None, "a status result built by build_status knows its scope"
    if then is None:
        chosen = choose_plan(plan, earlier)
        with gc_paused():
            inputs = fetch_inputs(
                session, scope=scope, as_of=earlier, plan=chosen, year=doc["year"]
            )
            then = judge_all(inputs, chosen)
    per_stage = forecasts(result.per_stage, then, as_of)
    code_of = dict(zip(result.units["id"].tolist(), result.units["code"].tolist(), strict=True))
    entries = {u["code"]: u["stages"] for u in doc["units"]}
    entries[doc["self"]["code"]] = doc["self"]["stages"]
    for stage, found in per_stage.items():
        for uid, forecast in found.items():
            entries[code_of[uid]][stage]["forecast"] = forecast
    leaf = bool((result.units["id"] == scope.id).all())
    late = late_counts(per_stage, scope_id=scope.id, leaf=leaf)
    for stage, count in late.items():
        doc["stages"][stage]["forecast_late"] = count


def cached_forecasts(
    memo: StatusMemo, engine: Engine, *, scope: str, as_of: date
) -> dict[str, dict[int, dict[str, Any]]]:
    """The forecasts of every unit of a scope (by code) from the memo's status of the day and
    of 28 days before (each cached like any page's status; the plan in force on each day)."""
    now = memo.get(engine, scope=scope, as_of=as_of)
    then = memo.get(engine, scope=scope, as_of=as_of - timedelta(days=WINDOW_DAYS))
    assert now.result is not None and then.result is not None  # the memo keeps the frames
    return forecasts(now.result.per_stage, then.result.per_stage, as_of)


def late_counts(
    found: dict[str, dict[int, dict[str, Any]]], *, scope_id: int, leaf: bool
) -> dict[str, int]:
    """forecast_late per stage: units `late` or `stalled`, over units(S) (a leaf: over S)."""
    return {
        stage: sum(
            1
            for uid, f in per_unit.items()
            if f["state"] in ("late", "stalled") and (leaf or uid != scope_id)
        )
        for stage, per_unit in found.items()
    }
