"""Personnel feasibility (DESIGN.md "Decision support (exact)"): what a unit's slate still lacks.

`pipeline` = active candidates at steps 0–4 as of the day. Per structure target (category c,
minimum share m): need = ⌈m × max(required, passed)⌉ in exact rational arithmetic, have =
passed candidates in c, pipeline_c = pipeline candidates in c; `met` when have ≥ need, else
`reachable` when have + pipeline_c ≥ need, else `short` by need − have − pipeline_c. The slate:
short_total = max(0, required − passed − pipeline).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from tasks.core.plans import Plan

CATEGORY_WORDS = {
    "nu": "nữ",
    "duoi-40": "dưới 40 tuổi",
    "lan-dau": "tham gia cấp ủy lần đầu",
    "dan-toc-thieu-so": "người dân tộc thiểu số",
    "tren-dai-hoc": "có trình độ trên đại học",
}


def _column(category: str) -> str:
    return category.replace("-", "_")


def add_feasibility(frame: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """The personnel frame (with its `pipe_…` counts) plus each target's need, state and short,
    `short_total`, and `short_any` (the slate or a target is short)."""
    out = frame.copy()
    base = np.maximum(out["required"].astype("int64"), out["passed"].astype("int64"))
    out["short_total"] = np.maximum(0, out["required"] - out["passed"] - out["pipeline"])
    short_any = out["short_total"] > 0
    for target in plan.structure_targets:
        col = _column(target.category)
        share = Fraction(str(target.min_share))
        need = (base * share.numerator + share.denominator - 1) // share.denominator
        have = out[col].astype("int64")
        reach = have + out[f"pipe_{col}"].astype("int64")
        out[f"need_{col}"] = need
        out[f"state_{col}"] = np.select(
            [have >= need, reach >= need], ["met", "reachable"], default="short"
        )
        out[f"short_{col}"] = np.maximum(0, need - reach).where(have < need, 0)
        short_any |= out[f"short_{col}"] > 0
    out["short_any"] = short_any
    return out


def entries(frame: pd.DataFrame, plan: Plan) -> list[dict[str, Any] | None]:
    """Each row's `feasibility` JSON (None where personnel does not apply), in row order."""
    cols = ["applicable", "required", "passed", "pipeline", "short_total"]
    base = [frame[c].tolist() for c in cols]
    per_target = [
        (
            t.category,
            frame[f"need_{_column(t.category)}"].tolist(),
            frame[_column(t.category)].tolist(),
            frame[f"pipe_{_column(t.category)}"].tolist(),
            frame[f"state_{_column(t.category)}"].tolist(),
            frame[f"short_{_column(t.category)}"].tolist(),
        )
        for t in plan.structure_targets
    ]
    out: list[dict[str, Any] | None] = []
    for i, (applicable, required, passed, pipeline, short_total) in enumerate(
        zip(*base, strict=True)
    ):
        if not applicable:
            out.append(None)
            continue
        out.append(
            {
                "required": int(required),
                "passed": int(passed),
                "pipeline": int(pipeline),
                "short_total": int(short_total),
                "targets": [
                    {
                        "category": category,
                        "need": int(need[i]),
                        "have": int(have[i]),
                        "pipeline": int(pipe[i]),
                        "state": str(state[i]),
                        "short": int(short[i]),
                    }
                    for category, need, have, pipe, state, short in per_target
                ],
            }
        )
    return out


def shortfall_items(feasibility: dict[str, Any] | None) -> list[str]:
    """The shortfalls in words, one item each: "01 nhân sự nữ" (two digits, as letters write)."""
    if not feasibility:
        return []
    items = []
    if feasibility["short_total"] > 0:
        items.append(f"{feasibility['short_total']:02d} nhân sự để đủ số lượng")
    for target in feasibility["targets"]:
        if target["state"] == "short":
            words = CATEGORY_WORDS.get(target["category"], target["category"])
            items.append(f"{target['short']:02d} nhân sự {words}")
    return items


def shortfall_words(feasibility: dict[str, Any] | None) -> str | None:
    """ "cần bổ sung 01 nhân sự nữ, 01 nhân sự dưới 40 tuổi", or None when nothing is short."""
    items = shortfall_items(feasibility)
    return "cần bổ sung " + ", ".join(items) if items else None
