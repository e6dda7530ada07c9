"""The demo's dated facts: none of a unit's is dated after that unit's own congress."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from models import (
    Attendance,
    Candidate,
    CandidateStep,
    Congress,
    Inspection,
    Organisation,
    Remedy,
    Submission,
    TrainingSession,
)
from models.db import read_session
from tasks.demo.seed import DEFAULT_DEMO_AS_OF, seed_demo
from tasks.status.document import compute_status

pytestmark = pytest.mark.db


def _congress_dates(session: Session) -> dict[str, date]:
    """Each unit's congress as the status rules see it (planned, else the plan's default)."""
    doc = compute_status(session, scope=None, as_of=DEFAULT_DEMO_AS_OF)
    dates = {u["code"]: date.fromisoformat(u["congress_date"]) for u in doc["units"]}
    root = session.execute(
        select(Organisation.code, Congress.planned_date)
        .join(Congress, Congress.org_id == Organisation.id)
        .where(Organisation.parent_id.is_(None))
    ).one()
    dates[root.code] = root.planned_date
    return dates


def _facts(session: Session) -> list[tuple[str, str, date]]:
    """(what, unit code, date) for every dated fact the status rules filter by as_of."""
    org = Organisation.code
    queries = {
        "bước nhân sự": select(org, CandidateStep.passed_on)
        .join(Candidate, Candidate.org_id == Organisation.id)
        .join(CandidateStep, CandidateStep.candidate_id == Candidate.id),
        "bắt đầu kiểm tra": select(org, Inspection.started_on).join(
            Inspection, Inspection.org_id == Organisation.id
        ),
        "kết luận kiểm tra": select(org, Inspection.concluded_on).join(
            Inspection, Inspection.org_id == Organisation.id
        ),
        "khắc phục": select(org, Remedy.completed_on)
        .join(Inspection, Inspection.org_id == Organisation.id)
        .join(Remedy, Remedy.inspection_id == Inspection.id),
        "góp ý": select(org, Submission.submitted_on).join(
            Submission, Submission.org_id == Organisation.id
        ),
        "tập huấn": select(org, TrainingSession.held_on)
        .join(Attendance, Attendance.org_id == Organisation.id)
        .join(TrainingSession, TrainingSession.id == Attendance.session_id),
    }
    return [
        (what, code, day)
        for what, query in queries.items()
        for code, day in session.execute(query)
        if day is not None
    ]


@pytest.mark.parametrize("seed", [7, 2025])
def test_no_fact_of_a_unit_is_dated_after_its_congress(engine: Engine, seed: int) -> None:
    seed_demo(engine, seed=seed)
    with read_session(engine) as s:
        congress = _congress_dates(s)
        facts = _facts(s)
    assert {what for what, _, _ in facts} == {
        "bước nhân sự",
        "bắt đầu kiểm tra",
        "kết luận kiểm tra",
        "khắc phục",
        "góp ý",
        "tập huấn",
    }
    late = [(what, code, day) for what, code, day in facts if day > congress[code]]
    assert late == []
    # Facts still come after the demo's day: replaying a later day moves progress.
    assert sum(day > DEFAULT_DEMO_AS_OF for _, _, day in facts) > 100
