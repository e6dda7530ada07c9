"""Reading and writing candidates for the nhan-su importer (set-based) and its pre-fill."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from models.enums import Gender, PoliticalTheory, Post, Reelection
from models.personnel import Candidate, CandidateStep
from models.queries import OrgRef
from tasks.core.text import person_sort_key
from tasks.intake.forms.common import OrgRow, table_of
from tasks.intake.pipeline.validate import ParsedRow

SHEET = "nhan-su"
FIELDS = (
    "full_name",
    "gender",
    "ethnicity",
    "religion",
    "hometown",
    "joined_on",
    "official_date",
    "education",
    "academic_title",
    "political_theory",
    "current_position",
    "reelection",
    "proposed_post",
    "vote_pct",
    "note",
)
ENUMS: dict[str, Any] = {
    "gender": Gender,
    "political_theory": PoliticalTheory,
    "reelection": Reelection,
    "proposed_post": Post,
}


@dataclass(frozen=True)
class Stated:
    """One row as the candidate it states."""

    row: ParsedRow
    org: OrgRow
    name_key: str
    fields: dict[str, Any]
    step: int
    step_date: date | None
    vote_pct: Decimal | None


def existing_candidates(
    session: Session, org_ids: set[int]
) -> tuple[dict[tuple[int, str, date], dict[str, Any]], dict[int, dict[int, tuple[date, Any]]]]:
    """The units' candidates by key (with id, version, active) and their step histories."""
    cols = [getattr(Candidate, f) for f in FIELDS]
    rows = session.execute(
        select(
            Candidate.id,
            Candidate.org_id,
            Candidate.name_key,
            Candidate.birth_date,
            Candidate.active,
            Candidate.version,
            *cols,
        ).where(Candidate.org_id.in_(org_ids))
    ).mappings()
    found = {(r["org_id"], r["name_key"], r["birth_date"]): dict(r) for r in rows}
    steps: dict[int, dict[int, tuple[date, Any]]] = defaultdict(dict)
    ids = [c["id"] for c in found.values()]
    for i in range(0, len(ids), 5000):
        for s in session.execute(
            select(
                CandidateStep.candidate_id,
                CandidateStep.step,
                CandidateStep.passed_on,
                CandidateStep.vote_pct,
            ).where(CandidateStep.candidate_id.in_(ids[i : i + 5000]))
        ):
            steps[s.candidate_id][s.step] = (s.passed_on, s.vote_pct)
    return found, steps


def current_step(history: dict[int, tuple[date, Any]]) -> tuple[int, date | None]:
    """The highest step in a history and its date ((0, None) when empty)."""
    if not history:
        return 0, None
    top = max(history)
    return top, history[top][0]


def insert_new(session: Session, rows: list[Stated]) -> list[int]:
    """Insert new candidates in one batch; their ids in row order."""
    if not rows:
        return []
    values = [
        {
            "org_id": st.org.id,
            "name_key": st.name_key,
            "birth_date": st.row.get("birth_date"),
            "active": True,
            "version": 1,
            **st.fields,
        }
        for st in rows
    ]
    # insertmanyvalues keeps RETURNING in parameter order (sort_by_parameter_order).
    result = session.execute(
        insert(Candidate)
        .execution_options(render_nulls=True)
        .returning(Candidate.id, sort_by_parameter_order=True),
        values,
    )
    return [r[0] for r in result]


def update_rows(session: Session, updates: list[dict[str, Any]]) -> None:
    """Update changed candidates in one executemany, bumping their version."""
    if not updates:
        return
    table = table_of(Candidate)
    # Core executemany: the ORM's bulk update would not bump the version counter.
    session.execute(
        update(table)
        .where(table.c.id == bindparam("b_id"), table.c.version == bindparam("b_version"))
        .values(
            {f: bindparam(f) for f in FIELDS} | {"active": True, "version": table.c.version + 1}
        ),
        updates,
    )


def write_steps(
    session: Session,
    writes: list[tuple[int, Stated]],
    history: dict[int, dict[int, tuple[date, Any]]],
) -> None:
    """Remove steps above the stated one; insert or replace the stated step's date and vote."""
    removals: list[dict[str, Any]] = []
    inserts: list[dict[str, Any]] = []
    replaces: list[dict[str, Any]] = []
    for cid, st in writes:
        old = history.get(cid, {})
        if any(s > st.step for s in old):
            removals.append({"b_cid": cid, "b_step": st.step})
        if st.step < 1 or st.step_date is None:
            continue
        row = {"b_cid": cid, "b_step": st.step, "passed_on": st.step_date, "vote_pct": st.vote_pct}
        if st.step not in old:
            inserts.append(row)
        elif old[st.step] != (st.step_date, st.vote_pct):
            replaces.append(row)
    table = table_of(CandidateStep)
    if removals:
        session.execute(
            delete(table).where(
                table.c.candidate_id == bindparam("b_cid"), table.c.step > bindparam("b_step")
            ),
            removals,
        )
    if replaces:
        session.execute(
            update(table)
            .where(table.c.candidate_id == bindparam("b_cid"), table.c.step == bindparam("b_step"))
            .values(passed_on=bindparam("passed_on"), vote_pct=bindparam("vote_pct")),
            replaces,
        )
    if inserts:
        session.execute(
            insert(CandidateStep).execution_options(render_nulls=True),
            [
                {
                    "candidate_id": r["b_cid"],
                    "step": r["b_step"],
                    "passed_on": r["passed_on"],
                    "vote_pct": r["vote_pct"],
                }
                for r in inserts
            ],
        )


def prefill(session: Session, org: OrgRef, as_of: date) -> dict[str, list[dict[str, Any]]]:
    """The unit's active candidates, as the form states them: the step each had reached by
    as_of (the latest in its history dated then or before)."""
    cols = [getattr(Candidate, f) for f in FIELDS]
    rows = (
        session.execute(
            select(Candidate.id, Candidate.birth_date, *cols).where(
                Candidate.org_id == org.id, Candidate.active.is_(True)
            )
        )
        .mappings()
        .all()
    )
    history: dict[int, dict[int, tuple[date, Any]]] = defaultdict(dict)
    for s in session.execute(
        select(
            CandidateStep.candidate_id,
            CandidateStep.step,
            CandidateStep.passed_on,
            CandidateStep.vote_pct,
        )
        .join(Candidate, Candidate.id == CandidateStep.candidate_id)
        .where(
            Candidate.org_id == org.id,
            Candidate.active.is_(True),
            CandidateStep.passed_on <= as_of,
        )
    ):
        history[s.candidate_id][s.step] = (s.passed_on, s.vote_pct)
    out: list[dict[str, Any]] = []
    for r in sorted(
        rows, key=lambda r: (list(Post).index(r["proposed_post"]), person_sort_key(r["full_name"]))
    ):
        step, step_date = current_step(history.get(r["id"], {}))
        values: dict[str, Any] = {f: r[f] for f in FIELDS}
        for name in ENUMS:
            values[name] = values[name].label
        values.update(
            org_code=None,
            birth_date=r["birth_date"],
            step=step,
            step_date=step_date,
        )
        out.append(values)
    return {SHEET: out}
