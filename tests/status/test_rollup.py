"""Rollup properties (Hypothesis): subtree sums over generated trees, moves between parents,
and status figures equal to figures computed by hand here, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd
import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, delete, select, update

from models import AuditEvent, Base, Organisation
from models.db import read_session, write_session
from models.enums import OrgKind, PartyRole, Presence, RemedyStatus
from models.tree import reparent
from tasks.status.document import COUNT_COLUMNS, StatusResult, status_result
from tasks.status.rollup import subtree_sums
from tests.helpers.factories import add_org
from tests.helpers.status import (
    PLAN,
    STAGE_KEYS,
    add_candidate,
    add_course,
    add_draft,
    add_inspection,
    add_submission,
    attend,
    validator,
)

pytestmark = pytest.mark.db

AS_OF = date(2025, 4, 1)
DAY = timedelta(days=1)
# Due offsets from the congress in plan ct45-2025 (feedback: the draft has no deadline).
DUE_OFFSET = {"personnel": -30, "inspections": -15, "feedback": -20, "training": -45}
WINDOW = 14
SUMMED = [*COUNT_COLUMNS, "progress_sum"]

# ---------------------------------------------------------------------------------------------
# Trees
# ---------------------------------------------------------------------------------------------


@st.composite
def parent_lists(draw: st.DrawFn, min_units: int = 1, max_units: int = 12) -> list[int | None]:
    """parents[i] for nodes 0..n-1: node 0 is the root, every other node's parent comes earlier."""
    n = draw(st.integers(min_value=min_units, max_value=max_units))
    return [None] + [draw(st.integers(min_value=0, max_value=i - 1)) for i in range(1, n)]


def children_of(parents: list[int | None]) -> dict[int, list[int]]:
    """Each node's children."""
    kids: dict[int, list[int]] = {i: [] for i in range(len(parents))}
    for i, p in enumerate(parents):
        if p is not None:
            kids[p].append(i)
    return kids


def descendants(parents: list[int | None], node: int) -> set[int]:
    """Every node strictly below `node`."""
    kids = children_of(parents)
    out: set[int] = set()
    stack = list(kids[node])
    while stack:
        n = stack.pop()
        out.add(n)
        stack.extend(kids[n])
    return out


def strict_ancestors(parents: list[int | None], node: int) -> set[int]:
    """Every node strictly above `node`."""
    out: set[int] = set()
    p = parents[node]
    while p is not None:
        out.add(p)
        p = parents[p]
    return out


def _paths(parents: list[int | None], ids: list[int]) -> list[str]:
    paths: list[str] = []
    for i, p in enumerate(parents):
        paths.append(("" if p is None else paths[p]) + f"{ids[i]}/")
    return paths


@given(
    parents=parent_lists(),
    data=st.data(),
)
def test_subtree_sums_are_sums_over_children_of_own_plus_subtree(
    parents: list[int | None], data: st.DataObject
) -> None:
    n = len(parents)
    # Ids unrelated to tree order, and a root that is not at the top of the registry.
    ids = data.draw(st.lists(st.integers(1, 10_000), min_size=n, max_size=n, unique=True))
    above = data.draw(st.sampled_from(["", "99999/", "99999/88888/"]))
    units = pd.DataFrame({"id": ids, "path": [above + p for p in _paths(parents, ids)]})
    values = st.integers(min_value=0, max_value=1_000)
    own = pd.DataFrame(
        {
            "id": ids,
            "a": data.draw(st.lists(values, min_size=n, max_size=n)),
            "b": data.draw(st.lists(values, min_size=n, max_size=n)),
        }
    ).sample(frac=1, random_state=0)  # row order must not matter
    sums = subtree_sums(units, own, ["a", "b"])
    assert list(sums.index) == ids
    own_of = own.set_index("id")
    kids = children_of(parents)
    for i in range(n):
        x = ids[i]
        for col in ("a", "b"):
            by_children = sum(
                int(own_of.at[ids[c], col]) + int(sums.at[ids[c], col]) for c in kids[i]
            )
            by_hand = sum(int(own_of.at[ids[d], col]) for d in descendants(parents, i))
            assert int(sums.at[x, col]) == by_children == by_hand
    total = own_of[["a", "b"]].sum()
    assert int(sums.at[ids[0], "a"]) + int(own_of.at[ids[0], "a"]) == int(total["a"])


def test_subtree_sums_of_a_single_leaf_are_zero() -> None:
    units = pd.DataFrame({"id": [7], "path": ["7/"]})
    own = pd.DataFrame({"id": [7], "a": [5]})
    assert subtree_sums(units, own, ["a"]).to_dict("index") == {7: {"a": 0}}


# ---------------------------------------------------------------------------------------------
# Generated units with their facts, and the rules applied by hand
# ---------------------------------------------------------------------------------------------


VERIFIED, NOT_VERIFIED, VERIFIED_LATER = "verified", "not-verified", "verified-later"


@dataclass
class UnitFacts:
    """What one generated unit holds, all dated relative to AS_OF."""

    size: int | None
    appointed: bool
    congress_in: int  # days from AS_OF
    steps: list[int]  # each candidate's step as of AS_OF (0: none dated yet)
    inspections: list[tuple[bool, list[str]]]  # concluded by AS_OF?, its remedies
    submitted: bool
    present: set[str] = field(default_factory=set)  # roles present at the course
    tardy: bool = False  # present, but arrived late (Đi trễ)


unit_facts = st.builds(
    UnitFacts,
    size=st.sampled_from([None, 0, 1, 2, 3, 5]),
    appointed=st.sampled_from([False, False, False, True]),
    congress_in=st.sampled_from([-10, 20, 40, 44, 45, 60, 90]),
    steps=st.lists(st.integers(0, 5), max_size=7),
    inspections=st.lists(
        st.tuples(
            st.booleans(),
            st.lists(st.sampled_from([VERIFIED, NOT_VERIFIED, VERIFIED_LATER]), max_size=2),
        ),
        max_size=2,
    ),
    submitted=st.booleans(),
    present=st.sets(st.sampled_from(["bi-thu", "pho-bi-thu"])),
    tardy=st.booleans(),
)


def _state(done: bool, progress: float, due: date) -> str:
    if done:
        return "done"
    if AS_OF > due:
        return "overdue"
    if due - timedelta(days=WINDOW) <= AS_OF:
        return "at_risk"
    return "on_track" if progress > 0 else "not_started"


def by_hand(f: UnitFacts, owns_draft: bool = False) -> dict[str, tuple[str, float | None]]:
    """Each stage's (state, progress) for one unit, from DESIGN.md's rules (the draft's own
    organisation does not comment on it: feedback not applicable there)."""
    judged: dict[str, tuple[bool, bool, float]] = {}  # applicable, done, progress
    # Personnel: every candidate is a woman under 40 with a master's, so structure holds.
    if f.size == 0 or f.appointed:
        judged["personnel"] = (False, False, 0.0)
    elif f.size is None:
        judged["personnel"] = (True, False, 0.0)
    else:
        required = -(-f.size * 110 // 100)
        passed = sum(1 for k in f.steps if k == 5)
        judged["personnel"] = (True, passed >= required, min(1.0, sum(f.steps) / (5 * required)))
    n = len(f.inspections)
    concluded = sum(1 for c, _ in f.inspections if c)
    remedies = sum(len(r) for _, r in f.inspections)
    verified = sum(r.count(VERIFIED) for _, r in f.inspections)
    total = n + remedies
    judged["inspections"] = (
        True,
        n >= 1 and concluded == n and verified == remedies,
        (concluded + verified) / total if total else 0.0,
    )
    judged["feedback"] = (not owns_draft, f.submitted, 1.0 if f.submitted else 0.0)
    size = f.size or 0
    has = {"bi-thu"} if size >= 1 else set()
    has |= {"pho-bi-thu"} if size >= 2 else set()
    pairs = len(has)  # the one course requires bi-thu and pho-bi-thu (cap-uy-vien: none)
    satisfied = len(has & f.present)
    judged["training"] = (
        pairs > 0,
        pairs > 0 and satisfied == pairs,
        satisfied / pairs if pairs else 0.0,
    )
    congress = AS_OF + timedelta(days=f.congress_in)
    out: dict[str, tuple[str, float | None]] = {}
    for stage, (applicable, done, progress) in judged.items():
        due = congress + timedelta(days=DUE_OFFSET[stage])
        out[stage] = (_state(done, progress, due), progress) if applicable else ("n/a", None)
    return out


def expected_own(f: UnitFacts, owns_draft: bool = False) -> dict[str, dict[str, float]]:
    """Each stage's own counts (the summed columns) for one unit."""
    out: dict[str, dict[str, float]] = {}
    for stage, (state, progress) in by_hand(f, owns_draft).items():
        row: dict[str, float] = dict.fromkeys(SUMMED, 0)
        if progress is not None:
            row["applicable"] = 1
            row[state] = 1
            row["progress_sum"] = progress
        out[stage] = row
    return out


def wipe(engine: Engine) -> None:
    """Empty every table a generated example writes (audit rows are append-only and unused)."""
    with write_session(engine) as s:
        s.execute(update(Organisation).values(parent_id=None, merged_into_id=None))
        for table in reversed(Base.metadata.sorted_tables):
            if table.name != AuditEvent.__tablename__:
                s.execute(delete(table))


REMEDY_ROWS = {
    VERIFIED: (RemedyStatus.XAC_NHAN, AS_OF - 10 * DAY),
    NOT_VERIFIED: (RemedyStatus.HOAN_THANH, AS_OF - 10 * DAY),  # done, never verified
    VERIFIED_LATER: (RemedyStatus.XAC_NHAN, AS_OF + DAY),  # verified after AS_OF
}


def build(parents: list[int | None], facts: list[UnitFacts]) -> list[str]:
    """Write the generated tree and its facts; returns the codes by node."""
    codes = ["ROOT"] + [f"U{i:02d}" for i in range(1, len(parents))]
    kinds = [OrgKind.TREN_CO_SO, *[OrgKind.CHI_BO_CO_SO] * (len(parents) - 1)]
    past = AS_OF - 10 * DAY
    with write_session() as s:
        orgs: list[Organisation] = []
        for i, p in enumerate(parents):
            f = facts[i]
            org = add_org(
                s,
                codes[i],
                kinds[i],
                None if p is None else orgs[p],
                congress=AS_OF + timedelta(days=f.congress_in),
                committee_size=f.size,
                contents=2 if f.appointed else 4,
            )
            orgs.append(org)
        draft = add_draft(s, orgs[0], None)
        (session,) = add_course(s, [(past, (PartyRole.BI_THU, PartyRole.PHO_BI_THU))])
        for org, f in zip(orgs, facts, strict=True):
            for k in f.steps:
                # Steps dated after AS_OF must not count: the step as of AS_OF is k.
                if k == 0:
                    add_candidate(s, org, {1: AS_OF + DAY})
                elif k < 5:
                    add_candidate(s, org, {k: past, 5: AS_OF + DAY})
                else:
                    add_candidate(s, org, {5: past})
            for concluded, remedies in f.inspections:
                add_inspection(
                    s,
                    org,
                    AS_OF - 20 * DAY,
                    AS_OF - 5 * DAY if concluded else AS_OF + 5 * DAY,
                    [REMEDY_ROWS[r] for r in remedies],
                )
            add_submission(s, draft, org, past if f.submitted else AS_OF + DAY)
            for role in sorted(f.present):
                presence = Presence.DI_TRE if f.tardy else Presence.CO_MAT
                attend(s, session, org, PartyRole(role), presence)
            # An absence never satisfies a pair.
            attend(s, session, org, PartyRole.BI_THU, Presence.VANG_KHONG_PHEP)
    return codes


def figures(engine: Engine) -> StatusResult:
    """The status of the root as of AS_OF; the document must honour the schema."""
    with read_session(engine) as s:
        result = status_result(s, scope=None, as_of=AS_OF, plan=PLAN)
    validator().validate(result.document)
    return result


def subtree_of(result: StatusResult, stage: str, org_id: int) -> dict[str, float]:
    """The subtree sums of one organisation in one stage."""
    row = result.subtree[stage].loc[org_id]
    return {c: float(row[c]) for c in SUMMED}


def org_ids(codes: list[str]) -> list[int]:
    """The database ids of the codes, in node order."""
    with read_session() as s:
        found: dict[str, int] = dict(s.execute(select(Organisation.code, Organisation.id)).all())
    return [found[c] for c in codes]


def assert_close(got: dict[str, float], want: dict[str, float]) -> None:
    """Counts exactly, the progress sum to float precision."""
    assert {c: got[c] for c in COUNT_COLUMNS} == {c: want[c] for c in COUNT_COLUMNS}
    assert got["progress_sum"] == pytest.approx(want["progress_sum"], abs=1e-9)


def summed(rows: list[dict[str, float]]) -> dict[str, float]:
    """Column sums of own-count rows."""
    return {c: sum(r[c] for r in rows) for c in SUMMED}


# Each example of a database property writes a tree and runs the whole status computation
# (~0.3 s), so these run few examples and skip shrinking: a failing example is reported as
# found, rather than after minutes of shrinking through the database.
DB_PHASES = (Phase.explicit, Phase.reuse, Phase.generate)


def trees(min_units: int = 1) -> st.SearchStrategy[tuple[list[int | None], list[UnitFacts]]]:
    """A tree of up to 7 organisations and each one's facts."""
    return parent_lists(min_units=min_units, max_units=7).flatmap(
        lambda parents: st.tuples(
            st.just(parents),
            st.lists(unit_facts, min_size=len(parents), max_size=len(parents)),
        )
    )


@settings(max_examples=6, phases=DB_PHASES)
@given(tree=trees())
def test_status_figures_equal_the_rules_applied_by_hand(
    engine: Engine, tree: tuple[list[int | None], list[UnitFacts]]
) -> None:
    parents, facts = tree
    wipe(engine)
    codes = build(parents, facts)
    ids = org_ids(codes)
    result = figures(engine)
    doc = result.document
    own = [expected_own(f, i == 0) for i, f in enumerate(facts)]
    for stage in STAGE_KEYS:
        for i in range(len(parents)):
            want = summed([own[d][stage] for d in descendants(parents, i)])
            assert_close(subtree_of(result, stage, ids[i]), want)
        summary = doc["stages"][stage]
        # A scope with no units: its own figures are its one row (DESIGN.md).
        leaf = len(parents) == 1
        root = own[0][stage] if leaf else summed([own[d][stage] for d in descendants(parents, 0)])
        assert summary["units"] == (1 if leaf else len(parents) - 1)
        assert {c: summary[c] for c in COUNT_COLUMNS} == {c: root[c] for c in COUNT_COLUMNS}
        if root["applicable"]:
            want_progress = root["progress_sum"] / root["applicable"]
            assert summary["progress"] == pytest.approx(want_progress, abs=5.0001e-5)
        else:
            assert summary["progress"] is None
    got_units = {
        u["code"]: {k: (v["state"], v["progress"]) for k, v in u["stages"].items()}
        for u in doc["units"]
    }
    want_units = {
        codes[i]: {
            k: ("not_applicable", None) if p is None else (state, round(p, 4))
            for k, (state, p) in by_hand(facts[i], i == 0).items()
        }
        for i in range(len(parents))
    }
    got_units[codes[0]] = {k: (v["state"], v["progress"]) for k, v in doc["self"]["stages"].items()}
    assert got_units == want_units


@settings(max_examples=5, phases=DB_PHASES)
@given(tree=trees(min_units=3), data=st.data())
def test_moving_a_unit_moves_its_figures_exactly(
    engine: Engine, tree: tuple[list[int | None], list[UnitFacts]], data: st.DataObject
) -> None:
    parents, facts = tree
    movable = [
        (u, p)
        for u in range(1, len(parents))
        for p in range(len(parents))
        if p != u and p != parents[u] and p not in descendants(parents, u)
    ]
    mover, new_parent = data.draw(st.sampled_from(movable))
    wipe(engine)
    codes = build(parents, facts)
    ids = org_ids(codes)
    before = figures(engine)
    with write_session() as s:
        reparent(s, org_id=ids[mover], new_parent_id=ids[new_parent], on=AS_OF - DAY)
    after = figures(engine)
    moved_parents = list(parents)
    moved_parents[mover] = new_parent
    own = [expected_own(f, i == 0) for i, f in enumerate(facts)]
    losers = strict_ancestors(parents, mover)
    gainers = strict_ancestors(moved_parents, mover)
    assert 0 in losers & gainers
    for stage in STAGE_KEYS:
        carried = summed(
            [
                subtree_of(before, stage, ids[mover]),
                {
                    c: float(before.per_stage[stage].set_index("id").at[ids[mover], c])
                    for c in SUMMED
                },
            ]
        )
        for i in range(len(parents)):
            old = subtree_of(before, stage, ids[i])
            sign = int(i in gainers) - int(i in losers)
            want = {c: old[c] + sign * carried[c] for c in SUMMED}
            assert_close(subtree_of(after, stage, ids[i]), want)
            by_hand_after = summed([own[d][stage] for d in descendants(moved_parents, i)])
            assert_close(subtree_of(after, stage, ids[i]), by_hand_after)
        assert after.document["stages"][stage] == before.document["stages"][stage]
        # Own figures do not depend on where a unit hangs.
        cols = ["id", "state", "progress"]
        own_before = before.per_stage[stage][cols].sort_values("id").reset_index(drop=True)
        own_after = after.per_stage[stage][cols].sort_values("id").reset_index(drop=True)
        pd.testing.assert_frame_equal(own_before, own_after)
    moved = next(u for u in after.document["units"] if u["code"] == codes[mover])
    assert moved["parent"] == codes[new_parent]
