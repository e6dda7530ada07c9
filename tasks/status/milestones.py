"""Milestones: each unit's due date per stage and its state as of a date (DESIGN.md)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from tasks.core.plans import Plan


def due_dates(
    units: pd.DataFrame, plan: Plan, stage: str, draft_deadline: date | None
) -> pd.Series:
    """The due date of `stage` for every unit (NaT where it cannot be known)."""
    due = pd.Series(pd.NaT, index=units.index, dtype="datetime64[ns]")
    for level in units["level"].unique():
        rule = plan.due_rule(stage, level)
        rows = units["level"] == level
        if rule.use_draft_deadline and draft_deadline is not None:
            due[rows] = pd.Timestamp(draft_deadline)
        elif rule.date is not None:
            due[rows] = pd.Timestamp(rule.date)
        elif rule.offset_days is not None:
            due[rows] = units.loc[rows, "congress_date"] + pd.Timedelta(days=rule.offset_days)
    return due


def done_overrides(overrides: pd.DataFrame) -> pd.Series:
    """The effective date of each unit's newest override in force, where that one says `done`."""
    if overrides.empty:
        return pd.Series(dtype="datetime64[ns]")
    latest = overrides.groupby("id").last()
    return latest.loc[latest["state"] == "done", "effective_from"]


def apply_overrides(
    judged: pd.DataFrame, overrides: pd.DataFrame, run_start: pd.Series | None = None
) -> pd.DataFrame:
    """Apply the newest override in force per unit: `done` from its date, or `not_applicable`.

    `run_start` (by unit id) is where the unit's run of done days that reached the day before
    its `done` override's date began (NaT: not done that day); the override joins that run, so
    `done_on` is its start, else the override's date. Without it, only the data's current run
    can be joined."""
    if overrides.empty:
        return judged
    latest = overrides.groupby("id").last()
    out = judged.copy()
    has = out["id"].isin(latest.index)
    state = out["id"].map(latest["state"])
    eff = out["id"].map(latest["effective_from"])
    na = has & (state == "not_applicable")
    out.loc[na, "applicable"] = False
    out.loc[na, "progress"] = np.nan
    forced = has & (state == "done")
    if run_start is not None:
        start = out["id"].map(run_start)
        earlier = start.where(start.notna(), eff)
    else:
        data_done_on = out["done_on"].where(out["done"])
        earlier = data_done_on.where(data_done_on.notna() & (data_done_on < eff), eff)
    out.loc[forced, "done_on"] = earlier[forced]
    out.loc[forced, "done"] = True
    out.loc[forced, "applicable"] = True
    out.loc[forced, "progress"] = 1.0
    return out


def judge_states(
    judged: pd.DataFrame, due: pd.Series, as_of: date, window_days: int
) -> pd.DataFrame:
    """State per unit: done, overdue, at_risk, on_track, not_started (or not_applicable)."""
    out = judged.copy()
    out["due"] = due
    day = pd.Timestamp(as_of)
    no_due = due.isna()
    progress = out["progress"].fillna(0.0)
    applicable = out["applicable"].astype(bool)
    done = out["done"].astype(bool)
    state = np.select(
        [
            ~applicable,
            done,
            ~no_due & (day > due),
            ~no_due & (day >= due - pd.Timedelta(days=window_days)),
            progress > 0,
        ],
        ["not_applicable", "done", "overdue", "at_risk", "on_track"],
        default="not_started",
    )
    out["state"] = state
    out["warnings"] = [
        (*w, "no-due-date") if nd and app and not dn else tuple(w)
        for w, nd, app, dn in zip(out["warnings"], no_due, applicable, done, strict=True)
    ]
    out["done_on"] = out["done_on"].where(out["state"] == "done")
    return out


HELD = "dai-hoi-da-to-chuc"
PAST_PLANNED = "qua-ngay-du-kien"


def congress_held(judged: pd.DataFrame, units: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """DESIGN.md "A congress already held": where the held date is ≤ as_of, a stage done by
    then stays done and one not done by then is not applicable (warning `dai-hoi-da-to-chuc`);
    a planned date before as_of with no held date warns `qua-ngay-du-kien`. `judged` is the
    stage judged on each unit's facts dated by its cutoff (its held date for such a unit:
    models.stages.cutoff), so its `done` is the stage's state on the day of the congress."""
    day = pd.Timestamp(as_of)
    held = judged["id"].map(units.set_index("id")["held_date"])
    congress = judged["id"].map(units.set_index("id")["congress_date"])
    was_held = (held.notna() & (held <= day)).to_numpy()
    past = (held.isna() & congress.notna() & (congress < day)).to_numpy()
    if not (was_held.any() or past.any()):
        return judged
    out = judged.copy()
    lapsed = was_held & (~out["state"].isin(("done", "not_applicable"))).to_numpy()
    out.loc[lapsed, "state"] = "not_applicable"
    out.loc[lapsed, "applicable"] = False
    out.loc[lapsed, "done"] = False
    out.loc[lapsed, "progress"] = np.nan
    out.loc[lapsed, "done_on"] = pd.NaT
    out["warnings"] = [
        (*w, HELD) if lp else (*w, PAST_PLANNED) if ps else tuple(w)
        for w, lp, ps in zip(out["warnings"], lapsed, past, strict=True)
    ]
    return out
