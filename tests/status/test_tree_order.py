"""Tree order of a status document's units: depth first, siblings by code."""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from tasks.status.document import _tree_order

CODES = st.text(alphabet="ABC-01/.", min_size=1, max_size=4)


def _units(parents: list[int], codes: list[str], hidden: set[int]) -> pd.DataFrame:
    """Units 1..n, unit i's parent parents[i-1] (< i, 0 for none); `hidden` ones are left out
    (an organisation above the scope or not active: its code is unknown to the rows)."""
    paths: dict[int, str] = {}
    for i, p in enumerate(parents, start=1):
        paths[i] = f"{paths[p] if p else ''}{i}/"
    rows = [(i, codes[i - 1], paths[i]) for i in paths if i not in hidden]
    rows.sort(key=lambda r: r[2], reverse=True)  # any row order: the result must not depend on it
    return pd.DataFrame(rows, columns=["id", "code", "path"])


@st.composite
def trees(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(1, 30))
    parents = [draw(st.integers(0, i - 1)) for i in range(1, n + 1)]
    codes = draw(st.lists(CODES, min_size=n, max_size=n, unique=True))
    hidden = set(draw(st.lists(st.integers(1, n), max_size=3)))
    if len(hidden) >= n:
        hidden = set()
    return _units(parents, codes, hidden)


@given(trees())
def test_units_come_depth_first_with_siblings_by_code(units: pd.DataFrame) -> None:
    code_of = dict(zip(units["id"], units["code"], strict=True))
    expected = sorted(
        range(len(units)),
        key=lambda i: tuple(
            code_of.get(int(a), "") for a in units["path"].iloc[i].rstrip("/").split("/")
        ),
    )
    assert _tree_order(units) == expected


def test_a_parent_comes_before_its_children_and_siblings_sort_by_code() -> None:
    units = _units([0, 1, 1, 2], ["ROOT", "B", "A", "B1"], set())
    order = [units["code"].iloc[i] for i in _tree_order(units)]
    assert order == ["ROOT", "A", "B", "B1"]
