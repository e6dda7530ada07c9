"""Decision support, forecast: stalled / late / on_time, the eta's ceiling, which stages get one,
forecast_late, and the 28-day window under the plan in force then (a plan change inside it)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine

import tasks.core.plans as plans_module
from models.db import read_session, write_session
from models.enums import Gender
from tasks.core.plans import Sourced
from tasks.status.document import status_result
from tasks.status.forecast import add_forecast
from tests.helpers.factories import add_org
from tests.helpers.status import add_candidate, add_inspection, add_passed, root_only, validator

pytestmark = pytest.mark.db

D = date(2025, 4, 20)  # ct45-2025 in force (from 14/4); D − 28 = 23/3 is under ct35-2024
OLD = date(2025, 1, 1)
IN_WINDOW = date(2025, 4, 1)


def _forecast(scope: str | None = None, plan: str | None = None) -> dict[str, Any]:
    with read_session() as s:
        result = status_result(s, scope=scope, as_of=D, plan=plan)
        add_forecast(s, result, plan=plan)
    validator().validate(result.document)
    return result.document


def _unit(doc: dict[str, Any], code: str, stage: str) -> dict[str, Any]:
    (found,) = [u for u in doc["units"] if u["code"] == code]
    entry: dict[str, Any] = found["stages"][stage]
    return entry


def _inspections(s: Any, org: Any, before: int, during: int, open_: int) -> None:
    """Inspections started long ago: `before` concluded before the window, `during` in it."""
    for _ in range(before):
        add_inspection(s, org, OLD, date(2025, 3, 1))
    for _ in range(during):
        add_inspection(s, org, OLD, IN_WINDOW)
    for _ in range(open_):
        add_inspection(s, org, OLD)


def test_on_time_late_and_stalled_with_the_eta_at_the_due_date_boundary(engine: Engine) -> None:
    with write_session() as s:
        root = root_only(s)
        # 1 of 4 concluded at D − 28, 2 of 4 at D: r = 1/112 a day, eta = D + ⌈(1/2) ÷ r⌉ = D + 56.
        on_time = add_org(s, "ON-TIME", parent=root, congress=D + timedelta(days=56 + 15))
        _inspections(s, on_time, 1, 1, 2)
        late = add_org(s, "LATE", parent=root, congress=D + timedelta(days=55 + 15))
        _inspections(s, late, 1, 1, 2)
        stalled = add_org(s, "STALLED", parent=root, congress=date(2025, 6, 30))
        _inspections(s, stalled, 1, 0, 1)
        # Personnel at progress 1 (4 men passed, size 3) with no woman: can go no further.
        full = add_org(s, "FULL", parent=root, congress=date(2025, 6, 30))
        add_passed(s, full, 4, OLD, gender=Gender.NAM)
        done = add_org(s, "DONE", parent=root, congress=date(2025, 6, 30))
        add_inspection(s, done, OLD, date(2025, 3, 1))
        overdue = add_org(s, "OVERDUE", parent=root, congress=date(2025, 4, 1))
        _inspections(s, overdue, 0, 1, 1)
    doc = _forecast()
    assert _unit(doc, "ON-TIME", "inspections")["due"] == "2025-06-15"
    assert _unit(doc, "ON-TIME", "inspections")["forecast"] == {
        "state": "on_time",
        "eta": "2025-06-15",
    }
    assert _unit(doc, "LATE", "inspections")["forecast"] == {"state": "late", "eta": "2025-06-15"}
    assert _unit(doc, "STALLED", "inspections")["forecast"] == {"state": "stalled", "eta": None}
    full_p = _unit(doc, "FULL", "personnel")
    assert (full_p["progress"], full_p["forecast"]) == (1.0, {"state": "stalled", "eta": None})
    assert "forecast" not in _unit(doc, "DONE", "inspections")
    assert _unit(doc, "OVERDUE", "inspections")["state"] == "overdue"
    assert "forecast" not in _unit(doc, "OVERDUE", "inspections")
    # Feedback: no draft, due congress − 20 (ahead), nothing submitted: no pace → stalled.
    feedback = [_unit(doc, c, "feedback").get("forecast") for c in ("ON-TIME", "DONE")]
    assert feedback == [{"state": "stalled", "eta": None}] * 2
    # LATE, STALLED, and FULL (no inspection at all: progress 0 at both ends).
    assert _unit(doc, "FULL", "inspections")["forecast"]["state"] == "stalled"
    assert doc["stages"]["inspections"]["forecast_late"] == 3


def test_the_eta_is_the_ceiling_of_the_days_left_at_the_pace(engine: Engine) -> None:
    with write_session() as s:
        root = root_only(s)
        # Size 3: 4 required, Σ step over 5 × 4 = 20. Nothing at D − 28, 3 steps at D:
        # eta = D + ⌈28 × (17/20) ÷ (3/20)⌉ = D + ⌈158,67⌉ = D + 159 (not 158), one day
        # after the due date (congress − 30 = D + 158): late, where a floor would say on time.
        unit = add_org(s, "U", parent=root, congress=D + timedelta(days=158 + 30))
        add_candidate(s, unit, {3: IN_WINDOW})
    entry = _unit(_forecast(), "U", "personnel")
    assert entry["progress"] == 0.15
    assert entry["forecast"] == {"state": "late", "eta": (D + timedelta(days=159)).isoformat()}
    assert entry["due"] == (D + timedelta(days=158)).isoformat()


def test_the_window_start_is_judged_under_the_plan_in_force_then(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    with write_session() as s:
        root = root_only(s)
        unit = add_org(s, "U", parent=root, congress=date(2025, 12, 31))
        add_candidate(s, unit, {4: OLD})
        add_candidate(s, unit, {4: IN_WINDOW})
    named = _unit(_forecast(plan="ct45-2025"), "U", "personnel")
    # Both ends under ct45 (10 %: 4 required): p0 = 4/20, p1 = 8/20 → D + 28 × (3/5) ÷ (1/5).
    assert named["forecast"]["eta"] == (D + timedelta(days=84)).isoformat()
    plans = dict(plans_module.packaged_plans())
    old = plans["ct35-2024"]
    plans["ct35-2024"] = old.model_copy(update={"surplus_min": Sourced(value=50)})
    monkeypatch.setattr(plans_module, "packaged_plans", lambda: plans)
    # D − 28 under the (patched) ct35: 50 % → 5 required, p0 = 4/25; p1 = 8/20 under ct45:
    # r = (2/5 − 4/25) ÷ 28 = (6/25) ÷ 28, eta = D + 28 × (3/5) ÷ (6/25) = D + 70.
    doc = _forecast()
    assert doc["plan"] == "ct45-2025"
    assert _unit(doc, "U", "personnel")["forecast"]["eta"] == (D + timedelta(days=70)).isoformat()


def test_a_leaf_scope_counts_its_own_forecast(engine: Engine) -> None:
    with write_session() as s:
        root = root_only(s)
        leaf = add_org(s, "LEAF", parent=root, congress=date(2025, 6, 30))
        _inspections(s, leaf, 1, 0, 1)
    doc = _forecast("LEAF")
    assert doc["self"]["stages"]["inspections"]["forecast"]["state"] == "stalled"
    assert doc["stages"]["inspections"]["forecast_late"] == 1
