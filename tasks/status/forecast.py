"""The forecast (DESIGN.md "Decision support (exact)"): at the pace of the last 28 days, will a
unit finish a stage by its due date?

For each unit and stage that is applicable, not done and not yet overdue (due ≥ D): p1 =
progress at D, p0 = progress at D − 28 (under the plan in force then, unless one is named),
r = (p1 − p0) ÷ 28 per day; `stalled` when r ≤ 0 or p1 ≥ 1, else eta = D + ⌈(1 − p1) ÷ r⌉
days, `late` when eta > due, else `on_time`. Exact: progress is rebuilt as a fraction from the
judged integer figures, never from the rounded JSON figures or floats.
"""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction
from typing import Any

import pandas as pd
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tasks.core.plans import STAGES, choose_plan
from tasks.status.document import StatusResult, fetch_inputs, gc_paused, judge_all
from tasks.status.memo import StatusMemo

WINDOW_DAYS = 28
OPEN_STATES = ("at_risk", "on_track", "not_started")


def _personnel(row: Any) -> Fraction:
    if pd.isna(row.committee_size) or row.required <= 0:
        return Fraction(0)
    return min(Fraction(1), Fraction(int(row.step_sum), 5 * int(row.required)))


def _inspections(row: Any) -> Fraction:
    total = int(row.inspections) + int(row.remedies)
    return Fraction(int(row.concluded) + int(row.verified), total) if total else Fraction(0)


def _feedback(row: Any) -> Fraction:
    return Fraction(1 if row.done else 0)


def _training(row: Any) -> Fraction:
    return Fraction(int(row.satisfied), int(row.pairs)) if row.pairs else Fraction(0)


EXACT = {
    "personnel": _personnel,
    "inspections": _inspections,
    "feedback": _feedback,
    "training": _training,
}


def exact_progress(stage: str, frame: pd.DataFrame) -> dict[int, Fraction]:
    """Each unit's progress in a stage as a fraction, by id (0 where it does not apply; 1 where
    a manual override made it done)."""
    out: dict[int, Fraction] = {}
    rule = EXACT[stage]
    for row in frame.itertuples(index=False):
        uid: Any = row.id
        if not row.applicable:
            out[int(uid)] = Fraction(0)
        elif row.done:
            out[int(uid)] = Fraction(1)
        else:
            out[int(uid)] = rule(row)
    return out


def _ceil(value: Fraction) -> int:
    return -((-value.numerator) // value.denominator)


def predict(p1: Fraction, p0: Fraction, as_of: date, due: date) -> dict[str, Any]:
    """One unit's forecast for one stage."""
    rate = (p1 - p0) / WINDOW_DAYS
    if rate <= 0 or p1 >= 1:
        return {"state": "stalled", "eta": None}
    eta = as_of + timedelta(days=_ceil((1 - p1) / rate))
    return {"state": "late" if eta > due else "on_time", "eta": eta.isoformat()}


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
        p1 = exact_progress(stage, open_)
        p0 = exact_progress(stage, then[stage][then[stage]["id"].isin(open_["id"])])
        out[stage] = {
            int(uid): predict(p1[int(uid)], p0.get(int(uid), Fraction(0)), as_of, due.date())
            for uid, due in zip(open_["id"], open_["due"], strict=True)
        }
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
