"""Each stage's own figures per unit (DESIGN.md "Status rules (exact)"), from the query frames.

Every function takes the units frame and the stage's query result and returns one row per unit:
`applicable`, `done`, `progress` (NaN when not applicable), `done_on` (the earliest date from
which the unit has been continuously done), `warnings`, plus the stage's own extra columns.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd

from tasks.core.plans import Plan

EMPTY: tuple[str, ...] = ()


def _ceil_share(share: float, counts: pd.Series) -> pd.Series:
    """⌈share × count⌉ in exact integer arithmetic."""
    f = Fraction(str(share))
    return (counts.astype("int64") * f.numerator + f.denominator - 1) // f.denominator


def _structure_ok(frame: pd.DataFrame, plan: Plan, passed_col: str) -> pd.Series:
    """Every structure target holds over the passed candidates counted in `frame`."""
    ok = pd.Series(True, index=frame.index)
    for target in plan.structure_targets:
        col = target.category.replace("-", "_")
        counts = frame[col].astype("int64")
        ok &= counts >= _ceil_share(target.min_share, frame[passed_col])
        if target.max_share is not None:
            f = Fraction(str(target.max_share))
            ok &= counts * f.denominator <= frame[passed_col].astype("int64") * f.numerator
    return ok


CATEGORY_COLUMNS = ("nu", "duoi_40", "lan_dau", "dan_toc_thieu_so", "tren_dai_hoc")
PIPELINE_COLUMNS = tuple(f"pipe_{c}" for c in CATEGORY_COLUMNS)


def personnel(
    units: pd.DataFrame, agg: pd.DataFrame, days: pd.DataFrame, plan: Plan
) -> pd.DataFrame:
    """Personnel: enough candidates at step 5 (size plus surplus) and the structure targets hold.
    `agg`: per unit, its active candidates, their steps summed and its pipeline (candidates at
    steps 0–4) per category (`pipe_…`); `days`: per unit and day candidates passed step 5, how
    many (`n`) and per category (under 40 on the unit's age reference date, in the query)."""
    out = units[["id", "committee_size", "contents", "level", "congress_date"]].merge(
        agg, on="id", how="left"
    )
    for col in ("candidates", "step_sum", *PIPELINE_COLUMNS):
        out[col] = out[col].fillna(0).astype("int64")
    size = out["committee_size"]
    out["applicable"] = ~((size == 0) | (out["contents"] == 2))
    p = plan.surplus_min.value
    size_int = size.fillna(0).astype("int64")
    out["required"] = -((-size_int * (100 + p)) // 100)
    missing = size.isna()
    denom = (5 * out["required"]).where(out["required"] > 0)
    out["progress"] = (out["step_sum"] / denom).clip(upper=1.0).fillna(0.0)
    out.loc[missing, "progress"] = 0.0

    days = days.astype(dict.fromkeys(("n", *CATEGORY_COLUMNS), "int64"))
    counts = days.groupby("id")[["n", *CATEGORY_COLUMNS]].sum().rename(columns={"n": "passed"})
    out = out.merge(counts, left_on="id", right_index=True, how="left")
    for col in ("passed", *CATEGORY_COLUMNS):
        out[col] = out[col].fillna(0).astype("int64")
    out["pipeline"] = out["candidates"] - out["passed"]

    enough = (out["passed"] >= out["required"]) & ~missing & (out["required"] > 0)
    out["done"] = out["applicable"] & enough & _structure_ok(out, plan, "passed")
    out["done_on"] = _personnel_done_on(out, days, plan)
    out["warnings"] = [("thieu-so-luong-cap-uy",) if m else EMPTY for m in missing]
    out.loc[~out["applicable"], "progress"] = np.nan
    return out


def _personnel_done_on(out: pd.DataFrame, days: pd.DataFrame, plan: Plan) -> pd.Series:
    """For done units: the first date of the last run of dates on which the rule held (the
    status after all passes of a day is what that day shows)."""
    done_ids = out.loc[out["done"], ["id", "required"]]
    if done_ids.empty:
        return pd.Series(pd.NaT, index=out.index, dtype="object")
    rows = days.merge(done_ids, on="id").sort_values(["id", "passed_on"])
    cat_cols = list(CATEGORY_COLUMNS)
    cum = rows.groupby("id")[["n", *cat_cols]].cumsum()
    cum["id"] = rows["id"]
    cum["passed_on"] = rows["passed_on"]
    cum["required"] = rows["required"]
    cum["ok"] = (cum["n"] >= cum["required"]) & _structure_ok(cum, plan, "n")
    last_bad = cum.loc[~cum["ok"]].groupby("id")["passed_on"].max()
    cum = cum.join(last_bad.rename("last_bad"), on="id")
    later = cum[cum["last_bad"].isna() | (cum["passed_on"] > cum["last_bad"])]
    first_ok = later.groupby("id")["passed_on"].min()
    return out["id"].map(first_ok)


def inspections(units: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """Inspections: inspected, every inspection concluded and every remedy verified."""
    r = rows.copy()
    r["concluded"] = r["concluded_on"].notna().astype("int64")
    r["complete"] = r["concluded_on"].notna() & (r["verified"] == r["remedies"])
    ready = r[["concluded_on", "last_verified"]].max(axis=1)
    r["ready"] = ready.where(r["complete"])
    # A day on which an inspection had started but was not complete breaks the done run.
    r["break_until"] = r["ready"].where(r["ready"] > r["started_on"])
    g = r.groupby("id").agg(
        inspections=("started_on", "size"),
        concluded=("concluded", "sum"),
        remedies=("remedies", "sum"),
        verified=("verified", "sum"),
        first_start=("started_on", "min"),
        last_break=("break_until", "max"),
    )
    out = units[["id"]].merge(g, left_on="id", right_index=True, how="left")
    for col in ("inspections", "concluded", "remedies", "verified"):
        out[col] = out[col].fillna(0).astype("int64")
    total = out["inspections"] + out["remedies"]
    out["progress"] = ((out["concluded"] + out["verified"]) / total.where(total > 0)).fillna(0.0)
    out["applicable"] = True
    out["done"] = (
        (out["inspections"] >= 1)
        & (out["concluded"] == out["inspections"])
        & (out["verified"] == out["remedies"])
    )
    done_on = out[["first_start", "last_break"]].max(axis=1)
    out["done_on"] = done_on.where(out["done"])
    out["warnings"] = [EMPTY] * len(out)
    return out.drop(columns=["first_start", "last_break"])


def feedback(
    units: pd.DataFrame, subs: pd.DataFrame, deadline: object, draft_scope_id: int | None = None
) -> pd.DataFrame:
    """Feedback: the unit has submitted (late ones count and are flagged). The organisation
    whose draft it is does not comment on its own draft: not applicable there."""
    out = units[["id"]].merge(subs, on="id", how="left")
    out["comments"] = out["comments"].fillna(0).astype("int64")
    out["answered"] = out["answered"].fillna(0).astype("int64")
    out["applicable"] = out["id"] != draft_scope_id
    out["done"] = out["submitted_on"].notna()
    out["progress"] = out["done"].astype("float64").where(out["applicable"])
    out["done_on"] = out["submitted_on"]
    if deadline is None:
        out["late"] = False
    else:
        out["late"] = out["done"] & (out["submitted_on"] > deadline)
    out["warnings"] = [("late",) if late else EMPTY for late in out["late"]]
    return out


ROLE_MIN_SIZE = {"bi-thu": 1, "pho-bi-thu": 2, "cap-uy-vien": 3}


def training(
    units: pd.DataFrame, course_roles: pd.DataFrame, attended: pd.DataFrame
) -> pd.DataFrame:
    """Training: each (required course, role the unit has) pair present at a session by as_of.
    `attended`: per unit and role, the required courses attended and the latest late first."""
    size = units["committee_size"].fillna(0).astype("int64")
    per_role = course_roles.groupby("role")["course_id"].nunique()
    pairs: pd.Series = pd.Series(0, index=units.index, dtype="int64")
    for role, min_size in ROLE_MIN_SIZE.items():
        pairs += int(per_role.get(role, 0)) * (size >= min_size).astype("int64")
    out = units[["id"]].copy()
    out["pairs"] = pairs.to_numpy()

    sat = attended.merge(units[["id", "committee_size"]], on="id", how="inner")
    sat = sat[sat["committee_size"].fillna(0) >= sat["role"].map(ROLE_MIN_SIZE)]
    # A pair is owed from its course's first session requiring the role; the unit is not done
    # between then and the pair's first attendance (`last_first`: the latest such attendance),
    # nor before it owes any pair.
    g = sat.groupby("id").agg(satisfied=("satisfied", "sum"), last_first=("last_first", "max"))
    out = out.merge(g, left_on="id", right_index=True, how="left")
    out["satisfied"] = out["satisfied"].fillna(0).astype("int64")
    out["applicable"] = out["pairs"] > 0
    out["progress"] = (out["satisfied"] / out["pairs"].where(out["pairs"] > 0)).where(
        out["applicable"]
    )
    out["done"] = out["applicable"] & (out["satisfied"] == out["pairs"])
    owed_from = _first_owed(units, course_roles)
    done_on = pd.concat([out["last_first"], owed_from], axis=1).max(axis=1)
    out["done_on"] = done_on.where(out["done"])
    out["warnings"] = [EMPTY] * len(out)
    return out.drop(columns=["last_first"])


def _first_owed(units: pd.DataFrame, course_roles: pd.DataFrame) -> pd.Series:
    """For each unit, the first date it owed any (course, role) pair."""
    size = units["committee_size"].fillna(0).astype("int64")
    first = pd.Series(pd.NaT, index=units.index, dtype="datetime64[ns]")
    for role, min_size in ROLE_MIN_SIZE.items():
        dates = course_roles.loc[course_roles["role"] == role, "required_from"]
        if dates.empty:
            continue
        start = pd.Timestamp(dates.min())
        has = size >= min_size
        first = first.where(~has | (first.notna() & (first <= start)), start)
    return first
