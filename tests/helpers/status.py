"""Status-rule builders: hand-built rows of every kind and the status document they give.

Plan `ct45-2025` is named explicitly throughout: its surplus is 10 %, its structure targets are
nu ≥ 0.15, duoi-40 ≥ 0.10, tren-dai-hoc ≥ 0.05, its grassroots congress default is 2025-06-30
and its grassroots age reference date 2025-04-01. Every document `status()` computes is
validated against templates/status.schema.json and must be plain JSON (no NaN, no numpy scalars).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date
from functools import cache
from importlib import resources
from itertools import count
from typing import Any

from jsonschema import Draft202012Validator
from sqlalchemy.orm import Session

from models import (
    Attendance,
    Candidate,
    CandidateStep,
    Comment,
    Course,
    Disposition,
    Draft,
    Inspection,
    MilestoneOverride,
    Organisation,
    Remedy,
    SessionRole,
    Submission,
    TrainingSession,
    YearFigures,
)
from models.db import read_session
from models.enums import (
    CommentKind,
    DispositionAction,
    Gender,
    InspectionForm,
    InspectionKind,
    InspectionTarget,
    OrgKind,
    OverrideState,
    PartyRole,
    Post,
    Presence,
    Rating,
    Reelection,
    RemedyStatus,
    Stage,
)
from tasks.status.document import compute_status
from tests.helpers.factories import add_org, candidate

PLAN = "ct45-2025"
STAGE_KEYS = ("personnel", "inspections", "feedback", "training")
_serial = count(1)


def add_candidate(
    s: Session,
    org: Organisation,
    steps: Mapping[int, date],
    *,
    gender: Gender = Gender.NU,
    born: date = date(1990, 1, 1),
    education: str = "Thạc sĩ Quản lý giáo dục",
    title: str | None = None,
    ethnicity: str = "Kinh",
    active: bool = True,
) -> Candidate:
    """A candidate with its step history; by default a woman under 40 with a master's degree."""
    name = f"Ứng viên {next(_serial)}"
    cand = candidate(
        org.id,
        name,
        birth_date=born,
        gender=gender,
        joined_on=date(2010, 1, 1),
        education=education,
        academic_title=title,
        ethnicity=ethnicity,
        current_position="Giáo viên",
        reelection=Reelection.LAN_DAU,
        proposed_post=Post.CAP_UY_VIEN,
        active=active,
    )
    s.add(cand)
    s.flush()
    s.add_all(CandidateStep(candidate_id=cand.id, step=k, passed_on=d) for k, d in steps.items())
    s.flush()
    return cand


def add_passed(s: Session, org: Organisation, n: int, on: date, **kw: Any) -> None:
    """`n` candidates at step 5 since `on`."""
    for _ in range(n):
        add_candidate(s, org, {5: on}, **kw)


def add_inspection(
    s: Session,
    org: Organisation,
    started: date,
    concluded: date | None = None,
    remedies: Iterable[tuple[RemedyStatus, date | None]] = (),
) -> Inspection:
    """An inspection of `org` with its remedies (status, completion date)."""
    insp = Inspection(
        org_id=org.id,
        code=f"KT-{next(_serial)}",
        kind=InspectionKind.KIEM_TRA,
        form=InspectionForm.CHUYEN_DE,
        target=InspectionTarget.TO_CHUC,
        started_on=started,
        concluded_on=concluded,
    )
    s.add(insp)
    s.flush()
    for seq, (status, completed) in enumerate(remedies, start=1):
        s.add(
            Remedy(
                inspection_id=insp.id,
                seq=seq,
                requirement="Khắc phục",
                due_on=date(2025, 12, 31),
                status=status,
                completed_on=completed,
            )
        )
    s.flush()
    return insp


def add_draft(s: Session, scope: Organisation, deadline: date | None) -> Draft:
    """The current draft Political Report of a scope."""
    draft = Draft(scope_org_id=scope.id, title="Dự thảo Báo cáo chính trị", deadline=deadline)
    s.add(draft)
    s.flush()
    return draft


def add_submission(
    s: Session,
    draft: Draft,
    org: Organisation,
    on: date,
    comments: Iterable[tuple[CommentKind, bool]] = (),
) -> Submission:
    """A unit's submission with comments (kind, answered?); no comments = an explicit 'none'."""
    items = list(comments)
    sub = Submission(draft_id=draft.id, org_id=org.id, submitted_on=on, no_comments=not items)
    s.add(sub)
    s.flush()
    for kind, answered in items:
        comment = Comment(
            submission_id=sub.id, section_number="I", kind=kind, text="Ý kiến", text_key="y kien"
        )
        s.add(comment)
        s.flush()
        if answered:
            s.add(Disposition(comment_id=comment.id, action=DispositionAction.TIEP_THU))
    s.flush()
    return sub


def add_course(
    s: Session, sessions: Iterable[tuple[date, Iterable[PartyRole]]]
) -> list[TrainingSession]:
    """A course with sessions (date, required roles); returns the sessions in order."""
    course = Course(code=f"CD-{next(_serial)}", title="Chuyên đề")
    s.add(course)
    s.flush()
    out = []
    for held, roles in sessions:
        sess = TrainingSession(code=f"LOP-{next(_serial)}", course_id=course.id, held_on=held)
        s.add(sess)
        s.flush()
        s.add_all(SessionRole(session_id=sess.id, role=r) for r in roles)
        out.append(sess)
    s.flush()
    return out


def attend(
    s: Session,
    session: TrainingSession,
    org: Organisation,
    role: PartyRole,
    presence: Presence = Presence.CO_MAT,
) -> None:
    """One attendee of `org` with `role` at a session."""
    name = f"Học viên {next(_serial)}"
    s.add(
        Attendance(
            session_id=session.id,
            org_id=org.id,
            full_name=name,
            person_key=name.lower(),
            role=role,
            presence=presence,
        )
    )
    s.flush()


def add_override(
    s: Session, org: Organisation, stage: Stage, state: OverrideState, on: date
) -> None:
    """A manual override of a unit's stage from a date."""
    s.add(
        MilestoneOverride(
            org_id=org.id, stage=stage, state=state, effective_from=on, reason="test", actor="t"
        )
    )
    s.flush()


def add_figures(
    s: Session,
    org: Organisation,
    year: int,
    *,
    members: int,
    registered: int,
    reviewed: bool = True,
    rating: Rating = Rating.TOT,
    good: int = 0,
    applies_1793: bool = True,
    digitised: str = "100",
) -> None:
    """A danh-gia row: `good` members rated xuất sắc (all counted as n_xuat_sac)."""
    s.add(
        YearFigures(
            org_id=org.id,
            year=year,
            members_total=members,
            registered=registered,
            reviewed=reviewed,
            org_rating=rating,
            n_xuat_sac=good,
            n_tot=0,
            n_hoan_thanh=0,
            n_khong=0,
            applies_1793=applies_1793,
            digitised_pct=digitised,
        )
    )
    s.flush()


@cache
def status_schema() -> dict[str, Any]:
    """The packaged JSON Schema of `daihoi status --json`."""
    text = resources.files("templates").joinpath("status.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def validator() -> Draft202012Validator:
    """A draft 2020-12 validator that also checks `format: date`."""
    return Draft202012Validator(status_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)


def status(
    as_of: date, scope: str | None = None, *, plan: str | None = PLAN, year: int | None = None
) -> dict[str, Any]:
    """compute_status in a read session; the document must be plain JSON and schema-valid."""
    with read_session() as s:
        doc = compute_status(s, scope=scope, as_of=as_of, plan=plan, year=year)
    json.dumps(doc, allow_nan=False)
    validator().validate(doc)
    return doc


def unit(doc: dict[str, Any], code: str) -> dict[str, Any]:
    """A unit entry of a status document, by code."""
    found = [u for u in doc["units"] if u["code"] == code]
    assert len(found) == 1, f"{code} appears {len(found)} times"
    return found[0]


def stage_of(doc: dict[str, Any], code: str, stage: str) -> dict[str, Any]:
    """A unit's entry for one stage."""
    entry: dict[str, Any] = unit(doc, code)["stages"][stage]
    return entry


def states(doc: dict[str, Any], stage: str) -> dict[str, str]:
    """Each unit's state in a stage, by code."""
    return {u["code"]: u["stages"][stage]["state"] for u in doc["units"]}


def root_only(s: Session) -> Organisation:
    """The committee at the root of every tree here."""
    return add_org(s, "DU", OrgKind.TREN_CO_SO, committee_size=None)
