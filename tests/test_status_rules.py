"""The status rules of DESIGN.md, exact figures on small hand-built trees (SQLite and PostgreSQL).

Every document computed here is also validated against templates/status.schema.json and must
be plain JSON (no NaN, no numpy scalars). Plan `ct45-2025` is named explicitly throughout: its
surplus is 10 %, its structure targets are nu ≥ 0.15, duoi-40 ≥ 0.10, tren-dai-hoc ≥ 0.05, its
grassroots congress default is 2025-06-30 and its grassroots age reference date 2025-04-01.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping
from datetime import date
from functools import cache
from importlib import resources
from itertools import count
from typing import Any

import pandas as pd
import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import Engine, select
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
from models.db import read_session, write_session
from models.enums import (
    CommentKind,
    DispositionAction,
    Gender,
    InspectionForm,
    InspectionKind,
    InspectionTarget,
    OrgKind,
    OrgStatus,
    OverrideState,
    PartyRole,
    PoliticalTheory,
    Post,
    Presence,
    Rating,
    Reelection,
    RemedyStatus,
    Stage,
)
from tasks.status import milestones
from tasks.status.document import compute_status
from tests.helpers.factories import add_org

pytestmark = pytest.mark.db

PLAN = "ct45-2025"
STAGE_KEYS = ("personnel", "inspections", "feedback", "training")
_serial = count(1)

# ---------------------------------------------------------------------------------------------
# Builders (shared with tests/test_rollup.py)
# ---------------------------------------------------------------------------------------------


def add_candidate(
    s: Session,
    org: Organisation,
    steps: Mapping[int, date],
    *,
    gender: Gender = Gender.NU,
    born: date = date(1990, 1, 1),
    education: str = "Thạc sĩ Quản lý giáo dục",
    title: str | None = None,
    active: bool = True,
) -> Candidate:
    """A candidate with its step history; by default a woman under 40 with a master's degree."""
    name = f"Ứng viên {next(_serial)}"
    cand = Candidate(
        org_id=org.id,
        full_name=name,
        name_key=name.lower(),
        birth_date=born,
        gender=gender,
        ethnicity="Kinh",
        joined_on=date(2010, 1, 1),
        education=education,
        academic_title=title,
        political_theory=PoliticalTheory.TRUNG_CAP,
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


# ---------------------------------------------------------------------------------------------
# Personnel
# ---------------------------------------------------------------------------------------------


def test_required_candidates_are_an_integer_ceiling_of_size_plus_surplus(engine: Engine) -> None:
    sizes = {"S1": 1, "S3": 3, "S9": 9, "S10": 10, "S11": 11, "S15": 15, "S50": 50}
    with write_session() as s:
        root = root_only(s)
        for code, size in sizes.items():
            add_org(s, code, parent=root, committee_size=size)
    doc = status(date(2025, 4, 1))
    required = {c: stage_of(doc, c, "personnel")["required"] for c in sizes}
    # size 50: 50 × 1.1 = 55.00000000000001 in floating point, whose ceiling is 56.
    assert required == {"S1": 2, "S3": 4, "S9": 10, "S10": 11, "S11": 13, "S15": 17, "S50": 55}


def test_size_10_is_done_with_11_passed_and_progress_counts_steps_over_5_x_11(
    engine: Engine,
) -> None:
    with write_session() as s:
        root = root_only(s)
        done = add_org(s, "DONE", parent=root, committee_size=10)
        short = add_org(s, "SHORT", parent=root, committee_size=10)
        big = add_org(s, "BIG", parent=root, committee_size=50)
        add_passed(s, done, 11, date(2025, 3, 1))
        add_passed(s, short, 10, date(2025, 3, 1))
        add_candidate(s, short, {1: date(2025, 1, 1), 3: date(2025, 2, 1)})
        add_passed(s, big, 55, date(2025, 3, 2))
    doc = status(date(2025, 4, 1))
    d = stage_of(doc, "DONE", "personnel")
    assert (d["state"], d["progress"], d["passed"], d["required"]) == ("done", 1.0, 11, 11)
    assert d["done_on"] == "2025-03-01"
    sh = stage_of(doc, "SHORT", "personnel")
    # Σ step = 10 × 5 + 3 = 53 of 5 × 11 = 55 (not 60): 0.9636 (4 decimals).
    assert (sh["state"], sh["progress"], sh["passed"], sh["candidates"]) == (
        "on_track",
        0.9636,
        10,
        11,
    )
    assert sh["done_on"] is None
    assert stage_of(doc, "BIG", "personnel")["state"] == "done"


def test_candidates_short_of_the_surplus_leave_the_unit_not_done(engine: Engine) -> None:
    with write_session() as s:
        root = root_only(s)
        unit3 = add_org(s, "U3", parent=root, committee_size=3)
        add_passed(s, unit3, 3, date(2025, 2, 1))
        add_candidate(s, unit3, {4: date(2025, 2, 1)})
        # Inactive candidates count for nothing, even at step 5.
        add_passed(s, unit3, 2, date(2025, 2, 1), active=False)
        capped = add_org(s, "CAP", parent=root, committee_size=1)
        add_passed(s, capped, 3, date(2025, 2, 1))
    doc = status(date(2025, 4, 1))
    u3 = stage_of(doc, "U3", "personnel")
    assert (u3["state"], u3["required"], u3["passed"], u3["candidates"]) == ("on_track", 4, 3, 4)
    assert u3["progress"] == 0.95  # (3 × 5 + 4) ÷ (5 × 4)
    cap = stage_of(doc, "CAP", "personnel")
    assert (cap["state"], cap["progress"], cap["passed"]) == ("done", 1.0, 3)  # 15 ÷ 10 capped


def test_a_structure_target_missed_keeps_the_unit_not_done(engine: Engine) -> None:
    men = {"gender": Gender.NAM}
    with write_session() as s:
        root = root_only(s)
        no_women = add_org(s, "NO-WOMEN", parent=root, committee_size=3)
        add_passed(s, no_women, 4, date(2025, 2, 1), **men)
        one_woman = add_org(s, "ONE-WOMAN", parent=root, committee_size=3)
        add_passed(s, one_woman, 3, date(2025, 2, 1), **men)
        add_passed(s, one_woman, 1, date(2025, 2, 3))
        # 7 passed need ⌈0.15 × 7⌉ = ⌈1.05⌉ = 2 women: one is not enough (rounding would say 1).
        seven_1 = add_org(s, "SEVEN-1", parent=root, committee_size=6)
        add_passed(s, seven_1, 6, date(2025, 2, 1), **men)
        add_passed(s, seven_1, 1, date(2025, 2, 1))
        seven_2 = add_org(s, "SEVEN-2", parent=root, committee_size=6)
        add_passed(s, seven_2, 5, date(2025, 2, 1), **men)
        add_passed(s, seven_2, 2, date(2025, 2, 1))
    doc = status(date(2025, 4, 1))
    nw = stage_of(doc, "NO-WOMEN", "personnel")
    assert (nw["state"], nw["progress"], nw["passed"]) == ("on_track", 1.0, 4)
    ow = stage_of(doc, "ONE-WOMAN", "personnel")
    assert (ow["state"], ow["done_on"]) == ("done", "2025-02-03")
    assert stage_of(doc, "SEVEN-1", "personnel")["state"] == "on_track"
    assert stage_of(doc, "SEVEN-2", "personnel")["state"] == "done"


def test_under_40_is_completed_years_on_the_levels_age_reference_date(engine: Engine) -> None:
    # Grassroots: reference 2025-04-01 in ct45. Chi bộ trực thuộc: no reference → its congress.
    with write_session() as s:
        root = root_only(s)
        for code, born in (("CS-40", date(1985, 4, 1)), ("CS-39", date(1985, 4, 2))):
            org = add_org(s, code, parent=root, committee_size=1)
            add_passed(s, org, 2, date(2025, 2, 1), born=born)
        dbcs = add_org(s, "DBCS", OrgKind.DANG_BO_CO_SO, root, committee_size=None)
        for code, born in (("CT-40", date(1985, 5, 10)), ("CT-39", date(1985, 5, 11))):
            org = add_org(
                s,
                code,
                OrgKind.CHI_BO_TRUC_THUOC,
                dbcs,
                committee_size=1,
                congress=date(2025, 5, 10),
            )
            add_passed(s, org, 2, date(2025, 2, 1), born=born)
    doc = status(date(2025, 3, 1))
    got = {c: stage_of(doc, c, "personnel")["state"] for c in ("CS-40", "CS-39", "CT-40", "CT-39")}
    assert got == {"CS-40": "on_track", "CS-39": "done", "CT-40": "on_track", "CT-39": "done"}


def test_postgraduate_category_reads_education_or_academic_title(engine: Engine) -> None:
    bachelor = {"education": "Cử nhân Sư phạm Toán"}
    with write_session() as s:
        root = root_only(s)
        none = add_org(s, "NONE", parent=root, committee_size=1)
        add_passed(s, none, 2, date(2025, 2, 1), **bachelor)
        by_title = add_org(s, "TITLE", parent=root, committee_size=1)
        add_passed(s, by_title, 1, date(2025, 2, 1), **bachelor)
        add_passed(s, by_title, 1, date(2025, 2, 1), education="Cử nhân Luật", title="PGS.TS")
        by_abbrev = add_org(s, "ABBREV", parent=root, committee_size=1)
        add_passed(s, by_abbrev, 1, date(2025, 2, 1), **bachelor)
        add_passed(s, by_abbrev, 1, date(2025, 2, 1), education="ThS. Quản lý giáo dục")
    doc = status(date(2025, 3, 1))
    assert {c: stage_of(doc, c, "personnel")["state"] for c in ("NONE", "TITLE", "ABBREV")} == {
        "NONE": "on_track",
        "TITLE": "done",
        "ABBREV": "done",
    }


def test_a_candidates_step_is_the_latest_dated_on_or_before_as_of(engine: Engine) -> None:
    with write_session() as s:
        root = root_only(s)
        org = add_org(s, "U", parent=root, committee_size=1)  # required 2
        steps = {1: date(2025, 1, 5), 2: date(2025, 1, 20), 3: date(2025, 2, 1)}
        add_candidate(s, org, {**steps, 4: date(2025, 3, 1), 5: date(2025, 4, 10)})
        add_candidate(s, org, {5: date(2025, 2, 15)})
        add_candidate(s, org, {1: date(2025, 5, 1)})  # nothing yet on any day below
    before = stage_of(status(date(2025, 4, 9)), "U", "personnel")
    assert (before["passed"], before["progress"], before["state"]) == (1, 0.9, "on_track")
    on_day = stage_of(status(date(2025, 4, 10)), "U", "personnel")
    assert (on_day["passed"], on_day["progress"], on_day["state"]) == (2, 1.0, "done")
    assert on_day["done_on"] == "2025-04-10"
    early = stage_of(status(date(2025, 1, 31)), "U", "personnel")
    assert early["progress"] == 0.2  # step 2 of the first candidate only: 2 ÷ 10


def test_the_latest_step_is_by_date_not_by_number_and_a_same_day_tie_takes_the_higher(
    engine: Engine,
) -> None:
    with write_session() as s:
        root = root_only(s)
        org = add_org(s, "U", parent=root, committee_size=1)  # required 2
        # Step 5 recorded, then a later-dated step 3 (the process was taken up again).
        add_candidate(s, org, {5: date(2025, 2, 1), 3: date(2025, 3, 1)})
        # Steps 4 and 5 passed the same day: step 5 counts from that day.
        add_candidate(s, org, {4: date(2025, 2, 10), 5: date(2025, 2, 10)})
    feb = stage_of(status(date(2025, 2, 20)), "U", "personnel")
    assert (feb["passed"], feb["progress"], feb["state"]) == (2, 1.0, "done")
    mar = stage_of(status(date(2025, 3, 1)), "U", "personnel")
    assert (mar["passed"], mar["progress"]) == (1, 0.8)  # (3 + 5) ÷ 10
    assert mar["state"] != "done"


def test_personnel_is_not_applicable_for_size_0_or_2_contents_and_warns_when_size_missing(
    engine: Engine,
) -> None:
    with write_session() as s:
        root = root_only(s)
        zero = add_org(s, "ZERO", parent=root, committee_size=0)
        add_passed(s, zero, 2, date(2025, 2, 1))
        appointed = add_org(s, "APPOINTED", parent=root, committee_size=5, contents=2)
        add_passed(s, appointed, 6, date(2025, 2, 1))
        missing = add_org(s, "MISSING", parent=root, committee_size=None)
        add_passed(s, missing, 4, date(2025, 2, 1))
        normal = add_org(s, "NORMAL", parent=root, committee_size=1)
        add_candidate(s, normal, {2: date(2025, 2, 1)})
    doc = status(date(2025, 4, 1))
    for code in ("ZERO", "APPOINTED"):
        entry = stage_of(doc, code, "personnel")
        assert (entry["state"], entry["progress"], entry["done_on"]) == (
            "not_applicable",
            None,
            None,
        )
    miss = stage_of(doc, "MISSING", "personnel")
    assert (miss["state"], miss["progress"]) == ("not_started", 0.0)
    assert miss["warnings"] == ["thieu-so-luong-cap-uy"]
    assert stage_of(doc, "NORMAL", "personnel")["warnings"] == []
    assert doc["stages"]["personnel"] == {
        "units": 4,
        "applicable": 2,
        "done": 0,
        "overdue": 0,
        "at_risk": 0,
        "on_track": 1,
        "not_started": 1,
        "progress": 0.1,  # (0 + 2 ÷ 10) ÷ 2
    }


def test_personnel_done_on_restarts_after_a_structure_break(engine: Engine) -> None:
    old = {"born": date(1970, 1, 1)}
    with write_session() as s:
        root = root_only(s)
        org = add_org(s, "U", parent=root, committee_size=3)  # required 4
        # 1 under 40 among 4 holds (needs ⌈0.4⌉ = 1) from 01-10 …
        add_passed(s, org, 1, date(2025, 1, 10))
        add_passed(s, org, 3, date(2025, 1, 10), **old)
        # … 8 more over 40 on 01-20: 1 of 12 (needs 2) breaks it …
        add_passed(s, org, 8, date(2025, 1, 20), **old)
        # … one more under 40 on 01-30: 2 of 13 (needs ⌈1.3⌉ = 2) holds again.
        add_passed(s, org, 1, date(2025, 1, 30))
    first = stage_of(status(date(2025, 1, 15)), "U", "personnel")
    assert (first["state"], first["done_on"]) == ("done", "2025-01-10")
    broken = stage_of(status(date(2025, 1, 25)), "U", "personnel")
    assert (broken["state"], broken["done_on"], broken["progress"]) == ("on_track", None, 1.0)
    again = stage_of(status(date(2025, 2, 1)), "U", "personnel")
    assert (again["state"], again["done_on"]) == ("done", "2025-01-30")


# ---------------------------------------------------------------------------------------------
# Inspections
# ---------------------------------------------------------------------------------------------


def test_inspection_rules_count_concluded_and_verified_as_of_the_date(engine: Engine) -> None:
    m1, m5, m8, m20 = date(2025, 3, 1), date(2025, 3, 5), date(2025, 3, 8), date(2025, 3, 20)
    with write_session() as s:
        root = root_only(s)
        orgs = {c: add_org(s, c, parent=root) for c in ("DONE-NV", "VERIFIED", "LATE-C", "NONE")}
        orgs["FUTURE"] = add_org(s, "FUTURE", parent=root)
        orgs["MIXED"] = add_org(s, "MIXED", parent=root)
        add_inspection(s, orgs["DONE-NV"], m1, m5, [(RemedyStatus.HOAN_THANH, m8)])
        add_inspection(s, orgs["VERIFIED"], m1, m5, [(RemedyStatus.XAC_NHAN, m8)])
        add_inspection(s, orgs["LATE-C"], m1, m20, [(RemedyStatus.CHUA, None)])
        add_inspection(s, orgs["FUTURE"], m20, m20)
        add_inspection(
            s,
            orgs["MIXED"],
            m1,
            m5,
            [(RemedyStatus.XAC_NHAN, m8), (RemedyStatus.DANG, None)],
        )
    doc = status(date(2025, 3, 15))

    def figures(code: str) -> tuple[Any, ...]:
        e = stage_of(doc, code, "inspections")
        return (e["state"], e["progress"], e["inspections"], e["concluded"], e["verified"])

    assert figures("DONE-NV") == ("on_track", 0.5, 1, 1, 0)  # Đã hoàn thành is not verified
    assert figures("VERIFIED") == ("done", 1.0, 1, 1, 1)
    assert stage_of(doc, "VERIFIED", "inspections")["done_on"] == "2025-03-08"
    assert figures("LATE-C") == ("not_started", 0.0, 1, 0, 0)  # concluded after as_of
    assert figures("NONE") == ("not_started", 0.0, 0, 0, 0)
    assert figures("FUTURE") == ("not_started", 0.0, 0, 0, 0)  # started after as_of
    assert figures("MIXED") == ("on_track", 0.6667, 1, 1, 1)  # (1 + 1) ÷ (1 + 2)
    # A verification dated after as_of does not count yet.
    early = stage_of(status(date(2025, 3, 7)), "VERIFIED", "inspections")
    assert (early["state"], early["progress"], early["verified"]) == ("on_track", 0.5, 0)


def test_inspection_done_on_is_the_start_of_the_last_done_run(engine: Engine) -> None:
    with write_session() as s:
        root = root_only(s)
        org = add_org(s, "U", parent=root)
        add_inspection(s, org, date(2025, 1, 2), date(2025, 1, 10))
        add_inspection(s, org, date(2025, 2, 1), date(2025, 2, 20))
    first = stage_of(status(date(2025, 1, 20)), "U", "inspections")
    assert (first["state"], first["done_on"]) == ("done", "2025-01-10")
    undone = stage_of(status(date(2025, 2, 10)), "U", "inspections")
    assert (undone["state"], undone["progress"], undone["done_on"]) == ("on_track", 0.5, None)
    again = stage_of(status(date(2025, 3, 1)), "U", "inspections")
    assert (again["state"], again["done_on"]) == ("done", "2025-02-20")


# ---------------------------------------------------------------------------------------------
# Feedback
# ---------------------------------------------------------------------------------------------


def test_feedback_submissions_as_of_the_date_late_flag_and_comment_counts(
    engine: Engine,
) -> None:
    with write_session() as s:
        root = root_only(s)
        draft = add_draft(s, root, date(2025, 3, 10))
        f1, f2, _, f4, f5 = (add_org(s, c, parent=root) for c in ("F1", "F2", "F3", "F4", "F5"))
        add_submission(s, draft, f5, date(2025, 3, 10))  # on the deadline: not late
        add_submission(
            s,
            draft,
            f1,
            date(2025, 3, 5),
            [
                (CommentKind.THONG_NHAT, False),
                (CommentKind.BO_SUNG, True),
                (CommentKind.SUA_DOI, False),
                (CommentKind.KHAC, True),
                (CommentKind.THONG_NHAT, True),
            ],
        )
        add_submission(s, draft, f2, date(2025, 3, 12))  # late, explicit "no comments"
        add_submission(s, draft, f4, date(2025, 3, 20), [(CommentKind.BO_SUNG, True)])
    doc = status(date(2025, 3, 15))
    one = stage_of(doc, "F1", "feedback")
    assert (one["state"], one["progress"], one["done_on"], one["late"]) == (
        "done",
        1.0,
        "2025-03-05",
        False,
    )
    assert (one["comments"], one["answered"], one["due"]) == (3, 2, "2025-03-10")
    two = stage_of(doc, "F2", "feedback")
    assert (two["state"], two["late"], two["warnings"], two["done_on"]) == (
        "done",
        True,
        ["late"],
        "2025-03-12",
    )
    assert states(doc, "feedback") == {
        "F1": "done",
        "F2": "done",
        "F3": "overdue",
        "F4": "overdue",  # its submission is dated after as_of
        "F5": "done",
    }
    assert stage_of(doc, "F5", "feedback")["late"] is False
    assert doc["stages"]["feedback"] == {
        "units": 5,
        "applicable": 5,
        "done": 3,
        "overdue": 2,
        "at_risk": 0,
        "on_track": 0,
        "not_started": 0,
        "progress": 0.6,
        "late": 1,
        "comments": 3,
        "answered": 2,
    }
    before = status(date(2025, 3, 11))
    assert stage_of(before, "F2", "feedback")["state"] == "overdue"
    assert before["stages"]["feedback"]["late"] == 0


def test_feedback_due_is_the_drafts_deadline_else_congress_minus_20(engine: Engine) -> None:
    with write_session() as s:
        root = root_only(s)
        add_org(s, "U", parent=root, congress=date(2025, 5, 10))
    no_draft = status(date(2025, 3, 1))
    assert stage_of(no_draft, "U", "feedback")["due"] == "2025-04-20"
    with write_session() as s:
        root = s.scalars(select(Organisation).where(Organisation.code == "DU")).one()
        add_draft(s, root, date(2025, 3, 31))
    with_draft = status(date(2025, 3, 1))
    assert stage_of(with_draft, "U", "feedback")["due"] == "2025-03-31"


# ---------------------------------------------------------------------------------------------
# Training
# ---------------------------------------------------------------------------------------------


def test_training_pairs_follow_committee_size_and_attendance_as_of(engine: Engine) -> None:
    bt, pbt, cuv = PartyRole.BI_THU, PartyRole.PHO_BI_THU, PartyRole.CAP_UY_VIEN
    with write_session() as s:
        root = root_only(s)
        # K1 requires {bt, pbt} at S1 and {cuv} at S2: the union of its sessions' roles.
        s1, s2 = add_course(s, [(date(2025, 3, 1), (bt, pbt)), (date(2025, 3, 20), (cuv,))])
        (s3,) = add_course(s, [(date(2025, 3, 5), (bt,))])
        (s4,) = add_course(s, [(date(2025, 3, 6), (PartyRole.DANG_VIEN,))])  # no unit role
        t1 = add_org(s, "T1", parent=root, committee_size=3)  # 4 pairs
        attend(s, s1, t1, bt, Presence.DI_TRE)
        attend(s, s1, t1, pbt)
        attend(s, s2, t1, cuv)
        attend(s, s3, t1, bt, Presence.VANG_CO_PHEP)
        t2 = add_org(s, "T2", parent=root, committee_size=1)  # 2 pairs: K1 and K2 for bt
        attend(s, s1, t2, bt)
        attend(s, s1, t2, pbt)  # a role the unit does not have
        attend(s, s3, t2, bt)
        t3 = add_org(s, "T3", parent=root, committee_size=2)  # 3 pairs
        attend(s, s1, t3, bt, Presence.DI_TRE)
        attend(s, s3, t3, bt)
        attend(s, s2, t3, pbt)  # K1's pbt pair, at a K1 session that did not list pbt
        t4 = add_org(s, "T4", parent=root, committee_size=None)
        t5 = add_org(s, "T5", parent=root, committee_size=0)
        for org in (t4, t5):
            attend(s, s4, org, PartyRole.DANG_VIEN)
    mid = status(date(2025, 3, 10))
    late = status(date(2025, 3, 25))

    def fig(doc: dict[str, Any], code: str) -> tuple[Any, ...]:
        e = stage_of(doc, code, "training")
        return (e["state"], e["progress"], e["pairs"], e["satisfied"], e["done_on"])

    assert fig(late, "T1") == ("on_track", 0.75, 4, 3, None)
    # K2's session (3/5) adds its pair the day T2 attends it: done without a break since 3/1.
    assert fig(late, "T2") == ("done", 1.0, 2, 2, "2025-03-01")
    assert fig(mid, "T2") == ("done", 1.0, 2, 2, "2025-03-01")
    assert fig(mid, "T3") == ("on_track", 0.6667, 3, 2, None)
    assert fig(late, "T3") == ("done", 1.0, 3, 3, "2025-03-20")
    assert fig(mid, "T1") == ("on_track", 0.6667, 3, 2, None)  # the cuv session is not held yet
    for code in ("T4", "T5"):
        assert fig(late, code) == ("not_applicable", None, 0, 0, None)
    summary = late["stages"]["training"]
    assert (summary["units"], summary["applicable"], summary["done"]) == (5, 3, 2)
    assert summary["progress"] == round((0.75 + 1 + 1) / 3, 4)


def test_a_course_held_after_as_of_is_not_required_yet(engine: Engine) -> None:
    # DESIGN.md lists training session dates among the facts as_of filters: on a replayed day a
    # session not yet held does not exist, so neither do the roles it requires.
    with write_session() as s:
        root = root_only(s)
        (held,) = add_course(s, [(date(2025, 3, 1), (PartyRole.BI_THU,))])
        add_course(s, [(date(2025, 4, 1), (PartyRole.BI_THU,))])
        org = add_org(s, "U", parent=root, committee_size=1)
        attend(s, held, org, PartyRole.BI_THU)
    entry = stage_of(status(date(2025, 3, 10)), "U", "training")
    assert (entry["pairs"], entry["satisfied"], entry["progress"]) == (1, 1, 1.0)
    later = stage_of(status(date(2025, 4, 1)), "U", "training")
    assert (later["pairs"], later["satisfied"], later["progress"]) == (2, 1, 0.5)


def test_training_without_any_pair_is_not_applicable(engine: Engine) -> None:
    with write_session() as s:
        root = root_only(s)
        add_org(s, "U", parent=root, committee_size=3)
    doc = status(date(2025, 3, 1))
    assert stage_of(doc, "U", "training")["state"] == "not_applicable"
    assert doc["stages"]["training"] == {
        "units": 1,
        "applicable": 0,
        "done": 0,
        "overdue": 0,
        "at_risk": 0,
        "on_track": 0,
        "not_started": 0,
        "progress": None,
    }


# ---------------------------------------------------------------------------------------------
# Overrides and milestones
# ---------------------------------------------------------------------------------------------


def test_overrides_apply_from_their_effective_date(engine: Engine) -> None:
    with write_session() as s:
        root = root_only(s)
        forced = add_org(s, "FORCED", parent=root)
        add_override(s, forced, Stage.PERSONNEL, OverrideState.DONE, date(2025, 3, 10))
        excused = add_org(s, "EXCUSED", parent=root)
        add_inspection(s, excused, date(2025, 2, 1))
        add_override(s, excused, Stage.INSPECTIONS, OverrideState.NOT_APPLICABLE, date(2025, 3, 10))
        early = add_org(s, "EARLY", parent=root)
        add_inspection(s, early, date(2025, 1, 5), date(2025, 2, 1))
        add_override(s, early, Stage.INSPECTIONS, OverrideState.DONE, date(2025, 3, 1))
        flip = add_org(s, "FLIP", parent=root)
        add_override(s, flip, Stage.INSPECTIONS, OverrideState.NOT_APPLICABLE, date(2025, 3, 1))
        add_override(s, flip, Stage.INSPECTIONS, OverrideState.DONE, date(2025, 3, 12))
    before = status(date(2025, 3, 9))
    after = status(date(2025, 3, 12))
    fb = stage_of(before, "FORCED", "personnel")
    assert (fb["state"], fb["progress"], fb["done_on"]) == ("not_started", 0.0, None)
    fa = stage_of(after, "FORCED", "personnel")
    assert (fa["state"], fa["progress"], fa["done_on"]) == ("done", 1.0, "2025-03-10")
    assert before["stages"]["personnel"]["done"] == 0
    assert after["stages"]["personnel"]["done"] == 1
    assert states(before, "inspections") == {
        "FORCED": "not_started",
        "EXCUSED": "not_started",
        "EARLY": "done",
        "FLIP": "not_applicable",
    }
    assert states(after, "inspections") == {
        "FORCED": "not_started",
        "EXCUSED": "not_applicable",
        "EARLY": "done",
        "FLIP": "done",
    }
    assert stage_of(after, "EXCUSED", "inspections")["progress"] is None
    # An override on a unit already done keeps the earliest continuous done date.
    assert stage_of(after, "EARLY", "inspections")["done_on"] == "2025-02-01"
    assert stage_of(after, "FLIP", "inspections")["done_on"] == "2025-03-12"
    assert before["stages"]["inspections"] == {
        "units": 4,
        "applicable": 3,
        "done": 1,
        "overdue": 0,
        "at_risk": 0,
        "on_track": 0,
        "not_started": 2,
        "progress": round(1 / 3, 4),
    }
    assert after["stages"]["inspections"] == {
        "units": 4,
        "applicable": 3,
        "done": 2,
        "overdue": 0,
        "at_risk": 0,
        "on_track": 0,
        "not_started": 1,
        "progress": round(2 / 3, 4),
    }


@pytest.mark.xfail(
    strict=True,
    reason="known gap: apply_overrides only knows the data's current done run, so a done "
    "override that starts inside an earlier, later-broken run restarts done_on at its own date",
)
def test_done_on_spans_an_earlier_data_run_joined_by_a_done_override(engine: Engine) -> None:
    with write_session() as s:
        root = root_only(s)
        u = add_org(s, "U", parent=root)
        add_inspection(s, u, date(2025, 3, 1), date(2025, 3, 1))  # done by data from 03-01 …
        add_inspection(s, u, date(2025, 3, 4), date(2025, 3, 7))  # … open 03-04 to 03-06
        add_override(s, u, Stage.INSPECTIONS, OverrideState.DONE, date(2025, 3, 2))
    # Done every day since 03-01: by data on 03-01, by the override from 03-02.
    assert stage_of(status(date(2025, 3, 3)), "U", "inspections")["done_on"] == "2025-03-01"
    assert stage_of(status(date(2025, 3, 5)), "U", "inspections")["done_on"] == "2025-03-01"


def test_done_on_is_where_the_current_run_of_done_days_began_replayed_day_by_day(
    engine: Engine,
) -> None:
    day = [date(2025, 3, d) for d in range(1, 13)]  # day[k] is 2025-03-(k+1)
    men = {"gender": Gender.NAM, "born": date(1970, 1, 1), "education": "Cử nhân"}
    bt, pbt = PartyRole.BI_THU, PartyRole.PHO_BI_THU
    with write_session() as s:
        root = root_only(s)
        # Personnel (required 2): done on 03-05, broken on 03-08 (2 women of 14 < ⌈2.1⌉),
        # done again on 03-10 (3 of 15 ≥ ⌈2.25⌉).
        p = add_org(s, "P", parent=root, committee_size=1)
        add_passed(s, p, 1, day[2])
        add_passed(s, p, 1, day[4])
        add_passed(s, p, 12, day[7], **men)
        add_passed(s, p, 1, day[9])
        # Inspections: done 03-04, reopened 03-06 by a new inspection, done again 03-09.
        i = add_org(s, "I", parent=root)
        add_inspection(s, i, day[1], day[3])
        add_inspection(s, i, day[5], day[6], [(RemedyStatus.XAC_NHAN, day[8])])
        # Feedback from its submission; training from the last pair satisfied.
        draft = add_draft(s, root, day[11])
        f = add_org(s, "F", parent=root)
        add_submission(s, draft, f, day[6])
        s1, s2 = add_course(s, [(day[1], (bt, pbt)), (day[5], ())])
        tr = add_org(s, "T", parent=root, committee_size=2)
        attend(s, s1, tr, bt, Presence.DI_TRE)
        attend(s, s2, tr, pbt)
        # An override makes a unit done before its data does; another excuses a unit.
        o = add_org(s, "O", parent=root)
        add_inspection(s, o, day[1], day[7])
        add_override(s, o, Stage.INSPECTIONS, OverrideState.DONE, day[4])
        n = add_org(s, "N", parent=root)
        add_inspection(s, n, day[1], day[2])
        add_override(s, n, Stage.INSPECTIONS, OverrideState.NOT_APPLICABLE, day[5])
    docs = [status(d) for d in day]
    entries = [
        {(u["code"], k): v for u in doc["units"] for k, v in u["stages"].items()} for doc in docs
    ]
    done_days = {key: [e[key]["state"] == "done" for e in entries] for key in entries[0]}
    assert done_days[("P", "personnel")] == [d in (4, 5, 6, 9, 10, 11) for d in range(12)]
    assert done_days[("I", "inspections")] == [d in (3, 4, 8, 9, 10, 11) for d in range(12)]
    assert done_days[("F", "feedback")] == [d >= 6 for d in range(12)]
    assert done_days[("T", "training")] == [d >= 5 for d in range(12)]
    assert done_days[("O", "inspections")] == [d >= 4 for d in range(12)]
    assert done_days[("N", "inspections")] == [d in (2, 3, 4) for d in range(12)]
    # Replayed day by day, done_on is the first day of the run of done days ending at as_of.
    for key, flags in done_days.items():
        assert not flags[0], key  # nothing is done on the first day
        for k, e in enumerate(entries):
            start = k
            while flags[k] and start > 0 and flags[start - 1]:
                start -= 1
            want = day[start].isoformat() if flags[k] else None
            assert e[key]["done_on"] == want, (key, day[k])


@pytest.mark.parametrize(
    ("as_of", "idle", "started"),
    [
        (date(2025, 6, 1), "overdue", "overdue"),  # due + 1
        (date(2025, 5, 31), "at_risk", "at_risk"),  # due
        (date(2025, 5, 17), "at_risk", "at_risk"),  # due − 14
        (date(2025, 5, 16), "not_started", "on_track"),  # due − 15
    ],
)
def test_milestone_state_at_the_edges_of_the_window(
    engine: Engine, as_of: date, idle: str, started: str
) -> None:
    with write_session() as s:
        root = root_only(s)
        add_org(s, "IDLE", parent=root, committee_size=1)  # congress 2025-06-30 (default)
        going = add_org(s, "STARTED", parent=root, committee_size=1)
        add_candidate(s, going, {2: date(2025, 1, 10)})
        done = add_org(s, "DONE", parent=root, committee_size=1)
        add_passed(s, done, 2, date(2025, 1, 10))
    doc = status(as_of)
    assert stage_of(doc, "IDLE", "personnel")["due"] == "2025-05-31"
    assert states(doc, "personnel") == {"IDLE": idle, "STARTED": started, "DONE": "done"}


def test_due_dates_per_stage_from_the_congress_date_of_the_unit_or_its_level(
    engine: Engine,
) -> None:
    with write_session() as s:
        root = root_only(s)
        add_org(s, "OWN", parent=root, congress=date(2025, 5, 20))
        dbcs = add_org(s, "DBCS", OrgKind.DANG_BO_CO_SO, root)
        add_org(s, "CELL", OrgKind.CHI_BO_TRUC_THUOC, dbcs)
    doc = status(date(2025, 3, 1))
    dues = {
        u["code"]: (u["congress_date"], *(u["stages"][k]["due"] for k in STAGE_KEYS))
        for u in doc["units"]
    }
    assert dues == {
        "OWN": ("2025-05-20", "2025-04-20", "2025-05-05", "2025-04-30", "2025-04-05"),
        "DBCS": ("2025-06-30", "2025-05-31", "2025-06-15", "2025-06-10", "2025-05-16"),
        "CELL": ("2025-05-31", "2025-05-01", "2025-05-16", "2025-05-11", "2025-04-16"),
    }
    assert doc["self"]["stages"]["personnel"]["due"] == "2025-08-01"  # 2025-08-31 − 30


def test_no_due_date_gives_on_track_or_not_started_with_a_warning() -> None:
    judged = pd.DataFrame(
        {
            "id": [1, 2, 3],
            "applicable": [True, True, True],
            "done": [False, False, True],
            "progress": [0.0, 0.5, 1.0],
            "done_on": [pd.NaT, pd.NaT, pd.Timestamp("2025-01-01")],
            "warnings": [(), (), ()],
        }
    )
    due = pd.Series([pd.NaT] * 3, dtype="datetime64[ns]")
    out = milestones.judge_states(judged, due, date(2030, 1, 1), 14)
    assert list(out["state"]) == ["not_started", "on_track", "done"]
    assert [list(w) for w in out["warnings"]] == [["no-due-date"], ["no-due-date"], []]


# ---------------------------------------------------------------------------------------------
# Summaries, scope and tree order
# ---------------------------------------------------------------------------------------------


def test_stage_summary_counts_states_and_averages_progress_unweighted(engine: Engine) -> None:
    m1, m5 = date(2025, 3, 1), date(2025, 3, 5)
    with write_session() as s:
        root = root_only(s)
        done = add_org(s, "U1", parent=root)
        add_inspection(s, done, m1, m5)
        overdue = add_org(s, "U2", parent=root, congress=date(2025, 4, 10))  # due 03-26
        add_inspection(s, overdue, m1, m5)
        add_inspection(s, overdue, m1)
        add_org(s, "U3", parent=root, congress=date(2025, 4, 20))  # due 04-05: at risk
        on_track = add_org(s, "U4", parent=root)
        add_inspection(s, on_track, m1, m5, [(RemedyStatus.HOAN_THANH, m5)])
        add_org(s, "U5", parent=root)
        excused = add_org(s, "U6", parent=root)
        add_inspection(s, excused, m1)
        add_override(s, excused, Stage.INSPECTIONS, OverrideState.NOT_APPLICABLE, m1)
    doc = status(date(2025, 4, 1))
    assert states(doc, "inspections") == {
        "U1": "done",
        "U2": "overdue",
        "U3": "at_risk",
        "U4": "on_track",
        "U5": "not_started",
        "U6": "not_applicable",
    }
    # Unweighted: (1 + 0.5 + 0 + 0.5 + 0) ÷ 5 = 0.4 (weighted by items it would be 3 ÷ 5).
    assert doc["stages"]["inspections"] == {
        "units": 6,
        "applicable": 5,
        "done": 1,
        "overdue": 1,
        "at_risk": 1,
        "on_track": 1,
        "not_started": 1,
        "progress": 0.4,
    }


def test_scope_is_self_and_excluded_from_units_and_summaries(engine: Engine) -> None:
    m1 = date(2025, 3, 1)
    with write_session() as s:
        root = root_only(s)
        dbcs = add_org(s, "DBCS", OrgKind.DANG_BO_CO_SO, root)
        add_inspection(s, dbcs, m1, m1)
        c1 = add_org(s, "C1", OrgKind.CHI_BO_TRUC_THUOC, dbcs)
        add_inspection(s, c1, m1)
        c2 = add_org(s, "C2", OrgKind.DANG_BO_BO_PHAN, dbcs)
        c21 = add_org(s, "C21", OrgKind.CHI_BO_TRUC_THUOC, c2)
        add_inspection(s, c21, m1, m1)
        other = add_org(s, "OTHER", parent=root)
        add_inspection(s, other, m1, m1)
    doc = status(date(2025, 3, 10), scope="DBCS")
    assert doc["org"] == "DBCS"
    assert [(u["code"], u["parent"], u["depth"]) for u in doc["units"]] == [
        ("C1", "DBCS", 1),
        ("C2", "DBCS", 1),
        ("C21", "C2", 2),
    ]
    assert doc["self"]["code"] == "DBCS"
    assert doc["self"]["stages"]["inspections"]["state"] == "done"
    assert set(doc["self"]["stages"]) == set(STAGE_KEYS)
    summary = doc["stages"]["inspections"]
    assert (summary["units"], summary["applicable"], summary["done"]) == (3, 3, 1)
    assert summary["progress"] == round(1 / 3, 4)
    whole = status(date(2025, 3, 10))
    assert whole["self"]["code"] == "DU"
    assert [u["code"] for u in whole["units"]] == ["DBCS", "C1", "C2", "C21", "OTHER"]
    assert whole["stages"]["inspections"]["done"] == 3


def test_units_are_in_tree_order_depth_first_siblings_by_code(engine: Engine) -> None:
    with write_session() as s:
        root = root_only(s)
        b = add_org(s, "B", OrgKind.DANG_BO_CO_SO, root)  # created first: a smaller id
        a = add_org(s, "A", OrgKind.DANG_BO_CO_SO, root)
        for code in ("B2", "B10", "B1"):
            add_org(s, code, OrgKind.CHI_BO_TRUC_THUOC, b)
        add_org(s, "A1", OrgKind.CHI_BO_TRUC_THUOC, a)
    doc = status(date(2025, 3, 1))
    assert [u["code"] for u in doc["units"]] == ["A", "A1", "B", "B1", "B10", "B2"]
    for u in doc["units"]:
        assert set(u["stages"]) == set(STAGE_KEYS)


def test_dissolved_units_are_left_out_and_the_plan_follows_as_of(engine: Engine) -> None:
    with write_session() as s:
        root = root_only(s)
        add_org(s, "LIVE", parent=root)
        gone = add_org(s, "GONE", parent=root)
        add_inspection(s, gone, date(2025, 3, 1), date(2025, 3, 2))
        gone.status = OrgStatus.DISSOLVED
    before = status(date(2025, 4, 13), plan=None)
    assert before["plan"] == "ct35-2024"
    assert [u["code"] for u in before["units"]] == ["LIVE"]
    assert before["stages"]["inspections"]["units"] == 1
    assert before["stages"]["inspections"]["done"] == 0
    # Without --plan: the latest plan in effect on as_of (ct45-2025 from 2025-04-14).
    assert status(date(2025, 4, 14), plan=None)["plan"] == "ct45-2025"


# ---------------------------------------------------------------------------------------------
# Targets
# ---------------------------------------------------------------------------------------------


def _targets(doc: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
    return {
        t["code"]: (
            t["numerator"],
            t["denominator"],
            t["actual"],
            t["met"],
            t["reporting"],
            t["population"],
        )
        for t in doc["targets"]
    }


def test_targets_use_grassroots_rows_and_count_missing_rows_as_not_met(engine: Engine) -> None:
    with write_session() as s:
        root = root_only(s)
        add_figures(s, root, 2024, members=1000, registered=1000, good=1000)  # never summed
        dbcs = add_org(s, "DB", OrgKind.DANG_BO_CO_SO, root)
        add_figures(s, dbcs, 2024, members=50, registered=50, good=46)
        add_figures(s, dbcs, 2026, members=50, registered=0)  # after as_of's year
        ct1 = add_org(s, "CT1", OrgKind.CHI_BO_TRUC_THUOC, dbcs)
        add_figures(s, ct1, 2024, members=30, registered=0, rating=Rating.KHONG)
        add_org(s, "CT2", OrgKind.CHI_BO_TRUC_THUOC, dbcs)
        cs1 = add_org(s, "CS1", parent=root)
        add_figures(
            s,
            cs1,
            2024,
            members=20,
            registered=19,
            reviewed=False,
            rating=Rating.XUAT_SAC,
            good=19,
            applies_1793=False,
            digitised="99.5",
        )
        add_figures(s, cs1, 2023, members=20, registered=20)
        add_org(s, "CS2", parent=root, members=12)
    doc = status(date(2025, 3, 15))
    assert doc["year"] == 2024
    assert [t["code"] for t in doc["targets"]] == [
        "dang-ky-ctrhd",
        "kiem-diem-ctrhd",
        "xep-loai-to-chuc",
        "xep-loai-dang-vien",
        "qd-1793",
        "so-hoa",
        "tong-hop",
    ]
    assert _targets(doc) == {
        "dang-ky-ctrhd": (69, 82, 0.8415, False, 2, 3),  # CS2 adds its 12 registry members
        "kiem-diem-ctrhd": (1, 4, 0.25, False, 2, 4),  # CT1, CT2, CS1, CS2
        "xep-loai-to-chuc": (2, 3, 0.6667, False, 2, 3),
        "xep-loai-dang-vien": (65, 82, 0.7927, False, 2, 3),
        "qd-1793": (1, 1, 1.0, True, 1, 1),
        "so-hoa": (1, 3, 0.3333, False, 2, 3),  # 99.5 % is not 100 %
        "tong-hop": (1, 6, 0.1667, False, None, None),
    }
    ops = {t["code"]: (t["op"], t["threshold"], t["year"]) for t in doc["targets"]}
    assert ops["xep-loai-to-chuc"] == (">", 0.9, 2024)
    assert ops["dang-ky-ctrhd"] == (">=", 1.0, 2024)
    older = status(date(2025, 3, 15), year=2023)
    assert older["year"] == 2023
    # DB has no 2023 row: its 20 registry members count, registered none.
    assert _targets(older)["dang-ky-ctrhd"] == (20, 52, 0.3846, False, 1, 3)


@pytest.mark.parametrize(("registered", "met"), [(20000, False), (20001, True)])
def test_100_percent_targets_compare_integers(engine: Engine, registered: int, met: bool) -> None:
    with write_session() as s:
        root = root_only(s)
        dbcs = add_org(s, "DB", OrgKind.DANG_BO_CO_SO, root)
        add_figures(s, dbcs, 2024, members=20001, registered=registered, good=20001)
        cell = add_org(s, "CT", OrgKind.CHI_BO_TRUC_THUOC, dbcs)
        add_figures(s, cell, 2024, members=0, registered=0)
    for scope in (None, "DB"):  # a grassroots scope's own row is its figure
        doc = status(date(2025, 1, 10), scope)
        got = _targets(doc)
        # 20000 ÷ 20001 rounds to 1.0 at 4 decimals, yet it is not 100 %.
        assert got["dang-ky-ctrhd"] == (registered, 20001, 1.0, met, 1, 1)
        assert all(got[c][3] for c in ("kiem-diem-ctrhd", "xep-loai-dang-vien", "so-hoa"))
        n_met = 5 + int(met)
        assert got["tong-hop"] == (n_met, 6, round(n_met / 6, 4), met, None, None)


def test_no_yearly_row_gives_no_year_and_no_targets(engine: Engine) -> None:
    with write_session() as s:
        add_org(s, "U", parent=root_only(s))
    doc = status(date(2025, 3, 1))
    assert (doc["year"], doc["targets"]) == (None, [])


# ---------------------------------------------------------------------------------------------
# The JSON Schema
# ---------------------------------------------------------------------------------------------


def _rich_document() -> dict[str, Any]:
    with write_session() as s:
        root = root_only(s)
        draft = add_draft(s, root, date(2025, 3, 10))
        dbcs = add_org(s, "DB", OrgKind.DANG_BO_CO_SO, root, committee_size=None)
        cell = add_org(s, "CT", OrgKind.CHI_BO_TRUC_THUOC, dbcs, committee_size=0)
        add_submission(s, draft, cell, date(2025, 3, 12), [(CommentKind.BO_SUNG, False)])
        add_inspection(s, dbcs, date(2025, 2, 1), date(2025, 2, 2))
        add_figures(s, dbcs, 2024, members=10, registered=10)
        (sess,) = add_course(s, [(date(2025, 2, 1), (PartyRole.BI_THU,))])
        other = add_org(s, "CS", parent=root, committee_size=1)
        attend(s, sess, other, PartyRole.BI_THU)
    return status(date(2025, 3, 15))


BREAKAGES = (
    "unit-missing-stage",
    "self-missing-stage",
    "summary-missing-stage",
    "feedback-without-late",
    "unknown-state",
    "progress-as-text",
    "progress-above-one",
    "done-on-not-a-date",
    "due-impossible-date",
    "warnings-not-strings",
    "schema-version-2",
    "summary-progress-missing",
    "count-negative",
    "target-met-not-bool",
    "unit-without-parent",
)


def _broken(doc: dict[str, Any], how: str) -> dict[str, Any]:
    bad = copy.deepcopy(doc)
    first = bad["units"][0]
    personnel = first["stages"]["personnel"]
    if how == "unit-missing-stage":
        del first["stages"]["training"]
    elif how == "self-missing-stage":
        del bad["self"]["stages"]["feedback"]
    elif how == "summary-missing-stage":
        del bad["stages"]["inspections"]
    elif how == "feedback-without-late":
        del bad["stages"]["feedback"]["late"]
    elif how == "unknown-state":
        personnel["state"] = "late"
    elif how == "progress-as-text":
        personnel["progress"] = "0.5"
    elif how == "progress-above-one":
        personnel["progress"] = 1.5
    elif how == "done-on-not-a-date":
        personnel["done_on"] = "15/03/2025"
    elif how == "due-impossible-date":
        personnel["due"] = "2025-02-30"
    elif how == "warnings-not-strings":
        personnel["warnings"] = [1]
    elif how == "schema-version-2":
        bad["schema"] = 2
    elif how == "summary-progress-missing":
        del bad["stages"]["training"]["progress"]
    elif how == "count-negative":
        bad["stages"]["personnel"]["done"] = -1
    elif how == "target-met-not-bool":
        bad["targets"][0]["met"] = "yes"
    elif how == "unit-without-parent":
        del first["parent"]
    return bad


def test_the_schema_accepts_the_contract_and_unknown_keys_and_rejects_the_rest(
    engine: Engine,
) -> None:
    Draft202012Validator.check_schema(status_schema())
    assert status_schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    doc = _rich_document()  # validated by status()
    assert doc["schema"] == 1
    assert [u["code"] for u in doc["units"]] == ["CS", "DB", "CT"]
    check = validator()
    accepted = [how for how in BREAKAGES if check.is_valid(_broken(doc, how))]
    assert accepted == []
    # Consumers must ignore keys they do not know: the schema allows them everywhere.
    extended = copy.deepcopy(doc)
    extended["extra"] = {"anything": [1, 2]}
    extended["self"]["note"] = "x"
    extended["units"][0]["stages"]["personnel"]["new_figure"] = 3
    extended["stages"]["training"]["median"] = 0.5
    extended["targets"][0]["source"] = "974-CV/ĐU"
    check.validate(extended)
