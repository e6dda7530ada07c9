"""The forecast in integers (tasks.status.forecast) gives exactly what DESIGN's rule gives in
fractions, on random judged figures: progress at D and at D − 28 (a unit missing then, other
denominators then), every state, the eta's ceiling and an eta beyond the last date."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from tasks.core.plans import STAGES
from tasks.status.forecast import OPEN_STATES, WINDOW_DAYS, forecasts

AS_OF = date(2025, 4, 20)
STATES = ("done", "overdue", "not_applicable", *OPEN_STATES)


def _progress(stage: str, row: Mapping[Any, Any]) -> Fraction:
    """DESIGN's progress of a unit's stage as a fraction, rule by rule."""
    if not row["applicable"]:
        return Fraction(0)
    if row["done"]:
        return Fraction(1)
    if stage == "personnel":
        if pd.isna(row["committee_size"]) or row["required"] <= 0:
            return Fraction(0)
        return min(Fraction(1), Fraction(row["step_sum"], 5 * row["required"]))
    if stage == "inspections":
        total = row["inspections"] + row["remedies"]
        return Fraction(row["concluded"] + row["verified"], total) if total else Fraction(0)
    if stage == "training":
        return Fraction(row["satisfied"], row["pairs"]) if row["pairs"] else Fraction(0)
    return Fraction(0)  # feedback: 0 until done


def _rule(p1: Fraction, p0: Fraction, due: date) -> dict[str, Any]:
    """DESIGN's forecast: r = (p1 − p0) ÷ 28; stalled when r ≤ 0 or p1 ≥ 1; else
    eta = D + ⌈(1 − p1) ÷ r⌉, late when eta > due (and when no date can hold the eta)."""
    rate = (p1 - p0) / WINDOW_DAYS
    if rate <= 0 or p1 >= 1:
        return {"state": "stalled", "eta": None}
    q = (1 - p1) / rate
    days = -((-q.numerator) // q.denominator)
    if days > (date.max - AS_OF).days:
        return {"state": "late", "eta": None}
    eta = AS_OF + timedelta(days=days)
    return {"state": "late" if eta > due else "on_time", "eta": eta.isoformat()}


small = st.integers(0, 12)
row = st.fixed_dictionaries(
    {
        "state": st.sampled_from(STATES),
        "applicable": st.booleans(),
        "done": st.booleans(),
        "due_in": st.integers(-5, 400),
        "committee_size": st.one_of(st.none(), st.integers(1, 80)),
        "required": st.integers(0, 90),
        "step_sum": st.integers(0, 450),
        "inspections": small,
        "remedies": small,
        "concluded": small,
        "verified": small,
        "pairs": small,
        "satisfied": small,
    }
)


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    frame["id"] = np.arange(1, len(rows) + 1)
    frame["due"] = pd.to_datetime([AS_OF + timedelta(days=r["due_in"]) for r in rows])
    frame["committee_size"] = frame["committee_size"].astype("float64")  # None: NaN
    # Counts never exceed their totals in a judged frame.
    frame["concluded"] = np.minimum(frame["concluded"], frame["inspections"])
    frame["verified"] = np.minimum(frame["verified"], frame["remedies"])
    frame["satisfied"] = np.minimum(frame["satisfied"], frame["pairs"])
    return frame


@settings(max_examples=150)
@given(now=st.lists(row, min_size=1, max_size=25), then=st.lists(row, max_size=25))
def test_the_integer_forecast_is_the_fraction_rule_on_any_figures(
    now: list[dict[str, Any]], then: list[dict[str, Any]]
) -> None:
    a, b = _frame(now), _frame(then) if then else _frame(now).iloc[0:0]
    got = forecasts(dict.fromkeys(STAGES, a), dict.fromkeys(STAGES, b), AS_OF)
    before = {int(r["id"]): r for r in b.to_dict("records")}
    for stage in STAGES:
        expected = {}
        for r in a.to_dict("records"):
            if r["state"] not in OPEN_STATES or r["due"] < pd.Timestamp(AS_OF):
                continue
            p0 = _progress(stage, before[r["id"]]) if r["id"] in before else Fraction(0)
            expected[int(r["id"])] = _rule(_progress(stage, r), p0, r["due"].date())
        assert got[stage] == expected, stage


def _all(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return dict.fromkeys(STAGES, frame)


def test_a_pace_of_a_hair_gives_late_without_an_eta_rather_than_failing() -> None:
    # 1 of 400 inspections and remedies settled at D, 1 of 401 at D − 28 (one was dropped
    # since): r = 1/(28 × 400 × 401) a day, the eta 4.5 million days on, past year 9999.
    def frame(inspections: int) -> pd.DataFrame:
        row = {"id": 1, "applicable": 1, "done": 0, "state": "on_track"}
        row |= {"inspections": inspections, "remedies": 200, "concluded": 1, "verified": 0}
        row |= {"committee_size": 3.0, "required": 4, "step_sum": 0, "pairs": 0, "satisfied": 0}
        out = pd.DataFrame([row])
        out["due"] = pd.to_datetime([AS_OF + timedelta(days=30)])
        return out

    found = forecasts(_all(frame(200)), _all(frame(201)), AS_OF)
    assert found["inspections"] == {1: {"state": "late", "eta": None}}
    # The same pace from 1/400 at D − 28 to 2/400 at D: an eta 28 × 398 days on.
    now = frame(200)
    now["concluded"] = 2
    found = forecasts(_all(now), _all(frame(200)), AS_OF)
    eta = (AS_OF + timedelta(days=28 * 398)).isoformat()
    assert found["inspections"] == {1: {"state": "late", "eta": eta}}
