"""Tree rollup: sums of own figures over every organisation's subtree, vectorised."""

from __future__ import annotations

import pandas as pd


def ancestor_pairs(units: pd.DataFrame) -> pd.DataFrame:
    """(ancestor, id) for every unit and each of its strict ancestors, from the materialised paths."""
    ancestors: list[int] = []
    ids: list[int] = []
    for uid, path in zip(units["id"].tolist(), units["path"].tolist(), strict=True):
        for part in path.rstrip("/").split("/"):
            a = int(part)
            if a != uid:
                ancestors.append(a)
                ids.append(uid)
    return pd.DataFrame({"ancestor": ancestors, "id": ids}, dtype="int64")


def subtree_sums(units: pd.DataFrame, own: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """For every organisation X, Σ over units strictly below X of their own figures.

    Equal to Σ over children c of [own(c) + subtree(c)] (DESIGN.md); indexed by X's id, with a
    row for every organisation in `units` (zeros for leaves).
    """
    pairs = ancestor_pairs(units)
    values = own.set_index("id")[columns]
    joined = pairs.join(values, on="id", how="inner")
    sums = joined.groupby("ancestor")[columns].sum()
    return sums.reindex(units["id"].to_numpy(), fill_value=0)
