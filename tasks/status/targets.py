"""The letter's six targets (chỉ tiêu) for a year, from per-organisation contributions.

Each organisation contributes a numerator, a denominator, whether it belongs to the target's
population and whether it reported; the scope's figure is the sum over its subtree (the scope
included, since a grassroots scope's own row is its figure). An organisation of a population
without a row counts as not met: it adds to the denominator (for member targets, its
registered member count) and nothing to the numerator.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pandas as pd

from tasks.core.plans import Plan

GRASSROOTS = ("chi-bo-co-so", "dang-bo-co-so")
CELLS = ("chi-bo-co-so", "chi-bo-truc-thuoc")
GOOD_RATINGS = ("xuat-sac", "tot")
ORDER = (
    "dang-ky-ctrhd",
    "kiem-diem-ctrhd",
    "xep-loai-to-chuc",
    "xep-loai-dang-vien",
    "qd-1793",
    "so-hoa",
)


def contributions(orgs: pd.DataFrame, figures: pd.DataFrame) -> pd.DataFrame:
    """Per organisation and target code: num, den, pop (0/1), rep (0/1), in long form."""
    f = orgs[["id", "kind", "members_official", "members_probationary"]].merge(
        figures, on="id", how="left"
    )
    has = f["members_total"].notna()
    registry_members = f["members_official"] + f["members_probationary"]
    members = f["members_total"].where(has, registry_members).astype("int64")
    grass = f["kind"].isin(GRASSROOTS)
    cells = f["kind"].isin(CELLS)
    dbcs = f["kind"] == "dang-bo-co-so"

    def frame(code: str, pop: pd.Series, num: pd.Series, den: pd.Series) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "id": f["id"],
                "code": code,
                "num": num.where(pop, 0).fillna(0).astype("int64"),
                "den": den.where(pop, 0).fillna(0).astype("int64"),
                "pop": pop.astype("int64"),
                "rep": (pop & has).astype("int64"),
            }
        )

    one = pd.Series(1, index=f.index)
    parts = [
        frame("dang-ky-ctrhd", grass, f["registered"].where(has, 0), members),
        frame(
            "kiem-diem-ctrhd",
            cells,
            (has & (f["reviewed"].fillna(0) != 0)).astype("int64"),
            one,
        ),
        frame(
            "xep-loai-to-chuc",
            grass,
            (has & f["org_rating"].isin(GOOD_RATINGS)).astype("int64"),
            one,
        ),
        frame("xep-loai-dang-vien", grass, f["members_good"].where(has, 0), members),
        frame(
            "qd-1793",
            dbcs,
            (has & (f["applies_1793"].fillna(0) != 0)).astype("int64"),
            one,
        ),
        frame(
            "so-hoa",
            grass,
            (has & (f["digitised_pct"].astype("float64") >= 100)).astype("int64"),
            one,
        ),
    ]
    return pd.concat(parts, ignore_index=True)


def _met(num: int, den: int, op: str, threshold: float) -> bool:
    if den == 0:
        return False
    actual = Fraction(num, den)
    limit = Fraction(str(threshold))
    return actual >= limit if op == ">=" else actual > limit


def _ratio(num: int, den: int) -> float | None:
    return None if den == 0 else round(num / den, 4)


def summarise(contrib: pd.DataFrame, plan: Plan, year: int | None) -> list[dict[str, Any]]:
    """The targets entries of status JSON: sums over the contributions given."""
    if year is None:
        return []
    sums = {
        str(code): {str(k): int(v) for k, v in row.items()}
        for code, row in contrib.groupby("code")[["num", "den", "pop", "rep"]].sum().iterrows()
    }
    zero = {"num": 0, "den": 0, "pop": 0, "rep": 0}
    entries: list[dict[str, Any]] = []
    met_count = 0
    for code in ORDER:
        rule = plan.targets[code]
        row = sums.get(code, zero)
        num, den = row["num"], row["den"]
        met = _met(num, den, rule.op, rule.threshold)
        met_count += int(met)
        entries.append(
            {
                "code": code,
                "year": year,
                "numerator": num,
                "denominator": den,
                "actual": _ratio(num, den),
                "op": rule.op,
                "threshold": rule.threshold,
                "met": met,
                "reporting": row["rep"],
                "population": row["pop"],
            }
        )
    rule = plan.targets["tong-hop"]
    entries.append(
        {
            "code": "tong-hop",
            "year": year,
            "numerator": met_count,
            "denominator": len(ORDER),
            "actual": _ratio(met_count, len(ORDER)),
            "op": rule.op,
            "threshold": rule.threshold,
            "met": _met(met_count, len(ORDER), rule.op, rule.threshold),
            "reporting": None,
            "population": None,
        }
    )
    return entries
