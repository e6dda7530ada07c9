"""Decision support, personnel feasibility: met / reachable / short, short_total, need at exact
boundaries (rational arithmetic), short_units over units(S) or a leaf scope itself, the words."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from math import ceil

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine

from flows.cli.status_decision import shortfall_lines
from models.db import write_session
from models.enums import Gender
from tasks.core.plans import choose_plan
from tasks.status.feasibility import add_feasibility, shortfall_words
from tests.helpers.cli import run_cli
from tests.helpers.factories import add_org
from tests.helpers.status import PLAN, add_candidate, add_passed, root_only, stage_of, status

pytestmark = pytest.mark.db

MEN = {"gender": Gender.NAM, "education": "Cử nhân", "born": date(1970, 1, 1)}
D = date(2025, 4, 20)


def _targets(entry: dict) -> dict[str, tuple[int, int, int, str, int]]:
    return {
        t["category"]: (t["need"], t["have"], t["pipeline"], t["state"], t["short"])
        for t in entry["feasibility"]["targets"]
    }


def test_targets_are_met_reachable_or_short_and_short_total_counts_the_missing_slate(
    engine: Engine,
) -> None:
    with write_session() as s:
        root = root_only(s)
        # Size 3: 4 required. 3 men passed, one woman under 40 with a master's at step 2.
        reach = add_org(s, "REACH", parent=root, committee_size=3)
        add_passed(s, reach, 3, date(2025, 2, 1), **MEN)
        add_candidate(s, reach, {2: date(2025, 3, 1)})
        # Size 3: 2 men passed, one man in the pipeline: 1 missing from the slate, women short.
        short = add_org(s, "SHORT", parent=root, committee_size=3)
        add_passed(s, short, 2, date(2025, 2, 1), **MEN)
        add_candidate(s, short, {1: date(2025, 3, 1)}, **MEN)
        # A withdrawn candidate is not in the pipeline.
        add_candidate(s, short, {3: date(2025, 3, 1)}, active=False)
        met = add_org(s, "MET", parent=root, committee_size=1)
        add_passed(s, met, 2, date(2025, 2, 1))
        add_org(s, "ZERO", parent=root, committee_size=0)
    doc = status(D)
    r = stage_of(doc, "REACH", "personnel")["feasibility"]
    assert (r["required"], r["passed"], r["pipeline"], r["short_total"]) == (4, 3, 1, 0)
    # need = ⌈m × max(4, 3)⌉: women ⌈0,6⌉ = 1, under 40 ⌈0,4⌉ = 1, postgraduate ⌈0,2⌉ = 1.
    assert _targets(stage_of(doc, "REACH", "personnel")) == {
        "nu": (1, 0, 1, "reachable", 0),
        "duoi-40": (1, 0, 1, "reachable", 0),
        "tren-dai-hoc": (1, 0, 1, "reachable", 0),
    }
    sh = stage_of(doc, "SHORT", "personnel")
    assert (sh["feasibility"]["pipeline"], sh["feasibility"]["short_total"]) == (1, 1)
    assert _targets(sh) == {
        "nu": (1, 0, 0, "short", 1),
        "duoi-40": (1, 0, 0, "short", 1),
        "tren-dai-hoc": (1, 0, 0, "short", 1),
    }
    assert {t[3] for t in _targets(stage_of(doc, "MET", "personnel")).values()} == {"met"}
    assert stage_of(doc, "MET", "personnel")["state"] == "done"
    assert "feasibility" not in stage_of(doc, "ZERO", "personnel")
    # REACH is not short (reachable targets, full slate); SHORT is; MET is done.
    assert doc["stages"]["personnel"]["short_units"] == 1
    assert doc["self"]["stages"]["personnel"]["feasibility"]["required"] == 0


def test_need_is_an_exact_ceiling_at_the_boundaries(engine: Engine) -> None:
    with write_session() as s:
        root = root_only(s)
        # Size 18: required ⌈18 × 1,1⌉ = 20; women need ⌈0,15 × 20⌉ = 3 exactly (in floating
        # point 0.15 × 20 = 3.0000000000000004, whose ceiling is 4).
        twenty = add_org(s, "TWENTY", parent=root, committee_size=18)
        add_passed(s, twenty, 17, date(2025, 2, 1), **MEN)
        add_passed(s, twenty, 3, date(2025, 2, 1))
        # More passed than required: need counts over the passed (7 → ⌈1,05⌉ = 2 women).
        seven = add_org(s, "SEVEN", parent=root, committee_size=1)
        add_passed(s, seven, 6, date(2025, 2, 1), **MEN)
        add_passed(s, seven, 1, date(2025, 2, 1))
    doc = status(D)
    tw = _targets(stage_of(doc, "TWENTY", "personnel"))
    assert tw["nu"] == (3, 3, 0, "met", 0)
    assert tw["duoi-40"] == (2, 3, 0, "met", 0)  # ⌈0,10 × 20⌉ = 2
    assert tw["tren-dai-hoc"] == (1, 3, 0, "met", 0)  # ⌈0,05 × 20⌉ = 1
    assert stage_of(doc, "TWENTY", "personnel")["state"] == "done"
    sv = _targets(stage_of(doc, "SEVEN", "personnel"))
    assert sv["nu"] == (2, 1, 0, "short", 1)
    assert doc["stages"]["personnel"]["short_units"] == 1


def test_a_leaf_scope_counts_its_own_shortfall_and_the_text_says_it_in_words(
    engine: Engine,
) -> None:
    with write_session() as s:
        root = root_only(s)
        leaf = add_org(s, "LEAF", parent=root, committee_size=3, name="Chi bộ Lá")
        add_passed(s, leaf, 3, date(2025, 2, 1), **MEN)
    doc = status(D, "LEAF")
    assert [u["code"] for u in doc["units"]] == ["LEAF"]  # a leaf's own row
    assert doc["stages"]["personnel"]["short_units"] == 1
    feas = doc["self"]["stages"]["personnel"]["feasibility"]
    assert shortfall_words(feas) == (
        "cần bổ sung 01 nhân sự để đủ số lượng, 01 nhân sự nữ, 01 nhân sự dưới 40 tuổi, "
        "01 nhân sự có trình độ trên đại học"
    )
    assert shortfall_lines(doc) == [f"LEAF (Chi bộ Lá): {shortfall_words(feas)}."]
    code, out = run_cli("status", "--org", "LEAF", "--as-of", D.isoformat(), "--plan", PLAN)
    assert code == 0
    assert "Nhân sự còn thiếu:" in out
    assert "01 nhân sự nữ" in " ".join(out.split())


counts = st.integers(min_value=0, max_value=40)


@given(
    rows=st.lists(
        st.tuples(counts, counts, counts, counts, counts, counts, counts), min_size=1, max_size=8
    )
)
def test_feasibility_agrees_with_fraction_arithmetic(rows: list[tuple[int, ...]]) -> None:
    plan = choose_plan(PLAN, D)
    frame = pd.DataFrame(
        {
            "required": [r[0] for r in rows],
            "passed": [r[1] for r in rows],
            "pipeline": [r[2] for r in rows],
            "nu": [min(r[3], r[1]) for r in rows],
            "pipe_nu": [min(r[4], r[2]) for r in rows],
            "duoi_40": [min(r[5], r[1]) for r in rows],
            "pipe_duoi_40": [min(r[6], r[2]) for r in rows],
            "tren_dai_hoc": [0] * len(rows),
            "pipe_tren_dai_hoc": [0] * len(rows),
        }
    )
    out = add_feasibility(frame, plan)
    for i, row in frame.iterrows():
        assert out.loc[i, "short_total"] == max(0, row.required - row.passed - row.pipeline)
        for t in plan.structure_targets:
            col = t.category.replace("-", "_")
            need = ceil(Fraction(str(t.min_share)) * max(row.required, row.passed))
            have, pipe = row[col], row[f"pipe_{col}"]
            state = "met" if have >= need else "reachable" if have + pipe >= need else "short"
            assert out.loc[i, f"need_{col}"] == need
            assert out.loc[i, f"state_{col}"] == state
            assert out.loc[i, f"short_{col}"] == (need - have - pipe if state == "short" else 0)
